"""Tests for the after-tax value model (``householder.tax.location``)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from householder.errors import InputError
from householder.tax.location import (
    INCOMES,
    NIIT_RATE,
    TREATMENTS,
    ClassAssumptions,
    Income,
    TaxRates,
    Treatment,
    after_tax_value,
    annual_tax_drag,
    taxable_equivalent_yield,
)

# --------------------------------------------------------------------------- golden numbers


def test_roth_placement_case_freeby50() -> None:
    """Shared case ``cases/roth-placement.yaml``: freeby50.com, 'Stocks in Roth and bonds in 401k'
    (2018). Stocks 10 %, bonds 5 %, 20 years, no yields or fees, 401(k) taxed at 33 % on the way
    out. $50k Roth + $50k 401(k), each 50/50 → $391,648; stocks in the Roth and bonds in the
    401(k) → $425,260 (to the dollar; the case allows ±2)."""
    rates = TaxRates(ordinary=0.33, long_term=0.15, retirement=0.33)
    stocks = ClassAssumptions(expected_return=0.10, yield_=0.0, income="none")
    bonds = ClassAssumptions(expected_return=0.05, yield_=0.0, income="none")

    def value(treatment: Treatment, cls: ClassAssumptions) -> float:
        return after_tax_value(treatment, cls, rates, 20)

    uniform = (
        25_000 * value("tax_exempt", stocks)
        + 25_000 * value("tax_exempt", bonds)
        + 25_000 * value("tax_deferred", stocks)
        + 25_000 * value("tax_deferred", bonds)
    )
    located = 50_000 * value("tax_exempt", stocks) + 50_000 * value("tax_deferred", bonds)

    assert round(uniform) == 391_648
    assert round(located) == 425_260
    assert abs(uniform - 391_648) <= 2 and abs(located - 425_260) <= 2


def test_roth_placement_coefficients_put_stocks_in_roth() -> None:
    """Same case through the LP's table: the Roth premium over the 401(k) per dollar,
    t_ret·(1+r)^H, is larger for stocks, so the LP puts stocks in the Roth."""
    rates = TaxRates(ordinary=0.33, long_term=0.15, retirement=0.33)
    classes = {
        "stocks": ClassAssumptions(expected_return=0.10, yield_=0.0, income="none"),
        "bonds": ClassAssumptions(expected_return=0.05, yield_=0.0, income="none"),
    }
    table = {t: {k: after_tax_value(t, c, rates, 20) for k, c in classes.items()}
             for t in Treatment}
    assert table["tax_exempt"]["stocks"] == pytest.approx(1.1**20, rel=1e-15)
    assert table["tax_deferred"]["bonds"] == pytest.approx(0.67 * 1.05**20, rel=1e-15)
    premium = {k: table["tax_exempt"][k] - table["tax_deferred"][k] for k in classes}
    assert premium["stocks"] > premium["bonds"]
    # Moving $25k of stocks into the Roth and $25k of bonds out of it: located - uniform.
    gain = 25_000 * (premium["stocks"] - premium["bonds"])
    assert gain == pytest.approx(425_260 - 391_648, abs=1)


@pytest.mark.parametrize(
    ("muni_yield", "rate", "expected_percent", "source"),
    [
        # Commonly quoted textbook exercise: "a municipal bond ... pays a yield of 5.75 percent.
        # Calculate the tax equivalent yield if your marginal tax rate is 28 percent" (also posted
        # at tutorsglobe.com, question 52371341): 5.75 / 0.72 = 7.99 %.
        (0.0575, 0.28, 7.99, "textbook TEY exercise, 5.75 % at 28 %"),
        # Worked answer at qammunity.org/9643583: 4.25 % muni, 28 % bracket → 5.90 %.
        (0.0425, 0.28, 5.90, "qammunity.org/9643583"),
        # Huver's published 'Taxable Equivalent Yield Chart' (huver.com, taxchart).
        (0.030, 0.15, 3.53, "huver.com chart"),
        (0.040, 0.28, 5.56, "huver.com chart"),
        (0.055, 0.33, 8.21, "huver.com chart"),
        (0.065, 0.35, 10.00, "huver.com chart"),
        (0.090, 0.33, 13.43, "huver.com chart"),
    ],
)
def test_taxable_equivalent_yield_published_examples(
    muni_yield: float, rate: float, expected_percent: float, source: str
) -> None:
    """TEY = y / (1 - t), to the two decimals the sources print."""
    assert 100 * taxable_equivalent_yield(muni_yield, rate) == pytest.approx(
        expected_percent, abs=0.005
    ), source


def test_oblivious_investor_tax_cost_ranking() -> None:
    """Mike Piper, The Oblivious Investor, 'How Do Interest Rates and Dividend Yields Affect Asset
    Location?' (obliviousinvestor.com). The article's inputs: a Missouri resident in the 25 %
    federal and 6 % state brackets, so Treasury interest is taxed at 25 % (exempt from state
    tax) and qualified dividends at 15 % + 6 % = 21 %; SEC yields of Vanguard Short-Term
    Treasury 0.48 %, Intermediate-Term Treasury 0.95 % and Total Stock Market Index 1.84 %.
    Its tax costs: ≈ 0.12 %, ≈ 0.24 % and ≈ 0.39 % a year, the stock fund the highest.

    ``ordinary`` is the federal rate alone here because the only ordinary income is Treasury
    interest; a corporate bond fund would take 31 %. The index fund is taken as paying only
    qualified dividends and distributing no gains, as the article does."""
    treasury_and_dividend_rates = TaxRates(ordinary=0.25, long_term=0.15 + 0.06, retirement=0.25)
    short_treasury = ClassAssumptions(expected_return=0.0048, yield_=0.0048, income="ordinary")
    intermediate_treasury = ClassAssumptions(
        expected_return=0.0095, yield_=0.0095, income="ordinary"
    )
    total_stock = ClassAssumptions(expected_return=0.07, yield_=0.0184, income="qualified")

    drags = [
        annual_tax_drag(c, treasury_and_dividend_rates)
        for c in (short_treasury, intermediate_treasury, total_stock)
    ]

    assert drags == pytest.approx([0.25 * 0.0048, 0.25 * 0.0095, 0.21 * 0.0184], rel=1e-12)
    # The article's rounded figures, to half a basis point.
    assert [100 * d for d in drags] == pytest.approx([0.12, 0.24, 0.39], abs=0.005)
    assert drags == sorted(drags)  # stocks cost the most in taxable, at these yields


# --------------------------------------------------------------------------- closed forms

RATES = TaxRates(ordinary=0.33, long_term=0.15, retirement=0.25)


def test_bond_at_par_compounds_at_the_after_tax_yield() -> None:
    """No price change (r = y), ordinary income: taxable = (1 + y(1 - t))^H, no gain left."""
    bond = ClassAssumptions(expected_return=0.05, yield_=0.05, income="ordinary")
    value = after_tax_value("taxable", bond, RATES, 20)
    assert value == pytest.approx((1 + 0.05 * 0.67) ** 20, rel=1e-13)
    unsold = after_tax_value("taxable", bond, RATES, 20, liquidate=False)
    assert unsold == pytest.approx(value, rel=1e-13)


def test_growth_only_stock_pays_long_term_tax_once() -> None:
    """No yield, no turnover: taxable = (1+r)^H - t_lt·((1+r)^H - 1)."""
    stock = ClassAssumptions(expected_return=0.08, yield_=0.0, income="none")
    grown = 1.08**30
    assert after_tax_value("taxable", stock, RATES, 30) == pytest.approx(
        grown - 0.15 * (grown - 1), rel=1e-13
    )
    assert after_tax_value("taxable", stock, RATES, 30, liquidate=False) == pytest.approx(grown)


def test_full_turnover_is_taxed_every_year() -> None:
    """Turnover 1 realizes all growth yearly: taxable = (1 + (r - y)(1 - t_lt) + y(1 - t_y))^H."""
    fund = ClassAssumptions(expected_return=0.09, yield_=0.02, income="qualified", turnover=1.0)
    expected = (1 + 0.07 * 0.85 + 0.02 * 0.85) ** 15
    assert after_tax_value("taxable", fund, RATES, 15) == pytest.approx(expected, rel=1e-13)


def test_niit_adds_to_yield_and_gains_but_not_to_muni_interest() -> None:
    rates = TaxRates(ordinary=0.35, long_term=0.20, retirement=0.35, niit=True)
    bond = ClassAssumptions(expected_return=0.04, yield_=0.04, income="ordinary")
    assert annual_tax_drag(bond, rates) == pytest.approx(0.04 * (0.35 + NIIT_RATE))
    muni = ClassAssumptions(expected_return=0.03, yield_=0.03, income="tax_exempt")
    assert annual_tax_drag(muni, rates) == 0.0
    stock = ClassAssumptions(expected_return=0.08, yield_=0.0, income="none")
    grown = 1.08**10
    assert after_tax_value("taxable", stock, rates, 10) == pytest.approx(
        grown - (0.20 + NIIT_RATE) * (grown - 1), rel=1e-13
    )


def test_foreign_tax_is_credited_only_in_taxable_and_only_up_to_the_us_tax() -> None:
    """Withholding f·y is lost in a Roth or 401(k); in taxable it offsets the US tax on the
    same dividend, so the drag is (t_lt - f)·y, and 0 once f ≥ t_lt (the excess is lost)."""
    intl = ClassAssumptions(expected_return=0.03, yield_=0.03, income="foreign", foreign_tax=0.10)
    assert after_tax_value("tax_exempt", intl, RATES, 1) == pytest.approx(1 + 0.03 - 0.003)
    assert annual_tax_drag(intl, RATES) == pytest.approx((0.15 - 0.10) * 0.03)
    assert after_tax_value("taxable", intl, RATES, 1) == pytest.approx(1 + 0.03 * 0.85)

    heavy = ClassAssumptions(expected_return=0.03, yield_=0.03, income="foreign", foreign_tax=0.2)
    assert annual_tax_drag(heavy, RATES) == 0.0
    assert after_tax_value("taxable", heavy, RATES, 5) == pytest.approx(
        after_tax_value("tax_exempt", heavy, RATES, 5), rel=1e-13
    )


def test_embedded_gain_and_loss_at_horizon_zero() -> None:
    """H = 0: selling today. A gain pays t_lt; a loss is credited at the same rate (the
    documented convention)."""
    stock = ClassAssumptions(expected_return=0.08, yield_=0.0, income="none")
    assert after_tax_value("taxable", stock, RATES, 0, basis_ratio=0.4) == pytest.approx(
        1 - 0.15 * 0.6
    )
    assert after_tax_value("taxable", stock, RATES, 0, basis_ratio=1.25) == pytest.approx(
        1 + 0.15 * 0.25
    )
    assert after_tax_value("tax_exempt", stock, RATES, 0) == 1.0
    assert after_tax_value("tax_deferred", stock, RATES, 0) == pytest.approx(0.75)


def test_expense_ratio_reduces_growth_in_every_treatment() -> None:
    bond = ClassAssumptions(expected_return=0.05, yield_=0.05, income="ordinary")
    assert after_tax_value("tax_exempt", bond, RATES, 10, expense_ratio=0.01) == pytest.approx(
        1.04**10
    )
    assert after_tax_value("tax_deferred", bond, RATES, 10, expense_ratio=0.01) == pytest.approx(
        0.75 * 1.04**10
    )
    for treatment in TREATMENTS:
        assert after_tax_value(treatment, bond, RATES, 10, expense_ratio=0.01) < after_tax_value(
            treatment, bond, RATES, 10
        )


def test_bad_inputs_are_refused() -> None:
    with pytest.raises(InputError, match="income: 'none' with a yield"):
        ClassAssumptions(expected_return=0.05, yield_=0.02, income="none")
    with pytest.raises(InputError, match="turnover"):
        ClassAssumptions(expected_return=0.05, yield_=0.0, income="none", turnover=1.5)
    with pytest.raises(InputError, match="ordinary"):
        TaxRates(ordinary=1.0, long_term=0.15, retirement=0.2)
    stock = ClassAssumptions(expected_return=0.08, yield_=0.0, income="none")
    with pytest.raises(InputError, match="horizon_years"):
        after_tax_value("taxable", stock, RATES, -1)
    with pytest.raises(TypeError):
        after_tax_value("taxable", stock, RATES, 2.5)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="treatment"):
        after_tax_value("roth", stock, RATES, 1)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- properties

rate = st.floats(min_value=0.0, max_value=0.5)
positive_rate = st.floats(min_value=0.01, max_value=0.5)
step = st.floats(min_value=1e-4, max_value=0.3)
returns = st.floats(min_value=-0.05, max_value=0.15)
yields = st.floats(min_value=0.0, max_value=0.08)
fractions = st.floats(min_value=0.0, max_value=1.0)
horizons = st.integers(min_value=0, max_value=40)
incomes: st.SearchStrategy[Income] = st.sampled_from(
    ["qualified", "ordinary", "tax_exempt", "foreign"]
)


@st.composite
def classes(draw: st.DrawFn) -> ClassAssumptions:
    income = draw(st.sampled_from(INCOMES))
    y = 0.0 if income == "none" else draw(yields)
    return ClassAssumptions(
        expected_return=draw(returns),
        yield_=y,
        income=income,
        turnover=draw(fractions),
        foreign_tax=draw(st.floats(min_value=0.0, max_value=0.3)),
    )


@st.composite
def tax_rates(draw: st.DrawFn, retirement: st.SearchStrategy[float] = rate) -> TaxRates:
    return TaxRates(
        ordinary=draw(rate),
        long_term=draw(rate),
        retirement=draw(retirement),
        niit=draw(st.booleans()),
    )


@given(classes(), horizons, st.floats(min_value=0.0, max_value=0.01))
def test_without_taxes_every_treatment_is_worth_the_same(
    cls: ClassAssumptions, horizon: int, fee: float
) -> None:
    zero = TaxRates(ordinary=0.0, long_term=0.0, retirement=0.0)
    values = [after_tax_value(t, cls, zero, horizon, expense_ratio=fee) for t in TREATMENTS]
    assert values == pytest.approx([values[0]] * 3, rel=1e-12)


@given(classes(), tax_rates(retirement=positive_rate), st.integers(min_value=1, max_value=40))
def test_roth_beats_traditional_per_dollar_when_withdrawals_are_taxed(
    cls: ClassAssumptions, rates: TaxRates, horizon: int
) -> None:
    te = after_tax_value("tax_exempt", cls, rates, horizon)
    td = after_tax_value("tax_deferred", cls, rates, horizon)
    assert te > td
    assert td == pytest.approx((1 - rates.retirement) * te, rel=1e-12)


@given(
    classes(),
    tax_rates(retirement=positive_rate),
    st.integers(min_value=1, max_value=40),
    returns,
    step,
)
def test_roth_premium_over_traditional_grows_with_expected_return(
    cls: ClassAssumptions, rates: TaxRates, horizon: int, r1: float, dr: float
) -> None:
    """V_TE - V_TD = t_ret·g^H rises with r: high-return classes belong in the Roth."""
    r2 = r1 + dr

    def premium(r: float) -> float:
        c = ClassAssumptions(r, cls.yield_, cls.income, cls.turnover, cls.foreign_tax)
        return after_tax_value("tax_exempt", c, rates, horizon) - after_tax_value(
            "tax_deferred", c, rates, horizon
        )

    assert premium(r1) < premium(r2)


@given(
    returns,
    yields,
    fractions,
    tax_rates(),
    rate,
    step,
    horizons,
    st.floats(0.0, 2.0),
    st.booleans(),
)
def test_taxable_value_falls_as_the_ordinary_rate_rises(
    r: float,
    y: float,
    turnover: float,
    rates: TaxRates,
    low: float,
    dt: float,
    horizon: int,
    basis_ratio: float,
    liquidate: bool,
) -> None:
    """Any price path (even a falling one, with a loss credited at the end), any basis."""
    high = low + dt
    bond = ClassAssumptions(expected_return=r, yield_=y, income="ordinary", turnover=turnover)

    def value(ordinary: float) -> float:
        rr = TaxRates(ordinary, rates.long_term, rates.retirement, rates.niit)
        return after_tax_value(
            "taxable", bond, rr, horizon, basis_ratio=basis_ratio, liquidate=liquidate
        )

    assert value(high) <= value(low) + 1e-12


@given(
    st.floats(0.0, 0.1), yields, fractions, incomes, tax_rates(), rate, step, horizons, fractions
)
def test_taxable_value_falls_as_the_long_term_rate_rises_without_losses(
    price_growth: float,
    y: float,
    turnover: float,
    income: Income,
    rates: TaxRates,
    low: float,
    dt: float,
    horizon: int,
    basis_ratio: float,
) -> None:
    """With non-negative price growth and basis ≤ value there is never a loss to credit, so a
    higher long-term rate can only cost."""
    high = low + dt
    cls = ClassAssumptions(y + price_growth, y, income, turnover=turnover)

    def value(long_term: float) -> float:
        rr = TaxRates(rates.ordinary, long_term, rates.retirement, rates.niit)
        return after_tax_value("taxable", cls, rr, horizon, basis_ratio=basis_ratio)

    assert value(high) <= value(low) + 1e-12


@given(classes(), st.floats(0.0, 0.1), tax_rates(), horizons, fractions)
def test_taxable_never_beats_roth_without_a_loss_to_credit(
    drawn: ClassAssumptions, price_growth: float, rates: TaxRates, horizon: int, basis_ratio: float
) -> None:
    """Non-negative price growth and basis ≤ value: taxes can only take away."""
    cls = ClassAssumptions(
        drawn.yield_ + price_growth, drawn.yield_, drawn.income, drawn.turnover, drawn.foreign_tax
    )
    for liquidate in (True, False):
        taxable = after_tax_value(
            "taxable", cls, rates, horizon, basis_ratio=basis_ratio, liquidate=liquidate
        )
        assert taxable <= after_tax_value("tax_exempt", cls, rates, horizon) * (1 + 1e-12)


@given(returns, yields, tax_rates(), horizons)
def test_munis_have_no_tax_drag(r: float, y: float, rates: TaxRates, horizon: int) -> None:
    """Tax-exempt interest: no drag, even with NIIT, and (no turnover) a taxable account holds
    it exactly as a Roth does until it is sold."""
    muni = ClassAssumptions(expected_return=r, yield_=y, income="tax_exempt")
    assert annual_tax_drag(muni, rates) == 0.0
    assert after_tax_value("taxable", muni, rates, horizon, liquidate=False) == pytest.approx(
        after_tax_value("tax_exempt", muni, rates, horizon), rel=1e-12
    )


@given(classes(), tax_rates(), st.floats(min_value=-0.5, max_value=0.9))
def test_drag_is_one_year_of_the_exact_simulation(
    cls: ClassAssumptions, rates: TaxRates, gain_ratio: float
) -> None:
    """drag(u) = V_TE(1) - V_TX(1, basis 1 - u, not sold): the first-order coefficient and the
    exact model agree."""
    sheltered = after_tax_value("tax_exempt", cls, rates, 1)
    taxable = after_tax_value("taxable", cls, rates, 1, basis_ratio=1 - gain_ratio, liquidate=False)
    assert annual_tax_drag(cls, rates, gain_ratio=gain_ratio) == pytest.approx(
        sheltered - taxable, abs=1e-15
    )


@given(st.floats(min_value=0.0, max_value=0.1), rate)
def test_taxable_equivalent_yield_nets_the_muni_yield(y: float, t: float) -> None:
    assert taxable_equivalent_yield(y, t) * (1 - t) == pytest.approx(y, abs=1e-15)
    assert taxable_equivalent_yield(y, t) >= y

