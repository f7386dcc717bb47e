import uuid

from django import forms
from django.utils import timezone

from connexcs.bulk import BulkEditForm, keep_choices
from connexcs.forms import ServiceValidatedModelForm
from connexcs.money import AMOUNT_DIGITS, AMOUNT_PLACES

from .choices import CarrierPaymentDirection, CarrierStatus
from .models import Carrier, Gateway


class CarrierAddForm(ServiceValidatedModelForm):
    class Meta:
        model = Carrier
        fields = [
            "name",
            "currency",
            "status",
            "channels",
            "cps",
            "first_reply_timeout",
            "pdd_timeout",
            "ring_timeout",
        ]
        labels = {"name": "Carrier Name"}


class CarrierForm(CarrierAddForm):
    pass


class GatewayForm(ServiceValidatedModelForm):
    class Meta:
        model = Gateway
        fields = ["address", "port", "protocol", "weight", "enabled"]
        labels = {"address": "IP Address"}
        help_texts = {"address": "Termination IP address, host name or SRV record (_sip._udp.example.com)."}
        widgets = {"enabled": forms.CheckboxInput}


class CarrierPaymentForm(forms.Form):
    # A new key each time the form is shown, so a double click or a retried POST books one payment.
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4, required=False)
    direction = forms.ChoiceField(label="Type", choices=CarrierPaymentDirection.choices)
    amount = forms.DecimalField(label="Total", max_digits=AMOUNT_DIGITS, decimal_places=AMOUNT_PLACES)
    paid_on = forms.DateField(
        label="Date",
        initial=timezone.localdate,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    reference = forms.CharField(
        label="Reference", max_length=100, required=False, help_text="The bank or invoice reference."
    )
    description = forms.CharField(
        label="Description",
        max_length=255,
        required=False,
        help_text="Text after a # is a private note: the carrier portal does not show it.",
    )

    def clean_idempotency_key(self):
        # A POST from outside the form (no key) is a new payment each time.
        return self.cleaned_data.get("idempotency_key") or uuid.uuid4()


class CarrierPaymentVoidForm(forms.Form):
    reason = forms.CharField(label="Reason", max_length=255)


class CarrierBulkEditForm(BulkEditForm):
    status = forms.ChoiceField(choices=keep_choices(CarrierStatus.choices, "carrier"), required=False)
    channels = forms.IntegerField(
        min_value=0,
        required=False,
        help_text="Concurrent calls; 0 means unlimited, empty keeps each one's own.",
    )
    cps = forms.IntegerField(
        label="Flow Speed (CPS)",
        min_value=0,
        required=False,
        help_text="Calls per second; 0 means unlimited, empty keeps each one's own.",
    )
