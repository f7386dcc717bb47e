"""Servers test data, built on tests/factories.py and the rate-card and routing helpers."""

from servers.choices import Driver, ServerStatus, Source
from servers.models import Cluster, Provider, Server
from tests.ratecards.factories import make_carrier, make_provider_card
from tests.routing import factories as routing_factories

API_KEY = "do-test-key"


def complete_checklist():
    """A carrier, a provider card, a customer card, a customer and an ingress route."""
    make_provider_card(carrier=make_carrier())
    card = routing_factories.card(None)
    customer = routing_factories.customer()
    routing_factories.route(customer, card)
    return customer


def cloud_provider(name="DigitalOcean", api_key=API_KEY) -> Provider:
    return Provider.objects.create(name=name, driver=Driver.DIGITALOCEAN, api_key=api_key)


def server(name="lon-1", *, status=ServerStatus.RUNNING, cluster: Cluster | None = None, **fields) -> Server:
    fields.setdefault("source", Source.OWN_HOST)
    return Server.objects.create(name=name, status=status, cluster=cluster, **fields)
