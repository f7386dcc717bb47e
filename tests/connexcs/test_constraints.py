import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from connexcs.constraints import explain
from ratecards.forms import ExchangeRateForm
from ratecards.models import ExchangeRate, ProviderRate


@pytest.mark.django_db
def test_a_failed_check_constraint_is_a_message_on_its_field():
    form = ExchangeRateForm(data={"from_currency": "USD", "to_currency": "GBP", "rate": "0"})
    assert not form.is_valid()
    assert form.errors == {"rate": ["Enter a value greater than 0."]}


def test_a_service_error_naming_a_constraint_is_spread_over_the_fields_it_checks():
    constraint = next(c for c in ProviderRate._meta.constraints if c.name == "provider_rate_cost")
    exc = explain(ValidationError(constraint.get_violation_error_message()))
    assert {field: [e.message for e in items] for field, items in exc.error_dict.items()} == {
        "cost": ["Enter a value of 0 or more."],
        "connect_cost": ["Enter a value of 0 or more."],
    }


def test_other_errors_pass_through_unchanged():
    exc = explain(ValidationError({"name": "Taken.", NON_FIELD_ERRORS: ["Something else."]}))
    assert exc.message_dict == {"name": ["Taken."], NON_FIELD_ERRORS: ["Something else."]}
    assert ExchangeRate._meta.constraints  # the model the first test relies on has its check
