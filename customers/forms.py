import uuid

from django import forms

from connexcs.bulk import BulkEditForm, keep_choices
from connexcs.forms import ServiceValidatedModelForm
from connexcs.money import AMOUNT_DIGITS, AMOUNT_PLACES

from .choices import CustomerStatus, PaymentStatus
from .models import Contact, Customer, IPAuth


class CustomerAddForm(ServiceValidatedModelForm):
    class Meta:
        model = Customer
        fields = ["name", "currency"]


class CustomerForm(ServiceValidatedModelForm):
    class Meta:
        model = Customer
        fields = [
            "name",
            "currency",
            "status",
            "debit_limit",
            "channels",
            "cps",
            "tax_percent",
            "minimum_payment",
            "daily_spend_limit",
            "portal_access",
        ]
        labels = {"debit_limit": "Credit / Debit Limit"}


class CustomerBulkEditForm(BulkEditForm):
    status = forms.ChoiceField(choices=keep_choices(CustomerStatus.choices, "customer"), required=False)
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
    portal_access = forms.TypedChoiceField(
        choices=keep_choices([("yes", "Allowed"), ("no", "Not allowed")], "customer"),
        coerce=lambda v: v == "yes",
        empty_value=None,
        required=False,
    )


class ContactForm(ServiceValidatedModelForm):
    class Meta:
        model = Contact
        fields = ["name", "email", "phone"]


class IPAuthForm(ServiceValidatedModelForm):
    class Meta:
        model = IPAuth
        fields = ["address", "direction", "protocol", "port", "channels", "cps", "tech_prefix"]
        labels = {"address": "IP Address"}
        help_texts = {
            "address": "IPv4 or IPv6 address, CIDR, host name or SRV record (_sip._udp.example.com)."
        }


class SIPUserForm(forms.Form):
    username = forms.CharField(max_length=64)
    password = forms.CharField(widget=forms.PasswordInput(render_value=False), strip=False)


class SIPUserEditForm(forms.Form):
    enabled = forms.BooleanField(required=False)
    password = forms.CharField(
        label="New Password",
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="Leave empty to keep the current password.",
    )


class PaymentForm(forms.Form):
    # A new key each time the form is shown, so a double click or a retried POST books one payment.
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4, required=False)
    description = forms.CharField(
        max_length=255,
        help_text="Text after a # is a private note: the customer's portal and emails do not show it.",
    )
    amount = forms.DecimalField(max_digits=AMOUNT_DIGITS, decimal_places=AMOUNT_PLACES)
    status = forms.ChoiceField(choices=PaymentStatus.choices, initial=PaymentStatus.PENDING)
    email_confirmation = forms.BooleanField(
        label="Email Confirmation",
        required=False,
        help_text="Email every contact of the customer that the payment was received and applied, once it is "
        "Complete (now, or when a Pending payment is marked Complete).",
    )

    def clean_idempotency_key(self):
        # A POST from outside the form (no key) is a new payment each time.
        return self.cleaned_data.get("idempotency_key") or uuid.uuid4()


class PaymentStatusForm(forms.Form):
    status = forms.ChoiceField(choices=PaymentStatus.choices)
