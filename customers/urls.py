from django.urls import path

from . import views

app_name = "customers"

urlpatterns = [
    path("", views.CustomerListView.as_view(), name="customer_list"),
    path("add/", views.CustomerAddView.as_view(), name="customer_add"),
    path("bulk-edit/", views.CustomerBulkEditView.as_view(), name="customer_bulk_edit"),
    path("bulk-delete/", views.CustomerBulkDeleteView.as_view(), name="customer_bulk_delete"),
    path("<int:pk>/", views.CustomerDetailView.as_view(), name="customer_detail"),
    path("<int:pk>/edit/", views.CustomerEditView.as_view(), name="customer_edit"),
    path("<int:pk>/delete/", views.CustomerDeleteView.as_view(), name="customer_delete"),
    path("<int:pk>/authentication/", views.CustomerAuthView.as_view(), name="customer_auth"),
    path("<int:pk>/payments/", views.PaymentListView.as_view(), name="customer_payments"),
    path("<int:pk>/contacts/", views.ContactListView.as_view(), name="customer_contacts"),
    path("<int:customer_pk>/ip-auth/add/", views.IPAuthAddView.as_view(), name="ipauth_add"),
    path("<int:customer_pk>/ip-auth/<int:pk>/edit/", views.IPAuthAddView.as_view(), name="ipauth_edit"),
    path(
        "<int:customer_pk>/ip-auth/<int:pk>/delete/", views.IPAuthDeleteView.as_view(), name="ipauth_delete"
    ),
    path("<int:customer_pk>/sip-users/add/", views.SIPUserAddView.as_view(), name="sipuser_add"),
    path("<int:customer_pk>/sip-users/<int:pk>/edit/", views.SIPUserEditView.as_view(), name="sipuser_edit"),
    path(
        "<int:customer_pk>/sip-users/<int:pk>/enable/",
        views.SIPUserEnableView.as_view(),
        name="sipuser_enable",
    ),
    path(
        "<int:customer_pk>/sip-users/<int:pk>/delete/",
        views.SIPUserDeleteView.as_view(),
        name="sipuser_delete",
    ),
    path(
        "<int:customer_pk>/sip-users/<int:pk>/reveal/",
        views.SIPUserRevealView.as_view(),
        name="sipuser_reveal",
    ),
    path("<int:pk>/number-blocks/add/", views.NumberBlockAssignView.as_view(), name="number_block_add"),
    path(
        "<int:customer_pk>/number-blocks/<int:pk>/release/",
        views.NumberBlockReleaseView.as_view(),
        name="number_block_release",
    ),
    path("<int:customer_pk>/payments/add/", views.PaymentAddView.as_view(), name="payment_add"),
    path(
        "<int:customer_pk>/payments/<int:pk>/status/",
        views.PaymentStatusView.as_view(),
        name="payment_status",
    ),
    path("<int:customer_pk>/contacts/add/", views.ContactAddView.as_view(), name="contact_add"),
    path(
        "<int:customer_pk>/contacts/<int:pk>/delete/",
        views.ContactDeleteView.as_view(),
        name="contact_delete",
    ),
]
