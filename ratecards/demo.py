"""Demo rate cards: the seed's provider card (441 UK Landline at 0.006, 1/1) and a customer card
built from it with the seed's profit rule (441 at 0.007). Idempotent."""

from decimal import Decimal

from carriers.models import Carrier

from . import services
from .models import CustomerCard, ProviderCard

CARRIER = "Demo Carrier"
PROVIDER = "Demo Provider Card"
CUSTOMER = "Demo Customer Card"


def _carrier(admin) -> Carrier:
    carrier = Carrier.objects.filter(name=CARRIER).first()
    if carrier is not None:
        return carrier
    try:  # the carriers app's own service, when it has one
        from carriers.services import carrier_create
    except ImportError:
        return Carrier.objects.create(name=CARRIER, currency="USD")
    return carrier_create(actor=admin, name=CARRIER, currency="USD")


def seed(*, admin) -> None:
    provider = ProviderCard.objects.filter(name=PROVIDER).first()
    if provider is None:
        provider = services.provider_card_create(
            actor=admin, name=PROVIDER, carrier=_carrier(admin), currency="USD"
        )
    if provider.current_revision_id is None:
        draft = provider.revisions.filter(state="draft").first() or services.provider_draft_create(
            actor=admin, card=provider
        )
        if not draft.rates.filter(prefix="441").exists():
            services.provider_rate_add(
                actor=admin,
                revision=draft,
                prefix="441",
                name="UK Landline",
                cost=Decimal("0.006"),
                billing="1/1",
            )
        services.provider_revision_publish(actor=admin, revision=draft)
    customer = CustomerCard.objects.filter(name=CUSTOMER).first()
    if customer is None:
        customer = services.customer_card_create(
            actor=admin, name=CUSTOMER, currency="USD", providers=[provider]
        )
        services.profit_rule_create(
            actor=admin,
            card=customer,
            prefix="441",
            name="UK Landline",
            profit_type="absolute",
            value=Decimal("0.007"),
            apply_to="cost",
            billing="1/1",
            precision=None,
            connect_cost=None,
            status="profit",
        )
    if customer.current_revision_id is None and not customer.build_jobs.filter(
        status__in=["queued", "running"]
    ):
        job = services.build_job_create(actor=admin, card=customer, run=False)
        services.build_run(job_id=job.pk)
