"""Deploy -> Running (IP recorded and emailed) -> Unreachable -> Destroyed, re-deploy, reboot, rename."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from connexcs.choices import AuditAction
from connexcs.crypto import decrypt
from connexcs.models import AuditEvent, OutboxMessage
from routing.models import ApiToken
from servers import services
from servers.choices import ServerStatus, Source
from servers.models import Cluster, Provider, Server
from servers.services import Heartbeat
from tests.servers.factories import cloud_provider, complete_checklist

pytestmark = pytest.mark.django_db(transaction=False)

BEAT = Heartbeat(version="kamailio 5.6.3", channels=3, cps=1, health="ok")


def tokens_in(user_data: str) -> dict:
    found = {}
    for line in user_data.replace("\\n", "\n").splitlines():
        for key in ("CX_HEARTBEAT_TOKEN", "CX_SERVER"):
            if line.startswith(f"{key}=") and key not in found:
                found[key] = line.split("=", 1)[1].strip("'")
    return found


def created_user_data(fake_do) -> str:
    return next(b for m, p, b in reversed(fake_do.requests) if (m, p) == ("POST", "/v2/droplets"))[
        "user_data"
    ]


@pytest.fixture
def provider(fake_do):
    return cloud_provider()


def deploy(operator, provider, name="lon-1", **kw):
    return services.server_deploy(
        actor=operator, name=name, location=f"{provider.pk}:lon1", confirm=True, **kw
    )


def run_outbox_tasks():
    """Run what the outbox queued, in this process (the worker path is covered by the browser test)."""
    from celery import current_app

    for message in OutboxMessage.objects.order_by("pk"):
        current_app.tasks[message.task](*message.args, **message.kwargs)
        message.delete()


def test_deploy_is_refused_until_the_checklist_is_complete(operator, provider):
    with pytest.raises(ValidationError, match="getting-started checklist") as exc:
        deploy(operator, provider)
    assert "Add a carrier" in str(exc.value) and "Add an ingress route" in str(exc.value)
    assert not Server.objects.exists()


def test_an_unverified_operator_may_not_deploy(operator, provider):
    complete_checklist()
    operator.mobile_verified_at = None
    operator.save()
    with pytest.raises(ValidationError, match="Verify your mobile number"):
        deploy(operator, provider)


@pytest.mark.parametrize("name", ["-bad", "bad-", "has space", "dot.ted", "x" * 64, "", "ünï"])
def test_names_must_be_host_name_safe(operator, provider, name):
    complete_checklist()
    with pytest.raises(ValidationError) as exc:
        deploy(operator, provider, name=name)
    assert "name" in exc.value.message_dict
    assert not Server.objects.exists()


def test_the_confirmation_box_is_required(operator, provider):
    complete_checklist()
    with pytest.raises(ValidationError) as exc:
        services.server_deploy(actor=operator, name="a", location=f"{provider.pk}:lon1", confirm=False)
    assert "confirm" in exc.value.message_dict


def test_the_whole_life_of_a_cloud_server(operator, provider, fake_do, settings):
    complete_checklist()
    cluster = services.cluster_create(actor=operator, name="Main")
    server = deploy(operator, provider, cluster=cluster).server

    assert server.status == ServerStatus.DEPLOYING and server.node_id and server.size == "s-1vcpu-1gb"
    assert cluster.name == "main"
    user_data = created_user_data(fake_do)
    secret = tokens_in(user_data)["CX_HEARTBEAT_TOKEN"]
    assert secret.startswith("cxh_") and secret not in str(Server.objects.values().get())
    assert provider.api_key not in user_data  # the provider's key never goes to the node
    assert server.api_token.active and server.api_token.name == "server lon-1"

    running = services.server_heartbeat(token=secret, beat=BEAT, remote_ip="203.0.113.7")
    assert running.status == ServerStatus.RUNNING and running.ip == "203.0.113.7"
    assert (running.version, running.channels, running.cps, running.health) == ("kamailio 5.6.3", 3, 1, "ok")
    run_outbox_tasks()
    assert len(mail.outbox) == 1 and "203.0.113.7" in mail.outbox[0].body
    assert mail.outbox[0].to == [operator.email]
    # A second beat does not mail again, and a later beat from elsewhere does not move the IP.
    services.server_heartbeat(token=secret, beat=BEAT, remote_ip="198.51.100.1")
    run_outbox_tasks()
    assert len(mail.outbox) == 1 and Server.objects.get().ip == "203.0.113.7"

    later = timezone.now() + datetime.timedelta(seconds=settings.SERVERS_UNREACHABLE_AFTER + 1)
    assert services.servers_mark_unreachable(now=later) == [server.pk]
    assert Server.objects.get().status == ServerStatus.UNREACHABLE
    run_outbox_tasks()
    assert "unreachable" in mail.outbox[-1].subject and len(mail.outbox) == 2
    assert services.servers_mark_unreachable(now=later) == []  # only once
    assert services.server_heartbeat(token=secret, beat=BEAT, remote_ip="203.0.113.7").status == "running"

    services.server_destroy(actor=operator, instance=server)
    server.refresh_from_db()
    assert server.status == ServerStatus.DESTROYED and fake_do.droplets == {}
    assert ApiToken.objects.get(pk=server.api_token_id).revoked_at is not None
    assert services.server_heartbeat(token=secret, beat=BEAT, remote_ip="203.0.113.7") is None
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        AuditAction.SERVER_DEPLOY,
        AuditAction.SERVER_RUNNING,
        AuditAction.SERVER_UNREACHABLE,
        AuditAction.SERVER_DESTROY,
    } <= actions


def test_a_deploy_the_provider_refuses_leaves_nothing(operator, provider, fake_do):
    complete_checklist()
    fake_do.fail_next = None
    tokens_before = ApiToken.objects.count()
    fake_do.requests.clear()
    # Sizes are read first; fail the create itself.
    original = fake_do.handle

    def refuse_create(handler, method):
        if method == "POST":
            fake_do.fail_next = (422, "You have reached the droplet limit.")
        return original(handler, method)

    fake_do.handle = refuse_create
    with pytest.raises(ValidationError, match="droplet limit"):
        deploy(operator, provider)
    assert not Server.objects.exists() and ApiToken.objects.count() == tokens_before
    assert not AuditEvent.objects.filter(action=AuditAction.SERVER_DEPLOY).exists()


def test_a_provider_timeout_is_a_message(operator, provider, fake_do, settings):
    complete_checklist()
    settings.SERVERS_PROVIDER_TIMEOUT = 1
    fake_do.delay = 2
    with pytest.raises(ValidationError, match="did not answer within 1 s"):
        deploy(operator, provider)
    assert not Server.objects.exists()


def test_redeploy_rotates_the_tokens(operator, provider, fake_do):
    complete_checklist()
    server = deploy(operator, provider).server
    old_secret = tokens_in(created_user_data(fake_do))["CX_HEARTBEAT_TOKEN"]
    old_node, old_api_token = server.node_id, server.api_token_id
    services.server_heartbeat(token=old_secret, beat=BEAT, remote_ip="203.0.113.7")

    services.server_redeploy(actor=operator, instance=server)
    server.refresh_from_db()
    new_secret = tokens_in(created_user_data(fake_do))["CX_HEARTBEAT_TOKEN"]
    assert new_secret != old_secret and server.node_id != old_node
    assert list(fake_do.droplets) == [int(server.node_id)]
    assert ApiToken.objects.get(pk=old_api_token).revoked_at is not None and server.api_token.active
    assert server.status == ServerStatus.DEPLOYING and server.ip is None
    assert services.server_heartbeat(token=old_secret, beat=BEAT, remote_ip="203.0.113.7") is None
    assert services.server_heartbeat(token=new_secret, beat=BEAT, remote_ip="203.0.113.8").ip == "203.0.113.8"


def test_reboot_goes_to_the_provider_and_own_hosts_are_refused(operator, provider, fake_do):
    complete_checklist()
    server = deploy(operator, provider).server
    services.server_reboot(actor=operator, instance=server)
    assert fake_do.requests[-1][:2] == ("POST", f"/v2/droplets/{server.node_id}/actions")
    own = services.server_deploy(actor=operator, name="own-1", location="own", confirm=True).server
    with pytest.raises(ValidationError, match="own console"):
        services.server_reboot(actor=operator, instance=own)


def test_rename_and_config(operator, provider):
    complete_checklist()
    main = Cluster.objects.create(name="main")
    a = services.server_deploy(actor=operator, name="a", location="own", confirm=True, cluster=main).server
    b = services.server_deploy(actor=operator, name="b", location="own", confirm=True).server
    with pytest.raises(ValidationError) as exc:
        services.server_update(actor=operator, instance=b, name="a")
    assert "name" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.server_update(actor=operator, instance=a, capacity_failover=True, failover_server=b)
    assert "same cluster" in str(exc.value)
    services.server_update(actor=operator, instance=b, cluster=main)
    a = services.server_update(
        actor=operator,
        instance=a,
        name="edge-1",
        capacity_failover=True,
        failover_server=b,
        fqdn="sip.example.com",
    )
    assert (a.name, a.failover_server, a.fqdn) == ("edge-1", b, "sip.example.com")


def test_provider_credentials_are_encrypted_and_checked(operator, fake_do):
    with pytest.raises(ValidationError) as exc:
        services.provider_create(actor=operator, name="DO", driver="digitalocean", api_key="wrong")
    assert "api_key" in exc.value.message_dict and "Unable to authenticate" in str(exc.value)
    provider = services.provider_create(
        actor=operator, name="DO", driver="digitalocean", api_key="do-test-key"
    )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT api_key FROM servers_provider WHERE id = %s", [provider.pk])
        stored = cursor.fetchone()[0]
    assert "do-test-key" not in stored and decrypt(stored) == "do-test-key"
    event = AuditEvent.objects.get(action=AuditAction.CLOUD_PROVIDER_CREATE)
    assert "do-test-key" not in str(event.after)
    assert Provider.objects.get().api_key == "do-test-key"


def test_own_host_install_token_works_once(operator):
    complete_checklist()
    deployed = services.server_deploy(actor=operator, name="own-1", location="own", confirm=True)
    token = deployed.install_command.split("/install/")[1].split()[0]
    assert deployed.server.source == Source.OWN_HOST and token.startswith("cxi_")
    script = services.server_install_script(token=token)
    assert "CX_HEARTBEAT_TOKEN=cxh_" in script and "CX_SERVER=own-1" in script
    assert services.server_install_script(token=token) is None
    assert services.server_install_script(token="cxi_guess") is None


def test_a_redeploy_the_provider_refuses_leaves_the_server_as_it_was(operator, provider, fake_do):
    complete_checklist()
    server = deploy(operator, provider).server
    secret = tokens_in(created_user_data(fake_do))["CX_HEARTBEAT_TOKEN"]
    services.server_heartbeat(token=secret, beat=BEAT, remote_ip="203.0.113.7")
    fake_do.fail_next = (422, "You have reached the droplet limit.")
    # The size list is read first when no size is stored; this server has one, so the create is refused.
    with pytest.raises(ValidationError, match="droplet limit"):
        services.server_redeploy(actor=operator, instance=server)
    server.refresh_from_db()
    assert server.status == ServerStatus.RUNNING and server.ip == "203.0.113.7"
    assert list(fake_do.droplets) == [int(server.node_id)] and server.api_token.active
    assert services.server_heartbeat(token=secret, beat=BEAT, remote_ip="203.0.113.7") is not None


def test_provider_with_live_servers_cannot_be_deleted(operator, provider, fake_do):
    complete_checklist()
    server = deploy(operator, provider).server
    with pytest.raises(ValidationError, match="Destroy this provider's servers first"):
        services.provider_delete(actor=operator, instance=provider)
    services.server_destroy(actor=operator, instance=server)
    services.provider_delete(actor=operator, instance=provider)
    assert not Provider.objects.exists() and Server.objects.get().status == ServerStatus.DESTROYED
