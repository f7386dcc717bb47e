"""Make Payment on a brand's portal; included by portal.site_urls inside the portal_site namespace."""

from django.urls import path

from . import portal_views

urlpatterns = [
    path("", portal_views.MakePaymentView.as_view(), name="make_payment"),
    path("<uuid:reference>/", portal_views.PaymentStatusView.as_view(), name="payment_status"),
    path("<uuid:reference>/done/", portal_views.PaymentReturnView.as_view(), name="payment_return"),
    path("<uuid:reference>/cancel/", portal_views.PaymentCancelView.as_view(), name="payment_cancel"),
]
