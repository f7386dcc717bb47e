"""Filter pieces the apps' FilterSets share."""

import django_filters
from django import forms


class AnyYesNo(forms.NullBooleanSelect):
    """A yes/no filter's choices, led by "Any" (no filter) rather than Django's "Unknown"."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("unknown", "Any"), ("true", "Yes"), ("false", "No")]


class BooleanFilter(django_filters.BooleanFilter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", AnyYesNo)
        super().__init__(*args, **kwargs)
