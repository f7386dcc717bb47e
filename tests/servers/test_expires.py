"""Expires: the end of a server's test period. Past it the server is Expired: its switch takes no more
calls (its routing token is revoked), its install token is refused, and the operator is alerted."""

import base64
import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from connexcs.choices import AuditAction
from connexcs.models import AuditEvent
from routing.engine import engine
from routing.models import ApiToken
from servers import services
from servers.choices import ServerStatus
from servers.models import Server
from tests.servers.factories import complete_checklist
from tests.servers.test_lifecycle import BEAT, run_outbox_tasks

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def own_host(operator, name="own-1", **kw):
    complete_checklist()
    deployed = services.server_deploy(actor=operator, name=name, location="own", confirm=True, **kw)
    return deployed.server, deployed.install_command.split("/install/")[1].split()[0]


def script_value(script: str, key: str) -> str:
    return next(
        line.split("=", 1)[1].strip("'") for line in script.splitlines() if line.startswith(f"{key}=")
    )


def heartbeat_token(script: str) -> str:
    return script_value(script, "CX_HEARTBEAT_TOKEN")


def routing_token(script: str) -> str:
    cfg = base64.b64decode(script_value(script, "CX_KAMAILIO_CFG")).decode()
    return next(line.split('"')[1] for line in cfg.splitlines() if line.startswith("#!define ROUTING_TOKEN"))


def test_the_test_period_is_set_on_deploy(operator, settings):
    settings.SERVERS_TRIAL_DAYS = 14
    server, _ = own_host(operator)
    assert server.expires_at - timezone.now() == pytest.approx(14 * DAY, abs=datetime.timedelta(minutes=1))

    chosen = timezone.now() + 3 * DAY
    other, _ = own_host(operator, name="own-2", expires_at=chosen)
    assert other.expires_at == chosen


def test_without_a_test_period_expires_stays_empty(operator, settings):
    settings.SERVERS_TRIAL_DAYS = 0
    assert own_host(operator)[0].expires_at is None


def test_a_test_period_in_the_past_is_refused_naming_the_field(operator):
    with pytest.raises(ValidationError) as caught:
        own_host(operator, expires_at=timezone.now() - DAY)
    assert "expires_at" in caught.value.message_dict
    assert not Server.objects.exists()


def test_an_expired_server_stops_taking_calls_and_the_operator_is_alerted(operator):
    server, install = own_host(operator, expires_at=timezone.now() + DAY)
    beat_token = heartbeat_token(services.server_install_script(token=install))
    assert services.server_heartbeat(token=beat_token, beat=BEAT, remote_ip="203.0.113.7").status == "running"
    run_outbox_tasks()
    mail.outbox.clear()
    server.refresh_from_db()
    routing_token = server.api_token

    assert services.servers_mark_expired() == []  # not yet
    later = timezone.now() + 2 * DAY
    assert services.servers_mark_expired(now=later) == [server.pk]
    assert services.servers_mark_expired(now=later) == []  # once

    server.refresh_from_db()
    assert server.status == ServerStatus.EXPIRED
    assert ApiToken.objects.get(pk=routing_token.pk).revoked_at is not None  # the switch gets 401s
    assert AuditEvent.objects.filter(action=AuditAction.SERVER_EXPIRE, object_id=str(server.pk)).exists()
    run_outbox_tasks()
    assert [m.subject for m in mail.outbox] == ["Server own-1 has expired"]
    assert mail.outbox[0].to == [operator.email]
    # Still reporting, still Expired.
    assert services.server_heartbeat(token=beat_token, beat=BEAT, remote_ip="203.0.113.7").status == "expired"


def test_the_route_api_refuses_an_expired_servers_token(operator, client, settings):
    settings.ROUTING_BACKGROUND_RELOAD = False  # the test's transaction is invisible to a thread
    engine.reset()
    _server, install = own_host(operator, expires_at=timezone.now() + DAY)
    script = services.server_install_script(token=install)
    routing_secret = routing_token(script)

    def ask():
        return client.post(
            "/api/v1/route",
            {"source_ip": "192.0.2.1", "number": "441234"},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {routing_secret}",
        ).status_code

    assert ask() != 401
    services.servers_mark_expired(now=timezone.now() + 2 * DAY)
    engine.reset()  # how soon the API sees a revocation is tests/routing/test_freshness.py's matter
    assert ask() == 401


def test_the_install_token_is_refused_after_expiry(operator):
    server, install = own_host(operator, expires_at=timezone.now() + DAY)
    Server.objects.filter(pk=server.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))

    assert services.server_install_script(token=install) is None


def test_re_deploy_waits_for_a_later_expires(operator):
    server, install = own_host(operator, expires_at=timezone.now() + DAY)
    services.server_install_script(token=install)
    Server.objects.filter(pk=server.pk).update(expires_at=timezone.now() - DAY)
    services.servers_mark_expired()

    with pytest.raises(ValidationError) as caught:
        services.server_redeploy(actor=operator, instance=server)
    assert "expires_at" in caught.value.message_dict

    server = services.server_update(actor=operator, instance=server, expires_at=timezone.now() + 30 * DAY)
    deployed = services.server_redeploy(actor=operator, instance=server)
    assert deployed.server.status == ServerStatus.DEPLOYING and deployed.install_command


def test_the_list_shows_expires_and_marks_the_expired(admin_client, operator):
    own_host(operator, name="fresh", expires_at=timezone.now() + 10 * DAY)
    old, _ = own_host(operator, name="old", expires_at=timezone.now() + DAY)
    Server.objects.filter(pk=old.pk).update(expires_at=timezone.now() - DAY)
    services.servers_mark_expired()

    page = admin_client.get(reverse("servers:server_list")).content.decode()

    assert f"{(timezone.now() + 10 * DAY):%Y-%m-%d}" in page
    assert f"{(timezone.now() - DAY):%Y-%m-%d} (expired)" in page
    assert page.count("(expired)") == 1


def test_the_edit_form_sets_expires(admin_client, operator):
    server, _ = own_host(operator)
    url = reverse("servers:server_edit", args=[server.pk])
    form = admin_client.get(url).content.decode()
    assert 'name="expires_at"' in form and 'type="datetime-local"' in form

    response = admin_client.post(
        url,
        {
            "name": server.name,
            "max_channels": 100,
            "max_cps": 10,
            "auto_upgrade": "on",
            "expires_at": "2031-05-01T12:00",
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    assert f"{Server.objects.get(pk=server.pk).expires_at:%Y-%m-%d %H:%M}" == "2031-05-01 12:00"
