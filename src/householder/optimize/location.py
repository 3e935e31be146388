"""Location coefficients for the optimizer, from the one after-tax value model
(:mod:`householder.tax.location`).

For fund *f* in an account of treatment *τ*, :math:`V_{\\tau,f} = \\sum_c E_{cf} V_{\\tau,c}(H)`
(the fund's own class mix, at the finest level it names). The optimizer values one dollar of
*f* in that account at

.. math:: \\alpha_{\\tau,f} = \\frac{V_{\\tau,f} - v_a V_{TE,f}}{(1+\\delta)^H}

today's dollars relative to the same allocation dollar in a Roth (:math:`v_a` is what a dollar
of the account counts in the allocation: 1, or 1 − retirement_rate for tax-deferred money in
after-tax mode), with :math:`\\delta` the discount rate
(``policy.discount_rate``; default the target mix's expected return). ``locate`` maximizes
:math:`\\sum V x` with the same table, so both commands place classes alike.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from householder.model.book import Book
from householder.model.types import Treatment
from householder.tax.location import ClassAssumptions, TaxRates, after_tax_value


def class_assumptions(book: Book, class_id: str) -> ClassAssumptions:
    info = book.taxonomy[class_id]
    yield_ = info.yield_ if info.income.value != "none" else 0.0
    return ClassAssumptions(
        expected_return=info.expected_return,
        yield_=yield_,
        income=info.income.value,
        turnover=info.turnover,
        foreign_tax=info.foreign_tax,
    )


def tax_rates(book: Book) -> TaxRates:
    tax = book.household.tax
    return TaxRates(
        ordinary=tax.ordinary_rate,
        long_term=tax.long_term_rate,
        retirement=tax.retirement,
        niit=tax.niit,
    )


def discount_rate(book: Book) -> float:
    """δ: the policy's, or the target mix's expected return."""
    given = book.household.policy.discount_rate
    if given is not None:
        return given
    total = 0.0
    for cls, weight in book.target.items():
        total += weight * book.taxonomy[cls].expected_return
    return total


def fund_values(book: Book) -> dict[Treatment, dict[str, float]]:
    """:math:`V_{\\tau,f}(H)`: after-tax dollars at the horizon per dollar of each fund today."""
    rates = tax_rates(book)
    horizon = book.household.policy.horizon_years

    @cache
    def value(treatment: Treatment, class_id: str) -> float:
        return after_tax_value(treatment.value, class_assumptions(book, class_id), rates, horizon)

    return {
        treatment: {
            ticker: sum(frac * value(treatment, cls) for cls, frac in fund.classes.items())
            for ticker, fund in book.funds.items()
        }
        for treatment in Treatment
    }


def location_alpha(
    book: Book, treatments: list[Treatment], funds: list[str], weights: list[float]
) -> np.ndarray:
    """α per (account treatment, fund) pair, in today's dollars per dollar held.

    Each value is measured against the same class held in a Roth per allocation dollar
    (``weights``: 1, or 1 − retirement_rate for tax-deferred dollars in after-tax mode), a
    constant per class once the target fixes the class totals; so only *where* a class sits
    changes the objective, never how much of it the household holds."""
    values = fund_values(book)
    horizon = book.household.policy.horizon_years
    discount = (1.0 + discount_rate(book)) ** horizon
    exempt = values[Treatment.TAX_EXEMPT]
    return np.array(
        [
            (values[t][f] - w * exempt[f]) / discount
            for t, f, w in zip(treatments, funds, weights, strict=True)
        ]
    )
