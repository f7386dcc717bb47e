"""The customer-card build against a brute-force oracle, plus its rules of publication."""

from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connexcs.money import round_to
from ratecards import services
from ratecards.choices import JobStatus
from ratecards.models import CustomerCard, CustomerCardRate, ExchangeRate

from .factories import make_provider_card, publish_rows

pytestmark = pytest.mark.django_db
SIX = Decimal("0.000001")


def oracle(providers, rates, rules, card):
    """Brute force: scan every row of every provider for every prefix; no indexes."""
    union = sorted({row["prefix"] for _cur, _cid, rows in providers for row in rows})
    out = {}
    for p in union:
        matches = []
        for pos, (currency, pcid, rows) in enumerate(providers):
            best = None
            for row in rows:
                if p.startswith(row["prefix"]) and (best is None or len(row["prefix"]) > len(best["prefix"])):
                    best = row
            if best is not None:
                factor = rates[(currency, card["currency"])]
                exact = Decimal(best["cost"]) * factor  # priced from this; rounded once, at the end
                cost = exact.quantize(SIX, ROUND_HALF_UP)  # what the routing JSON shows
                matches.append((pos, pcid, best, cost, exact))
        rule = None
        for r in rules:
            if p.startswith(r["prefix"]) and (rule is None or len(r["prefix"]) > len(rule["prefix"])):
                rule = r
        live = sorted([m for m in matches if not m[2]["blocked"]], key=lambda m: (m[3], m[0]))
        if not live or (rule and rule["status"] == "blocked"):
            out[p] = (True, Decimal(0), [])
            continue
        costs = [m[4] for m in live]
        base = {"min": min(costs), "max": max(costs), "avg": sum(costs) / len(costs)}[card["rate_compact"]]
        if rule is None:
            sell = base
        elif rule["profit_type"] == "absolute":
            sell = rule["value"]
        elif rule["profit_type"] == "relative":
            sell = base + rule["value"]
        else:
            sell = base * (1 + rule["value"] / 100)
        sell = max(round_to(sell, card["precision"], card["rounding"]), Decimal(0))
        out[p] = (False, sell, [(m[1], m[2]["prefix"], m[3]) for m in live])
    return out


prefixes = st.text(alphabet="1234", min_size=1, max_size=4)
costs = st.decimals(min_value=Decimal("0.000001"), max_value=Decimal("2"), places=6)
provider_rows = st.dictionaries(
    prefixes,
    st.tuples(costs, st.sampled_from([False, False, True])),
    min_size=1,
    max_size=8,
)
rule_st = st.fixed_dictionaries(
    {
        "prefix": st.just("") | prefixes,
        "profit_type": st.sampled_from(["absolute", "relative", "percent"]),
        "value": st.decimals(min_value=Decimal("0"), max_value=Decimal("50"), places=3),
        "status": st.sampled_from(["profit", "profit", "blocked"]),
    }
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    decks=st.lists(st.tuples(st.sampled_from(["USD", "EUR", "GBP"]), provider_rows), min_size=1, max_size=3),
    rules=st.lists(rule_st, max_size=4, unique_by=lambda r: r["prefix"]),
    currency=st.sampled_from(["USD", "EUR"]),
    rate_compact=st.sampled_from(["min", "max", "avg"]),
    precision=st.integers(min_value=0, max_value=6),
    rounding=st.sampled_from(["up", "down", "half_up", "half_down"]),
)
def test_build_matches_the_oracle(admin_user, decks, rules, currency, rate_compact, precision, rounding):
    rates = {("EUR", "USD"): Decimal("1.1"), ("GBP", "USD"): Decimal("1.27"), ("USD", "GBP"): Decimal("0.79")}
    for (a, b), r in rates.items():
        if not ExchangeRate.objects.filter(from_currency=a, to_currency=b).exists():
            services.exchange_rate_set(actor=admin_user, from_currency=a, to_currency=b, rate=r)
    table = dict(rates)
    for cur in ("USD", "EUR", "GBP"):
        table[(cur, cur)] = Decimal(1)
    for (a, b), r in rates.items():
        table.setdefault((b, a), Decimal(1) / r)
    # There is no GBP/EUR rate in either direction, so keep that pair out of the random cards.
    if currency == "EUR" and any(cur == "GBP" for cur, _ in decks):
        decks = [("USD" if cur == "GBP" else cur, rows) for cur, rows in decks]
    cards, oracle_in = [], []
    for cur, rows in decks:
        deck = [(p, str(c), "1/1", blocked) for p, (c, blocked) in rows.items()]
        card = make_provider_card(deck, actor=admin_user, currency=cur)
        cards.append(card)
        oracle_in.append(
            (cur, card.pk, [{"prefix": p, "cost": str(c), "blocked": b} for p, (c, b) in rows.items()])
        )
    customer = services.customer_card_create(
        actor=admin_user,
        name=f"C {CustomerCard.objects.count()}",
        currency=currency,
        providers=cards,
        rate_compact=rate_compact,
        precision=precision,
        rounding=rounding,
    )
    for r in rules:
        services.profit_rule_create(
            actor=admin_user,
            card=customer,
            prefix=r["prefix"],
            profit_type=r["profit_type"],
            value=r["value"],
            status=r["status"],
        )
    job = services.build_run(job_id=services.build_job_create(actor=admin_user, card=customer, run=False).pk)
    assert job.status == JobStatus.DONE, job.message
    got = {
        r.prefix: (
            r.blocked,
            r.rate,
            [(p["provider_card_id"], p["prefix"], Decimal(p["cost"])) for p in r.providers],
        )
        for r in CustomerCardRate.objects.filter(revision=job.revision)
    }
    expected = oracle(
        oracle_in,
        table,
        rules,
        {"currency": currency, "rate_compact": rate_compact, "precision": precision, "rounding": rounding},
    )
    assert got == expected


def test_seed_example_prices_441_at_0_007(admin_user):
    provider = make_provider_card([("441", "0.006", "1/1")], actor=admin_user)
    card = services.customer_card_create(
        actor=admin_user, name="Retail", currency="USD", providers=[provider]
    )
    services.profit_rule_create(
        actor=admin_user,
        card=card,
        prefix="441",
        profit_type="absolute",
        value=Decimal("0.007"),
        billing="1/1",
    )
    job = services.build_run(job_id=services.build_job_create(actor=admin_user, card=card, run=False).pk)
    row = CustomerCardRate.objects.get(revision=job.revision, prefix="441")
    assert row.rate == Decimal("0.007") and (row.mcd, row.pulse) == (1, 1)
    assert row.providers == [
        {
            "carrier_id": provider.carrier_id,
            "provider_card_id": provider.pk,
            "prefix": "441",
            "cost": "0.006000",
            "connect_cost": "0.000000",
            "mcd": 1,
            "pulse": 1,
        }
    ]


def test_longer_provider_prefix_wins_and_worst_billing(admin_user):
    a = make_provider_card([("44", "0.010", "60/60"), ("447", "0.050", "1/1")], actor=admin_user)
    b = make_provider_card([("4477", "0.020", "30/6")], actor=admin_user)
    card = services.customer_card_create(actor=admin_user, name="R", currency="USD", providers=[a, b])
    job = services.build_run(job_id=services.build_job_create(actor=admin_user, card=card, run=False).pk)
    rows = {r.prefix: r for r in CustomerCardRate.objects.filter(revision=job.revision)}
    assert [p["prefix"] for p in rows["4477"].providers] == ["4477", "447"]  # 447, never 44, for A
    assert rows["4477"].rate == Decimal("0.02") and (rows["4477"].mcd, rows["4477"].pulse) == (30, 6)
    assert (rows["44"].mcd, rows["44"].pulse) == (60, 60)


def test_missing_exchange_rate_fails_naming_the_pair_and_keeps_the_revision(admin_user):
    usd = make_provider_card([("1", "0.01")], actor=admin_user)
    card = services.customer_card_create(actor=admin_user, name="R", currency="USD", providers=[usd])
    first = services.build_run(job_id=services.build_job_create(actor=admin_user, card=card, run=False).pk)
    jpy = make_provider_card([("1", "1")], actor=admin_user, currency="JPY")
    card.refresh_from_db()
    services.customer_card_update(
        actor=admin_user,
        instance=card,
        providers=[usd, jpy],
        name="R",
        currency="USD",
        precision=4,
        rounding="up",
        rate_compact="min",
        status="active",
    )
    job = services.build_run(job_id=services.build_job_create(actor=admin_user, card=card, run=False).pk)
    assert job.status == JobStatus.FAILED and "JPY to USD" in job.message
    card.refresh_from_db()
    assert card.current_revision == first.revision


def test_two_builds_of_one_card_never_run_at_once(admin_user):
    provider = make_provider_card([("1", "0.01")], actor=admin_user)
    card = services.customer_card_create(actor=admin_user, name="R", currency="USD", providers=[provider])
    services.build_job_create(actor=admin_user, card=card, run=False)
    with pytest.raises(ValidationError):
        services.build_job_create(actor=admin_user, card=card, run=False)


def test_publishing_a_provider_revision_marks_customer_cards_stale(admin_user):
    provider = make_provider_card([("1", "0.01")], actor=admin_user)
    card = services.customer_card_create(actor=admin_user, name="R", currency="USD", providers=[provider])
    services.build_run(job_id=services.build_job_create(actor=admin_user, card=card, run=False).pk)
    card.refresh_from_db()
    assert not card.stale
    publish_rows(provider, [("1", "0.02")], actor=admin_user)
    card.refresh_from_db()
    assert card.stale
    jobs = services.build_stale_cards(actor=admin_user)
    assert [j.card_id for j in jobs] == [card.pk]


def test_cancelled_build_publishes_nothing(admin_user):
    provider = make_provider_card([("1", "0.01")], actor=admin_user)
    card = CustomerCard.objects.get(
        pk=services.customer_card_create(actor=admin_user, name="R", currency="USD", providers=[provider]).pk
    )
    job = services.build_job_create(actor=admin_user, card=card, run=False)
    services.job_cancel(actor=admin_user, job=job)
    job = services.build_run(job_id=job.pk)
    card.refresh_from_db()
    assert job.status == JobStatus.CANCELLED and card.current_revision is None
    services.build_job_create(actor=admin_user, card=card, run=False)  # a cancelled job no longer blocks


def test_stale_cards_are_shown_with_the_build_action(admin_client, admin_user):
    provider = make_provider_card([("1", "0.01")], actor=admin_user)
    services.customer_card_create(actor=admin_user, name="R", currency="USD", providers=[provider])
    publish_rows(provider, [("1", "0.02")], actor=admin_user)
    html = admin_client.get("/ratecards/").content.decode()
    assert "Build stale cards (1)" in html


def test_customer_cards_filter_by_stale_and_currency(admin_client, admin_user):
    provider = make_provider_card([("1", "0.01")], actor=admin_user)
    services.customer_card_create(actor=admin_user, name="Stale One", currency="USD", providers=[provider])
    publish_rows(provider, [("1", "0.02")], actor=admin_user)
    services.customer_card_create(actor=admin_user, name="Fresh One", currency="EUR", providers=[provider])

    def names(query):
        html = admin_client.get(f"/ratecards/?{query}").content.decode()
        return {name for name in ("Stale One", "Fresh One") if f">{name}<" in html}

    assert names("c-stale=true") == {"Stale One"}
    assert names("c-stale=false") == {"Fresh One"}
    assert names("c-stale=") == {"Stale One", "Fresh One"}
    assert names("c-currency=eur") == {"Fresh One"}
