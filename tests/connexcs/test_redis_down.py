"""With Redis really unreachable (broker and cache pointed at a closed port), a panel write commits
once, the page answers normally, and its background job waits in the outbox until Redis is back."""

import base64
import json
import socket
from datetime import timedelta

import pytest
import redis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from connexcs import outbox
from connexcs.celery import app
from connexcs.models import OutboxMessage
from customers import services as customer_services
from customers.models import Payment
from ratecards.choices import JobStatus
from ratecards.models import ImportJob
from ratecards.tasks import run_import
from routing.models import ApiToken
from tests.ratecards.factories import make_provider_card

UPLOAD_FORM = {"start_row": 2, "prefix": 1, "name": 2, "cost": 3, "connect_cost": 4, "billing": 5}
UPLOAD_FORM |= {"mcd": 0, "pulse": 0, "status": 0}


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens once the socket is closed


def _reset_broker_pools() -> None:
    # Forget (not close: kombu shares them process-wide) the pools built for the other URL.
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def redis_down(settings):
    """Point the cache, the version counter and the Celery broker at a closed port; put them back."""
    good_url, good_broker = settings.REDIS_URL, app.conf.broker_url
    dead = f"redis://127.0.0.1:{_closed_port()}/0"
    settings.REDIS_URL = dead
    backend = "django.core.cache.backends.redis.RedisCache"
    settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": dead}}
    app.conf.broker_url = dead
    _reset_broker_pools()

    def restore():
        settings.REDIS_URL = good_url
        app.conf.broker_url = good_broker
        _reset_broker_pools()
        return good_url

    yield restore
    restore()


@pytest.mark.django_db(transaction=True)
def test_payment_is_booked_once_and_the_page_answers(admin_client, admin_user, redis_down):
    customer = customer_services.customer_create(actor=admin_user, name="Acme", currency="EUR")
    url = reverse("customers:payment_add", kwargs={"customer_pk": customer.pk})
    response = admin_client.post(url, {"description": "Wire", "amount": "250.5", "status": "complete"})
    assert response.status_code == 302
    assert admin_client.get(response.url).status_code == 200
    assert Payment.objects.filter(customer=customer, description="Wire").count() == 1


@pytest.mark.django_db(transaction=True)
def test_api_token_secret_is_shown(admin_client, redis_down):
    response = admin_client.post(reverse("routing:token_add"), {"name": "kamailio-1"})
    assert response.status_code == 200
    assert response.context["secret"].encode() in response.content
    assert ApiToken.objects.filter(name="kamailio-1").count() == 1


@pytest.mark.django_db(transaction=True)
def test_upload_waits_in_the_outbox_and_goes_out_when_redis_is_back(
    admin_client, admin_user, settings, tmp_path, redis_down
):
    settings.MEDIA_ROOT = tmp_path
    card = make_provider_card(actor=admin_user)
    upload = SimpleUploadedFile("deck.csv", b"prefix,name,cost,connect,billing\n441,UK,0.006,0,1/1\n")
    response = admin_client.post(
        reverse("ratecards:provider_upload", args=[card.pk]), {"file": upload, **UPLOAD_FORM}
    )
    job = ImportJob.objects.get(card=card)
    assert response.status_code == 302
    assert admin_client.get(response.url).status_code == 200  # the job page needs no Redis either
    assert job.status == JobStatus.QUEUED
    message = OutboxMessage.objects.get()
    assert (message.task, message.args, message.attempts) == (run_import.name, [job.pk], 1)
    assert outbox.drain(older_than=timedelta(0)) == 0  # still down: kept

    broker = redis.Redis.from_url(redis_down())
    broker.delete("celery")
    assert outbox.drain(older_than=timedelta(0)) == 1
    assert not OutboxMessage.objects.exists()
    sent = [json.loads(raw) for raw in broker.lrange("celery", 0, -1)]
    assert [(m["headers"]["task"], json.loads(_body(m))[0]) for m in sent] == [(run_import.name, [job.pk])]


def _body(message: dict) -> str:
    return base64.b64decode(message["body"]).decode()
