"""The URLconf of a verified portal domain (chosen by connexcs.hosts): the brand's own pages only.

No panel URL exists here, and no URL here exists on the panel (its URLconf never includes this).
"""

from django.urls import include, path

from . import site_pages, site_views

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
    path("make-payment/", include("payments.portal_urls")),
    path("brand.css", site_views.brand_css, name="brand_css"),
    path("brand.js", site_views.brand_js, name="brand_js"),
    path("brand-logo", site_views.brand_logo, name="brand_logo"),
    path("healthz", site_views.healthz, name="healthz"),
]

urlpatterns = [path("", include((pages, "portal_site")))]
