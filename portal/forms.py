from django import forms

from connexcs.money import CURRENCY_CHOICES
from customers.models import Customer

from .choices import BreakoutColumn, CDRColumn, Override
from .features import FEATURES, NOT_AVAILABLE
from .models import PortalDomain

BASIC = [
    "domain",
    "brand_name",
    "customer_signup",
    "carrier_signup",
    "currencies",
    "template_customer",
    "require_two_factor",
]
ADVANCED = ["javascript", "css", "logo_file", "remove_logo", "footer"]
SMTP = ["smtp_server", "smtp_port", "smtp_tls", "smtp_username", "smtp_password", "smtp_from"]
COLUMNS = [
    "breakout_customer_columns",
    "breakout_carrier_columns",
    "cdr_customer_columns",
    "cdr_carrier_columns",
]
# What sign-up copies from the Template Customer; listed on the form so the operator knows.
TEMPLATE_COPIES = (
    "its fields (credit / debit limit, channels, CPS, tax %, minimum payment, daily spend limit), "
    "its routes, and its complete payments in the chosen currency; the person signing up becomes "
    "the first contact."
)


def feature_field(key: str) -> str:
    return f"feature_{key}"


def _columns(label: str, choices) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label, choices=choices, required=False, widget=forms.CheckboxSelectMultiple
    )


class DomainForm(forms.Form):
    domain = forms.CharField(
        label="Domain",
        max_length=300,
        help_text="The address your customers open, e.g. portal.yourdomain.com.",
    )
    brand_name = forms.CharField(label="Brand Name", max_length=100)
    customer_signup = forms.BooleanField(label="Customer Sign up", required=False)
    carrier_signup = forms.BooleanField(label="Carrier Sign up", required=False)
    require_two_factor = forms.BooleanField(
        label="Require 2FA",
        required=False,
        help_text="Contacts must set up an authenticator app before they can use the portal.",
    )
    currencies = forms.MultipleChoiceField(
        label="Currencies", choices=CURRENCY_CHOICES, required=False, help_text="Offered at sign-up."
    )
    template_customer = forms.ModelChoiceField(
        label="Template Customer",
        queryset=Customer.objects.order_by("name"),
        required=False,
        help_text=f"Copied to each customer who signs up: {TEMPLATE_COPIES}",
    )
    breakout_customer_columns = _columns("Customer columns", BreakoutColumn.choices)
    breakout_carrier_columns = _columns("Carrier columns", BreakoutColumn.choices)
    cdr_customer_columns = _columns("Customer columns", CDRColumn.choices)
    cdr_carrier_columns = _columns("Carrier columns", CDRColumn.choices)
    javascript = forms.CharField(
        label="Javascript",
        required=False,
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 4, "class": "font-monospace"}),
        help_text=(
            # help_text is rendered unescaped by crispy: spell the tag as entities.
            "Raw JavaScript, or &lt;script src=&quot;https://...&quot;&gt;&lt;/script&gt;. "
            "Runs only on this brand's portal."
        ),
    )
    css = forms.CharField(
        label="CSS",
        required=False,
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 4, "class": "font-monospace"}),
    )
    logo_file = forms.FileField(
        label="Upload Logo", required=False, help_text="JPG, PNG or GIF, at most 350 px wide."
    )
    remove_logo = forms.BooleanField(label="Remove the current logo", required=False)
    footer = forms.CharField(label="Footer", max_length=500, required=False)
    smtp_server = forms.CharField(label="Server", max_length=200, required=False)
    smtp_port = forms.IntegerField(label="Port", min_value=1, max_value=65535, initial=587)
    smtp_tls = forms.BooleanField(
        label="TLS",
        required=False,
        initial=True,
        help_text="STARTTLS, or TLS from the start on port 465; the server's certificate is always checked.",
    )
    smtp_username = forms.CharField(label="Username", max_length=200, required=False)
    smtp_password = forms.CharField(
        label="Password",
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="Leave empty to keep the stored password.",
    )
    smtp_from = forms.EmailField(label="From Email Address", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for feature in FEATURES:
            self.fields[feature_field(feature.key)] = forms.BooleanField(
                label=feature.label,
                required=False,
                help_text="" if feature.available else f"{NOT_AVAILABLE.capitalize()}: stored for later.",
            )

    @staticmethod
    def initial_from(domain: PortalDomain) -> dict:
        initial = {name: getattr(domain, name) for name in BASIC + COLUMNS + ["javascript", "css", "footer"]}
        initial.update({name: getattr(domain, name) for name in SMTP if name != "smtp_password"})
        initial.update({feature_field(k): on for k, on in (domain.features or {}).items()})
        return initial

    def tabs(self) -> list[tuple[str, list]]:
        access = [self[feature_field(f.key)] for f in FEATURES]
        return [
            ("Basic", [self[n] for n in BASIC]),
            ("User Access Area", access),
            ("Breakout", [self["breakout_customer_columns"], self["breakout_carrier_columns"]]),
            ("CDR", [self["cdr_customer_columns"], self["cdr_carrier_columns"]]),
            ("Advanced", [self[n] for n in ADVANCED]),
            ("SMTP", [self[n] for n in SMTP]),
        ]

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["features"] = {f.key: data.pop(feature_field(f.key)) for f in FEATURES}
        return data


class CustomerConfigForm(forms.Form):
    """Customer > Edit > Config: the brand (Domain) and Portal Access Show/Hide overrides."""

    domain = forms.ModelChoiceField(
        label="Domain", queryset=PortalDomain.objects.order_by("domain"), required=False, empty_label="(none)"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "Brand default"), *Override.choices]
        for feature in FEATURES:
            self.fields[feature_field(feature.key)] = forms.ChoiceField(
                label=feature.label,
                choices=choices,
                required=False,
                help_text="" if feature.available else NOT_AVAILABLE.capitalize(),
            )

    def feature_fields(self):
        return [self[feature_field(f.key)] for f in FEATURES]

    def service_kwargs(self) -> dict:
        return {
            "domain": self.cleaned_data["domain"],
            "overrides": {f.key: self.cleaned_data[feature_field(f.key)] for f in FEATURES},
        }


class CarrierInviteForm(forms.Form):
    domain = forms.ModelChoiceField(
        label="Domain",
        queryset=PortalDomain.objects.filter(features__carrier_portal=True).order_by("domain"),
        help_text='Brands whose User Access Area has "Carrier Portal" on.',
    )
    name = forms.CharField(label="Name", max_length=150)
    email = forms.EmailField(label="Email")
