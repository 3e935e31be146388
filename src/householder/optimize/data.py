"""One optimization problem's numbers: the household's :class:`~householder.valuation.facts.Facts`
and what a command lets the trades do (:class:`Scenario`). No cvxpy here.

The facts fix the index sets (accounts, (account, fund) pairs, classes, lots); the scenario
chooses among them the trade slots:

- **buy slots**: pairs the account may buy, when the scenario buys;
- **plain sell slots**: pairs held in tax-advantaged accounts (sold as a whole, no lots), when
  the scenario sells;
- **lot slots**: the taxable lots, when the scenario sells (a buy-only command has none, while
  the lots' embedded tax still counts in the after-tax allocation).

All money is scaled by the household value :math:`W` inside the solver (``scale``); the arrays
here are in dollars.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import scipy.sparse as sp

from householder.model.book import Book
from householder.model.types import Treatment
from householder.valuation.facts import Facts, Lots, household_facts
from householder.valuation.location import LocationValues


@dataclass(frozen=True)
class Scenario:
    """What the trades may do: the plan (buy and sell, no new money) or cash-flow planning."""

    flows: dict[str, float] = field(default_factory=dict)
    """Account id → cash in (positive) or out (negative) with the trades."""
    allow_buy: bool = True
    allow_sell: bool = True
    free_flow_accounts: tuple[str, ...] = ()
    """Accounts whose contribution is a variable ≥ 0 (``contribute --to-target``)."""
    free_flow_caps: dict[str, float] = field(default_factory=dict)
    """Upper bounds on those contributions (remaining IRS room), by account id."""
    flow_groups: tuple[tuple[tuple[str, ...], float], ...] = ()
    """(accounts, cap): the free contributions of these accounts together at most cap (one
    person's elective deferrals across their plans, say)."""
    contribution_weight: float = 100.0
    """Cost per dollar of free contribution: large, so the smallest contribution wins first."""


_NO_LOTS = Lots(
    pair=np.zeros(0, dtype=int), ids=[], value=np.zeros(0), cost=np.zeros(0),
    shares=np.zeros(0), acquired=[], short=np.zeros(0, dtype=bool), gain_ratio=np.zeros(0),
    realized_ratio=np.zeros(0), group=[],
)


class ProblemData:
    """The arrays of one problem: the facts' (shared by every problem of the household) and the
    scenario's."""

    def __init__(self, facts: Facts, scenario: Scenario) -> None:
        self.facts = facts
        self.scenario = scenario
        self.book: Book = facts.book
        self.accounts = facts.accounts
        self.treatments = facts.treatments
        self.classes = facts.classes
        self.target = facts.target
        self.pair_account = facts.pair_account
        self.pair_fund = facts.pair_fund
        self.x0 = facts.x0
        self.price = facts.price
        self.whole = facts.whole
        self.expense = facts.expense
        self.cash0 = facts.cash0
        self.exposure: sp.csr_matrix = facts.exposure_matrix
        """K × P: class exposure per dollar of each pair, times the account's weight."""
        self.cash_exposure: sp.csr_matrix = facts.cash_matrix
        """K × A: an account's cash counts in the cash class (times its weight)."""
        self.embedded_tax = facts.embedded_tax
        self.group_of_fund = facts.groups
        self.recent_buy_groups = facts.recent_groups
        self.committed_buy_groups = facts.committed_groups
        self.lots: Lots = facts.lots if scenario.allow_sell else _NO_LOTS

        taxable = np.array([t is Treatment.TAXABLE for t in facts.pair_treatment], dtype=bool)
        self.buy_pairs = (
            np.flatnonzero(facts.buyable) if scenario.allow_buy else np.zeros(0, dtype=int)
        )
        self.sell_pairs = (
            np.flatnonzero(facts.sellable & ~taxable)
            if scenario.allow_sell
            else np.zeros(0, dtype=int)
        )
        n_acc = len(self.accounts)
        index = {a: i for i, a in enumerate(self.accounts)}
        flows = np.zeros(n_acc)
        for acct_id, amount in scenario.flows.items():
            flows[index[acct_id]] += amount
        self.flow = flows
        self.free_flow = np.array([a in scenario.free_flow_accounts for a in self.accounts],
                                  dtype=bool)
        self.free_flow_cap = np.array(
            [scenario.free_flow_caps.get(a, np.inf) for a in self.accounts], dtype=float
        )
        total = facts.total_value
        self.scale = max(total + float(flows.sum()), total, 1.0)

    # -- the lots, under the names the optimizer uses --------------------------------------------
    @property
    def lot_pair(self) -> np.ndarray:
        return self.lots.pair

    @property
    def lot_value(self) -> np.ndarray:
        return self.lots.value

    @property
    def lot_gain_ratio(self) -> np.ndarray:
        """γ as realized (a loss on a recently bought group washed, so 0)."""
        return self.lots.realized_ratio

    @property
    def lot_true_gain_ratio(self) -> np.ndarray:
        return self.lots.gain_ratio

    @property
    def lot_short(self) -> np.ndarray:
        return self.lots.short

    @property
    def lot_ids(self) -> list[str]:
        return self.lots.ids

    @property
    def lot_group(self) -> list[str]:
        return self.lots.group

    @property
    def n_pairs(self) -> int:
        return len(self.pair_fund)

    @property
    def n_lots(self) -> int:
        return len(self.lots)

    @property
    def has_lots(self) -> bool:
        return self.n_lots > 0

    @cached_property
    def location(self) -> LocationValues:
        return LocationValues(self.facts)

    @property
    def allocation_total(self) -> float:
        """The post-trade total on the allocation basis, in dollars, for the fixed cash flows
        (free contributions not included): :math:`\\mathbf 1^\\top y = \\sum_a v_a (x^0_a + c^0_a
        + d_a) - \\mathbf 1^\\top g`. Trades leave it unchanged (money stays in its account and
        a sale moves no embedded tax), so it is what the tolerance's points are of."""
        f = self.facts
        per_account = np.bincount(self.pair_account, weights=self.x0, minlength=len(self.accounts))
        total = float(f.account_weight @ (per_account + self.cash0 + self.flow))
        return total - float(self.embedded_tax.sum())

    def exposure_of(self, holdings: np.ndarray, cash: np.ndarray) -> np.ndarray:
        """:math:`y` in dollars for post-trade holdings per pair and cash per account
        (:meth:`Facts.exposure`)."""
        out: np.ndarray = np.asarray(self.facts.exposure(holdings, cash), dtype=float)
        return out

    def deviation_of(self, holdings: np.ndarray, cash: np.ndarray) -> np.ndarray:
        """:math:`\\Delta = y - w^* \\mathbf 1^\\top y` in dollars."""
        y = self.exposure_of(holdings, cash)
        out: np.ndarray = y - self.target * y.sum()
        return out


def assemble(book: Book | Facts, scenario: Scenario | None = None) -> ProblemData:
    """The problem of ``book`` (or its facts) under ``scenario`` (the plan by default)."""
    facts = book if isinstance(book, Facts) else household_facts(book)
    return ProblemData(facts, scenario or Scenario())

