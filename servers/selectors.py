"""Reads for Setup > Settings > Servers and My Account > My Servers."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.urls import reverse

from carriers.models import Carrier
from customers.models import Customer
from ratecards.models import CustomerCard, ProviderCard
from routing.models import IngressRoute

from .choices import ServerStatus
from .models import Cluster, Provider, Server


def server_list(*, actor) -> QuerySet[Server]:
    # Servers belong to the operator as a whole; the Server area (checked by the view) decides access.
    return Server.objects.select_related("cluster", "provider").order_by("name", "pk")


def my_servers(*, actor) -> QuerySet[Server]:
    return server_list(actor=actor).exclude(status=ServerStatus.DESTROYED)


def cluster_list(*, actor) -> QuerySet[Cluster]:
    live = ~Q(servers__status=ServerStatus.DESTROYED)
    return Cluster.objects.annotate(server_count=Count("servers", filter=live)).order_by("name")


def provider_list(*, actor) -> QuerySet[Provider]:
    live = ~Q(servers__status=ServerStatus.DESTROYED)
    return Provider.objects.annotate(server_count=Count("servers", filter=live)).order_by("name")


def cluster_peers(*, server: Server) -> QuerySet[Server]:
    """The other live servers of the server's cluster (its switch shares dialogs with them)."""
    if not server.cluster_id:
        return Server.objects.none()
    return (
        Server.objects.filter(cluster_id=server.cluster_id)
        .exclude(pk=server.pk)
        .exclude(status=ServerStatus.DESTROYED)
        .order_by("pk")
    )


def server_by_token(*, token_hash: str, field: str = "heartbeat_token_hash") -> Server | None:
    if not token_hash:
        return None
    return Server.objects.exclude(status=ServerStatus.DESTROYED).filter(**{field: token_hash}).first()


@dataclass(frozen=True)
class ChecklistItem:
    label: str
    done: bool
    url: str


def deploy_checklist(*, actor) -> list[ChecklistItem]:
    """The getting-started steps that must be done before a server may be deployed."""
    return [
        ChecklistItem(
            "Verify your email address", bool(actor.email_verified_at), reverse("accounts:verify_email")
        ),
        ChecklistItem(
            "Verify your mobile number", bool(actor.mobile_verified_at), reverse("accounts:verify_mobile")
        ),
        ChecklistItem("Add a carrier", Carrier.objects.exists(), reverse("carriers:carrier_add")),
        ChecklistItem(
            "Add a provider card", ProviderCard.objects.exists(), reverse("ratecards:provider_add")
        ),
        ChecklistItem(
            "Add a customer card", CustomerCard.objects.exists(), reverse("ratecards:customer_add")
        ),
        ChecklistItem("Add a customer", Customer.objects.exists(), reverse("customers:customer_add")),
        ChecklistItem(
            "Add an ingress route (a customer's Routing tab)",
            IngressRoute.objects.exists(),
            reverse("customers:customer_list"),
        ),
    ]


def checklist_missing(*, actor) -> list[ChecklistItem]:
    return [item for item in deploy_checklist(actor=actor) if not item.done]
