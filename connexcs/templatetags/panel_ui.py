"""Template helpers for how the panel looks and asks."""

import importlib

from django import template

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
