import pytest
from django.core.management import call_command

from routing.models import IngressRoute

pytestmark = pytest.mark.django_db


def test_seed_demo_adds_one_ingress_route_for_the_demo_customer():
    call_command("seed_demo")
    call_command("seed_demo")
    route = IngressRoute.objects.get()
    assert (route.customer.name, route.card.name) == ("Demo Customer", "Demo Customer Card")
