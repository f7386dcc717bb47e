from django import forms

from carriers.models import Carrier
from connexcs.constraints import ConstraintMessagesMixin
from connexcs.money import CURRENCY_CHOICES, Rounding

from .choices import ApplyTo, CardStatus, ProfitStatus, ProfitType, RateCompact, RowStatus
from .models import ExchangeRate, ProviderCard


class ProviderCardForm(forms.Form):
    name = forms.CharField(max_length=150)
    carrier = forms.ModelChoiceField(queryset=Carrier.objects.order_by("name"))
    currency = forms.ChoiceField(choices=CURRENCY_CHOICES, initial="USD")
    precision = forms.IntegerField(label="Billing precision", min_value=0, max_value=6, initial=4)
    rounding = forms.ChoiceField(label="Rounding method", choices=Rounding.choices, initial=Rounding.UP)
    status = forms.ChoiceField(choices=CardStatus.choices, initial=CardStatus.ACTIVE)

    def __init__(self, *args, instance=None, **kwargs):
        if instance is not None:
            kwargs.setdefault("initial", {}).update(
                {f: getattr(instance, f) for f in ("name", "currency", "precision", "rounding", "status")}
                | {"carrier": instance.carrier_id}
            )
        super().__init__(*args, **kwargs)


class RateRowForm(forms.Form):
    prefix = forms.CharField(max_length=40)
    name = forms.CharField(max_length=200, required=False)
    cost = forms.DecimalField(min_value=0, max_digits=14, decimal_places=6)
    connect_cost = forms.DecimalField(
        label="Connect Cost", min_value=0, max_digits=14, decimal_places=6, required=False
    )
    billing = forms.CharField(max_length=11, initial="1/1", help_text="MCD/Pulse, such as 1/1, 30/6 or 60/60")
    status = forms.ChoiceField(choices=RowStatus.choices, initial=RowStatus.ACTIVE)

    def __init__(self, *args, form_id: str = "", **kwargs):
        """`form_id` ties the inputs to that <form> too, so Save and Publish sends the row being typed."""
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = (
                "form-select form-select-sm" if select else "form-control form-control-sm"
            )
            if form_id:
                field.widget.attrs["form"] = form_id


class UploadForm(forms.Form):
    file = forms.FileField(help_text="CSV (any delimiter, UTF-8 or UTF-16) or XLSX")
    start_row = forms.IntegerField(min_value=1, initial=2, help_text="The first row with rates")
    prefix = forms.IntegerField(label="Prefix column", min_value=1, initial=1)
    name = forms.IntegerField(label="Name column", min_value=0, initial=2)
    cost = forms.IntegerField(label="Cost column", min_value=1, initial=3)
    connect_cost = forms.IntegerField(label="Connect cost column", min_value=0, initial=4)
    billing = forms.IntegerField(
        label="Billing column", min_value=0, initial=5, help_text="0 = use MCD and Pulse"
    )
    mcd = forms.IntegerField(label="MCD column", min_value=0, initial=0)
    pulse = forms.IntegerField(label="Pulse column", min_value=0, initial=0)
    status = forms.IntegerField(label="Status column", min_value=0, initial=0)

    def __init__(self, *args, preview_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if preview_url:
            # Choosing a file shows its first lines below the form (htmx sends the form with the file).
            self.fields["file"].widget.attrs.update(
                {
                    "hx-post": preview_url,
                    "hx-trigger": "change",
                    "hx-target": "#upload-preview",
                    "hx-encoding": "multipart/form-data",
                    "hx-vals": '{"preview": "1"}',
                }
            )

    def mapping(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "file"}


class CustomerCardForm(forms.Form):
    name = forms.CharField(max_length=150)
    providers = forms.ModelMultipleChoiceField(
        label="Carrier Cards",
        queryset=ProviderCard.objects.select_related("carrier").order_by("name"),
        help_text="Least cost routing (LCR) across the cards picked, cheapest first",
    )
    currency = forms.ChoiceField(choices=CURRENCY_CHOICES, initial="USD")
    rate_compact = forms.ChoiceField(
        label="Rate Compact", choices=RateCompact.choices, initial=RateCompact.MIN
    )
    precision = forms.IntegerField(min_value=0, max_value=6, initial=4)
    rounding = forms.ChoiceField(choices=Rounding.choices, initial=Rounding.UP)
    duration_rounding = forms.ChoiceField(
        label="Duration Rounding",
        choices=Rounding.choices,
        initial=Rounding.UP,
        help_text="How a call's measured length becomes whole seconds: Up (Full-Up) bills 60.1 s as 61 s.",
    )
    status = forms.ChoiceField(choices=CardStatus.choices, initial=CardStatus.ACTIVE)

    def __init__(self, *args, instance=None, **kwargs):
        if instance is not None:
            kwargs.setdefault("initial", {}).update(
                {
                    f: getattr(instance, f)
                    for f in (
                        "name",
                        "currency",
                        "rate_compact",
                        "precision",
                        "rounding",
                        "duration_rounding",
                        "status",
                    )
                }
                | {"providers": [p.pk for p in instance.ordered_providers()]}
            )
        super().__init__(*args, **kwargs)

    def clean_providers(self):
        # Keep the order in which they were listed: it breaks ties between equal costs.
        chosen = {p.pk: p for p in self.cleaned_data["providers"]}
        order = (
            [int(v) for v in self.data.getlist("providers") if v.isdigit()]
            if hasattr(self.data, "getlist")
            else []
        )
        ordered = [chosen[pk] for pk in order if pk in chosen]
        return ordered + [p for pk, p in chosen.items() if pk not in order]


class ProfitRuleForm(forms.Form):
    prefix = forms.CharField(max_length=40, required=False, help_text="Blank = the default rule")
    name = forms.CharField(max_length=200, required=False)
    profit_type = forms.ChoiceField(
        label="Profit Type", choices=ProfitType.choices, initial=ProfitType.ABSOLUTE
    )
    value = forms.DecimalField(
        label="Cost",
        max_digits=14,
        decimal_places=6,
        help_text="Absolute: the sell price. Relative: added to the cost. Percent: added as % of the cost.",
    )
    apply_to = forms.ChoiceField(label="Apply To", choices=ApplyTo.choices, initial=ApplyTo.COST)
    billing = forms.CharField(
        max_length=11, required=False, help_text="Blank = the worst case of the carriers"
    )
    precision = forms.IntegerField(
        label="Rounding",
        min_value=0,
        max_value=6,
        required=False,
        help_text="Decimal places; blank = the card's",
    )
    connect_cost = forms.DecimalField(
        label="Connect Cost", min_value=0, max_digits=14, decimal_places=6, required=False
    )
    status = forms.ChoiceField(choices=ProfitStatus.choices, initial=ProfitStatus.PROFIT)

    def __init__(self, *args, instance=None, **kwargs):
        if instance is not None:
            initial = {f: getattr(instance, f) for f in self.base_fields if hasattr(instance, f)}
            initial["billing"] = f"{instance.mcd}/{instance.pulse}" if instance.mcd is not None else ""
            kwargs.setdefault("initial", {}).update(initial)
        super().__init__(*args, **kwargs)


class ExchangeRateForm(ConstraintMessagesMixin, forms.ModelForm):
    class Meta:
        model = ExchangeRate
        fields = ["from_currency", "to_currency", "rate"]
        help_texts = {"rate": "Units of the second currency for one unit of the first"}
