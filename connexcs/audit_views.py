"""Setup > Information > Audit Log: who changed what, when and from where, with each change's data
before and after (View Difference). Read-only: the log is append-only for everyone."""

import datetime as dt
import ipaddress
from urllib.parse import urlencode

import django_filters
import django_tables2 as tables
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html

from .choices import Area, AuditAction
from .models import AuditEvent
from .selectors import audit_event_list
from .views import ObjectDetailView, ObjectListView

DATE_INPUT = forms.DateInput(attrs={"type": "date"})


def audit_log_url(obj) -> str:
    """The Audit Log showing the changes of this one row (its "View Audit Log" link)."""
    table = ContentType.objects.get_for_model(obj).pk
    return f"{reverse('audit_log')}?{urlencode({'table': table, 'object_id': obj.pk})}"


def table_name(content_type: ContentType | None) -> str:
    """The changed row's kind, in the panel's words ("Customer", "Gateway"), or "" for none."""
    if content_type is None:
        return ""
    model = content_type.model_class()
    return str(model._meta.verbose_name).title() if model else content_type.model


def actor_cell(event: AuditEvent) -> str:
    """The actor's label, linked to the panel page of a portal contact who made the change."""
    row = event.actor_object
    url = row.get_absolute_url() if hasattr(row, "get_absolute_url") else ""
    return format_html('<a href="{}">{}</a>', url, event.actor_repr) if url else event.actor_repr


class AuditFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("date_from"), cleaned.get("date_to")
        if first and last and last < first:
            self.add_error("date_to", "The end date is before the start date.")
        return cleaned


class AuditEventFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search", help_text="User, IP, record ID or message")
    action = django_filters.ChoiceFilter(choices=AuditAction.choices, label="Action")
    table = django_filters.ModelChoiceFilter(
        field_name="content_type", queryset=ContentType.objects.none(), label="Table"
    )
    object_id = django_filters.CharFilter(label="Primary Key", max_length=64)
    date_from = django_filters.DateFilter(
        field_name="created_at", method="since", label="From", widget=DATE_INPUT, help_text="UTC"
    )
    date_to = django_filters.DateFilter(
        field_name="created_at", method="until", label="To", widget=DATE_INPUT, help_text="UTC, inclusive"
    )

    class Meta:
        model = AuditEvent
        fields = ["q", "action", "table", "object_id", "date_from", "date_to"]
        form = AuditFilterForm

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = ContentType.objects.filter(pk__in=AuditEvent.objects.values("content_type").distinct())
        field = self.filters["table"].field
        field.queryset = kinds.order_by("app_label", "model")
        field.label_from_instance = table_name

    def search(self, queryset, _name, value):
        text = value.strip()
        match = (
            Q(actor_repr__icontains=text)
            | Q(object_repr__icontains=text)
            | Q(note__icontains=text)
            | Q(object_id=text)
        )
        if _looks_like_ip(text):
            match |= Q(ip=text)
        return queryset.filter(match)

    def since(self, queryset, _name, value):
        return queryset.filter(created_at__gte=_day_start(value))

    def until(self, queryset, _name, value):
        return queryset.filter(created_at__lt=_day_start(value) + dt.timedelta(days=1))


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)


def _looks_like_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


class AuditEventTable(tables.Table):
    created_at = tables.Column(verbose_name="Date / Time")
    user = tables.Column(accessor="actor_repr", verbose_name="User")
    ip = tables.Column(verbose_name="IP", attrs={"td": {"class": "font-monospace"}})
    action = tables.Column(verbose_name="Action")
    table = tables.Column(accessor="content_type", verbose_name="Table", orderable=False)
    object_id = tables.Column(verbose_name="Primary Key")
    message = tables.Column(accessor="object_repr", verbose_name="Message", orderable=False, empty_values=())
    data = tables.Column(accessor="pk", verbose_name="Data", orderable=False)

    class Meta:
        model = AuditEvent
        fields = ["created_at", "user", "ip", "action", "table", "object_id", "message", "data"]
        order_by = "-created_at"
        empty_text = "No changes recorded yet."

    def render_created_at(self, value, record):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), f"{value:%Y-%m-%d %H:%M:%S}")

    def render_user(self, record):
        return actor_cell(record)

    def render_table(self, value):
        return table_name(value)

    def render_message(self, record):
        parts = [p for p in (record.object_repr, record.note) if p]
        return " · ".join(parts) or "—"

    def render_data(self, record):
        if record.before is None and record.after is None:
            return "—"
        return format_html('<a href="{}">View Difference</a>', record.get_absolute_url())


class AuditLogView(ObjectListView):
    area = Area.LOG
    selector = audit_event_list
    table = AuditEventTable
    filterset = AuditEventFilterSet
    title = "Audit Log"


def field_labels(content_type: ContentType | None) -> dict[str, str]:
    """A changed row's stored keys (attnames, e.g. "customer_id") -> the field's name on its form."""
    model = content_type.model_class() if content_type else None
    if model is None:
        return {}
    return {f.attname: str(f.verbose_name).title() for f in model._meta.concrete_fields}


def difference(before: dict | None, after: dict | None, labels: dict[str, str]) -> list[tuple]:
    """(field, before, after, changed) for every field either side names, changed ones first."""
    before, after = before or {}, after or {}
    rows = [(labels.get(key, key), before.get(key), after.get(key)) for key in {*before, *after}]
    rows = [(label, old, new, old != new) for label, old, new in rows]
    return sorted(rows, key=lambda row: (not row[3], row[0]))


class AuditEventDetailView(ObjectDetailView):
    area = Area.LOG
    selector = audit_event_list
    template_name = "connexcs/audit_event.html"
    list_label = "Audit Log"
    list_url_name = "audit_log"
    context_object_name = "event"

    def get_breadcrumbs(self):
        return [(self.list_label, reverse(self.list_url_name)), (self.get_title(), None)]

    def get_title(self):
        event = self.object
        return f"{event.get_action_display()}: {event.object_repr or table_name(event.content_type)}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event = self.object
        context["rows"] = difference(event.before, event.after, field_labels(event.content_type))
        context["changed"] = sum(1 for row in context["rows"] if row[3])
        context["table_name"] = table_name(event.content_type)
        context["actor"] = actor_cell(event)
        return context
