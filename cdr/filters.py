"""The filter forms of the CDR search and the Breakout report (GET forms; bad input is a field error)."""

import datetime as dt

import django_filters
from django import forms
from django.core.validators import RegexValidator

from carriers.models import Carrier
from customers.models import Customer, LedgerEntry

from .report_selectors import GROUPS, PERIODS

_digits = RegexValidator(r"^\d{1,20}$", "Digits only, at most 20.")
DATE_INPUT = forms.DateInput(attrs={"type": "date"})


class ListSelect(forms.Select):
    """A select whose options are written in one loop: the stock widget renders a template per
    option, which for a few hundred customers costs more than the search itself."""

    template_name = "cdr/widgets/select.html"

    def __init__(self, attrs=None, choices=()):
        super().__init__({"class": "form-select", **(attrs or {})}, choices)


def day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)


class DateRangeForm(forms.Form):
    date_from = forms.DateField(label="From", required=False, widget=DATE_INPUT, help_text="UTC")
    date_to = forms.DateField(label="To", required=False, widget=DATE_INPUT, help_text="UTC, inclusive")

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("date_from"), cleaned.get("date_to")
        if first and last and last < first:
            self.add_error("date_to", "The end date is before the start date.")
        return cleaned

    def period_bounds(self) -> tuple[dt.datetime | None, dt.datetime | None]:
        """[start, end) in UTC; `To` counts its whole day."""
        first, last = self.cleaned_data.get("date_from"), self.cleaned_data.get("date_to")
        return (
            day_start(first) if first else None,
            day_start(last) + dt.timedelta(days=1) if last else None,
        )


class ScopedChoices:
    """Drops the customer/carrier choice a scoped page (a customer's or carrier's tab) already fixes."""

    def __init__(self, *args, fixed: tuple[str, ...] = (), **kwargs):
        super().__init__(*args, **kwargs)
        for name in fixed:
            self.fields.pop(name, None)


class CdrSearchForm(ScopedChoices, DateRangeForm):
    customer = forms.ModelChoiceField(
        queryset=Customer.objects.order_by("name"), required=False, label="Customer", widget=ListSelect
    )
    carrier = forms.ModelChoiceField(
        queryset=Carrier.objects.order_by("name"), required=False, label="Carrier"
    )
    number = forms.CharField(
        label="Number Prefix", required=False, max_length=20, validators=[_digits], help_text="Dialled digits"
    )
    cli = forms.CharField(
        label="CLI Prefix", required=False, max_length=64, help_text="The caller's number, as it starts"
    )
    sip_code = forms.IntegerField(label="SIP Code", required=False, min_value=100, max_value=699)
    answered = forms.BooleanField(label="Connected Only", required=False)

    def filters(self) -> dict:
        start, end = self.period_bounds()
        data = self.cleaned_data
        found = {
            "start": start,
            "end": end,
            "number_prefix": data.get("number") or "",
            "cli_prefix": data.get("cli") or "",
            "sip_code": data.get("sip_code"),
            "answered_only": bool(data.get("answered")),
        }
        for name in ("customer", "carrier"):
            if data.get(name) is not None:
                found[name] = data[name]
        return found


class BreakoutForm(ScopedChoices, DateRangeForm):
    customer = forms.ModelChoiceField(
        queryset=Customer.objects.order_by("name"), required=False, label="Customer", widget=ListSelect
    )
    carrier = forms.ModelChoiceField(
        queryset=Carrier.objects.order_by("name"), required=False, label="Carrier"
    )
    prefix = forms.CharField(label="Prefix", required=False, max_length=20, validators=[_digits])
    group = forms.MultipleChoiceField(
        label="Group By",
        required=False,
        choices=list(GROUPS.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    period = forms.ChoiceField(label="Per", required=False, choices=[("", "Whole range"), *PERIODS.items()])

    MAX_DAYS = 93  # the rollups answer a quarter quickly; longer ranges are a download, not a page

    def __init__(self, data=None, *, today: dt.date, **kwargs):
        self.today = today
        if data is not None and not any(key in data for key in self.base_fields):
            data = None  # a first visit: show the defaults, not "required" errors
        super().__init__(data, **kwargs)
        self.initial.setdefault("date_from", today)
        self.initial.setdefault("date_to", today)
        self.initial.setdefault("group", ["customer"])

    def clean(self):
        cleaned = super().clean()
        first = cleaned.get("date_from") or self.today
        last = cleaned.get("date_to") or self.today
        if not self.errors and (last - first).days >= self.MAX_DAYS:
            self.add_error("date_to", f"Choose at most {self.MAX_DAYS} days.")
        cleaned["date_from"], cleaned["date_to"] = first, last
        return cleaned

    def report_kwargs(self) -> dict:
        data = self.cleaned_data if self.is_bound else {}
        first = data.get("date_from") or self.today
        last = data.get("date_to") or self.today
        groups = data.get("group") if self.is_bound else ["customer"]
        found = {
            "start": day_start(first),
            "end": day_start(last) + dt.timedelta(days=1),
            "prefix": data.get("prefix") or "",
            "groups": list(groups or []),
            "period": data.get("period") or "",
        }
        for name in ("customer", "carrier"):
            if data.get(name) is not None:
                found[name] = data[name]
        return found


class BalanceHistoryFilterSet(django_filters.FilterSet):
    """No filters: the running balance is summed over every entry, so none may be left out."""

    class Meta:
        model = LedgerEntry
        fields: list[str] = []
