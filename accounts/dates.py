"""Dates shown in the panel follow General Information > Date Format.

The format is read once per request (lazily, so pages without dates pay nothing) and kept in a
context variable, so a table of N rows costs one query, not N."""

from contextvars import ContextVar
from datetime import date, datetime

import django_tables2 as tables
from django.db import models
from django.utils import dateformat, timezone

from .models import AccountSettings

_request_cache: ContextVar[dict | None] = ContextVar("panel_date_cache", default=None)


def _saved_format() -> str:
    # Read only the one column, and never create the settings row just to show a page.
    saved = AccountSettings.objects.filter(pk=1).values_list("date_format", flat=True).first()
    return saved or AccountSettings._meta.get_field("date_format").default


def panel_date_format() -> str:
    cache = _request_cache.get()
    if cache is None:
        return _saved_format()
    if "format" not in cache:
        cache["format"] = _saved_format()
    return cache["format"]


def panel_date(value) -> str:
    """A date in the panel's format; a datetime also gets its time (HH:MM, in the panel's time zone)."""
    if value in (None, ""):
        return ""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return dateformat.format(value, f"{panel_date_format()} H:i")
    if isinstance(value, date):
        return dateformat.format(value, panel_date_format())
    return str(value)


class PanelDateFormatMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_cache.set({})
        try:
            return self.get_response(request)
        finally:
            _request_cache.reset(token)


class PanelDateColumn(tables.Column):
    """Every date column made from a model field shows the panel's format (registered in apps.py)."""

    def render(self, value):
        return panel_date(value)

    def value(self, value):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value

    @classmethod
    def from_field(cls, field, **kwargs):
        if isinstance(field, models.DateField):
            return cls(**kwargs)
        return None
