"""Template helpers for how the panel looks and asks."""

import importlib

from django import template

from connexcs.audit_views import audit_log_url
from connexcs.choices import Area
from connexcs.permissions import can

register = template.Library()


@register.simple_tag
def delete_refusal(obj) -> str:
    """Why `obj` may not be deleted, or "": from `<app>.selectors.<model>_delete_refusal` when the app
    has one (the same function its delete service enforces), so Delete is not offered in vain."""
    meta = obj._meta
    try:
        selectors = importlib.import_module(f"{meta.app_label}.selectors")
    except ModuleNotFoundError as exc:
        if exc.name != f"{meta.app_label}.selectors":
            raise
        return ""
    check = getattr(selectors, f"{meta.model_name}_delete_refusal", None)
    return check(obj) if check else ""


@register.simple_tag
def audit_link(obj, user) -> str:
    """The URL of `obj`'s changes in the Audit Log, or "" for a user who may not read the log."""
    return audit_log_url(obj) if can(user, Area.LOG) else ""
