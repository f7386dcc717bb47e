"""Tasks own their retries: a transient failure (SMTP hanging up, database gone) is tried again with
backoff a bounded number of times, and every task of the apps declares it."""

import smtplib
import socket
import threading

import pytest
from django.db import OperationalError

from accounts.models import AccountSettings
from accounts.tasks import send_login_email
from connexcs.celery import app
from connexcs.retries import MAX_RETRIES
from tests.factories import UserFactory

APPS_WITH_TASKS = (
    "accounts.",
    "customers.",
    "carriers.",
    "routing.",
    "cdr.",
    "packages.",
    "servers.",
    "portal.",
)


def app_tasks() -> dict:
    app.loader.import_default_modules()
    return {name: task for name, task in app.tasks.items() if name.startswith(APPS_WITH_TASKS)}


def test_every_task_of_the_apps_retries_transient_errors_with_backoff():
    tasks = app_tasks()
    assert {
        "accounts.tasks.send_login_email",
        "customers.tasks.resolve_ipauth",
        "customers.tasks.refresh_dns",
        "carriers.tasks.resolve_gateway",
        "carriers.tasks.refresh_dns",
        "cdr.tasks.ensure_partitions",
        "packages.tasks.bill_packages",
        "servers.tasks.mark_unreachable",
        "portal.tasks.check_domain",
    } <= set(tasks)
    for name, task in tasks.items():
        assert OperationalError in task.autoretry_for, name
        assert ConnectionError in task.autoretry_for, name
        assert task.retry_backoff, name
        assert task.max_retries == MAX_RETRIES, name


@pytest.fixture
def hanging_up_smtp():
    """A local TCP server that accepts and hangs up at once, like a restarting mail server."""
    server = socket.create_server(("127.0.0.1", 0))
    accepted = []

    def serve():
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            accepted.append(1)
            conn.close()

    threading.Thread(target=serve, daemon=True).start()
    yield server.getsockname()[1], accepted
    server.close()


@pytest.mark.django_db
def test_login_email_is_tried_again_while_the_mail_server_hangs_up(hanging_up_smtp):
    port, accepted = hanging_up_smtp
    AccountSettings.objects.update_or_create(
        pk=1, defaults={"smtp_server": "127.0.0.1", "smtp_port": port, "smtp_tls": False}
    )
    user = UserFactory()

    result = send_login_email.apply(args=[user.pk, "192.0.2.1"])

    assert result.failed()
    assert isinstance(result.result, smtplib.SMTPServerDisconnected)
    assert len(accepted) == MAX_RETRIES + 1
