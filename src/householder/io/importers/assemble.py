"""Imported accounts → a household file: new, or merged into an existing household.

What the exports give is written as the spec has it; what they do not is left for the user, each
as a to-do naming its place in the file and the fix, and a comment there:

- **type**: never guessed from a name (an IRA taken for a taxable account would plan the wrong
  taxes). ``--account ID --type TYPE`` sets it; otherwise the account gets the placeholder
  ``type: unknown``, which ``validate`` rejects with the list of types.
- **basis**: lots where the export has them. A broker's position-level basis has no dates, and
  a holding's ``cost`` needs the one lot's ``acquired`` date (spec), so it is kept as a comment
  only: the holding's basis is unknown (the plan will not sell it in a taxable account) until
  the user adds lots, or ``cost`` and ``acquired``.
- **the wash-sale window**: dated buys in an export's history become the holding's lots when
  they explain all of its shares (bought in the history, never sold or moved); otherwise the ones
  inside the window are listed, to be added with the holding's lots.
- **funds** the bundled catalog does not know (a 401(k)'s collective trust): a ``funds:`` entry
  with the name the broker gives, for the user to complete with classes and expense ratio.
- **menus** of workplace plans: a to-do (a plan can only buy its own funds).

Merging (``--into``): an imported account replaces the holdings and cash of the household's
account with its id, or whose id or name carries its account number; its type, owner, menu and
contributions stay. Lots the household already had are kept when the import has none for the
fund and the share count has not changed. Everything else in the household stays as it was.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from householder.errors import InputError
from householder.io.importers.common import Export, ImportedAccount, ImportedHolding
from householder.model.bundled import bundled_funds
from householder.model.types import AccountType

UNKNOWN_TYPE = "unknown"
"""The placeholder type of an account whose type the user has not given (validate rejects it)."""

DEFAULT_WINDOW = 30
PLANS_WITH_MENUS = frozenset({AccountType.TRADITIONAL_401K, AccountType.ROTH_401K,
                              AccountType.B403, AccountType.ROTH_403B, AccountType.B457,
                              AccountType.SIMPLE_IRA})

TYPE_ALIASES: dict[str, AccountType] = {
    "taxable": AccountType.TAXABLE, "brokerage": AccountType.TAXABLE,
    "individual": AccountType.TAXABLE, "joint": AccountType.TAXABLE,
    "ira": AccountType.TRADITIONAL_IRA, "traditional": AccountType.TRADITIONAL_IRA,
    "traditional ira": AccountType.TRADITIONAL_IRA, "rollover ira": AccountType.TRADITIONAL_IRA,
    "rollover": AccountType.TRADITIONAL_IRA, "roth": AccountType.ROTH_IRA,
    "roth ira": AccountType.ROTH_IRA, "401k": AccountType.TRADITIONAL_401K,
    "401(k)": AccountType.TRADITIONAL_401K, "roth 401k": AccountType.ROTH_401K,
    "roth 401(k)": AccountType.ROTH_401K, "403(b)": AccountType.B403,
    "roth 403(b)": AccountType.ROTH_403B, "457": AccountType.B457, "457(b)": AccountType.B457,
    "sep": AccountType.SEP_IRA, "sep ira": AccountType.SEP_IRA, "simple": AccountType.SIMPLE_IRA,
    "simple ira": AccountType.SIMPLE_IRA, "health savings account": AccountType.HSA,
}


def parse_type(text: str) -> AccountType:
    """An account type by its name in the file (``roth_ira``) or a common name (``roth``,
    ``401k``, ``brokerage``)."""
    raw = text.strip().lower()
    for candidate in (raw, raw.replace("-", "_"), raw.replace("_", " ").replace("-", " ")):
        try:
            return AccountType(candidate)
        except ValueError:
            pass
        if candidate in TYPE_ALIASES:
            return TYPE_ALIASES[candidate]
    names = ", ".join(t.value for t in AccountType)
    raise InputError(f"--type {text!r} is not an account type; use one of {names} (or roth, "
                     "ira, 401k, brokerage)")


_HINTS: tuple[tuple[str, AccountType], ...] = (
    (r"roth.*401", AccountType.ROTH_401K), (r"roth.*403", AccountType.ROTH_403B),
    (r"roth", AccountType.ROTH_IRA), (r"401\s*\(?k", AccountType.TRADITIONAL_401K),
    (r"403\s*\(?b", AccountType.B403), (r"457", AccountType.B457),
    (r"\bsep\b", AccountType.SEP_IRA), (r"\bsimple\b", AccountType.SIMPLE_IRA),
    (r"health savings|\bhsa\b", AccountType.HSA), (r"529", AccountType.PLAN_529),
    (r"\bira\b", AccountType.TRADITIONAL_IRA),
    (r"individual|joint|brokerage|\btod\b|trust", AccountType.TAXABLE),
)


def suggested_type(account: ImportedAccount) -> AccountType | None:
    """What the broker's name for the account suggests (only ever shown, never written)."""
    if account.type_hint is not None:
        return account.type_hint
    for pattern, kind in _HINTS:
        if re.search(pattern, account.label, re.IGNORECASE):
            return kind
    return None


@dataclass(frozen=True)
class ToDo:
    """Something the user must still supply: where in the written file, and what to do."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


@dataclass
class TypeChoice:
    """``--account ID --type TYPE`` pairs, and one ``--type`` for a single-account import."""

    by_account: dict[str, AccountType] = field(default_factory=dict)
    every: AccountType | None = None


@dataclass
class Assembled:
    data: dict[str, Any]
    comments: dict[str, str]
    todo: list[ToDo]
    notes: list[str]
    accounts: list[dict[str, Any]]
    """One summary per imported account: id, broker, number, type, matched, cash, holdings."""
    funds_added: list[str]


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def selects(selector: str, account: ImportedAccount) -> bool:
    """``--account`` names an imported account by its id, its number, or the number's last
    digits (``...123`` is Schwab's masked ``123``)."""
    sel = selector.strip().lower()
    if sel in (account.id.lower(), account.number.lower()):
        return True
    sel_digits, number_digits = _digits(sel), _digits(account.number)
    return bool(sel_digits) and len(sel_digits) >= 3 and bool(number_digits) and (
        number_digits.endswith(sel_digits) or sel_digits.endswith(number_digits)
    ) and re.sub(r"[\d.\s-]", "", sel) in ("", re.sub(r"[\d.\s-]", "", account.number.lower()))


def resolve_types(accounts: Sequence[ImportedAccount],
                  choice: TypeChoice) -> dict[int, AccountType]:
    """The type given for each imported account (by index); an ``--account`` that names no
    imported account is an error naming the ones there are."""
    out: dict[int, AccountType] = {}
    if choice.every is not None:
        if len(accounts) != 1:
            ids = ", ".join(a.id for a in accounts)
            raise InputError(f"--type without --account: the exports hold {len(accounts)} "
                             f"accounts ({ids}); give --account ID --type TYPE for each")
        out[0] = choice.every
    for selector, kind in choice.by_account.items():
        hits = [i for i, a in enumerate(accounts) if selects(selector, a)]
        if not hits:
            ids = ", ".join(f"{a.id} ({a.number})" for a in accounts)
            raise InputError(f"--account {selector!r} names none of the imported accounts: {ids}")
        if len(hits) > 1:
            raise InputError(f"--account {selector!r} names {len(hits)} accounts; give the id")
        out[hits[0]] = kind
    return out


def _round(value: float, places: int) -> float:
    return round(value + 0.0, places)


def merge_duplicates(account: ImportedAccount) -> None:
    """One holding per fund: a fund listed twice (Fidelity's cash and margin rows of one
    position) becomes one holding with the shares, values, costs and lots of both."""
    merged: dict[str, ImportedHolding] = {}
    for holding in account.holdings:
        first = merged.get(holding.symbol)
        if first is None:
            merged[holding.symbol] = holding
            continue
        for attr in ("shares", "value", "cost_total"):
            a, b = getattr(first, attr), getattr(holding, attr)
            setattr(first, attr, a if b is None else b if a is None else a + b)
        first.lots.extend(holding.lots)
        first.purchases.extend(holding.purchases)
        first.sold_in_history |= holding.sold_in_history
        first.price = first.price or holding.price
    account.holdings = list(merged.values())


class Assembler:
    def __init__(self, exports: Sequence[Export], *, into: Mapping[str, Any] | None,
                 types: TypeChoice, as_of: date | None, today: date) -> None:
        self.exports = exports
        self.into = into
        self.types = types
        self.as_of_override = as_of
        self.today = today
        self.todo: list[ToDo] = []
        self.notes: list[str] = []
        self.comments: dict[str, str] = {}
        self.catalog = bundled_funds()

    def add(self, path: str, message: str, comment: str | None = None) -> None:
        self.todo.append(ToDo(path, message))
        if comment:
            self.comments[path] = comment

    # -- the whole household ---------------------------------------------------------------------
    def assemble(self) -> Assembled:
        accounts = [a for e in self.exports for a in e.accounts]
        for account in accounts:
            merge_duplicates(account)
        ids = [a.id for a in accounts]
        repeated = {i for i in ids if ids.count(i) > 1}
        if repeated:
            raise InputError(f"the exports give account {sorted(repeated)[0]} twice; import each "
                             "account's export once")
        types = resolve_types(accounts, self.types)
        for export in self.exports:
            self.notes.extend(export.notes)
        base: dict[str, Any] = dict(self.into) if self.into is not None else {}
        as_of = self.as_of(base)
        policy = base.get("policy") if isinstance(base.get("policy"), Mapping) else {}
        window = int((policy or {}).get("wash_sale_window_days", DEFAULT_WINDOW))
        existing: list[dict[str, Any]] = [dict(a) for a in base.get("accounts") or []
                                          if isinstance(a, Mapping)]
        listed_funds = {str(f.get("ticker")) for f in base.get("funds") or []
                        if isinstance(f, Mapping)}
        summaries: list[dict[str, Any]] = []
        new_funds: list[dict[str, Any]] = []
        prices: dict[str, float] = {}
        order: list[dict[str, Any]] = list(existing)
        for index, account in enumerate(accounts):
            match = self.match(account, existing)
            given = types.get(index)
            body = self.account_body(account, as_of, window)
            if match is not None:
                merged = self.merge_account(existing[match], body, account, given)
                order[match] = merged
                position = match
            else:
                merged = body
                kind = given.value if given else UNKNOWN_TYPE
                merged = {"id": account.id, "name": body.pop("name"), "type": kind, **body}
                order.append(merged)
                position = len(order) - 1
            path = f"accounts[{position}]"
            self.account_todo(path, account, merged, given, match is not None)
            no_basis: list[str] = []
            for j, hold in enumerate(merged.get("holdings") or []):
                src = account.holding(str(hold.get("fund")))
                if src is None:
                    continue
                if self.holding_todo(f"{path}.holdings[{j}]", account, merged, hold, src,
                                     as_of, window):
                    no_basis.append(src.symbol)
                if src.price:
                    prices[src.symbol] = src.price
                if (src.symbol not in self.catalog and src.symbol not in listed_funds
                        and all(f["ticker"] != src.symbol for f in new_funds)):
                    entry: dict[str, Any] = {"ticker": src.symbol}
                    if src.name:
                        entry["name"] = src.name
                    if src.kind is not None:
                        entry["kind"] = src.kind.value
                    new_funds.append(entry)
            hint = suggested_type(account)
            if no_basis and (hint is None or hint is AccountType.TAXABLE):
                verb = "has" if len(no_basis) == 1 else "have"
                self.add(f"{path}.holdings", f"if the account is taxable: {', '.join(no_basis)} "
                         f"{verb} no dated cost basis, so the plan will not sell "
                         f"{'it' if len(no_basis) == 1 else 'them'}; add lots: (shares, cost, "
                         "acquired each), or cost and acquired for a single lot")
            summaries.append({
                "id": merged["id"], "imported_as": account.id, "broker": account.broker,
                "number": account.number,
                "label": account.label, "type": merged.get("type"),
                "matched": existing[match]["id"] if match is not None else None,
                "cash": merged.get("cash", 0.0), "holdings": len(merged.get("holdings") or []),
                "lots": sum(len(h.get("lots") or []) for h in merged.get("holdings") or []),
            })
        data = self.household(base, as_of, order, new_funds, prices)
        rank = {"as_of": 0, "target": 0, "funds": 1}
        self.todo.sort(key=lambda t: rank.get(re.split(r"[.\[]", t.path)[0], 2))
        return Assembled(data, self.comments, self.todo, self.notes, summaries,
                         [f["ticker"] for f in new_funds])

    def as_of(self, base: Mapping[str, Any]) -> date:
        dates = [e.as_of for e in self.exports if e.as_of is not None]
        if self.as_of_override is not None:
            as_of = self.as_of_override
        elif dates:
            as_of = max(dates)
            if len(set(dates)) > 1:
                self.notes.append(f"the exports are from {min(dates)} to {max(dates)}; as_of is "
                                  f"the latest, {as_of}")
        else:
            as_of = self.today
            self.add("as_of", f"the exports carry no date, so today ({as_of}) is used: set the "
                     "day you downloaded them (or pass --as-of)", "the download date? (see "
                     "the to-do list)")
        old = base.get("as_of")
        if isinstance(old, str):
            try:
                old = date.fromisoformat(old)
            except ValueError:
                old = None
        if isinstance(old, date) and old != as_of:
            if old > as_of:
                self.notes.append(f"the household's as_of ({old}) is after the exports' "
                                  f"({as_of}); kept {old}")
                return old
            self.notes.append(f"as_of moves from {old} to {as_of} (the exports' date); the "
                              "accounts not imported keep the values they had")
        return as_of

    def household(self, base: dict[str, Any], as_of: date, accounts: list[dict[str, Any]],
                  new_funds: list[dict[str, Any]], prices: Mapping[str, float]) -> dict[str, Any]:
        data: dict[str, Any]
        if self.into is None:
            data = {"name": "Imported household", "as_of": as_of}
            self.add("target", "required: add the household's target allocation (e.g. "
                     "{stocks: 70, bonds: 30}), or run `householder init --from` on this file")
        else:
            data = dict(base)
            data["as_of"] = as_of
            self.sync_prices(data, accounts, prices)
        funds = list(data.get("funds") or [])
        start = len(funds)
        for k, entry in enumerate(new_funds):
            path = f"funds[{start + k}]"
            self.add(path, f"{entry['ticker']} ({entry.get('name') or 'no name given'}) is not "
                     "in the bundled catalog: give its classes (e.g. {stocks: 100}) and "
                     "expense_ratio (e.g. 0.04%)", "not in the bundled catalog: add classes "
                     "and expense_ratio")
        if new_funds:
            data["funds"] = funds + new_funds
        data["accounts"] = accounts
        ordered: dict[str, Any] = {k: data[k] for k in ("name", "as_of") if k in data}
        ordered.update((k, v) for k, v in data.items() if k not in ordered)
        return ordered

    def sync_prices(self, data: dict[str, Any], accounts: list[dict[str, Any]],
                    prices: Mapping[str, float]) -> None:
        """One fund has one price: the import's replaces the household's older one."""
        listed = data.get("prices")
        if isinstance(listed, Mapping):
            updated = dict(listed)
            for ticker, price in prices.items():
                if ticker in updated and updated[ticker] != price:
                    updated[ticker] = price
                    self.notes.append(f"prices.{ticker} updated to the import's {price:g}")
            data["prices"] = updated
        for i, acct in enumerate(accounts):
            for j, hold in enumerate(acct.get("holdings") or []):
                fund = str(hold.get("fund"))
                if fund in prices and "price" in hold and hold["price"] != prices[fund]:
                    hold["price"] = prices[fund]
                    if "value" in hold and "shares" in hold:
                        del hold["value"]
                    self.notes.append(f"accounts[{i}].holdings[{j}]: {fund}'s price updated to "
                                      f"the import's {prices[fund]:g}")

    # -- one account -----------------------------------------------------------------------------
    def match(self, account: ImportedAccount, existing: Sequence[Mapping[str, Any]]) -> int | None:
        """The household account this import refreshes: same id, or its account number in the
        id or name."""
        hits = [i for i, a in enumerate(existing) if str(a.get("id")) == account.id]
        if not hits:
            digits = _digits(account.number)
            if len(digits) >= 3:
                for i, a in enumerate(existing):
                    runs = re.findall(r"\d{3,}", f"{a.get('id', '')} {a.get('name', '')}")
                    if any(run == digits or run.endswith(digits) or digits.endswith(run)
                           for run in runs):
                        hits.append(i)
        if len(hits) > 1:
            names = ", ".join(str(existing[i].get("id")) for i in hits)
            raise InputError(f"the imported account {account.number} matches {names} in the "
                             "household; give them distinct ids or names")
        return hits[0] if hits else None

    def account_body(self, account: ImportedAccount, as_of: date,
                     window: int) -> dict[str, Any]:
        name = " ".join(p for p in (account.broker.capitalize(), account.label, account.number)
                        if p)
        cash = account.cash
        body: dict[str, Any] = {"name": name}
        if cash < 0:
            self.notes.append(f"{account.id}: cash is negative (${cash:,.2f}: pending "
                              "activity or margin); imported as 0")
            cash = 0.0
        body["cash"] = _round(cash, 2)
        body["holdings"] = [self.holding_body(h, as_of, window, account) for h in
                            account.holdings]
        for note in account.notes:
            self.notes.append(f"{account.id}: {note}")
        return body

    def holding_body(self, holding: ImportedHolding, as_of: date, window: int,
                     account: ImportedAccount) -> dict[str, Any]:
        body: dict[str, Any] = {"fund": holding.symbol}
        shares = holding.shares
        lots = list(holding.lots)
        if not lots and self.history_explains(holding, account):
            lots = [_lot_from(p) for p in holding.purchases]
        if shares is not None:
            if not lots:
                body["shares"] = _round(shares, 6)
            if holding.price:
                body["price"] = _round(holding.price, 6)
            elif holding.value is not None:
                if not lots:
                    body["value"] = _round(holding.value, 2)
                else:
                    body["price"] = _round(holding.value / shares, 6) if shares else None
        elif holding.value is not None:
            body["value"] = _round(holding.value, 2)
        if lots:
            body["lots"] = [
                {"shares": _round(lot.shares, 6), "cost": _round(lot.cost, 2),
                 "acquired": lot.acquired} | ({"id": lot.id} if lot.id else {})
                for lot in sorted(lots, key=lambda lot: lot.acquired)
            ]
        return {k: v for k, v in body.items() if v is not None}

    def history_explains(self, holding: ImportedHolding, account: ImportedAccount) -> bool:
        """The export's buys are every share of the holding: nothing sold or moved, and their
        shares add up to the holding's."""
        if not holding.purchases or holding.sold_in_history or holding.shares is None:
            return False
        bought = sum(p.shares for p in holding.purchases)
        return abs(bought - holding.shares) <= 1e-3 * max(1.0, holding.shares)

    def merge_account(self, old: Mapping[str, Any], body: dict[str, Any],
                      account: ImportedAccount, given: AccountType | None) -> dict[str, Any]:
        merged = dict(old)
        body = dict(body)
        name = body.pop("name")
        merged.setdefault("name", name)
        previous = {str(h.get("fund")): h for h in old.get("holdings") or []
                    if isinstance(h, Mapping)}
        holdings = []
        for hold in body["holdings"]:
            before = previous.get(str(hold["fund"]))
            holdings.append(self.keep_lots(before, hold, account) if before else hold)
        merged["cash"] = body["cash"]
        merged["holdings"] = holdings
        if given is not None and str(old.get("type")) != given.value:
            if old.get("type") not in (None, UNKNOWN_TYPE):
                self.notes.append(f"{merged['id']}: type changed from {old.get('type')} to "
                                  f"{given.value} (--type)")
            merged["type"] = given.value
        return merged

    def keep_lots(self, before: Mapping[str, Any], hold: dict[str, Any],
                  account: ImportedAccount) -> dict[str, Any]:
        """The household's own lots (or cost and date) of a fund, when the import has none
        and the shares are unchanged."""
        if "lots" in hold:
            return hold
        shares = hold.get("shares")
        old_lots = before.get("lots")
        if old_lots and shares is not None:
            old_shares = sum(float(lot.get("shares", 0.0)) for lot in old_lots
                             if isinstance(lot, Mapping))
            if abs(old_shares - float(shares)) <= 1e-6 * max(1.0, float(shares)):
                kept = {k: v for k, v in hold.items() if k != "shares"}
                kept["lots"] = old_lots
                return kept
            self.notes.append(f"{account.id}: {hold['fund']} now holds {shares:g} shares, its "
                              f"lots {old_shares:g}: the lots are dropped (add the new ones)")
        elif before.get("cost") is not None and before.get("acquired") is not None:
            old_shares_single = before.get("shares")
            if old_shares_single is not None and shares is not None and abs(
                    float(old_shares_single) - float(shares)) <= 1e-6 * max(1.0, float(shares)):
                return {**hold, "cost": before["cost"], "acquired": before["acquired"]}
        return hold

    # -- what the user must still supply ---------------------------------------------------------
    def account_todo(self, path: str, account: ImportedAccount, merged: Mapping[str, Any],
                     given: AccountType | None, matched: bool) -> None:
        kind = str(merged.get("type"))
        if kind == UNKNOWN_TYPE:
            hint = suggested_type(account)
            called = f"{account.broker.capitalize()} calls it {account.label!r}" if (
                account.label) else f"{account.broker.capitalize()} gives no name for it"
            guess = f" ({hint.value}?)" if hint else ""
            self.add(f"{path}.type", f"set the account's type{guess}: {called}; or re-run with "
                     f"--account {account.number} --type TYPE",
                     f"{called}: set the type{guess}")
            if hint in PLANS_WITH_MENUS:
                self.add(f"{path}.menu", "a workplace plan buys only its own funds: list them "
                         "under menu:")
            return
        try:
            account_type = AccountType(kind)
        except ValueError:
            return
        if account_type in PLANS_WITH_MENUS and not merged.get("menu"):
            self.add(f"{path}.menu", f"a {kind} buys only its plan's funds: list them under "
                     "menu: (the plan can otherwise propose a fund the plan does not offer)")

    def holding_todo(self, path: str, account: ImportedAccount, merged: Mapping[str, Any],
                     hold: Mapping[str, Any], src: ImportedHolding, as_of: date,
                     window: int) -> bool:
        """Add the holding's to-dos; True when its basis is unknown in an account whose type
        is not known yet (the account's to-do lists those together)."""
        kind = str(merged.get("type"))
        has_basis = bool(hold.get("lots")) or hold.get("cost") is not None
        if not has_basis and src.cost_total is not None and kind in (
                AccountType.TAXABLE.value, UNKNOWN_TYPE):
            self.comments[path] = (f"{account.broker.capitalize()}: cost basis total "
                                   f"${src.cost_total:,.2f}, no dates: add lots")
        if not has_basis and kind == AccountType.TAXABLE.value:
            basis = (f"{account.broker.capitalize()} gives a total cost of "
                     f"${src.cost_total:,.2f} without dates" if src.cost_total is not None
                     else "the export gives no cost basis")
            self.add(f"{path}.lots", f"{src.symbol}: {basis}: its basis is unknown and the plan "
                     "will not sell it; add lots: (shares, cost, acquired each), or cost and "
                     "acquired for a single lot")
        if hold.get("lots") and not src.lots:
            self.notes.append(f"{path}: {src.symbol}'s lots come from the export's purchases "
                              "(every share was bought in its history)")
        start = as_of - timedelta(days=window)
        recent = [p for p in src.purchases if start <= p.day <= as_of]
        if recent and not hold.get("lots"):
            listed = "; ".join(f"{p.shares:g} shares on {p.day} (${p.amount:,.2f}, line "
                               f"{p.line})" for p in recent)
            self.add(f"{path}.lots", f"{src.symbol} was bought inside the {window}-day "
                     f"wash-sale window: {listed}; add it as a lot (with the holding's other "
                     "lots) so that plans see the window")
        return not has_basis and kind == UNKNOWN_TYPE


def _lot_from(purchase: Any) -> Any:
    from householder.io.importers.common import ImportedLot

    return ImportedLot(shares=purchase.shares, cost=purchase.amount, acquired=purchase.day)


def assemble(exports: Sequence[Export], *, into: Mapping[str, Any] | None = None,
             types: TypeChoice | None = None, as_of: date | None = None,
             today: date | None = None) -> Assembled:
    """The household file (plain data, dates as :class:`date`) the exports make, merged into
    ``into`` when given, with the comments and the to-do list."""
    return Assembler(exports, into=into, types=types or TypeChoice(), as_of=as_of,
                     today=today or date.today()).assemble()
