"""What location is worth: one table of after-tax values, read by ``plan``, ``locate`` and the
reports alike.

For fund *f* in an account of treatment *τ*, :math:`V_{\\tau,f}(H) = \\sum_c E_{cf} V_{\\tau,c}(H)`:
the after-tax dollars at the horizon of one dollar held today
(:func:`householder.tax.location.after_tax_value`), by the fund's own class mix at the finest
level it names (a muni fund is valued as munis even where the target only says ``bonds``).

**The measure.** Holdings :math:`x` (per account and fund, pre-tax dollars) and idle cash
:math:`c` are worth

.. math::

    V_{located}(x) = \\sum_{a,f} x_{af}\\, V_{\\tau(a),f}
        + \\sum_a c_a V_{\\tau(a),\\text{cash}}, \\qquad
    V_{uniform}(x) = \\sum_a W_a \\sum_c m_c\\, V_{\\tau(a),c}

at the horizon, where :math:`W_a` is account *a*'s value and :math:`m_c` the household's own mix
by class (the finest level its funds name, cash included) on its allocation basis: every account
holding the same mix, so that the household holds the same allocation (after tax, the same
after-tax allocation: a traditional dollar counts :math:`1 - t_{ret}` in the mix).
The **location value** is :math:`V_{located} - V_{uniform}`, in after-tax dollars at the
horizon: what placing the household's holdings where they are is worth against holding the same
mix everywhere. ``locate`` reports it for its placement and ``plan`` before and after
its trades; for the same holdings the two are the same number.

**The optimizer's coefficient.** The plan values a dollar of fund *f* in account *a* at

.. math:: \\alpha_{af} = \\frac{V_{\\tau(a),f} - v_a V_{TE,f}}{(1+\\delta)^H}

today's dollars relative to the same allocation dollar in a Roth (:math:`v_a`: 1, or
1 − retirement_rate for tax-deferred money in after-tax mode), with :math:`\\delta` the discount
rate (``policy.discount_rate``; default the target mix's expected return). Once the target
fixes the class totals the Roth term is a constant, so only where a class sits moves the
objective: maximizing :math:`\\sum \\alpha x` is maximizing :math:`V_{located}`.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np

from householder.model.book import Book
from householder.model.types import Income, Treatment
from householder.tax.location import ClassAssumptions, after_tax_value, annual_tax_drag
from householder.valuation.facts import Facts

CASH = "cash"


def class_assumptions(book: Book, class_id: str) -> ClassAssumptions:
    """The value model's inputs for one class of the taxonomy (bundled or the file's)."""
    info = book.taxonomy[class_id]
    yield_ = info.yield_ if info.income is not Income.NONE else 0.0
    return ClassAssumptions(
        expected_return=info.expected_return,
        yield_=yield_,
        income=info.income,
        turnover=info.turnover,
        foreign_tax=info.foreign_tax,
    )


def discount_rate(book: Book) -> float:
    """δ: the policy's, or the target mix's expected return."""
    given = book.household.policy.discount_rate
    if given is not None:
        return given
    return sum(w * book.taxonomy[cls].expected_return for cls, w in book.target.items())


class LocationValues:
    """:math:`V_{\\tau,c}` and :math:`V_{\\tau,f}` of one household, the location measure and the
    optimizer's coefficients; each table computed once."""

    def __init__(self, facts: Facts) -> None:
        self.facts = facts
        self.book = facts.book
        self.horizon = self.book.household.policy.horizon_years

    # -- per class and per fund ----------------------------------------------------------------
    def class_value(self, treatment: Treatment, class_id: str) -> float:
        """:math:`V_{\\tau,c}(H)` of one dollar of class ``class_id``."""
        return self._class_values[(treatment, class_id)]

    @cached_property
    def _class_values(self) -> dict[tuple[Treatment, str], float]:
        rates = self.facts.rates
        model = self.book.household.policy.location
        taxonomy = self.book.taxonomy
        risk_free = (
            (taxonomy[CASH].expected_return if CASH in taxonomy else 0.0)
            if model.risk_adjusted
            else None
        )
        out: dict[tuple[Treatment, str], float] = {}
        for class_id in taxonomy:
            assumptions = class_assumptions(self.book, class_id)
            for t in Treatment:
                out[(t, class_id)] = after_tax_value(
                    t, assumptions, rates, self.horizon, liquidate=model.sold_at_horizon,
                    risk_free=risk_free,
                )
        return out

    def annual_drag(self, class_id: str) -> float:
        """Yearly tax of a new dollar of the class in a taxable account
        (:func:`~householder.tax.location.annual_tax_drag`), as a fraction."""
        return annual_tax_drag(class_assumptions(self.book, class_id), self.facts.rates)

    @cached_property
    def fund_values(self) -> dict[Treatment, dict[str, float]]:
        """:math:`V_{\\tau,f}(H)` per fund of the household's universe, and for ``cash`` (idle
        cash, valued as the cash class)."""
        out: dict[Treatment, dict[str, float]] = {}
        for t in Treatment:
            row = {
                ticker: sum(frac * self.class_value(t, c) for c, frac in fund.classes.items())
                for ticker, fund in self.book.funds.items()
            }
            row[CASH] = self.class_value(t, CASH) if CASH in self.book.taxonomy else 1.0
            out[t] = row
        return out

    @cached_property
    def pair_value(self) -> np.ndarray:
        """:math:`V_{\\tau(a),f}` per (account, fund) pair of :class:`Facts`."""
        f = self.facts
        return np.array(
            [self.fund_values[t][fund] for t, fund in zip(f.pair_treatment, f.pair_fund,
                                                          strict=True)],
            dtype=float,
        )

    @cached_property
    def cash_value(self) -> np.ndarray:
        """:math:`V_{\\tau(a),\\text{cash}}` per account."""
        return np.array([self.fund_values[t][CASH] for t in self.facts.treatments], dtype=float)

    # -- the optimizer's coefficient -----------------------------------------------------------
    @cached_property
    def discount(self) -> float:
        """:math:`(1+\\delta)^H`."""
        return float((1.0 + discount_rate(self.book)) ** self.horizon)

    def coefficient(self, treatment: Treatment, fund: str, weight: float) -> float:
        """:math:`\\alpha` of one dollar of ``fund`` in an account of ``treatment`` whose
        dollars count ``weight`` in the allocation (:math:`v_a`)."""
        values = self.fund_values
        return (values[treatment][fund] - weight * values[Treatment.TAX_EXEMPT][fund]) / (
            self.discount
        )

    @cached_property
    def alpha(self) -> np.ndarray:
        """:math:`\\alpha_{af}` per pair, in today's dollars per dollar held."""
        f = self.facts
        return np.array(
            [
                self.coefficient(t, fund, w)
                for t, fund, w in zip(f.pair_treatment, f.pair_fund, f.pair_weight, strict=True)
            ],
            dtype=float,
        )

    # -- the measure ---------------------------------------------------------------------------
    @cached_property
    def leaf_classes(self) -> list[str]:
        """The classes funds name (the finest level each gives), then ``cash``."""
        names = [c for fund in self.book.funds.values() for c in fund.classes]
        return [c for c in dict.fromkeys(names) if c != CASH] + [CASH]

    @cached_property
    def _leaf_matrix(self) -> np.ndarray:
        """P × C: each pair's fund's class fractions at the finest level it names."""
        index = {c: j for j, c in enumerate(self.leaf_classes)}
        out = np.zeros((self.facts.n_pairs, len(self.leaf_classes)))
        for p, ticker in enumerate(self.facts.pair_fund):
            for c, frac in self.book.funds[ticker].classes.items():
                out[p, index[c]] += frac
        return out

    @cached_property
    def _leaf_values(self) -> np.ndarray:
        """A × C: :math:`V_{\\tau(a),c}` per account and class."""
        return np.array(
            [
                [self.class_value(t, c) if c in self.book.taxonomy else 1.0
                 for c in self.leaf_classes]
                for t in self.facts.treatments
            ]
        )

    def mix(self, holdings: np.ndarray, cash: np.ndarray) -> np.ndarray:
        """The household's mix by class (finest level) on its allocation basis: pre-tax dollars,
        or after tax each account's dollars times :math:`v_a` less the embedded tax."""
        f = self.facts
        weighted = (holdings * f.pair_weight) @ self._leaf_matrix
        weighted = weighted - f.embedded_tax_by_pair @ self._leaf_matrix
        weighted[-1] += float(f.account_weight @ cash)
        total = weighted.sum()
        out: np.ndarray = weighted / total if total > 0 else weighted
        return out

    def located(self, holdings: np.ndarray, cash: np.ndarray) -> float:
        """:math:`V_{located}`: after-tax dollars at the horizon of holdings per pair and cash
        per account, where they are."""
        return float(self.pair_value @ holdings + self.cash_value @ cash)

    def uniform(self, holdings: np.ndarray, cash: np.ndarray) -> float:
        """:math:`V_{uniform}`: every account holding the household's own mix
        (:meth:`mix`), each at its value."""
        f = self.facts
        account_value = np.bincount(f.pair_account, weights=holdings,
                                    minlength=len(f.accounts)) + cash
        return float(account_value @ (self._leaf_values @ self.mix(holdings, cash)))

    def value(self, holdings: np.ndarray, cash: np.ndarray) -> float:
        """The location value, :math:`V_{located} - V_{uniform}`, at the horizon."""
        return self.located(holdings, cash) - self.uniform(holdings, cash)

    def matters(self) -> bool:
        """Whether moving any held or buyable fund between two treatments changes its value."""
        funds = set(self.facts.pair_fund)
        for fund in funds:
            values = [self.fund_values[t][fund] for t in Treatment]
            if max(values) - min(values) > 1e-9 * max(1.0, max(values)):
                return True
        return False
