"""Billing maths against the reference docs' worked examples, plus properties that must always hold."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from connexcs.money import AMOUNT_PLACES, Rounding
from routing.billing import Tariff, billed_seconds, charge, max_duration, rate_call, round_duration

D = Decimal


@pytest.mark.parametrize(
    ("duration", "mcd", "pulse", "billed"),
    [
        (10, 60, 6, 60),  # 60/6: a 10 s call is billed as a minute
        (61, 60, 6, 66),
        (67, 60, 6, 72),
        (7, 6, 6, 12),  # billing-increments table, rows 1-4
        (7, 12, 6, 12),
        (7, 30, 6, 30),
        (7, 60, 6, 60),
        (61, 60, 60, 120),  # 60/60
        (60, 60, 60, 60),
        (31, 30, 6, 36),  # 30/6
        (D("9.1"), 1, 1, 10),  # fractions of a second are billed up to the next pulse
        (0, 60, 6, 60),  # answered at 0 s: the MCD
        (0, 0, 6, 0),  # MCD 0 (0/6) is allowed
        (7, 0, 6, 12),
    ],
)
def test_billed_seconds_examples(duration, mcd, pulse, billed):
    assert billed_seconds(duration, mcd, pulse) == billed


@pytest.mark.parametrize(
    ("mcd", "pulse", "cost"),
    [(6, 6, "0.00300"), (12, 6, "0.00300"), (30, 6, "0.00750"), (60, 6, "0.01500")],
)
def test_increment_table_costs(mcd, pulse, cost):
    assert charge(duration=7, rate=D("0.015"), mcd=mcd, pulse=pulse, precision=5) == (
        billed_seconds(7, mcd, pulse),
        D(cost),
    )


@pytest.mark.parametrize(("precision", "cost"), [(2, "0.01"), (3, "0.002"), (4, "0.0018"), (5, "0.00175")])
def test_precision_table_rounds_each_call_up(precision, cost):
    # 9 s at 0.01166/min is 0.001749; the docs' table rounds it up to each precision.
    _, amount = charge(duration=9, rate=D("0.01166"), mcd=1, pulse=1, precision=precision, rounding="up")
    assert amount == D(cost)


def test_per_call_rounding_not_per_batch():
    # 100 calls of 9 s at 0.005/min: 0.00075 each rounds up to 0.0008, so 0.08 in total, not 0.075.
    _, one = charge(duration=9, rate=D("0.005"), mcd=1, pulse=1, precision=4, rounding="up")
    assert one == D("0.0008") and one * 100 == D("0.08")


def test_connect_cost_is_added_before_rounding():
    assert charge(duration=60, rate=D("0.01"), mcd=1, pulse=1, connect_cost=D("0.02")) == (60, D("0.0300"))
    # Answered at 0 s: the MCD is billed, plus the connect cost.
    assert charge(duration=0, rate=D("0.01"), mcd=60, pulse=60, connect_cost=D("0.02")) == (60, D("0.0300"))


def test_unanswered_call_costs_nothing_not_even_the_connect_cost():
    kw = {"rate": D("0.01"), "mcd": 60, "pulse": 60, "connect_cost": D("0.02")}
    assert charge(duration=0, answered=False, **kw) == (0, D("0.0000"))
    assert billed_seconds(0, 60, 60, answered=False) == 0


@pytest.mark.parametrize(
    ("seconds", "down", "up", "half_up", "half_down"),
    [  # billing-basics.md, "Duration Rounding" table
        ("60.0", 60, 60, 60, 60),
        ("60.1", 60, 61, 60, 60),
        ("60.4", 60, 61, 60, 60),
        ("60.5", 60, 61, 61, 60),
        ("60.6", 60, 61, 61, 61),
        ("1.4", 1, 2, 1, 1),
        ("1.5", 1, 2, 2, 1),
    ],
)
def test_duration_rounding_table(seconds, down, up, half_up, half_down):
    got = [round_duration(D(seconds), m) for m in ("down", "up", "half_up", "half_down")]
    assert got == [down, up, half_up, half_down]


def test_rate_call_rounds_duration_then_bills_then_rounds_money_once():
    tariff = Tariff(rate=D("0.005"), mcd=1, pulse=1, precision=4, rounding="up", duration_rounding="up")
    # billing-basics.md: 9.1 s at 0.005 full-up is billed 10 s = 0.000833.. -> 0.0009 up at 4 places.
    assert rate_call(tariff, answered_seconds=D("9.1")) == (10, 10, D("0.0009"))
    down = Tariff(rate=D("0.005"), mcd=1, pulse=1, precision=4, rounding="down", duration_rounding="down")
    assert rate_call(down, answered_seconds=D("9.1")) == (9, 9, D("0.0007"))
    assert rate_call(tariff, answered_seconds=None) == (0, 0, D(0))
    # A card precision above the ledger's 4 places rounds once, to 4 places.
    six = Tariff(rate=D("0.011666"), precision=6, rounding="up")
    assert rate_call(six, answered_seconds=9) == (9, 9, D("0.0018"))


def test_max_duration_caps_by_credit_never_below_mcd():
    kw = {"connect_cost": D(0), "limit": 7200}
    # 1.00 of credit at 0.60/min buys 100 s; 60/60 billing: a started minute is a whole one.
    assert max_duration(credit=D("1.00"), rate=D("0.60"), mcd=1, pulse=1, **kw) == 100
    assert max_duration(credit=D("1.00"), rate=D("0.60"), mcd=60, pulse=60, **kw) == 60
    assert max_duration(credit=D("0.01"), rate=D("0.60"), mcd=30, pulse=6, **kw) == 30  # the MCD
    assert max_duration(credit=D("1000"), rate=D("0.01"), mcd=1, pulse=1, **kw) == 7200  # the route's
    assert max_duration(credit=D("1.00"), rate=D(0), mcd=1, pulse=1, **kw) == 7200
    assert (
        max_duration(credit=D("1.00"), rate=D("0.60"), mcd=1, pulse=1, connect_cost=D("0.5"), limit=7200)
        == 50
    )


@pytest.mark.parametrize(("mcd", "pulse"), [(-1, 1), (0, 0), (1, -6)])
def test_bad_billing_is_refused(mcd, pulse):
    with pytest.raises(ValueError):
        billed_seconds(10, mcd, pulse)


durations = st.decimals(min_value=0, max_value=86_400, places=3, allow_nan=False, allow_infinity=False)
mcds = st.integers(min_value=0, max_value=120)
pulses = st.integers(min_value=1, max_value=60)
rates = st.decimals(min_value=0, max_value=10, places=6, allow_nan=False, allow_infinity=False)
roundings = st.sampled_from(list(Rounding))
precisions = st.integers(min_value=0, max_value=6)


@given(durations, durations, mcds, pulses)
def test_billed_seconds_is_monotonic(a, b, mcd, pulse):
    low, high = sorted((a, b))
    assert billed_seconds(low, mcd, pulse) <= billed_seconds(high, mcd, pulse)


@given(durations, mcds, pulses)
def test_billed_seconds_shape(duration, mcd, pulse):
    billed = billed_seconds(duration, mcd, pulse)
    assert billed >= duration
    assert billed >= mcd
    if duration > 0:
        assert billed - duration < max(mcd, pulse) + 1
    if billed > mcd:
        assert (billed - mcd) % pulse == 0
    if duration == 0:
        assert billed == mcd


@given(durations, durations, rates, mcds, pulses, precisions, roundings)
def test_charge_is_monotonic_in_duration(a, b, rate, mcd, pulse, precision, rounding):
    low, high = sorted((a, b))
    kw = {"rate": rate, "mcd": mcd, "pulse": pulse, "precision": precision, "rounding": rounding}
    assert charge(duration=low, **kw)[1] <= charge(duration=high, **kw)[1]


@given(durations, rates, mcds, pulses, precisions, roundings)
def test_charge_rounds_once_within_one_unit(duration, rate, mcd, pulse, precision, rounding):
    seconds, amount = charge(
        duration=duration, rate=rate, mcd=mcd, pulse=pulse, precision=precision, rounding=rounding
    )
    exact = rate * seconds / 60
    unit = D(1).scaleb(-precision)
    assert amount.as_tuple().exponent == -precision
    assert abs(amount - exact) < unit
    if rounding == Rounding.UP:
        assert amount >= exact
    if rounding == Rounding.DOWN:
        assert amount <= exact


@given(durations, rates, mcds, pulses, precisions, roundings)
def test_unanswered_costs_nothing(duration, rate, mcd, pulse, precision, rounding):
    kw = {"rate": rate, "mcd": mcd, "pulse": pulse, "precision": precision, "rounding": rounding}
    assert charge(duration=duration, connect_cost=D(1), answered=False, **kw) == (0, D(0))


@given(st.decimals(min_value=0, max_value=86_400, places=3), st.sampled_from(list(Rounding)))
def test_duration_rounding_stays_within_a_second(seconds, method):
    whole = round_duration(seconds, method)
    assert abs(whole - seconds) <= 1
    assert (whole >= seconds) if method == Rounding.UP else True
    assert (whole <= seconds) if method == Rounding.DOWN else True


@given(
    st.decimals(min_value=0, max_value=1000, places=4),
    st.decimals(min_value=D("0.0001"), max_value=5, places=6),
    mcds,
    pulses,
)
def test_max_duration_never_spends_more_than_the_credit_past_the_mcd(credit, rate, mcd, pulse):
    seconds = max_duration(credit=credit, rate=rate, connect_cost=D(0), mcd=mcd, pulse=pulse, limit=86_400)
    assert seconds >= min(mcd, 86_400)
    if seconds > max(mcd, 1):  # at least 1 s: a 0 s timeout would mean no limit to the switch
        assert billed_seconds(seconds, mcd, pulse) * rate / 60 <= credit


@given(
    st.decimals(min_value=0, max_value=7200, places=3),
    rates,
    rates,
    mcds,
    pulses,
    st.integers(min_value=0, max_value=8),
    roundings,
    st.sampled_from(list(Rounding)),
)
def test_rate_call_is_charge_of_the_rounded_duration_whatever_was_rated_before(
    seconds, rate, connect, mcd, pulse, precision, rounding, duration_rounding
):
    # rate_call remembers (tariff, whole seconds) -> amount: an equal tariff written with other
    # trailing zeros, asked first, must not change what this one gets.
    padded = Tariff(
        rate.quantize(D("0.00000001")), connect, mcd, pulse, precision, rounding, duration_rounding
    )
    tariff = Tariff(rate, connect, mcd, pulse, precision, rounding, duration_rounding)
    whole = round_duration(seconds, duration_rounding)
    billed, amount = charge(
        duration=whole,
        rate=rate,
        mcd=mcd,
        pulse=pulse,
        connect_cost=connect,
        precision=min(precision, AMOUNT_PLACES),
        rounding=rounding,
    )
    assert rate_call(padded, answered_seconds=seconds) == (whole, billed, amount)
    got = rate_call(tariff, answered_seconds=seconds)
    assert got == (whole, billed, amount) and str(got[2]) == str(amount)
