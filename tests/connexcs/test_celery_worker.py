"""A real Celery worker (Redis broker) runs a task queued with transaction.on_commit."""

import time

import pytest
from django.core import mail
from django.db import transaction

from accounts.tasks import send_password_reset_email
from connexcs.models import AuditEvent
from tests.factories import UserFactory
from tests.helpers import wait_for


def sent_for(user):
    return AuditEvent.objects.filter(action="user.password_reset_sent", object_id=str(user.pk)).exists()


@pytest.mark.django_db(transaction=True)
def test_on_commit_task_runs_in_a_real_worker(celery_worker):
    user = UserFactory(email="worker@example.test")
    with transaction.atomic():
        transaction.on_commit(lambda: send_password_reset_email.delay(user.pk))
        assert not sent_for(user)
    assert wait_for(lambda: sent_for(user))
    assert [m.to for m in mail.outbox] == [["worker@example.test"]]


@pytest.mark.django_db(transaction=True)
def test_rolled_back_transaction_queues_nothing(celery_worker):
    user = UserFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        transaction.on_commit(lambda: send_password_reset_email.delay(user.pk))
        raise RuntimeError("rollback")
    time.sleep(1)  # long enough for a queued task to have run
    assert not sent_for(user)
    assert mail.outbox == []
