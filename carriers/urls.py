from django.urls import path

from . import views

app_name = "carriers"

urlpatterns = [
    path("", views.CarrierListView.as_view(), name="carrier_list"),
    path("add/", views.CarrierAddView.as_view(), name="carrier_add"),
    path("bulk-edit/", views.CarrierBulkEditView.as_view(), name="carrier_bulk_edit"),
    path("bulk-delete/", views.CarrierBulkDeleteView.as_view(), name="carrier_bulk_delete"),
    path("<int:pk>/", views.CarrierDetailView.as_view(), name="carrier_detail"),
    path("<int:pk>/edit/", views.CarrierEditView.as_view(), name="carrier_edit"),
    path("<int:pk>/delete/", views.CarrierDeleteView.as_view(), name="carrier_delete"),
    path("<int:pk>/authentication/", views.CarrierAuthView.as_view(), name="carrier_auth"),
    path("<int:carrier_pk>/gateways/add/", views.GatewayEditView.as_view(), name="gateway_add"),
    path("<int:carrier_pk>/gateways/<int:pk>/edit/", views.GatewayEditView.as_view(), name="gateway_edit"),
    path(
        "<int:carrier_pk>/gateways/<int:pk>/delete/", views.GatewayDeleteView.as_view(), name="gateway_delete"
    ),
]
