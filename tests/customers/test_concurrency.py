"""Two customers claiming one address at the same moment: one wins, the other gets a field error."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from customers.models import IPAuth
from customers.services import customer_create, ipauth_create
from tests.factories import AdminFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_claims_on_one_address():
    actor = AdminFactory()
    customers = [customer_create(actor=actor, name=f"Racer {i}", currency="USD") for i in range(2)]
    barrier = threading.Barrier(2)
    outcomes = []

    def claim(customer):
        try:
            barrier.wait()
            ipauth_create(actor=actor, customer=customer, address="192.0.2.77")
            outcomes.append("saved")
        except ValidationError as exc:
            outcomes.append(sorted(exc.error_dict))
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(c,)) for c in customers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes, key=str) == [["tech_prefix"], "saved"]
    assert IPAuth.objects.filter(address="192.0.2.77").count() == 1
