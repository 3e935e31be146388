"""Capital gain netting, the $3,000 loss limit, carryovers, and the exact tax of a year's nets."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from householder.errors import InputError
from householder.tax import (
    capital_gains_tax,
    capital_loss_limit,
    carryover_used,
    carryover_value_rate,
    convex_tax_bound,
    net_capital_gains,
)
from tests.tax.shared_cases import tax_case

ORDINARY, LONG_TERM = 0.24, 0.15


def netting_case(source_prefix: str) -> dict[str, Any]:
    cases = tax_case("netting")
    (case,) = [c for c in cases if c["source"].startswith(source_prefix)]
    assert isinstance(case, dict)
    return case


def test_long_john_silver() -> None:
    """Source: Motley Fool 'Long John Silver': LT 400 net, ST -250 net, leaves LT gain 150."""
    case = netting_case("Motley Fool")
    result = net_capital_gains(case["short_term"], case["long_term"])
    expected = case["expected"]
    assert result.net_long_term == expected["net_long_term"]
    assert result.net_short_term == expected["net_short_term"]
    assert result.long_term_gain == expected["result"]["long_term_gain"]
    assert (result.short_term_gain, result.deduction, result.carryforward) == (0, 0, 0)


@pytest.mark.parametrize(
    ("short_term", "long_term", "carry_short", "carry_long"),
    [
        ([-7000], [], 4000, 0),  # all short-term: the carryover stays short-term
        ([], [-7000], 0, 4000),  # all long-term
        ([-2000], [-5000], 0, 4000),  # the short-term loss is used first
    ],
)
def test_sampson_net_capital_loss(
    short_term: list[float], long_term: list[float], carry_short: float, carry_long: float
) -> None:
    """Source: IRS Pub 544 (2000), Bob and Gloria Sampson: $7,000 loss, deduct 3,000, carry 4,000.

    The character of the carryover follows the Schedule D Capital Loss Carryover Worksheet.
    """
    case = netting_case("IRS Publication 544")
    result = net_capital_gains(short_term, long_term, filing_status=case["filing_status"])
    assert -result.net == case["net_capital_loss"]
    assert result.deduction == case["expected"]["deduction_this_year"]
    assert result.carryforward == case["expected"]["carryforward"]
    assert (result.carryforward_short, result.carryforward_long) == (carry_short, carry_long)


def test_married_filing_separately_limit() -> None:
    """IRC 1211(b)(1) and the Pub 544 note: the limit is $1,500 married filing separately."""
    result = net_capital_gains([-7000], [], filing_status="married_separate")
    assert (result.deduction, result.carryforward_short) == (1500, 5500)
    assert capital_loss_limit("married_joint") == 3000
    assert capital_loss_limit("head_of_household") == 3000
    with pytest.raises(InputError, match="unknown filing_status 'joint'"):
        capital_loss_limit("joint")


@pytest.mark.parametrize(
    ("short", "long", "st_gain", "lt_gain", "deduction", "carry_short", "carry_long", "tax"),
    [
        # both gains: each at its own rate; 1000 * .24 + 2000 * .15
        (1000, 2000, 1000, 2000, 0, 0, 0, 540),
        # short-term loss against a larger long-term gain: 600 long-term at .15
        (-400, 1000, 0, 600, 0, 0, 0, 90),
        # short-term loss larger than the long-term gain: a 500 loss deducted at .24
        (-1500, 1000, 0, 0, 500, 0, 0, -120),
        # short-term gain against a long-term loss: 600 short-term at .24
        (1000, -400, 600, 0, 0, 0, 0, 144),
        # long-term loss larger than the short-term gain: an 800 loss deducted
        (1000, -1800, 0, 0, 800, 0, 0, -192),
        # both losses, under the limit
        (-1000, -1500, 0, 0, 2500, 0, 0, -600),
        # both losses over the limit: short-term used first (worksheet lines 6-13)
        (-2000, -5000, 0, 0, 3000, 0, 4000, -720),
        (-5000, -2000, 0, 0, 3000, 2000, 2000, -720),
        # a loss over the limit after offsetting a gain of the other term
        (-5000, 1000, 0, 0, 3000, 1000, 0, -720),
        (1000, -5000, 0, 0, 3000, 0, 1000, -720),
        # exactly zero
        (-1000, 1000, 0, 0, 0, 0, 0, 0),
    ],
)
def test_every_sign_region_by_hand(
    short: float,
    long: float,
    st_gain: float,
    lt_gain: float,
    deduction: float,
    carry_short: float,
    carry_long: float,
    tax: float,
) -> None:
    """Hand-computed from IRS Pub 550 netting and the Schedule D carryover worksheet, 24 %/15 %."""
    result = capital_gains_tax(short, long, ordinary_rate=ORDINARY, long_term_rate=LONG_TERM)
    assert (result.net_short_term, result.net_long_term) == (short, long)
    assert (result.short_term_gain, result.long_term_gain) == (st_gain, lt_gain)
    assert result.deduction == deduction
    assert (result.carryforward_short, result.carryforward_long) == (carry_short, carry_long)
    assert result.estimated_tax == pytest.approx(tax, abs=1e-9)


def test_niit_is_added_on_net_gains_only() -> None:
    """IRC 1411: 3.8 % on the net gain (1000 ST + 2000 LT: 540 + 114); nothing on a net loss."""
    gains = capital_gains_tax(1000, 2000, ordinary_rate=0.24, long_term_rate=0.15, niit=True)
    assert gains.niit_tax == pytest.approx(114)
    assert gains.estimated_tax == pytest.approx(654)
    loss = capital_gains_tax(-5000, 0, ordinary_rate=0.24, long_term_rate=0.15, niit=True)
    assert loss.niit_tax == 0
    assert loss.estimated_tax == pytest.approx(-720)


def test_carried_in_losses_keep_their_character() -> None:
    """Schedule D lines 6 and 14: a carried-in loss nets with the same term's gains first."""
    result = capital_gains_tax(
        5000,
        0,
        ordinary_rate=ORDINARY,
        long_term_rate=LONG_TERM,
        carryforward_short=2000,
        carryforward_long=1000,
    )
    assert (result.net_short_term, result.net_long_term) == (3000, -1000)
    assert (result.short_term_gain, result.long_term_gain) == (2000, 0)
    assert result.estimated_tax == pytest.approx(480)
    with pytest.raises(InputError, match="carryforward_long"):
        net_capital_gains([], [], carryforward_long=-1)


def test_bad_rates_are_input_errors() -> None:
    """Rates are fractions: 24 % is 0.24."""
    with pytest.raises(InputError, match="ordinary_rate"):
        capital_gains_tax(1, 1, ordinary_rate=24, long_term_rate=0.15)
    with pytest.raises(InputError, match="finite"):
        net_capital_gains([float("nan")], [])


money = st.floats(-1e6, 1e6, allow_nan=False)
carried = st.floats(0, 1e5)
statuses = st.sampled_from(["single", "married_joint", "married_separate", "head_of_household"])


@given(short=money, long=money, carry_short=carried, carry_long=carried, status=statuses)
def test_netting_identities(
    short: float, long: float, carry_short: float, carry_long: float, status: str
) -> None:
    """Pub 550 / Schedule D: gains = max(net, 0), deduction = min(limit, loss), rest carried,
    and a carryover never exceeds the net loss of its own term."""
    result = net_capital_gains(
        [short],
        [long],
        carryforward_short=carry_short,
        carryforward_long=carry_long,
        filing_status=status,
    )
    limit = capital_loss_limit(status)
    net = result.net_short_term + result.net_long_term
    loss = max(0.0, -net)
    tol = 1e-6
    assert result.short_term_gain + result.long_term_gain == pytest.approx(max(0.0, net), abs=tol)
    assert result.deduction == pytest.approx(min(limit, loss), abs=tol)
    assert result.carryforward == pytest.approx(loss - result.deduction, abs=tol)
    assert 0 <= result.carryforward_short <= max(0.0, -result.net_short_term) + tol
    assert 0 <= result.carryforward_long <= max(0.0, -result.net_long_term) + tol
    assert 0 <= result.short_term_gain <= max(0.0, result.net_short_term) + tol
    assert 0 <= result.long_term_gain <= max(0.0, result.net_long_term) + tol


rate_pairs = st.tuples(st.floats(0, 0.6), st.floats(0, 1)).map(lambda p: (p[0], p[0] * p[1]))


@given(short=money, long=money, rates=rate_pairs, niit=st.booleans(), status=statuses)
def test_convex_surrogate_never_understates_the_exact_tax(
    short: float, long: float, rates: tuple[float, float], niit: bool, status: str
) -> None:
    """The optimizer's convex stand-in is >= the exact tax wherever long-term rate (+ NIIT) is
    at most the ordinary rate, and equal to it when both nets are gains or a short-term loss is
    outweighed by a long-term gain."""
    ordinary, long_term = rates
    assume(long_term + (0.038 if niit else 0.0) <= ordinary)
    kwargs: dict[str, Any] = {"ordinary_rate": ordinary, "long_term_rate": long_term, "niit": niit}
    exact = capital_gains_tax(short, long, filing_status=status, **kwargs).estimated_tax
    bound = convex_tax_bound(short, long, filing_status=status, **kwargs)
    tol = 1e-9 * (1 + abs(short) + abs(long))
    assert bound >= exact - tol
    if (short >= 0 and long >= 0) or (short < 0 and short + long >= 0):
        assert bound == pytest.approx(exact, abs=tol)


@given(short=money, long=money, bump=st.floats(0, 1e5), rates=rate_pairs, to_short=st.booleans())
def test_more_gain_never_means_less_tax(
    short: float, long: float, bump: float, rates: tuple[float, float], to_short: bool
) -> None:
    """The exact tax is non-decreasing in each net (long-term rate at most the ordinary rate)."""
    ordinary, long_term = rates

    def tax(s: float, lt: float) -> float:
        return capital_gains_tax(
            s, lt, ordinary_rate=ordinary, long_term_rate=long_term
        ).estimated_tax

    before = tax(short, long)
    after = tax(short + bump, long) if to_short else tax(short, long + bump)
    assert after >= before - 1e-9 * (1 + abs(short) + abs(long) + bump)


@given(
    short=money,
    long=money,
    rates=rate_pairs,
    niit=st.booleans(),
    status=statuses,
    discount=st.floats(0, 0.3),
)
def test_surrogate_with_carryover_value_never_understates(
    short: float, long: float, rates: tuple[float, float], niit: bool, status: str, discount: float
) -> None:
    """With the carryover valued at nu = min(rho_lt + n, rho_ord) / (1 + discount) a dollar,
    the optimizer's stand-in is >= the exact tax less nu x the carryover left, and equal to it
    beyond the loss limit when its third piece is the largest (docs/plan.md)."""
    ordinary, long_term = rates
    assume(long_term + (0.038 if niit else 0.0) <= ordinary)
    kwargs: dict[str, Any] = {"ordinary_rate": ordinary, "long_term_rate": long_term, "niit": niit}
    nu = carryover_value_rate(discount_rate=discount, **kwargs)
    exact = capital_gains_tax(short, long, filing_status=status, **kwargs)
    left = exact.carryforward_short + exact.carryforward_long
    bound = convex_tax_bound(short, long, filing_status=status, carryover_value=nu, **kwargs)
    tol = 1e-9 * (1 + abs(short) + abs(long))
    assert bound >= exact.estimated_tax - nu * left - tol
    assert bound <= convex_tax_bound(short, long, filing_status=status, **kwargs) + tol


def test_carryover_value_rate_and_use() -> None:
    """nu = min(rho_lt + 3.8 % NIIT, rho_ord) / (1 + discount): 15 % at a 0 discount, 20 % +
    3.8 % = 23.8 % capped by a 22 % ordinary rate; the carryover a plan uses up is the
    carryover without it less with it (Pub 544's Sampsons: $7,000 net loss → $4,000 carried;
    a $1,000 gain on top → $3,000 carried: $1,000 used)."""
    assert carryover_value_rate(ordinary_rate=0.24, long_term_rate=0.15) == 0.15
    assert carryover_value_rate(
        ordinary_rate=0.22, long_term_rate=0.20, niit=True, discount_rate=0.1
    ) == pytest.approx(0.22 / 1.1)
    without = net_capital_gains([], [-7000], filing_status="married_joint")
    with_plan = net_capital_gains([], [-7000, 1000], filing_status="married_joint")
    assert (without.carryforward, with_plan.carryforward) == (4000, 3000)
    assert carryover_used(with_plan, without) == 1000
    with pytest.raises(InputError, match="carryover_value"):
        convex_tax_bound(0, -9000, ordinary_rate=0.24, long_term_rate=0.15, carryover_value=0.2)
