"""Variants of a resolved household, derived in the model (never by writing a file and loading it
again): the household as if every account were cash (``locate``), with its holdings gone
(``contribute --split``'s steady split), with one assumption changed (``locate --sweep``), or
after a plan's trades (``plan --write-after``, :func:`after_trades`).

A variant is a new :class:`~householder.model.book.Book` that shares the original's fund
universe and prices; its derived facts (allocation classes, exposures) are computed afresh.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Protocol

from pydantic import BaseModel, ValidationError

from householder.errors import InputError, PlanError
from householder.model.book import AccountBook, Book
from householder.model.catalog import Taxonomy
from householder.model.decimals import CENT, ZERO, exact
from householder.model.household import (
    Account,
    Contributions,
    Holding,
    Household,
    RealizedThisYear,
    TaxLot,
    Transaction,
)
from householder.model.types import Treatment, WholeShares

BUY_RULES = ("do_not_buy", "closed_to_new_money")
"""The restrictions a household without its holdings keeps: what it may not buy. (Floors,
``do_not_sell`` and ``no_short_term_gains`` are about holdings it no longer has.)"""


def _with_accounts(book: Book, accounts: tuple[AccountBook, ...], **household: Any) -> Book:
    specs = [a.spec for a in accounts]
    kept = [r for r in book.household.restrictions if r.rule in BUY_RULES]
    household.setdefault("restrictions", kept)
    new = book.household.model_copy(update={"accounts": specs, **household})
    return dataclasses.replace(book, household=new, accounts=accounts, notes=())


def _emptied(account: AccountBook, cash: float) -> AccountBook:
    spec = account.spec.model_copy(
        update={"holdings": [], "cash": cash, "contributions": None, "transactions": []}
    )
    return AccountBook(spec=spec, positions=(), buyable=account.buyable)


def as_cash(book: Book) -> Book:
    """Every account's value in cash, whole shares ignored, no minimum trade and no gain cap:
    where classes would go with nothing in the way (``locate``)."""
    accounts = tuple(_emptied(a, round(a.value, 10)) for a in book.accounts)
    policy = book.household.policy.model_copy(
        update={"whole_shares": WholeShares.NEVER, "min_trade": 0.0, "max_realized_gain": None}
    )
    return _with_accounts(book, accounts, policy=policy)


def emptied(book: Book) -> Book:
    """Every account with nothing in it: no holdings, no cash, no contributions."""
    return _with_accounts(book, tuple(_emptied(a, 0.0) for a in book.accounts))


TAX_SETTINGS = ("retirement_rate", "ordinary_rate", "long_term_rate")
POLICY_SETTINGS = ("horizon_years",)
LOCATION_SETTINGS = ("sold_at_horizon", "risk_adjusted")
"""``policy.location``'s assumptions (``risk_adjusted``: 0 or 1)."""
CLASS_SETTINGS = ("return", "yield")


def with_setting(book: Book, name: str, value: float) -> Book:
    """``book`` with one assumption changed: a tax rate (``retirement_rate``, ``ordinary_rate``,
    ``long_term_rate``), ``horizon_years``, the location model's ``sold_at_horizon`` or
    ``risk_adjusted`` (0 or 1), or a class's ``return.<class>`` or ``yield.<class>``."""
    household = book.household
    if name in TAX_SETTINGS:
        tax = _revalidated(household.tax, name, value)
        return dataclasses.replace(book, household=household.model_copy(update={"tax": tax}))
    if name in POLICY_SETTINGS:
        policy = _revalidated(household.policy, name, round(value))
        return dataclasses.replace(book, household=household.model_copy(update={"policy": policy}))
    if name in LOCATION_SETTINGS:
        given: float | bool = value if name == "sold_at_horizon" else bool(round(value))
        location = _revalidated(household.policy.location, name, given)
        policy = household.policy.model_copy(update={"location": location})
        return dataclasses.replace(book, household=household.model_copy(update={"policy": policy}))
    field, _, class_id = name.partition(".")
    if field in CLASS_SETTINGS and class_id:
        if class_id not in book.taxonomy:
            raise InputError(f"--sweep {name}: {class_id!r} is not a known class")
        low, high = (-0.5, 1.0) if field == "return" else (0.0, 1.0)
        if not low <= value <= high:
            raise InputError(f"--sweep {name}: {value:g} is outside {low:g} to {high:g}")
        old = book.taxonomy[class_id]
        info = (
            dataclasses.replace(old, expected_return=value)
            if field == "return"
            else dataclasses.replace(old, yield_=value)
        )
        taxonomy = Taxonomy({**book.taxonomy.classes, class_id: info})
        return dataclasses.replace(book, taxonomy=taxonomy)
    settable = [*TAX_SETTINGS, *POLICY_SETTINGS, *LOCATION_SETTINGS,
                *(f"{f}.<class>" for f in CLASS_SETTINGS)]
    raise InputError(f"--sweep {name!r}: sweepable settings are {', '.join(settable)}")


def _revalidated(model: BaseModel, name: str, value: Any) -> Any:
    """``model`` with ``name`` set to ``value``, checked as the file's field would be."""
    try:
        return type(model).model_validate({**model.model_dump(), name: value})
    except ValidationError as exc:
        why = exc.errors()[0]["msg"] if exc.errors() else str(exc)
        raise InputError(f"--sweep {name}={value:g}: {why}") from None


# -- the household after a plan's trades --------------------------------------------------------
#
# The plan is read through these protocols (:class:`householder.plan.result.Plan` satisfies
# them), so the model imports nothing above it.


class LotLineLike(Protocol):
    """The part of a lot a sale draws on."""

    @property
    def id(self) -> str: ...
    @property
    def shares(self) -> float | None: ...
    @property
    def cost(self) -> float: ...
    @property
    def proceeds(self) -> float: ...
    @property
    def wash_sale_disallowed(self) -> float: ...


class TradeLike(Protocol):
    @property
    def fund(self) -> str: ...
    @property
    def action(self) -> str: ...
    @property
    def amount(self) -> float: ...
    @property
    def shares(self) -> float | None: ...
    @property
    def lots(self) -> Sequence[LotLineLike]: ...


class HoldingAfterLike(Protocol):
    @property
    def fund(self) -> str: ...
    @property
    def value(self) -> float: ...
    @property
    def shares(self) -> float | None: ...


class AccountPlanLike(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def cash_after(self) -> float: ...
    @property
    def contribution(self) -> float: ...
    @property
    def trades(self) -> Sequence[TradeLike]: ...
    @property
    def holdings_after(self) -> Sequence[HoldingAfterLike]: ...


class AdjustedLotLike(Protocol):
    """A wash sale's replacement lot with its adjusted basis and acquisition date."""

    @property
    def account(self) -> str: ...
    @property
    def fund(self) -> str: ...
    @property
    def id(self) -> str: ...
    @property
    def shares(self) -> float | None: ...
    @property
    def value(self) -> float: ...
    @property
    def cost(self) -> float: ...
    @property
    def acquired(self) -> str: ...
    @property
    def from_lot(self) -> str | None: ...


class TaxSummaryLike(Protocol):
    @property
    def short_term_gain(self) -> float: ...
    @property
    def long_term_gain(self) -> float: ...
    @property
    def adjusted_lots(self) -> Sequence[AdjustedLotLike]: ...


class PlanLike(Protocol):
    """What :func:`after_trades` reads of a plan."""

    @property
    def as_of(self) -> str: ...
    @property
    def accounts(self) -> Sequence[AccountPlanLike]: ...
    @property
    def tax(self) -> TaxSummaryLike: ...


@dataclasses.dataclass(frozen=True)
class AfterTrades:
    """The household after a plan's trades, and what the file cannot record of them."""

    household: Household
    notes: tuple[str, ...] = ()


def after_trades(
    book: Book, plan: PlanLike, groups: Mapping[str, str] | None = None
) -> AfterTrades:
    """The household of ``book`` with ``plan``'s trades made on ``as_of`` at the plan's prices:

    - a taxable sale takes from the lots its lot lines name, share for share (a lot sold whole
      is gone; the rest keeps its id, date and the basis not sold);
    - a purchase is a lot dated ``as_of`` at its cost (in a taxable account, and wherever the
      holding lists lots); elsewhere the holding's value or shares grow, dated ``as_of``
      (``cost`` and ``acquired``) where a taxable lot of its wash-sale group (``groups``: fund
      → group; default, each fund its own) is still at a loss, so that the next plan sees the
      purchase that would wash that loss (IRC 1091; Rev. Rul. 2008-5);
    - a wash sale's replacement shares (``tax.adjusted_lots``) become their own lot with the
      adjusted basis and acquisition date, carved out of the purchase or the lot they are;
    - a holding's ``shares`` and ``value`` are the plan's ``holdings_after``; each account's
      ``cash`` is its ``cash_after``; a contribution raises ``contributions.this_year``;
    - a taxable sale at a loss (what the wash-sale rule left of it) is a ``sell`` in the
      account's ``transactions``, dated ``as_of``, so that the next plan within the window
      buys none of its group in any account (IRC 1091: a purchase in the 30 days after the sale
      washes it too); the shares sold of a lot bought in the window before ``as_of`` are a
      ``buy`` on its date (the purchase still washes a loss sold after it);
    - the plan's realized gains are added to ``tax.realized_this_year``;
    - a fund priced or named only by a holding the plan sells whole keeps its price (in
      ``prices:``) and its place in the universe (in ``funds:``).

    Everything the plan leaves alone is the same object as in ``book.household``, so a writer
    can tell what changed. Share counts are exact decimals (the plan's own)."""
    household = book.household
    if plan.as_of != household.as_of.isoformat():
        raise InputError(f"the plan is of {plan.as_of}, the household of {household.as_of}")
    planned = {a.id: a for a in plan.accounts}
    adjusted: dict[tuple[str, str], list[AdjustedLotLike]] = {}
    for lot in plan.tax.adjusted_lots:
        adjusted.setdefault((lot.account, lot.fund), []).append(lot)
    notes: list[str] = []
    accounts: list[Account] = []
    group_of = dict(groups or {})
    at_loss = _groups_at_a_loss(book, plan, group_of)
    for acct in book.accounts:
        if acct.id not in planned:
            raise PlanError(f"the plan has no account {acct.id!r} (please report this)")
        worker = _AccountAfter(book, acct, planned[acct.id], adjusted, notes)
        worker.group_of, worker.at_loss = group_of, at_loss
        accounts.append(worker.account())
    update: dict[str, Any] = {}
    if accounts != household.accounts:
        update["accounts"] = accounts
    tax = _realized(household, plan.tax)
    if tax is not household.tax:
        update["tax"] = tax
    after = household.model_copy(update=update) if update else household
    kept = _kept_universe(book, after)
    if kept:
        after = after.model_copy(update=kept)
    try:  # every rule of the models checked again on what will be written
        checked = Household.model_validate(after.model_dump(by_alias=True, exclude_unset=True))
    except ValidationError as exc:
        raise PlanError(f"the household after the trades does not validate (please report "
                        f"this): {exc.errors()[0]['loc']}: {exc.errors()[0]['msg']}") from None
    return AfterTrades(checked if update or kept else household, tuple(notes))


NOISE = Decimal("1e-6")
"""A millionth of a share: the finest share count a plan gives."""


_dec = exact
"""A float as the decimal it was written as, so sums of share counts are exact."""


def _cents(x: Decimal) -> float:
    return float(x.quantize(CENT, ROUND_HALF_UP)) + 0.0


def _groups_at_a_loss(book: Book, plan: PlanLike, group_of: Mapping[str, str]) -> set[str]:
    """The wash-sale groups of the taxable lots still at a loss after ``plan``'s sales."""
    sold: dict[tuple[str, str, str], Decimal] = {}
    for planned in plan.accounts:
        for trade in planned.trades:
            for line in trade.lots:
                key = (planned.id, trade.fund, line.id)
                sold[key] = sold.get(key, ZERO) + _dec(line.shares or 0.0)
    out: set[str] = set()
    for acct in book.accounts:
        if acct.treatment is not Treatment.TAXABLE:
            continue
        for pos in acct.positions:
            for lot in pos.lots:
                if not pos.basis_known or lot.value >= lot.cost:
                    continue
                left = None if lot.shares is None else (
                    _dec(lot.shares) - sold.get((acct.id, pos.fund, lot.id), ZERO))
                if left is None or left > 0:
                    out.add(group_of.get(pos.fund, pos.fund))
    return out


def _realized(household: Household, tax: TaxSummaryLike) -> Any:
    """``tax`` with the plan's gains added to ``realized_this_year`` (the next plan nets its
    own with them), or the same object when the plan realizes none."""
    if not tax.short_term_gain and not tax.long_term_gain:
        return household.tax
    before = household.tax.realized_this_year
    realized = RealizedThisYear(
        short_term=float(_dec(before.short_term) + _dec(tax.short_term_gain)) + 0.0,
        long_term=float(_dec(before.long_term) + _dec(tax.long_term_gain)) + 0.0,
    )
    return household.tax.model_copy(update={"realized_this_year": realized})


def _kept_universe(book: Book, after: Household) -> dict[str, Any]:
    """``prices`` and ``funds`` entries that keep every price and every fund of ``book`` where
    the holding that gave them is sold whole."""
    priced = set(after.prices)
    named = {f.ticker for f in after.funds}
    for acct in after.accounts:
        named.update(acct.menu or [])
        if acct.contributions and acct.contributions.split:
            named.update(acct.contributions.split)
        for hold in acct.holdings:
            named.add(hold.fund)
            shares = hold.shares if hold.shares is not None else hold.lot_shares
            if hold.price is not None or (hold.value is not None and shares):
                priced.add(hold.fund)
    update: dict[str, Any] = {}
    prices = {t: p for t, p in book.prices.items() if t not in priced}
    if prices:
        update["prices"] = {**after.prices, **prices}
    lost = [t for t in book.funds if t not in named]
    if lost:
        from householder.model.household import Fund

        update["funds"] = [*after.funds, *(Fund(ticker=t) for t in lost)]
    return update


@dataclasses.dataclass
class _Lot:
    """A lot being worked on: the file's (``original``) or a new one."""

    id: str
    shares: Decimal | None
    cost: Decimal
    acquired: date
    original: TaxLot | None = None
    changed: bool = False
    gone: bool = False
    """Sold or carved out whole (a lot in dollars, without a share count)."""

    def take(self, shares: Decimal | None, cost: Decimal) -> None:
        if shares is not None and self.shares is not None:
            self.shares -= shares
            self.gone = self.shares <= 0
        self.cost -= cost
        self.changed = True


class _AccountAfter:
    def __init__(
        self,
        book: Book,
        acct: AccountBook,
        planned: AccountPlanLike,
        adjusted: dict[tuple[str, str], list[AdjustedLotLike]],
        notes: list[str],
    ) -> None:
        self.book, self.acct, self.planned, self.notes = book, acct, planned, notes
        self.adjusted = adjusted
        self.taxable = acct.treatment is Treatment.TAXABLE
        self.after = {h.fund: h for h in planned.holdings_after}
        self.trades: dict[str, list[TradeLike]] = {}
        for trade in planned.trades:
            self.trades.setdefault(trade.fund, []).append(trade)
        self.as_of = book.as_of
        self.group_of: Mapping[str, str] = {}
        self.at_loss: set[str] = set()
        """Wash-sale groups with a taxable lot at a loss after the trades."""

    def dated(self, fund: str, buys: list[TradeLike]) -> bool:
        """Whether a purchase in this tax-advantaged account must carry its date: a taxable
        lot of its group is at a loss, which a sale in the next 30 days would lose to it."""
        return bool(buys) and not self.taxable and (
            self.group_of.get(fund, fund) in self.at_loss)

    def account(self) -> Account:
        spec = self.acct.spec
        holdings: list[Holding] = []
        funds = [h.fund for h in spec.holdings]
        funds += [f for f in self.trades if f not in funds]
        funds += [f for (a, f) in self.adjusted if a == spec.id and f not in funds]
        for fund in funds:
            hold = next((h for h in spec.holdings if h.fund == fund), None)
            trades = self.trades.get(fund, [])
            wash = self.adjusted.get((spec.id, fund), [])
            if hold is not None and not trades and not wash:
                holdings.append(hold)
                continue
            new = self.holding(fund, hold, trades, wash)
            if new is not None:
                holdings.append(new)
        update: dict[str, Any] = {}
        if holdings != spec.holdings:
            update["holdings"] = holdings
        if self.planned.cash_after != spec.cash:
            update["cash"] = self.planned.cash_after
        sold = self.sale_transactions()
        if sold:
            update["transactions"] = [*spec.transactions, *sold]
        contribution = self.planned.contribution
        if contribution > 0:
            given = spec.contributions
            if given is not None:
                this_year = float(_dec(given.this_year or 0.0) + _dec(contribution))
                update["contributions"] = given.model_copy(update={"this_year": this_year})
            elif not self.taxable:  # a taxable account has no contribution limit
                update["contributions"] = Contributions(this_year=contribution)
        return spec.model_copy(update=update) if update else spec

    def sale_transactions(self) -> list[Transaction]:
        """What a taxable sale leaves the wash-sale window to know, as ``transactions``:

        - each lot it draws on at a loss the wash-sale rule left (proceeds below the basis less
          the loss disallowed), a ``sell`` dated ``as_of``: the next plan within the window
          buys none of its group;
        - the shares it sells of a lot bought in the window before ``as_of``, a ``buy`` on the
          lot's date: the purchase happened, and still washes a loss sold in the window after
          it though its shares are gone (Treas. Reg. 1.1091-1).
        """
        if not self.taxable:
            return []
        window = self.book.household.policy.wash_sale_window_days
        since = date.fromordinal(self.as_of.toordinal() - window)
        out: list[Transaction] = []
        for trades in self.trades.values():
            for trade in trades:
                if trade.action != "sell":
                    continue
                position = self.acct.position(trade.fund)
                acquired = {lot.id: lot for lot in position.lots} if position else {}
                for line in trade.lots:
                    if not line.shares:
                        continue
                    held = acquired.get(line.id)
                    if held is not None and held.acquired >= since:
                        out.append(Transaction.model_validate({
                            "date": held.acquired, "fund": trade.fund, "action": "buy",
                            "shares": line.shares, "amount": _cents(_dec(line.cost)),
                        }))
                    cost = _dec(line.cost) - _dec(line.wash_sale_disallowed)
                    proceeds = _dec(line.proceeds)
                    if cost - proceeds >= CENT:
                        out.append(Transaction.model_validate({
                            "date": self.as_of, "fund": trade.fund, "action": "sell",
                            "shares": line.shares, "amount": _cents(proceeds),
                            "cost": _cents(cost),
                        }))
        return out

    # -- one holding ---------------------------------------------------------------------------
    def where(self, fund: str) -> str:
        return f"{fund} in {self.acct.id}"

    def holding(
        self, fund: str, hold: Holding | None, trades: list[TradeLike],
        wash: list[AdjustedLotLike],
    ) -> Holding | None:
        price = self.book.prices.get(fund)
        position = self.acct.position(fund)
        after = self.after.get(fund)
        sells = [t for t in trades if t.action == "sell"]
        buys = [t for t in trades if t.action == "buy"]
        bought_value = sum((_dec(t.amount) for t in buys), ZERO)
        if price is None:
            held = sold = bought = total = None
        else:
            held = _dec(position.shares or 0.0) if position and position.shares else ZERO
            if position and position.lots and all(lot.shares is not None for lot in position.lots):
                held = sum((_dec(lot.shares or 0.0) for lot in position.lots), ZERO)
            total = _dec(after.shares) if after is not None and after.shares is not None else ZERO
            sold, bought = self.share_moves(fund, held, total, sells, buys)
        if hold is not None and hold.lots:
            lots = [
                _Lot(lot.id or f"{fund}-{k + 1}", _dec(lot.shares), _dec(lot.cost), lot.acquired,
                     original=lot)
                for k, lot in enumerate(hold.lots)
            ]
        elif hold is not None and hold.cost is not None and hold.acquired is not None:
            lots = [_Lot(f"{fund}-1", held, _dec(hold.cost), hold.acquired)]
        else:
            lots = []
        if lots:
            self.sell_lots(fund, lots, sells, sold, held)
        elif hold is not None and self.taxable and buys:
            self.notes.append(
                f"{self.where(fund)}: its basis is unknown (no lots or cost), so the "
                f"${float(bought_value):,.2f} bought on {self.as_of} is added to its value "
                "without a basis; add lots to record it"
            )
        keeps_lots = bool(lots) or (hold is None and self.taxable)
        if buys and keeps_lots:
            base = f"{fund}-{self.as_of:%Y%m%d}"
            taken = {lot.id for lot in lots} | {w.id for w in wash}
            new_id = next(i for i in (base, *(f"{base}-{n}" for n in range(2, 10**6)))
                          if i not in taken)
            lots.append(_Lot(new_id, bought, bought_value, self.as_of, changed=True))
        if wash:
            if not lots:
                raise PlanError(f"{self.where(fund)}: a wash sale's replacement is not among "
                                "its lots (please report this)")
            self.carve(fund, lots, wash)
        lots = [lot for lot in lots if not lot.gone]
        if price is None:
            return self.dollar_holding(fund, hold, lots, after, bought_value)
        return self.share_holding(fund, hold, lots, after, total, price)

    def share_moves(
        self, fund: str, held: Decimal, total: Decimal, sells: list[TradeLike],
        buys: list[TradeLike],
    ) -> tuple[Decimal, Decimal]:
        """Shares sold and bought: the lot lines' shares, the whole-share trades' shares, and
        the rest from the plan's shares after (exact: the plan counts them in decimals)."""
        lines = [line for t in sells for line in t.lots]
        if lines and all(line.shares is not None for line in lines):
            sold = sum((_dec(line.shares or 0.0) for line in lines), ZERO)
            bought = total - held + sold
        elif sells and buys:
            whole = [t.shares for t in buys]
            if any(s is None for s in whole):
                raise PlanError(f"{self.where(fund)}: bought and sold in one plan (please "
                                "report this)")
            bought = sum((_dec(s or 0.0) for s in whole), ZERO)
            sold = held + bought - total
        elif sells:
            sold, bought = held - total, ZERO
        else:
            sold, bought = ZERO, total - held
        # a share count of 16 digits (a holding by value: value / price) is exact only to
        # its float, so the trades and the holdings after agree to a millionth of a share
        whole_bought = [t.shares for t in buys if t.shares is not None]
        if sold < -NOISE or bought < -NOISE or (
            whole_bought and len(whole_bought) == len(buys)
            and abs(sum((_dec(s) for s in whole_bought), ZERO) - bought) > NOISE
        ):
            raise PlanError(f"{self.where(fund)}: the plan's trades and its holdings after "
                            "disagree on the shares (please report this)")
        return max(sold, ZERO), max(bought, ZERO)

    def sell_lots(
        self, fund: str, lots: list[_Lot], sells: list[TradeLike], sold: Decimal | None,
        held: Decimal | None,
    ) -> None:
        """Take a sale from the lots: a taxable one from the lots its lines name, share for
        share and basis for basis; elsewhere (no tax, no lot lines) the oldest lots first,
        each keeping its share of the basis."""
        if not sells:
            return
        by_id = {lot.id: lot for lot in lots}
        lines = [line for t in sells for line in t.lots]
        if self.taxable and lines:
            for line in lines:
                lot = by_id.get(line.id)
                if lot is None:
                    raise PlanError(f"{self.where(fund)}: the plan sells lot {line.id!r}, "
                                    "which it does not hold (please report this)")
                shares = None if line.shares is None else _dec(line.shares)
                lot.take(shares, _dec(line.cost))
                if (lot.shares is not None and lot.shares < 0) or lot.cost < -CENT:
                    raise PlanError(f"{self.where(fund)}: the plan sells more of lot "
                                    f"{line.id!r} than it holds (please report this)")
                lot.cost = max(lot.cost, ZERO)
            return
        if sold is None or held is None:  # in dollars: every lot keeps its share of the basis
            amount = sum((_dec(t.amount) for t in sells), ZERO)
            position = self.acct.position(fund)
            value = _dec(position.value) if position is not None else ZERO
            left = (value - amount) / value if value > 0 else ZERO
            for lot in lots:
                lot.cost, lot.changed = (lot.cost * left).quantize(CENT, ROUND_HALF_UP), True
                lot.gone = left <= 0
            return
        order = sorted(range(len(lots)), key=lambda k: (lots[k].acquired, k))
        rest = sold
        for k in order:
            lot = lots[k]
            if rest <= 0 or lot.shares is None or lot.shares <= 0:
                continue
            step = min(lot.shares, rest)
            cost = lot.cost if step == lot.shares else (lot.cost * step / lot.shares).quantize(
                CENT, ROUND_HALF_UP)
            lot.take(step, cost)
            rest -= step

    def carve(self, fund: str, lots: list[_Lot], wash: list[AdjustedLotLike]) -> None:
        """Each wash sale's replacement shares as their own lot, with the adjusted basis and
        acquisition date, out of the lot they are (a held lot, or this plan's purchase)."""
        bought = lots[-1] if lots[-1].original is None and lots[-1].acquired == self.as_of else None
        by_id = {lot.id: lot for lot in lots}
        carved: list[_Lot] = []
        for w in wash:
            source = by_id.get(w.from_lot) if w.from_lot is not None else bought
            if source is None:
                raise PlanError(f"{self.where(fund)}: the replacement lot {w.id!r} comes from "
                                f"{w.from_lot or 'a purchase'} that is not held (please report)")
            shares = None if w.shares is None else _dec(w.shares)
            if source.shares is not None and shares is not None and source.shares - shares < 0:
                if source.shares - shares < Decimal("-1e-6"):
                    raise PlanError(f"{self.where(fund)}: the replacement lot {w.id!r} holds "
                                    "more shares than its source (please report this)")
                shares = source.shares  # a millionth of a share of float noise
            source.take(shares, _dec(w.value))
            if source.shares is None:  # in dollars: the replacement is the whole purchase
                source.gone = source.cost <= 0
            source.cost = max(source.cost, ZERO)
            carved.append(_Lot(w.id, shares, _dec(w.cost), date.fromisoformat(w.acquired),
                               changed=True))
        lots.extend(carved)

    # -- writing the holding back in the file's form -------------------------------------------
    def share_holding(
        self, fund: str, hold: Holding | None, lots: list[_Lot], after: HoldingAfterLike | None,
        total: Decimal | None, price: float,
    ) -> Holding | None:
        """A priced holding: its lots, or its shares and value, in the form the file gives
        them (a holding of one lot given by ``cost`` becomes ``lots`` when it gets a
        second)."""
        if after is None and not lots:
            return None
        shares = total if total is not None else ZERO
        with_lots = bool(lots) or (hold is not None and (hold.lots or hold.cost is not None))
        if with_lots:
            in_lots = sum((lot.shares or ZERO for lot in lots), ZERO)
            if in_lots != shares:
                raise PlanError(f"{self.where(fund)}: its lots hold {in_lots} shares, the plan "
                                f"{shares} (please report this)")
        buys = [t for t in self.trades.get(fund, []) if t.action == "buy"]
        if hold is None:
            if lots:
                return Holding(fund=fund, lots=self.tax_lots(lots))
            if self.dated(fund, buys):  # bought today, all of it
                return Holding(fund=fund, shares=float(shares), cost=_cents(
                    sum((_dec(t.amount) for t in buys), ZERO)), acquired=self.as_of)
            return Holding(fund=fund, shares=float(shares))
        update: dict[str, Any] = {}
        if not with_lots and self.dated(fund, buys):
            update.update(self.dating(fund, hold, _cents(shares * _dec(price))))
        if hold.shares is not None:
            update["shares"] = float(shares)
        if hold.value is not None:
            # beside a share count, the value is shares x price (the file's own check);
            # alone, the plan's value after
            counted = hold.shares is not None or with_lots or hold.price is not None
            update["value"] = (_cents(shares * _dec(price)) if counted
                               else after.value if after is not None else 0.0)
        if hold.lots or len(lots) > 1:
            update["lots"] = self.tax_lots(lots)
            if hold.cost is not None:  # one lot became several: written as lots
                update.update(cost=None, acquired=None)
        elif lots:
            update["cost"] = float(lots[0].cost)
            update["acquired"] = lots[0].acquired
        return self.rebuilt(hold, update)

    def dollar_holding(
        self, fund: str, hold: Holding | None, lots: list[_Lot], after: HoldingAfterLike | None,
        bought: Decimal,
    ) -> Holding | None:
        """A holding of a fund without a price (traded in dollars): its value, and in a taxable
        account its one lot's basis (``cost`` and ``acquired``)."""
        if after is None:
            return None
        if len(lots) > 1:
            raise InputError(
                f"--write-after: {self.where(fund)} would hold {len(lots)} tax lots, and a fund "
                "without a price cannot list lots (a lot needs its shares); give its price "
                f"(prices: {{{fund}: …}}) and its shares, then plan again"
            )
        buys = [t for t in self.trades.get(fund, []) if t.action == "buy"]
        if hold is None:
            if lots:
                lot = lots[0]
                return Holding(fund=fund, value=after.value, cost=float(lot.cost),
                               acquired=lot.acquired)
            if self.dated(fund, buys):  # bought today, all of it
                return Holding(fund=fund, value=after.value, cost=after.value,
                               acquired=self.as_of)
            return Holding(fund=fund, value=after.value)
        update: dict[str, Any] = {"value": after.value}
        if lots and hold.cost is not None:
            update["cost"] = float(lots[0].cost)
            update["acquired"] = lots[0].acquired
        elif not lots and self.dated(fund, buys):
            update.update(self.dating(fund, hold, after.value))
        return self.rebuilt(hold, update)

    def dating(self, fund: str, hold: Holding, value: float) -> dict[str, Any]:
        """``cost`` and ``acquired`` for a holding without dates that the plan buys into while
        a taxable lot of its group is at a loss (:meth:`dated`); the note that says so."""
        group = self.group_of.get(fund, fund)
        self.notes.append(
            f"{self.where(fund)}: written with acquired: {self.as_of} (and cost, its value) "
            f"because the plan buys it here while a taxable lot of {group} is at a loss: a "
            f"sale of that lot in the 30 days after {self.as_of} would lose the loss to this "
            "purchase (IRC 1091; Rev. Rul. 2008-5); the date covers the whole holding, which "
            "the file cannot split"
        )
        return {"cost": value, "acquired": self.as_of}

    @staticmethod
    def tax_lots(lots: list[_Lot]) -> list[TaxLot]:
        """The lots as the file writes them: a lot the plan left alone as it was (with its id
        written where the file left it out, so the lots keep their names when one before them
        is gone)."""
        out: list[TaxLot] = []
        for lot in lots:
            original = lot.original
            if original is not None and not lot.changed:
                out.append(original if original.id else original.model_copy(update={"id": lot.id}))
                continue
            fields: dict[str, Any] = {
                "id": lot.id, "shares": float(lot.shares or ZERO), "cost": float(lot.cost),
                "acquired": lot.acquired,
            }
            if original is not None:
                out.append(original.model_copy(update=fields))
            else:
                out.append(TaxLot(**fields))
        return out

    @staticmethod
    def rebuilt(hold: Holding, update: dict[str, Any]) -> Holding:
        """``hold`` with ``update`` (None removes a field), only what changed marked as set."""
        changed = {k: v for k, v in update.items() if getattr(hold, k) != v}
        if not changed:
            return hold
        data = hold.model_dump(by_alias=True, exclude_unset=True)
        for key, value in changed.items():
            if value is None:
                data.pop(key, None)
            else:
                data[key] = value
        return Holding.model_validate(data)
