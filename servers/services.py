"""Every write about servers: clusters, cloud providers, deploy, heartbeats, lifecycle."""

from __future__ import annotations

import ipaddress
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import mail
from accounts.models import User
from connexcs import outbox
from connexcs.audit import record, snapshot
from connexcs.choices import AuditAction
from routing.services import api_token_create, api_token_revoke, hash_token

from . import provision, selectors
from .choices import Driver, ServerStatus, ServerType, Source
from .cloud import CloudSource, ProviderError, source_for
from .models import Cluster, Provider, Server, hostname_validator
from .tasks import send_expired_alert, send_ip_email, send_unreachable_alert

HEARTBEAT_PREFIX = "cxh_"
INSTALL_PREFIX = "cxi_"
OWN_HOST = "own"  # the Server Location value for "Own host"
UPDATE_FIELDS = [
    "name",
    "cluster",
    "fqdn",
    "auto_upgrade",
    "capacity_failover",
    "failover_server",
    "max_channels",
    "max_cps",
    "expires_at",
]


def _new_token(prefix: str) -> tuple[str, str]:
    secret = prefix + secrets.token_urlsafe(32)
    return secret, hash_token(secret)


def _check_name(name: str, *, exclude_pk=None) -> str:
    name = (name or "").strip().lower()
    try:
        hostname_validator(name)
    except ValidationError as exc:
        raise ValidationError({"name": exc.messages}) from exc
    taken = Server.objects.exclude(status=ServerStatus.DESTROYED).filter(name=name)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise ValidationError({"name": "A server with this name exists already."})
    return name


# --- Clusters and providers ----------------------------------------------------------------------


@transaction.atomic
def cluster_create(*, actor: User, name: str) -> Cluster:
    name = (name or "").strip().lower()
    try:
        hostname_validator(name)
    except ValidationError as exc:
        raise ValidationError({"name": exc.messages}) from exc
    if Cluster.objects.filter(name=name).exists():
        raise ValidationError({"name": "A cluster with this name exists already."})
    cluster = Cluster.objects.create(name=name)
    record(actor=actor, action=AuditAction.CLUSTER_CREATE, obj=cluster, after=snapshot(cluster, ["name"]))
    return cluster


@transaction.atomic
def provider_create(*, actor: User, name: str, driver: str, api_key: str) -> Provider:
    name, api_key = (name or "").strip(), (api_key or "").strip()
    if not name:
        raise ValidationError({"name": "Give the provider a name."})
    if Provider.objects.filter(name=name).exists():
        raise ValidationError({"name": "A provider with this name exists already."})
    if driver not in Driver.values:
        raise ValidationError({"driver": "Choose a provider."})
    if not api_key:
        raise ValidationError({"api_key": "This field is required."})
    try:  # the key is tried before it is kept
        CloudSource(driver=driver, api_key=api_key).locations()
    except ProviderError as exc:
        raise ValidationError({"api_key": str(exc)}) from exc
    provider = Provider.objects.create(name=name, driver=driver, api_key=api_key)
    record(
        actor=actor,
        action=AuditAction.CLOUD_PROVIDER_CREATE,
        obj=provider,
        after=snapshot(provider, ["name", "driver", "api_key"]),
    )
    return provider


@transaction.atomic
def provider_delete(*, actor: User, instance: Provider) -> None:
    if instance.servers.exclude(status=ServerStatus.DESTROYED).exists():
        raise ValidationError("Destroy this provider's servers first.")
    record(actor=actor, action=AuditAction.CLOUD_PROVIDER_DELETE, obj=instance, note=instance.name)
    Server.objects.filter(provider=instance).update(provider=None, source=Source.OWN_HOST)
    instance.delete()


# --- Deploy --------------------------------------------------------------------------------------


@dataclass
class Deployed:
    server: Server
    install_command: str = ""  # own host: shown once
    warning: str = ""


def _issue_tokens(server: Server, actor) -> tuple[str, str]:
    """A fresh routing API token and heartbeat token for the server; older ones stop working."""
    if server.api_token_id and server.api_token.revoked_at is None:
        api_token_revoke(actor=actor, instance=server.api_token)
    api_token, api_secret = api_token_create(actor=actor, name=f"server {server.name}")
    heartbeat_secret, heartbeat_hash = _new_token(HEARTBEAT_PREFIX)
    server.api_token = api_token
    server.heartbeat_token_hash = heartbeat_hash
    return api_secret, heartbeat_secret


def _start(server: Server, actor) -> str:
    """Create the cloud node (returns "") or issue an own host's one-time install token (its command)."""
    if server.source == Source.OWN_HOST:
        if server.api_token_id and server.api_token.revoked_at is None:
            api_token_revoke(actor=actor, instance=server.api_token)
        server.heartbeat_token_hash = ""
        install_secret, server.install_token_hash = _new_token(INSTALL_PREFIX)
        return provision.install_command(install_secret)
    api_secret, heartbeat_secret = _issue_tokens(server, actor)
    user_data = provision.cloud_init(server, api_token=api_secret, heartbeat_token=heartbeat_secret)
    source = source_for(server.provider)
    size = server.size or _smallest_size(source, server.location)
    try:
        node = source.create(name=server.name, location=server.location, size=size, user_data=user_data)
    except ProviderError as exc:
        # Raising rolls back the row and the tokens: nothing half-made is left.
        raise ValidationError(str(exc)) from exc
    server.size = size
    server.node_id = str(node.id)
    return ""


def _smallest_size(source: CloudSource, location: str) -> str:
    try:
        sizes = source.sizes(location)
    except ProviderError as exc:
        raise ValidationError(str(exc)) from exc
    if not sizes:
        raise ValidationError({"location": "The provider offers no server size in this location."})
    return sizes[0].id


def parse_location(value: str) -> tuple[Provider | None, str]:
    """'own' or '<provider id>:<location>' (the Server Location choices)."""
    if value == OWN_HOST:
        return None, ""
    provider_id, _, location = (value or "").partition(":")
    provider = Provider.objects.filter(pk=int(provider_id)).first() if provider_id.isdigit() else None
    if provider is None or not location:
        raise ValidationError({"location": "Choose a server location."})
    return provider, location


@transaction.atomic
def server_deploy(
    *,
    actor: User,
    name: str,
    location: str,
    confirm: bool,
    cluster: Cluster | None = None,
    server_type: str = ServerType.SWITCH,
    size: str = "",
    expires_at: datetime | None = None,
) -> Deployed:
    missing = selectors.checklist_missing(actor=actor)
    if missing:
        raise ValidationError(
            "Complete the getting-started checklist first: " + "; ".join(m.label for m in missing)
        )
    errors = {}
    if not confirm:
        errors["confirm"] = ["Check the confirmation box to deploy the server."]
    if server_type not in ServerType.values:
        errors["server_type"] = ["Choose Switch or Dispatcher."]
    try:
        name = _check_name(name)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        provider, region = parse_location(location)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if expires_at is None and settings.SERVERS_TRIAL_DAYS > 0:
        expires_at = timezone.now() + timedelta(days=settings.SERVERS_TRIAL_DAYS)
    if expires_at is not None and expires_at <= timezone.now():
        errors["expires_at"] = ["The test period must end in the future."]
    if errors:
        raise ValidationError(errors)
    server = Server.objects.create(
        name=name,
        server_type=server_type,
        source=Source.OWN_HOST if provider is None else Source.CLOUD,
        provider=provider,
        location=region,
        size=size,
        cluster=cluster,
        expires_at=expires_at,
        created_by=actor,
    )
    command = _start(server, actor)
    server.save()
    record(
        actor=actor,
        action=AuditAction.SERVER_DEPLOY,
        obj=server,
        after=snapshot(
            server,
            [
                "name",
                "server_type",
                "source",
                "provider",
                "location",
                "size",
                "cluster",
                "node_id",
                "expires_at",
            ],
        ),
    )
    return Deployed(server=server, install_command=command)


@transaction.atomic
def server_install_script(*, token: str) -> str | None:
    """The install script for the own host holding this one-time token, or None; the token is spent."""
    token_hash = hash_token(token) if token.startswith(INSTALL_PREFIX) else ""
    found = selectors.server_by_token(token_hash=token_hash, field="install_token_hash")
    if found is None:
        return None
    server = Server.objects.select_for_update().get(pk=found.pk)
    if server.install_token_hash != token_hash or _expired(server):
        return None
    server.install_token_hash = ""
    api_secret, heartbeat_secret = _issue_tokens(server, None)
    server.save(update_fields=["install_token_hash", "api_token", "heartbeat_token_hash"])
    record(actor=None, action=AuditAction.SERVER_INSTALL, obj=server)
    return provision.install_script(server, api_token=api_secret, heartbeat_token=heartbeat_secret)


# --- Heartbeats ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Heartbeat:
    version: str
    channels: int
    cps: int
    health: str
    sip_latency_ms: int | None = None
    icmp_latency_ms: int | None = None


def _address(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


@transaction.atomic
def server_heartbeat(*, token: str, beat: Heartbeat, remote_ip: str) -> Server | None:
    """Record a report; None when the token belongs to no live server."""
    token_hash = hash_token(token) if token.startswith(HEARTBEAT_PREFIX) else ""
    found = selectors.server_by_token(token_hash=token_hash)
    if found is None:
        return None
    server = Server.objects.select_for_update().get(pk=found.pk)
    if server.heartbeat_token_hash != token_hash or server.status == ServerStatus.DESTROYED:
        return None
    previous = server.status
    server.version, server.channels, server.cps = beat.version, beat.channels, beat.cps
    server.health = beat.health
    server.sip_latency_ms, server.icmp_latency_ms = beat.sip_latency_ms, beat.icmp_latency_ms
    server.last_heartbeat_at = timezone.now()
    if previous in (ServerStatus.DEPLOYING, ServerStatus.UNREACHABLE):
        server.status = ServerStatus.RUNNING
        server.unreachable_alerted_at = None
        if previous == ServerStatus.DEPLOYING:
            server.ip = _address(remote_ip)
        record(
            actor=None,
            action=AuditAction.SERVER_RUNNING,
            obj=server,
            note=f"{previous} -> running, {server.ip}",
        )
        if server.ip_emailed_at is None:
            outbox.enqueue(send_ip_email, server.pk)
    server.save()
    return server


def _server_data(server: Server) -> dict:
    """What templates may say about a server."""
    return {
        "name": server.name,
        "ip": server.ip or "",
        "url": f"{settings.PANEL_URL}{server.get_absolute_url()}",
        "last_heartbeat_at": server.last_heartbeat_at,
        "expires_at": server.expires_at,
    }


def server_send_ip_email(*, server_id: int) -> None:
    with transaction.atomic():
        server = (
            Server.objects.select_for_update(of=("self",))
            .select_related("created_by")
            .filter(pk=server_id)
            .first()
        )
        if server is None or server.ip_emailed_at is not None or not server.ip:
            return
        user = server.created_by
        if user is None or not user.email_verified_at:
            return
        server.ip_emailed_at = timezone.now()
        server.save(update_fields=["ip_emailed_at"])
    context = {"server": _server_data(server), "servers_url": f"{settings.PANEL_URL}/servers/"}
    try:
        mail.send_message("server_ready", context, [user.email])
    except Exception:
        Server.objects.filter(pk=server_id).update(ip_emailed_at=None)  # the retry sends it again
        raise


def servers_mark_unreachable(*, now=None) -> list[int]:
    """Running servers silent for SERVERS_UNREACHABLE_AFTER seconds become Unreachable (and are alerted)."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.SERVERS_UNREACHABLE_AFTER)
    marked = []
    with transaction.atomic():
        silent = Server.objects.select_for_update(skip_locked=True).filter(
            status=ServerStatus.RUNNING, last_heartbeat_at__lt=cutoff
        )
        for server in silent:
            server.status = ServerStatus.UNREACHABLE
            server.save(update_fields=["status"])
            record(
                actor=None,
                action=AuditAction.SERVER_UNREACHABLE,
                obj=server,
                note=f"no heartbeat since {server.last_heartbeat_at:%Y-%m-%d %H:%M:%S}",
            )
            outbox.enqueue(send_unreachable_alert, server.pk)
            marked.append(server.pk)
    return marked


def server_send_unreachable_alert(*, server_id: int) -> None:
    with transaction.atomic():
        server = (
            Server.objects.select_for_update(of=("self",))
            .select_related("created_by")
            .filter(pk=server_id)
            .first()
        )
        if server is None or server.status != ServerStatus.UNREACHABLE or server.unreachable_alerted_at:
            return
        user = server.created_by
        if user is None or not user.email_verified_at:
            return
        server.unreachable_alerted_at = timezone.now()
        server.save(update_fields=["unreachable_alerted_at"])
    try:
        mail.send_message("server_unreachable", {"server": _server_data(server)}, [user.email])
    except Exception:
        Server.objects.filter(pk=server_id).update(unreachable_alerted_at=None)
        raise


def _expired(server: Server, now=None) -> bool:
    return server.status == ServerStatus.EXPIRED or (
        server.expires_at is not None and server.expires_at <= (now or timezone.now())
    )


def servers_mark_expired(*, now=None) -> list[int]:
    """Servers past their Expires become Expired: their routing token is revoked, so the switch
    takes no more calls, and the operator is alerted. Set a later Expires and Re-deploy to resume."""
    now = now or timezone.now()
    marked = []
    with transaction.atomic():
        due = (
            Server.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("api_token")
            .filter(expires_at__lte=now)
            .exclude(status__in=[ServerStatus.EXPIRED, ServerStatus.DESTROYED])
        )
        for server in due:
            if server.api_token_id and server.api_token.revoked_at is None:
                api_token_revoke(actor=None, instance=server.api_token)
            before = snapshot(server, ["status"])
            server.status = ServerStatus.EXPIRED
            server.install_token_hash = ""
            server.save(update_fields=["status", "install_token_hash"])
            record(
                actor=None,
                action=AuditAction.SERVER_EXPIRE,
                obj=server,
                before=before,
                after=snapshot(server, ["status"]),
                note=f"expired {server.expires_at:%Y-%m-%d %H:%M:%S}",
            )
            outbox.enqueue(send_expired_alert, server.pk)
            marked.append(server.pk)
    return marked


def server_send_expired_alert(*, server_id: int) -> None:
    server = Server.objects.select_related("created_by").filter(pk=server_id).first()
    if server is None or server.status != ServerStatus.EXPIRED:
        return
    user = server.created_by
    if user is None or not user.email_verified_at:
        return
    mail.send_message("server_expired", {"server": _server_data(server)}, [user.email])


# --- Lifecycle from the server page --------------------------------------------------------------


def _live(server: Server) -> Server:
    server = (
        Server.objects.select_for_update(of=("self",))
        .select_related("provider", "api_token")
        .get(pk=server.pk)
    )
    if server.status == ServerStatus.DESTROYED:
        raise ValidationError("This server has been destroyed.")
    return server


@transaction.atomic
def server_update(*, actor: User, instance: Server, **values) -> Server:
    server = _live(instance)
    before = snapshot(server, UPDATE_FIELDS)
    if "name" in values:
        values["name"] = _check_name(values["name"], exclude_pk=server.pk)
    failover = values.get("failover_server", server.failover_server)
    cluster = values.get("cluster", server.cluster)
    if values.get("capacity_failover", server.capacity_failover) and failover is None:
        raise ValidationError({"failover_server": "Choose the server that takes calls over at capacity."})
    if failover is not None:
        failover = Server.objects.filter(pk=failover.pk).first()  # as stored, not as the caller saw it
        if failover is None or failover.pk == server.pk:
            raise ValidationError({"failover_server": "A server cannot take over from itself."})
        if cluster is None or failover.cluster_id != cluster.pk or not failover.live:
            raise ValidationError({"failover_server": "Choose a live server of the same cluster."})
    for field in UPDATE_FIELDS:
        if field in values:
            setattr(server, field, values[field])
    try:
        with transaction.atomic():
            server.full_clean(exclude=["provider", "api_token", "created_by", "failover_server", "cluster"])
            server.save()
    except IntegrityError as exc:
        raise ValidationError({"name": "A server with this name exists already."}) from exc
    record(
        actor=actor,
        action=AuditAction.SERVER_UPDATE,
        obj=server,
        before=before,
        after=snapshot(server, UPDATE_FIELDS),
    )
    return server


@transaction.atomic
def server_redeploy(*, actor: User, instance: Server) -> Deployed:
    """A new machine (cloud) or a new install command (own host), with new tokens; the old ones stop.

    The new machine is created before the old one is deleted, so a refusal leaves the server as it was.
    """
    server = _live(instance)
    if server.expires_at is not None and server.expires_at <= timezone.now():
        ended = f"{server.expires_at:%Y-%m-%d}"
        raise ValidationError({"expires_at": f"The test period ended on {ended}: set a later Expires first."})
    old_node = server.node_id
    server.status, server.ip, server.ip_emailed_at = ServerStatus.DEPLOYING, None, None
    server.last_heartbeat_at, server.node_id = None, ""
    server.channels = server.cps = 0
    command = _start(server, actor)
    note = f"old node {old_node}" if old_node else ""
    warning = ""
    if server.source == Source.CLOUD and old_node:
        try:
            source_for(server.provider).destroy(old_node)
        except ProviderError as exc:
            # The new machine exists; the old one is left for the operator to delete by hand.
            note = f"old node {old_node} NOT deleted: {exc}"
            warning = f"The old machine ({old_node}) could not be deleted; delete it at the provider. {exc}"
    server.save()
    record(actor=actor, action=AuditAction.SERVER_REDEPLOY, obj=server, note=note)
    return Deployed(server=server, install_command=command, warning=warning)


@transaction.atomic
def server_reboot(*, actor: User, instance: Server) -> Server:
    server = _live(instance)
    if server.source != Source.CLOUD or not server.node_id:
        raise ValidationError("An own host is rebooted from its own console.")
    try:
        source_for(server.provider).reboot(server.node_id)
    except ProviderError as exc:
        raise ValidationError(str(exc)) from exc
    record(actor=actor, action=AuditAction.SERVER_REBOOT, obj=server)
    return server


@transaction.atomic
def server_destroy(*, actor: User, instance: Server) -> Server:
    server = _live(instance)
    if server.source == Source.CLOUD and server.node_id:
        try:
            source_for(server.provider).destroy(server.node_id)
        except ProviderError as exc:
            raise ValidationError(str(exc)) from exc
    if server.api_token_id and server.api_token.revoked_at is None:
        api_token_revoke(actor=actor, instance=server.api_token)
    before = snapshot(server, ["status", "ip", "node_id"])
    server.status = ServerStatus.DESTROYED
    server.heartbeat_token_hash = server.install_token_hash = ""
    server.save()
    Server.objects.filter(failover_server=server).update(failover_server=None, capacity_failover=False)
    record(actor=actor, action=AuditAction.SERVER_DESTROY, obj=server, before=before)
    return server
