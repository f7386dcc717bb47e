from django import forms
from django.contrib.postgres.forms import SimpleArrayField

from connexcs.forms import ServiceValidatedModelForm

from .models import Package
from .selectors import assignable_packages
from .services import PACKAGE_FIELDS


class PackageForm(ServiceValidatedModelForm):
    frequency_match = SimpleArrayField(
        forms.IntegerField(min_value=1, max_value=31),
        required=False,
        label="Frequency Match",
        help_text=(
            "Weekly: days of the week, 1 (Monday) to 7 (Sunday). Monthly: days of the month, e.g. 15, 31 "
            "to bill twice a month. A day a month does not have (31 in April, 30 in February) bills on "
            "that month's last day. Empty: the day the package was assigned."
        ),
    )

    class Meta:
        model = Package
        fields = list(PACKAGE_FIELDS)
        labels = {
            "setup_cost": "Setup Cost",
            "setup_retail": "Setup Retail",
            "minimum_days": "Minimum Days",
            "destinations": "Destination",
            "free_minutes": "Minutes",
            "minimum_spend": "Minimum Spend",
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class PackageAssignForm(forms.Form):
    package = forms.ModelChoiceField(queryset=Package.objects.none())
    start_date = forms.DateField(
        label="Start Date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Empty: today. Billing dates count from this day.",
    )

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["package"].queryset = assignable_packages(actor=actor)
