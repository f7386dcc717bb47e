"""The URLconf of a verified portal domain (chosen by connexcs.hosts): the brand's own pages only.

No panel URL exists here, and no URL here exists on the panel (its URLconf never includes this).
"""

from django.urls import include, path

from . import site_cdr, site_pages, site_views

pages = [
    path("", site_views.LoginView.as_view(), name="login"),
    path("login/code/", site_views.LoginTwoFactorView.as_view(), name="login_2fa"),
    path("logout/", site_views.logout, name="logout"),
    path("password/reset/", site_views.PasswordResetView.as_view(), name="password_reset"),
    path("password/set/<str:uid>/<str:token>/", site_views.SetPasswordView.as_view(), name="set_password"),
    path("signup/", site_views.SignupView.as_view(), name="signup"),
    path("signup/verify/<str:token>/", site_views.SignupVerifyView.as_view(), name="signup_verify"),
    path("home/", site_pages.HomeView.as_view(), name="home"),
    path("dashboard/", site_pages.DashboardView.as_view(), name="dashboard"),
    path("profile/", site_pages.ProfileView.as_view(), name="profile"),
    path("profile/two-factor/", site_pages.TwoFactorView.as_view(), name="two_factor"),
    path("rate-cards/", site_pages.RateCardListView.as_view(), name="rate_cards"),
    path("rate-cards/<int:pk>/", site_pages.RateCardView.as_view(), name="rate_card"),
    path(
        "rate-cards/<int:pk>/download/<str:fmt>/",
        site_pages.RateCardDownloadView.as_view(),
        name="rate_card_download",
    ),
    path("authentication/", site_pages.AuthenticationView.as_view(), name="authentication"),
    path("authentication/ip/add/", site_pages.IPAuthAddView.as_view(), name="ipauth_add"),
    path("authentication/ip/<int:pk>/delete/", site_pages.IPAuthDeleteView.as_view(), name="ipauth_delete"),
    path("authentication/sip/add/", site_pages.SIPUserAddView.as_view(), name="sipuser_add"),
    path(
        "authentication/sip/<int:pk>/delete/", site_pages.SIPUserDeleteView.as_view(), name="sipuser_delete"
    ),
    path("routes/", site_pages.RouteListView.as_view(), name="routes"),
    path("routes/<int:pk>/", site_pages.RouteEditView.as_view(), name="route_edit"),
    path("payments/", site_pages.PaymentListView.as_view(), name="payments"),
    path("payments/download/", site_pages.PaymentDownloadView.as_view(), name="payments_download"),
    path("interconnect/", site_pages.InterconnectView.as_view(), name="interconnect"),
    path("cdr/", site_cdr.TrafficPage.as_view(), name="cdr"),
    path("cdr/download/", site_cdr.TrafficPage.as_view(), {"download": True}, name="cdr_download"),
    path("breakout/", site_cdr.BreakoutView.as_view(), name="breakout"),
    path("carrier/traffic/", site_cdr.CarrierTrafficView.as_view(), name="carrier_traffic"),
    path(
        "carrier/traffic/download/",
        site_cdr.CarrierTrafficView.as_view(),
        {"download": True},
        name="carrier_traffic_download",
    ),
    path("carrier/rate-cards/", site_pages.CarrierRateCardListView.as_view(), name="carrier_rate_cards"),
    path("carrier/rate-cards/<int:pk>/", site_pages.CarrierRateCardView.as_view(), name="carrier_rate_card"),
    path(
        "carrier/rate-cards/<int:pk>/revisions/<int:number>/",
        site_pages.CarrierRateCardView.as_view(),
        name="carrier_rate_card_revision",
    ),
    path(
        "carrier/rate-cards/<int:pk>/revisions/<int:number>/download/<str:fmt>/",
        site_pages.CarrierRateCardDownloadView.as_view(),
        name="carrier_rate_card_download",
    ),
    path("carrier/payments/", include("payments.carrier_portal_urls")),
    path("make-payment/", include("payments.portal_urls")),
    path("packages/", include("packages.portal_urls")),
    path("brand.css", site_views.brand_css, name="brand_css"),
    path("brand.js", site_views.brand_js, name="brand_js"),
    path("brand-logo", site_views.brand_logo, name="brand_logo"),
    path("healthz", site_views.healthz, name="healthz"),
]

urlpatterns = [path("", include((pages, "portal_site")))]
