"""No stale decision: a change is seen within 2 s, after an idle period, and with Redis unreachable."""

import socket
import time
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.db import connection, transaction

from connexcs import versioning
from customers import services as customer_services
from ratecards.models import CustomerCard
from routing import engine as eng
from routing import services
from routing.engine import Engine, Unavailable
from tests.factories import AdminFactory
from tests.helpers import wait_for
from tests.routing import factories as f

pytestmark = pytest.mark.django_db(transaction=True)
IP = "198.51.100.7"
NUMBER = "442071234567"
BOUND = 2.0  # the promise: every process sees a change within this many seconds
PAUSED = "Server not accepting calls (Paused)"  # a customer no longer active


@pytest.fixture
def world():
    carrier = f.carrier("Cheap")
    card = f.card({"44": {"rate": "0.02", "providers": [f.provider(carrier, "0.01", "44")]}})
    customer = f.customer("Acme")
    f.ip_auth(customer, IP)
    f.route(customer, card)
    return customer


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens once the socket is closed


@contextmanager
def postgres_unreachable():
    """This thread's connection pointed at a closed port (a real refused connection)."""
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT=str(closed_port()))
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


@pytest.fixture
def redis_unreachable(settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{closed_port()}/0"
    with pytest.raises(versioning.Unreachable):
        versioning.fast("routing")


def test_first_call_after_an_idle_period_sees_the_change(world):
    admin = AdminFactory()
    engine = Engine(background=True)
    assert engine.route(source_ip=IP, number=NUMBER).code == 200
    customer_services.customer_update(actor=admin, instance=world, status="inactive")
    time.sleep(BOUND + 0.1)  # idle: nobody asked, so nothing was rebuilt
    assert engine.route(source_ip=IP, number=NUMBER).reason == PAUSED


def test_a_busy_process_never_answers_from_old_data_beyond_the_bound(world):
    admin = AdminFactory()
    engine = Engine(background=True)
    assert engine.route(source_ip=IP, number=NUMBER).code == 200
    customer_services.customer_update(actor=admin, instance=world, status="inactive")
    changed = time.monotonic()
    answers = []
    while time.monotonic() - changed < BOUND + 0.5:
        answers.append((time.monotonic() - changed, engine.route(source_ip=IP, number=NUMBER).code))
        time.sleep(0.02)
    assert [code for after, code in answers if after > BOUND] == [500] * sum(
        1 for a, _ in answers if a > BOUND
    )
    assert any(code == 500 for _, code in answers)


def test_with_redis_unreachable_a_revoked_token_is_refused_within_the_bound(world, redis_unreachable):
    admin = AdminFactory()
    token, secret = services.api_token_create(actor=admin, name="k")  # the bump survives Redis being away
    engine = Engine(background=True)
    hashed = services.hash_token(secret)
    assert engine.token_valid(hashed)
    services.api_token_revoke(actor=admin, instance=token)
    time.sleep(BOUND)
    assert not engine.token_valid(hashed)


def test_redis_that_missed_a_bump_is_caught_by_the_postgresql_row(world, settings):
    admin = AdminFactory()
    engine = Engine(background=True)
    assert engine.route(source_ip=IP, number=NUMBER).code == 200
    redis_url = settings.REDIS_URL
    settings.REDIS_URL = f"redis://127.0.0.1:{closed_port()}/0"
    customer_services.customer_update(actor=admin, instance=world, status="inactive")  # Redis misses it
    settings.REDIS_URL = redis_url  # Redis is back, still saying nothing changed
    time.sleep(BOUND)
    assert engine.route(source_ip=IP, number=NUMBER).reason == PAUSED


def test_bump_with_redis_unreachable_moves_the_postgresql_row(redis_unreachable):
    before = versioning.current("routing")
    services.api_token_create(actor=AdminFactory(), name="k")
    assert versioning.current("routing") == before + 1


def test_with_both_stores_unreachable_calls_are_refused_not_answered_from_old_data(world, redis_unreachable):
    engine = Engine(background=True)
    assert engine.route(source_ip=IP, number=NUMBER).code == 200
    with postgres_unreachable():
        time.sleep(eng.MAX_UNCONFIRMED)
        with pytest.raises(Unavailable):
            engine.route(source_ip=IP, number=NUMBER)
    assert engine.route(source_ip=IP, number=NUMBER).code == 200  # and back once it answers


def test_a_new_card_revision_compiles_off_the_call_path(world):
    engine = Engine(background=True)
    assert engine.route(source_ip=IP, number=NUMBER).row.rate == Decimal("0.02")
    card = CustomerCard.objects.get()
    with transaction.atomic():
        revision = f.publish_revision(card, {"44": {"rate": "0.03", "providers": []}})
        versioning.bump("routing")
    time.sleep(BOUND)
    # The call that notices the change does not wait for the index: it gets everything else new
    # and this card's previous revision, while the new one compiles in the background.
    interim = engine.snapshot()
    assert interim.pending == {card.pk: revision.pk}
    assert interim.cards[card.pk].revision_id != revision.pk
    assert wait_for(lambda: engine.route(source_ip=IP, number=NUMBER).row.rate == Decimal("0.03"), timeout=10)
    assert engine.snapshot().pending == {}
