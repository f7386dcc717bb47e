"""Database constraint violations in words a person can act on, against the field they check.

Django reports a failed CheckConstraint as "Constraint “name” is violated.", on no field. A form that
mixes in ConstraintMessagesMixin (or a view that passes a service's error through `explain`) shows
"Enter a value greater than 0." on the field the constraint's condition names instead.
"""

from functools import cache

from django.apps import apps
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import CheckConstraint, Q

PHRASES = {
    "gt": "Enter a value greater than {}.",
    "gte": "Enter a value of {} or more.",
    "lt": "Enter a value less than {}.",
    "lte": "Enter a value of {} or less.",
    "exact": "This must be {}.",
    "regex": "Enter digits only.",
}


@cache
def _by_message() -> dict[str, dict[str, str]]:
    """Default violation message -> {field: message} for every CheckConstraint of every model."""
    found = {}
    for model in apps.get_models():
        for constraint in model._meta.constraints:
            if isinstance(constraint, CheckConstraint):
                fields = _field_messages(constraint.condition)
                if fields:
                    found[constraint.get_violation_error_message()] = fields
    return found


def _field_messages(condition: Q) -> dict[str, str]:
    if condition.connector != Q.AND or condition.negated:
        return {}
    messages = {}
    for child in condition.children:
        if not isinstance(child, tuple):
            return {}
        field, _, lookup = child[0].partition("__")
        phrase = PHRASES.get(lookup or "exact")
        if phrase is None or "__" in lookup:
            return {}
        messages[field] = phrase.format(child[1])
    return messages


def explain(exc: ValidationError) -> ValidationError:
    """The same errors, with each known constraint message moved onto its field."""
    errors = exc.error_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.error_list}
    known = _by_message()
    out: dict[str, list] = {}
    for field, items in errors.items():
        for item in items:
            text = item.message % item.params if item.params else item.message
            if text in known:
                for name, message in known[text].items():
                    out.setdefault(name, []).append(ValidationError(message, code="constraint"))
            else:
                out.setdefault(field, []).append(item)
    return ValidationError(out)


class ConstraintMessagesMixin:
    """For forms: constraint errors land on the field, in words (fields the form lacks stay general)."""

    def add_error(self, field, error):
        if isinstance(error, ValidationError):
            error = explain(error if field is None else ValidationError({field: error.error_list}))
            for name, items in error.error_dict.items():
                target = name if name in self.fields else None
                super().add_error(target, items)
            return
        super().add_error(field, error)
