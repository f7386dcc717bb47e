"""Run a service's own checks on a form that already failed, so every error shows on the first submit.

The service runs with the fields that did validate, inside a transaction that is always rolled back
(its audit rows go too, and on_commit work such as task enqueues and version bumps is discarded).
"""

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction

from .constraints import explain

COULD_NOT_RUN = object()


class _RollBack(Exception):
    pass


def service_errors(call: Callable[[], object]):
    """The service's ValidationError, None if it passed, or COULD_NOT_RUN on partial data."""
    outcome = None
    try:
        with transaction.atomic():
            try:
                call()
            except ValidationError as exc:
                outcome = exc
            except Exception:  # partial data may not reach the checks; the real submit will
                outcome = COULD_NOT_RUN
            raise _RollBack
    except _RollBack:
        pass
    return outcome


def _run_with(form, call, data: dict):
    cleaned = form.cleaned_data
    form.cleaned_data = data
    try:
        return service_errors(call)
    finally:
        form.cleaned_data = cleaned


def add_first_submit_errors(form, call: Callable[[], object]) -> None:
    """Add the service's errors for fields the form has not already faulted."""
    # First without the failed fields (an update keeps their stored values); a create service that
    # needs them gets None, so one that checks every field still reaches the others.
    outcome = _run_with(form, call, dict(form.cleaned_data))
    if outcome is COULD_NOT_RUN:
        failed = {name: None for name in form.errors if name in form.fields}
        outcome = _run_with(form, call, {**failed, **form.cleaned_data})
    if not isinstance(outcome, ValidationError):
        return
    error = explain(outcome)
    for field, items in error.error_dict.items():
        target = field if field in form.fields else None
        if target is not None and target in form.errors:
            continue  # the field's own error says it first; the service saw no value for it
        if target is None and form.non_field_errors():
            continue
        form.add_error(target, items)
