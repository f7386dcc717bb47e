from django.urls import path

from . import carrier_views, views

app_name = "payments"

urlpatterns = [
    path("accounts/my-account/api/", views.GatewayListView.as_view(), name="gateway_list"),
    path("accounts/my-account/api/add/<str:kind>/", views.GatewayEditView.as_view(), name="gateway_add"),
    path("accounts/my-account/api/<int:pk>/", views.GatewayEditView.as_view(), name="gateway_edit"),
    path("accounts/my-account/api/<int:pk>/refresh/", views.GatewayCheckView.as_view(), name="gateway_check"),
    path(
        "accounts/my-account/api/<int:pk>/delete/", views.GatewayDeleteView.as_view(), name="gateway_delete"
    ),
    path(
        "accounts/my-account/api/limits/<int:pk>/",
        views.PaymentLimitEditView.as_view(),
        name="limit_edit",
    ),
    path("accounts/my-account/payments/", views.OnlinePaymentListView.as_view(), name="payment_list"),
    # Tabs of Management > Carrier (the carrier's own URLs are carriers/<pk>/...).
    path(
        "carriers/<int:pk>/payments/", carrier_views.CarrierPaymentListView.as_view(), name="carrier_payments"
    ),
    path(
        "carriers/<int:carrier_pk>/payments/add/",
        carrier_views.CarrierPaymentAddView.as_view(),
        name="carrier_payment_add",
    ),
    path(
        "carriers/<int:carrier_pk>/payments/<int:pk>/void/",
        carrier_views.CarrierPaymentVoidView.as_view(),
        name="carrier_payment_void",
    ),
]
