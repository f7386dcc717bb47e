"""The carrier portal's Payments; included by portal.site_urls inside the portal_site namespace."""

from django.urls import path

from . import carrier_portal_views

urlpatterns = [
    path("", carrier_portal_views.CarrierPaymentsView.as_view(), name="carrier_payments"),
    path(
        "download/",
        carrier_portal_views.CarrierPaymentsDownloadView.as_view(),
        name="carrier_payments_download",
    ),
]
