"""The rating fixes of issue 12: round once at the end with the card's method, the connect cost
contract of a blank profit rule, MCD 0 on rows, imports and profit rules, duration rounding."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ratecards import services
from ratecards.choices import JobStatus
from ratecards.models import CustomerCardRate, ProviderRate

from .factories import make_provider_card

pytestmark = pytest.mark.django_db
D = Decimal


def build(admin, card):
    job = services.build_run(job_id=services.build_job_create(actor=admin, card=card, run=False).pk)
    assert job.status == JobStatus.DONE, job.message
    return {r.prefix: r for r in CustomerCardRate.objects.filter(revision=job.revision)}


def test_down_never_rounds_up_after_a_currency_conversion(admin_user):
    services.exchange_rate_set(actor=admin_user, from_currency="GBP", to_currency="USD", rate=D("1.27"))
    gbp = make_provider_card([("44", "0.000003")], actor=admin_user, currency="GBP")
    card = services.customer_card_create(
        actor=admin_user, name="R", currency="USD", providers=[gbp], precision=6, rounding="down"
    )
    # 0.000003 GBP is 0.00000381 USD: Down gives 0.000003 (rounding half-up to 6 places first gave
    # 0.000004, above the exact cost).
    row = build(admin_user, card)["44"]
    assert row.rate == D("0.000003")
    assert row.providers[0]["cost"] == "0.000004"  # the routing JSON's converted cost, for display


def test_the_avg_base_is_not_rounded_before_the_card_rounds(admin_user):
    a = make_provider_card([("44", "0.000001")], actor=admin_user)
    b = make_provider_card([("44", "0.000002")], actor=admin_user)
    card = services.customer_card_create(
        actor=admin_user, name="R", currency="USD", providers=[a, b], precision=6, rounding="down"
    )
    services.customer_card_update(
        actor=admin_user,
        instance=card,
        providers=[a, b],
        name="R",
        currency="USD",
        precision=6,
        rounding="down",
        rate_compact="avg",
        status="active",
    )
    assert build(admin_user, card)["44"].rate == D("0.000001")  # avg 0.0000015, Down


def test_blank_connect_cost_on_the_rule_is_the_cheapest_carriers(admin_user):
    cheap = make_provider_card([("44", "0.01", "1/1", False, "0.05")], actor=admin_user)
    dear = make_provider_card([("44", "0.02", "1/1", False, "0")], actor=admin_user)
    card = services.customer_card_create(actor=admin_user, name="R", currency="USD", providers=[dear, cheap])
    services.profit_rule_create(
        actor=admin_user, card=card, prefix="", profit_type="relative", value=D("0.005")
    )
    row = build(admin_user, card)["44"]
    # The call goes to the cheapest carrier first, which charges 0.05 to connect: so does the sale
    # (Rate Compact "min" of all carriers' connect costs gave 0).
    assert row.providers[0]["provider_card_id"] == cheap.pk
    assert row.connect_cost == D("0.05") and row.rate == D("0.015")


def test_mcd_zero_on_provider_rows_profit_rules_and_the_built_card(admin_user):
    provider = make_provider_card([("44", "0.012", "0/6")], actor=admin_user)
    assert ProviderRate.objects.get(revision=provider.current_revision).mcd == 0
    card = services.customer_card_create(actor=admin_user, name="R", currency="USD", providers=[provider])
    assert (build(admin_user, card)["44"].mcd, build(admin_user, card)["44"].pulse) == (0, 6)
    rule = services.profit_rule_create(
        actor=admin_user, card=card, prefix="44", profit_type="absolute", value=D("0.02"), billing="0/1"
    )
    assert (rule.mcd, rule.pulse) == (0, 1)
    row = build(admin_user, card)["44"]
    assert (row.mcd, row.pulse, row.rate) == (0, 1, D("0.02"))


@pytest.mark.parametrize(
    ("body", "mapping"),
    [
        (b"prefix,name,cost,connect_cost,billing\n441,UK,0.006,0,0/6\n", None),
        (
            b"Code,Dest,Price,MCD,Pulse\n441,UK,0.006,0,6\n",
            {"prefix": 1, "name": 2, "cost": 3, "connect_cost": 0, "billing": 0, "mcd": 4, "pulse": 5},
        ),
    ],
)
def test_mcd_zero_is_accepted_by_imports(admin_user, body, mapping):
    card = make_provider_card(actor=admin_user)
    upload = SimpleUploadedFile("deck.csv", body)
    job = services.import_job_create(
        actor=admin_user, card=card, upload=upload, mapping=mapping or {}, run=False
    )
    job = services.import_run(job_id=job.pk)
    assert job.status == JobStatus.DONE, job.errors
    row = ProviderRate.objects.get(revision=job.revision, prefix="441")
    assert (row.mcd, row.pulse) == (0, 6)
