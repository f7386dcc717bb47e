from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.DomainListView.as_view(), name="domain_list"),
    path("add/", views.DomainAddView.as_view(), name="domain_add"),
    path("<int:pk>/", views.DomainEditView.as_view(), name="domain_edit"),
    path("<int:pk>/logo/", views.DomainLogoView.as_view(), name="domain_logo"),
    path("<int:pk>/check/", views.DomainCheckView.as_view(), name="domain_check"),
    path("<int:pk>/delete/", views.DomainDeleteView.as_view(), name="domain_delete"),
    path("customers/<int:pk>/config/", views.CustomerConfigView.as_view(), name="customer_config"),
    path(
        "customers/<int:customer_pk>/contacts/<int:pk>/invite/",
        views.ContactInviteView.as_view(),
        name="contact_invite",
    ),
    path("carriers/<int:pk>/portal/", views.CarrierPortalView.as_view(), name="carrier_portal"),
    path("carriers/<int:pk>/portal/invite/", views.CarrierInviteView.as_view(), name="carrier_invite"),
    path("tls/ask", views.caddy_ask, name="caddy_ask"),
    path("tls/certificate", views.caddy_certificate, name="caddy_certificate"),
]
