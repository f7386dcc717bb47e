from django import forms

from connexcs.money import CURRENCY_CHOICES

from .choices import GatewayKind, GatewayMode

KEEP = "Leave blank to keep the saved one."


def _secret(label: str, *, required: bool, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=help_text,
    )


class GatewayForm(forms.Form):
    """Add New > PayPal or Stripe, and the edit page. Secrets are never rendered back."""

    name = forms.CharField(label="Name", max_length=100, required=False, help_text="Shown in the list.")
    mode = forms.ChoiceField(
        label="Mode", choices=GatewayMode.choices, initial=GatewayMode.LIVE, help_text="Live takes money."
    )
    currencies = forms.MultipleChoiceField(
        label="Currencies",
        choices=CURRENCY_CHOICES,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text="The currencies this account accepts payments in.",
    )

    def __init__(self, *args, kind: str, instance=None, **kwargs):
        if instance is not None:
            kwargs["initial"] = {
                "name": instance.name,
                "mode": instance.mode,
                "public_key": instance.public_key,
                "currencies": instance.currencies,
                **(kwargs.get("initial") or {}),
            }
        super().__init__(*args, **kwargs)
        editing = instance is not None
        if kind == GatewayKind.PAYPAL:
            self.fields["public_key"] = forms.CharField(label="Client ID", max_length=255)
            self.fields["secret"] = _secret("Secret", required=not editing, help_text=KEEP if editing else "")
        else:
            self.fields["public_key"] = forms.CharField(
                label="Public Key", max_length=255, help_text="pk_live_… or pk_test_…, from Stripe."
            )
            self.fields["secret"] = _secret(
                "Private Key", required=not editing, help_text=KEEP if editing else "sk_live_… or sk_test_…"
            )
            self.fields["webhook_secret"] = _secret(
                "Webhook Secret",
                required=not editing,
                help_text=KEEP if editing else "whsec_…, shown by Stripe for the webhook endpoint below.",
            )
        self.order_fields(["name", "mode", "public_key", "secret", "webhook_secret", "currencies"])


class PaymentLimitForm(forms.Form):
    minimum_amount = forms.DecimalField(label="Minimum Amount", min_value=0, decimal_places=4, max_digits=16)
    maximum_amount = forms.DecimalField(label="Maximum Amount", min_value=0, decimal_places=4, max_digits=16)

    def __init__(self, *args, instance=None, **kwargs):
        if instance is not None:
            from .selectors import brand_limits

            minimum, maximum = brand_limits(brand=instance)
            kwargs["initial"] = {
                "minimum_amount": minimum,
                "maximum_amount": maximum,
                **(kwargs.get("initial") or {}),
            }
        super().__init__(*args, **kwargs)
