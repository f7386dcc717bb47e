from django.urls import path

from . import webhooks

app_name = "webhooks"

urlpatterns = [
    path("stripe/<int:gateway_id>/", webhooks.stripe_webhook, name="stripe"),
    path("paypal/<int:gateway_id>/", webhooks.paypal_webhook, name="paypal"),
]
