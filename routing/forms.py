from django import forms

from ratecards.selectors import customer_card_choices

from .models import IngressRoute

ONE_DAY = 24 * 60 * 60  # seconds; the longest call the simulator prices


class IngressRouteForm(forms.ModelForm):
    class Meta:
        model = IngressRoute
        fields = [
            "card",
            "tech_prefix",
            "dial_prefixes",
            "dial_pattern",
            "enabled",
            "channels",
            "cps",
            "max_duration",
            "profit_assurance",
            "public_notes",
            "private_notes",
        ]
        widgets = {
            "public_notes": forms.Textarea(attrs={"rows": 2}),
            "private_notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The seeds call the customer card list the tariff list.
        self.fields["card"].choices = [("", "Select a tariff…"), *customer_card_choices()]
        self.fields["card"].label = "Rate Card"


class ApiTokenForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="Which SIP proxy uses it, e.g. kamailio-lon-1.")


class SimulatorForm(forms.Form):
    source_ip = forms.GenericIPAddressField(label="Source IP", required=False)
    username = forms.CharField(label="SIP User", required=False, max_length=64)
    number = forms.RegexField(
        label="Number",
        regex=r"^\+?[0-9*#]{1,40}$",
        error_messages={"invalid": "Digits only (a leading + and a tech prefix's * or # allowed)."},
    )
    duration = forms.IntegerField(label="Call Duration (s)", min_value=0, max_value=ONE_DAY, initial=60)

    def clean(self):
        data = super().clean()
        if not data.get("source_ip") and not data.get("username"):
            self.add_error("source_ip", "Enter a source IP or a SIP user.")
        return data
