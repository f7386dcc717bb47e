"""Acting on the ticked rows of a list, as the reference's list buttons do: **Bulk Edit** sets the same
fields on every ticked row, **Delete** removes them all or none.

An app gives its table a `TickColumn`, its list view `bulk_edit_url_name` / `bulk_delete_url_name`,
and configures the two views:

    class CarrierBulkEditView(CarrierArea, ObjectBulkEditView):
        form = CarrierBulkEditForm              # a BulkEditForm with the fields that may change
        create_service = services.carrier_bulk_update   # (actor=, carriers=[...], **changes)
        items_kwarg = "carriers"
        list_url_name = "carriers:carrier_list"

The ticked rows arrive as `?pk=..&pk=..` (the list's tick boxes belong to its `tick-form`).
"""

import django_tables2 as tables
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from .views import ObjectEditView

KEEP = ""


class TickColumn(tables.CheckBoxColumn):
    """A row's tick box; the header box ticks the page (static/js/app.js)."""

    def __init__(self, **kwargs):
        attrs = {
            "input": {"form": "tick-form", "aria-label": "Tick"},
            "th__input": {"data-tick-all": "pk", "aria-label": "Tick all"},
        }
        super().__init__(accessor="pk", attrs=attrs, orderable=False, **kwargs)


def keep_choices(choices, noun: str) -> list:
    return [(KEEP, f"Keep each {noun}'s own"), *choices]


class BulkEditForm(forms.Form):
    """`items`: the rows to change. Subclasses declare the fields that may change, all optional: an empty
    one keeps each row's own value."""

    items = forms.ModelMultipleChoiceField(
        queryset=None,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="Hold Ctrl (⌘ on a Mac) to choose several.",
    )

    def __init__(self, *args, queryset=None, label: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = queryset
        self.fields["items"].label = label

    def changes(self) -> dict:
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name != "items" and value is not None and value != KEEP
        }


class BulkDeleteForm(BulkEditForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].widget = forms.MultipleHiddenInput()


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


class ObjectBulkEditView(ObjectEditView):
    """Calls `create_service(actor=..., <items_kwarg>=[rows], **form.changes())`, which returns the rows."""

    template_name = "generic/object_edit.html"
    title = "Bulk Edit"
    items_kwarg = ""  # the service's keyword for the rows, e.g. "customers"
    noun = ""  # "customer"
    list_url_name = ""
    list_label = ""

    def get_success_url(self):
        return reverse(self.list_url_name)

    def get_breadcrumbs(self):
        return [(self.list_label, reverse(self.list_url_name)), (self.get_title(), None)]

    def get_cancel_url(self):
        return reverse(self.list_url_name)

    def get_initial(self):
        return {"items": [pk for pk in self.request.GET.getlist("pk") if pk.isdigit()]}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "queryset": self.get_queryset(), "label": self.list_label}

    def get_service_kwargs(self, form):
        return {self.items_kwarg: list(form.cleaned_data["items"]), **form.changes()}

    def call_service(self, form):
        try:
            return super().call_service(form)
        except ValidationError as exc:
            # The service names the rows by its own keyword; the form calls that field `items`.
            if hasattr(exc, "error_dict") and self.items_kwarg in exc.error_dict:
                exc.error_dict["items"] = exc.error_dict.pop(self.items_kwarg)
            raise

    def saved(self):
        self.success_message = f"Updated {plural(len(self.result), self.noun)}."
        return super().saved()

    def get_context_data(self, **kwargs):
        confirm = f"Change the chosen fields on every chosen {self.noun}?"
        return super().get_context_data(confirm=confirm, submit_label="Save", **kwargs)


class ObjectBulkDeleteView(ObjectBulkEditView):
    """Names the ticked rows and why any must be kept: `refusals(<items_kwarg>=rows)` gives
    {pk: reason} by the rule the delete service enforces. `create_service(actor=..., <items_kwarg>=rows)`
    deletes all or none and returns how many."""

    template_name = "generic/bulk_delete.html"
    form = BulkDeleteForm
    refusals = None

    def get_title(self):
        return f"Delete {self.list_label}"

    def get_service_kwargs(self, form):
        return {self.items_kwarg: list(form.cleaned_data["items"])}

    def saved(self):
        self.success_message = f"Deleted {plural(self.result, self.noun)}."
        return super(ObjectBulkEditView, self).saved()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        pks = form.data.getlist("items") if form.is_bound else form.initial["items"]
        chosen = list(self.get_queryset().filter(pk__in=[pk for pk in pks if str(pk).isdigit()]))
        refusals = type(self).refusals(**{self.items_kwarg: chosen})
        context.update(
            chosen=[(row, refusals.get(row.pk, "")) for row in chosen],
            refused=len(refusals),
            confirm=f"Delete {plural(len(chosen), self.noun)}? This cannot be undone.",
        )
        return context
