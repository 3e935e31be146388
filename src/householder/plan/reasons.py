"""Why each trade: the term of the objective that makes it, with its dollar figure, computed as
the change in that term if the trade and the trades it pairs with were left out.

Money never moves between accounts, so an account's sales pay for its purchases. The trades of
an account are paired as the money flows: a sale and a purchase of the same class first (a
cheaper fund), then the rest in order of size; what a sale raises beyond the purchases goes to
cash (a withdrawal, or cash the target asks for), and what a purchase spends beyond the sales
comes from cash (new money, idle cash). A pair :math:`(p \\to q, m)` moves :math:`m` dollars
from :math:`p`'s classes to :math:`q`'s, :math:`c = m(E_q - E_p)`.

Part of that move is what the household's allocation needs: the net change by class
:math:`n = y_{after} - y_{before}` is shared among the pairs that move each class the same way,
in proportion, and a pair's **drift closed** is :math:`\\tfrac12 \\sum_k \\min(|c_k|,\\ |c_k|
|n_k| / \\sum_{c'_k \\parallel n_k} |c'_k|)` over the classes it moves with :math:`n`: left out,
the household would be that far off target. The rest of its move is offset by an opposite move
in another account (a relocation: bonds out of the Roth, bonds into the 401(k)); left out
together, the two change no allocation, only:

- **fees**: :math:`m\\,(e_p - e_q)` a year;
- **location**: :math:`m\\,(V_{\\tau,q} - V_{\\tau,p})` after-tax dollars at the horizon
  (:mod:`householder.valuation.location`, the measure ``plan`` and ``locate`` report);
- **tax**: the pair's share of what its sale realizes at the household's marginal rates
  (negative: a loss that saves tax).

A trade's figures are the sum over its pairs. Its **cause** is drift when most of its money
closes drift; otherwise new money or a withdrawal for a trade paired with cash in ``contribute``;
otherwise the larger of the fees over the horizon and the location value in today's dollars (the
objective's units): the gain that paid for the trade (``policy.min_relocation_gain``). Two
accounts of one tax treatment are one location, so a move between them is never a location
trade: its location value is zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from householder.model.types import Treatment
from householder.optimize.data import ProblemData
from householder.plan.result import Benefit, LotLine

DRIFT_MIN = 1.0
"""Dollars of drift a trade must close to count as a drift trade (below: rounding)."""


@dataclass
class Pair:
    """Money moving inside one account: ``amount`` from ``sell`` (a pair index, or None for
    cash) to ``buy`` (likewise)."""

    account: int
    sell: int | None
    buy: int | None
    amount: float


@dataclass
class TradeBenefit:
    drift_closed: float = 0.0
    fees_per_year: float = 0.0
    location_value: float = 0.0
    tax: float = 0.0
    pairs: list[Pair] = field(default_factory=list)

    def add(self, other: TradeBenefit) -> None:
        self.drift_closed += other.drift_closed
        self.fees_per_year += other.fees_per_year
        self.location_value += other.location_value
        self.tax += other.tax


class Reasons:
    """The pairs of a plan's rounded trades and what each trade gains."""

    def __init__(
        self,
        d: ProblemData,
        buys: np.ndarray,
        sells: np.ndarray,
        holdings_after: np.ndarray,
        cash_after: np.ndarray,
        sale_tax: dict[int, float],
    ) -> None:
        """``sale_tax``: pair index → the tax its sale realizes (marginal, dollars)."""
        self.d = d
        self.buys, self.sells = buys, sells
        self.holdings_after, self.cash_after = holdings_after, cash_after
        self.flows = cash_after - d.cash0 - np.bincount(
            d.pair_account, weights=sells - buys, minlength=len(d.accounts)
        )
        self.exposure = d.exposure.toarray()
        self.cash_exposure = d.cash_exposure.toarray()
        self.location = d.location
        self.sale_tax = sale_tax
        horizon = d.book.household.policy.horizon_years
        self.horizon = float(horizon)
        self.discount = self.location.discount
        self.pairs = [pair for a in range(len(d.accounts)) for pair in self._pair(a)]
        self._share = self._drift_shares()
        self.by_trade: dict[tuple[int, str], TradeBenefit] = {}
        for pair in self.pairs:
            gain = self._gain(pair)
            for key in ((pair.sell, "sell"), (pair.buy, "buy")):
                if key[0] is None:
                    continue
                entry = self.by_trade.setdefault((key[0], key[1]), TradeBenefit())
                entry.add(gain)
                entry.pairs.append(pair)

    # -- pairing -----------------------------------------------------------------------------
    def main_class(self, p: int) -> str:
        exposure = self.d.book.fund_exposure[self.d.pair_fund[p]]
        return max(exposure, key=lambda c: exposure[c])

    def _pair(self, a: int) -> list[Pair]:
        d = self.d
        mine = np.flatnonzero(d.pair_account == a)
        sells = {int(p): float(self.sells[p]) for p in mine if self.sells[p] > 0}
        buys = {int(p): float(self.buys[p]) for p in mine if self.buys[p] > 0}
        out: list[Pair] = []

        def match(sell: int, buy: int) -> None:
            m = min(sells[sell], buys[buy])
            if m > 0:
                out.append(Pair(a, sell, buy, m))
                sells[sell] -= m
                buys[buy] -= m

        # a swap within a class first, largest first
        for sell in sorted(sells, key=lambda p: -sells[p]):
            for buy in sorted(buys, key=lambda p: -buys[p]):
                if self.main_class(sell) == self.main_class(buy):
                    match(sell, buy)
        for sell in sorted(sells, key=lambda p: -sells[p]):
            for buy in sorted(buys, key=lambda p: -buys[p]):
                match(sell, buy)
        out += [Pair(a, p, None, m) for p, m in sells.items() if m > 0.005]
        out += [Pair(a, None, p, m) for p, m in buys.items() if m > 0.005]
        return out

    # -- what a pair gains -------------------------------------------------------------------
    def _move(self, pair: Pair) -> np.ndarray:
        """:math:`c`: the pair's change of the allocation by class (dollars)."""
        cash = self.cash_exposure[:, pair.account]
        out_of = self.exposure[:, pair.sell] if pair.sell is not None else cash
        into = self.exposure[:, pair.buy] if pair.buy is not None else cash
        out: np.ndarray = pair.amount * (into - out_of)
        return out

    @cached_property
    def _class_values(self) -> np.ndarray:
        """A × K: :math:`V_{\\tau(a),k}` by account and allocation class."""
        d = self.d
        loc = self.location
        taxonomy = d.book.taxonomy
        return np.array(
            [
                [loc.class_value(t, k) if k in taxonomy else 1.0 for k in d.classes]
                for t in d.treatments
            ]
        )

    @cached_property
    def _opposite_values(self) -> tuple[np.ndarray, np.ndarray]:
        """Per class, the mean :math:`V` where the household's relocations of it come from
        (moves out) and go to (moves in), weighted by the relocated dollars."""
        n_cls = len(self.d.classes)
        into, into_w = np.zeros(n_cls), np.zeros(n_cls)
        out_of, out_w = np.zeros(n_cls), np.zeros(n_cls)
        for pair in self.pairs:
            r = self._relocated(self._move(pair))
            v = self._class_values[pair.account]
            into += np.where(r > 0, r * v, 0.0)
            into_w += np.where(r > 0, r, 0.0)
            out_of += np.where(r < 0, -r * v, 0.0)
            out_w += np.where(r < 0, -r, 0.0)
        mean_in = np.where(into_w > 0, into / np.where(into_w > 0, into_w, 1.0), np.nan)
        mean_out = np.where(out_w > 0, out_of / np.where(out_w > 0, out_w, 1.0), np.nan)
        return mean_in, mean_out

    def _relocated(self, c: np.ndarray) -> np.ndarray:
        """The part of a move by class that the household's net change does not need."""
        aligned = np.sign(c) == np.sign(self.net)
        out: np.ndarray = np.where(aligned, c * (1.0 - self._share), c)
        return out

    def _relocation_value(self, pair: Pair, c: np.ndarray) -> float:
        """After-tax dollars at the horizon the pair's relocated part gains against where the
        same classes come from (or go to) elsewhere in the household: zero between two
        accounts of one tax treatment."""
        r = self._relocated(c)
        mean_in, mean_out = self._opposite_values
        v = self._class_values[pair.account]
        # money into a class here came out of it elsewhere, and the other way round
        other = np.where(r > 0, mean_out, mean_in)
        gain = np.where(np.isnan(other), 0.0, r * (v - np.nan_to_num(other)))
        return float(gain.sum())

    def _drift_shares(self) -> np.ndarray:
        """Per class, the share of each same-direction move that the household's net change
        needs: :math:`|n_k| / \\sum_{c_k \\parallel n_k} |c_k|` (at most 1)."""
        d = self.d
        # before: today's holdings with the cash flow (new money in, a withdrawal's raised) as
        # cash, so that investing new money counts by where it goes, not that it arrives
        flows = np.asarray(self.flows, dtype=float)
        before = d.exposure_of(d.x0, d.cash0 + flows)
        net = d.exposure_of(self.holdings_after, self.cash_after) - before
        along = np.zeros(len(d.classes))
        for pair in self.pairs:
            c = self._move(pair)
            along += np.where(np.sign(c) == np.sign(net), np.abs(c), 0.0)
        share: np.ndarray = np.where(along > 0, np.minimum(np.abs(net) / np.where(
            along > 0, along, 1.0), 1.0), 0.0)
        self.net = net
        return share

    def _gain(self, pair: Pair) -> TradeBenefit:
        d, m = self.d, pair.amount
        c = self._move(pair)
        drift = 0.5 * float(np.sum(np.where(np.sign(c) == np.sign(self.net),
                                            np.abs(c) * self._share, 0.0)))
        expense_out = d.expense[pair.sell] if pair.sell is not None else 0.0
        expense_in = d.expense[pair.buy] if pair.buy is not None else 0.0
        tax = 0.0
        if pair.sell is not None and self.sells[pair.sell] > 0:
            tax = self.sale_tax.get(pair.sell, 0.0) * m / self.sells[pair.sell]
        return TradeBenefit(
            drift_closed=float(drift),
            fees_per_year=float(m * (expense_out - expense_in)),
            location_value=self._relocation_value(pair, c),
            tax=float(tax),
        )

    # -- a trade's cause ---------------------------------------------------------------------
    def benefit(self, p: int, action: str) -> Benefit:
        b = self.by_trade.get((p, action), TradeBenefit())
        cause = self._cause(p, action, b)
        return Benefit(
            cause=cause,
            drift_closed=round(b.drift_closed, 2) + 0.0,
            fees_per_year=round(b.fees_per_year, 2) + 0.0,
            location_value=round(b.location_value, 2) + 0.0,
            tax=round(b.tax, 2) + 0.0,
        )

    def _cause(self, p: int, action: str, b: TradeBenefit) -> str:
        moved = sum(pair.amount for pair in b.pairs)
        flows = self.d.scenario.flows or self.d.scenario.free_flow_accounts
        if flows and all(pair.sell is None or pair.buy is None for pair in b.pairs):
            return "new money" if action == "buy" else "withdrawal"
        if b.drift_closed >= DRIFT_MIN and b.drift_closed >= 0.5 * moved:
            return "drift"
        fees = b.fees_per_year * self.horizon
        location = b.location_value / self.discount
        if max(fees, location) <= 0:
            if b.drift_closed >= DRIFT_MIN:
                return "drift"
            return "tax" if b.tax < 0 else "cash"
        return "fees" if fees >= location else "location"

    def reason(self, p: int, action: str, lots: list[LotLine]) -> str:
        """One line a person reads: the cause with its dollar figure, and the tax."""
        d = self.d
        acct = d.book.accounts[d.pair_account[p]]
        benefit = self.benefit(p, action)
        cls = self.main_class(p)
        where = acct.spec.type.value.replace("_", " ")
        tax_part = ""
        if action == "sell":
            if acct.treatment is Treatment.TAXABLE and lots:
                gain = sum(lot.gain for lot in lots)
                kind = "loss" if gain < 0 else "gain"
                terms = sorted({lot.term for lot in lots})
                tax_part = (
                    f"; realizes a ${abs(gain):,.2f} {'/'.join(terms)}-term {kind} "
                    f"from lot{'s' if len(lots) > 1 else ''} "
                    f"{', '.join(lot.id for lot in lots)}"
                )
            elif acct.treatment is not Treatment.TAXABLE:
                tax_part = f"; selling in the {where} realizes no tax"
        before = self.before.get(cls, 0.0)
        side = "over" if before > 0 else "under"
        if benefit.cause == "drift":
            return (
                f"{cls} is {abs(before) * 100:.2f} points {side} target; closes "
                f"${benefit.drift_closed:,.2f} of drift{tax_part}"
            )
        if benefit.cause in ("new money", "withdrawal"):
            money = "new money goes here" if action == "buy" else "the withdrawal comes from here"
            after = self.after.get(cls, 0.0)
            where = (
                f"{cls} is {abs(after) * 100:.2f} points {'over' if after > 0 else 'under'} "
                "target after the trades" if abs(after) >= 5e-5 else f"{cls} is on target after it"
            )
            return (
                f"{money}: closes ${benefit.drift_closed:,.2f} of drift ({where}){tax_part}"
            )
        if benefit.cause == "fees":
            saves = f"saves ${benefit.fees_per_year:,.2f} a year"
            other = self._counterpart(p, action)
            if other is None:
                return f"fees: {saves}{tax_part}"
            mine, theirs = d.pair_fund[p], d.pair_fund[other]
            if action == "buy":
                return (
                    f"cheaper fund for {cls}: {mine} costs {d.expense[p]:.2%} a year vs "
                    f"{theirs} {d.expense[other]:.2%}; {saves}"
                )
            return (
                f"replace with the cheaper {theirs} ({d.expense[other]:.2%} vs "
                f"{d.expense[p]:.2%}); {saves}{tax_part}"
            )
        if benefit.cause == "location":
            verb = "moves into" if action == "buy" else "moves out of"
            return (
                f"asset location: {cls} {verb} this {where} account, worth "
                f"${benefit.location_value:,.2f} more after tax at the horizon{tax_part}"
            )
        if benefit.cause == "tax":
            return f"tax: harvests a loss worth ${-benefit.tax:,.2f}{tax_part}"
        other = self._counterpart(p, action)
        if other is not None and action == "sell":
            return (
                f"pays for {d.pair_fund[other]} in this account (whole shares, rounding){tax_part}"
            )
        if other is not None:
            return f"paid for by selling {d.pair_fund[other]} (whole shares, rounding)"
        return f"cash: {'invests idle cash' if action == 'buy' else 'raises cash'}{tax_part}"

    def _counterpart(self, p: int, action: str) -> int | None:
        """The fund on the other side of the trade's largest pair (None: cash)."""
        b = self.by_trade.get((p, action))
        if b is None or not b.pairs:
            return None
        pair = max(b.pairs, key=lambda x: x.amount)
        return pair.buy if action == "sell" else pair.sell

    @cached_property
    def after(self) -> dict[str, float]:
        """How far each class is from target after the plan, as a fraction."""
        d = self.d
        y = d.exposure_of(self.holdings_after, self.cash_after)
        total = float(y.sum())
        frac = y / total if total else y
        return {c: float(frac[k] - d.target[k]) for k, c in enumerate(d.classes)}

    @cached_property
    def before(self) -> dict[str, float]:
        """How far each class was from target before the plan, as a fraction."""
        d = self.d
        y = d.facts.exposure_before
        total = float(y.sum())
        frac = y / total if total else y
        return {c: float(frac[k] - d.target[k]) for k, c in enumerate(d.classes)}
