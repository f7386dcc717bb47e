"""Billing maths against the reference docs' worked examples, plus properties that must always hold."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from connexcs.money import Rounding
from routing.billing import billed_seconds, charge

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
        (0, 60, 6, 0),
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
    assert charge(duration=0, rate=D("0.01"), mcd=60, pulse=60, connect_cost=D("0.02")) == (0, D("0.0200"))


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
    if duration > 0:
        assert billed >= mcd
        assert billed - duration < max(mcd, pulse) + 1
    if billed > mcd:
        assert (billed - mcd) % pulse == 0
    if duration == 0:
        assert billed == 0


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


@given(rates, mcds, pulses, precisions, roundings)
def test_zero_duration_costs_nothing_without_connect_cost(rate, mcd, pulse, precision, rounding):
    assert charge(duration=0, rate=rate, mcd=mcd, pulse=pulse, precision=precision, rounding=rounding) == (
        0,
        D(0),
    )
