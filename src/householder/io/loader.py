"""Load a household file: parse, check every rule of the spec, resolve into a :class:`Book`.

Every problem in the file is reported at once (:class:`HouseholdFileError`), each as
``path.to.field: message`` with the fix. Structure is checked first (pydantic); the rules that
need the whole household and the bundled data are checked next, all of them, then the household
is resolved: holdings valued, lots priced, funds merged with the catalog.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, MutableMapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from householder.errors import HouseholdFileError, Problem
from householder.io import rules_trading
from householder.io.errors import (
    dotted,
    is_union_tag,
    model_field,
    problem,
    problems_from_validation,
    suggest,
    within,
)
from householder.io.reader import read_file
from householder.model.book import AccountBook, Book, LotInfo, Position
from householder.model.bundled import bundled_classes, bundled_funds
from householder.model.catalog import ClassInfo, FundInfo, Taxonomy
from householder.model.glide import (
    RETIREMENT_AGE,
    evaluate,
    glide_classes,
    split_leaves,
)
from householder.model.household import (
    BOTH_TARGET_AND_GLIDE,
    NEITHER_TARGET_NOR_GLIDE,
    SKIP_SUM_CHECKS,
    Account,
    Holding,
    Household,
    Person,
    target_leaves,
)
from householder.model.types import (
    MAX_MONEY,
    MAX_PRICE,
    MAX_SHARES,
    MIN_PRICE,
    AccountType,
    FundKind,
    Income,
    UnknownBasis,
)

JOINT = "joint"

MAX_LOTS = 200_000
"""The most tax lots a household file may hold (twice the largest benchmarked household,
docs/performance.md; docs/file-reference.md, "Size limits")."""


def load_household(path: str | Path) -> Book:
    """Read, check and resolve the household file at ``path``."""
    return build_book(read_file(path), source=str(path))


def parse_household(data: Mapping[str, Any], source: str = "<data>") -> Household:
    """Check the structure of ``data`` (no cross-references yet)."""
    try:
        return Household.model_validate(dict(data))
    except ValidationError as exc:
        raise HouseholdFileError(source, problems_from_validation(Household, exc)) from None


def build_book(data: Mapping[str, Any], source: str = "<data>") -> Book:
    """Check every rule of the spec on ``data`` and resolve it into a :class:`Book`.

    Every problem is reported at once: when the structure has problems, the parts that caused
    them are set aside (see :func:`_parse_salvaging`) so the cross-reference rules still run on
    the rest; their problems inside the set-aside parts are not reported, since they may only
    be echoes of the first.
    """
    _check_lot_count(data, source)
    household, problems, set_aside = _parse_salvaging(data)
    if household is not None:
        resolver = _Resolver(household)
        book = resolver.resolve()
        problems += [
            p for p in resolver.problems
            if p not in problems and not any(within(p.path, s) for s in set_aside)
        ]
        if not problems:
            assert book is not None
            return book
    raise HouseholdFileError(source, problems)


def _check_lot_count(data: Mapping[str, Any], source: str) -> None:
    """At most :data:`MAX_LOTS` lots, counted before anything is validated."""
    accounts = data.get("accounts")
    count = 0
    for acct in accounts if isinstance(accounts, list) else []:
        holdings = acct.get("holdings") if isinstance(acct, Mapping) else None
        for hold in holdings if isinstance(holdings, list) else []:
            lots = hold.get("lots") if isinstance(hold, Mapping) else None
            count += len(lots) if isinstance(lots, list) else 0
    if count > MAX_LOTS:
        raise HouseholdFileError(source, [Problem("accounts", (
            f"{count:,} tax lots; householder plans households of up to {MAX_LOTS:,} lots "
            "(merge lots of one fund bought on the same day, or split the household)"
        ))])


_NEVER_SET_ASIDE = frozenset({"funds", "classes", "people", "prices", "target", "glide"})
"""Top-level parts that other parts refer to or that every check needs (the target or glide
path): setting one aside would make everything else look broken."""

_MAX_PASSES = 6


def _parse_salvaging(
    data: Mapping[str, Any],
) -> tuple[Household | None, list[Problem], list[str]]:
    """Validate the structure, collecting its problems; then, so that the cross-reference rules
    can still run, drop what failed and validate again, a few times at most.

    An unknown key is simply dropped (it had no effect). Weights that do not sum to 100 are
    kept, and the sum checks skipped on the next pass. A bad value is dropped up to its nearest
    *optional* field (a holding's ``value``, an account's ``holdings``), and that field's owner
    (``accounts[0].holdings[0]``) is returned in the set-aside paths: later problems inside it
    are echoes. A problem in a required field (``as_of``, an account's ``type``) stops the
    salvage: the household is None and only the structural problems are reported.
    """
    # a shallow copy: validation reads the input without changing it, so the deep copy that
    # salvaging needs (it deletes failing parts) waits for the first problem
    current: dict[str, Any] = dict(data)
    copied = False
    problems: list[Problem] = []
    set_aside: list[str] = []
    skip_sums = False
    # exactly one of target and glide: reported here with its path (the model's own check
    # has no field to name); with both, the glide path is kept so its checks still run
    if current.get("target") is not None and current.get("glide") is not None:
        problems.append(Problem("glide", BOTH_TARGET_AND_GLIDE))
        del current["target"]
    elif current.get("target") is None and current.get("glide") is None:
        problems.append(Problem("target", NEITHER_TARGET_NOR_GLIDE))
    for _ in range(_MAX_PASSES):
        try:
            context = {SKIP_SUM_CHECKS: skip_sums}
            return Household.model_validate(current, context=context), problems, set_aside
        except ValidationError as exc:
            for problem in problems_from_validation(Household, exc):
                if problem.path == "" and problem.message.startswith(
                    (BOTH_TARGET_AND_GLIDE, NEITHER_TARGET_NOR_GLIDE)
                ):
                    continue  # reported above, with its path
                if problem not in problems and not any(within(problem.path, s) for s in set_aside):
                    problems.append(problem)
            if not copied:
                current, copied = copy.deepcopy(current), True
            dropped = False
            for err in exc.errors(include_url=False):
                if err["type"] == "target_or_glide":
                    continue
                if err["type"] == "weights_sum":
                    dropped |= not skip_sums
                    skip_sums = True
                    continue
                loc = [part for part in err["loc"] if not is_union_tag(part)]
                owner = _drop(current, loc, err["type"] == "extra_forbidden")
                if owner is not None:
                    dropped = True
                    if err["type"] != "extra_forbidden":
                        set_aside.append(owner)
            if not dropped:
                return None, problems, set_aside
    return None, problems, set_aside


def _drop(data: dict[str, Any], loc: list[str | int], unknown_key: bool) -> str | None:
    """Remove the failing part at ``loc`` from ``data``; the path whose later problems are echoes
    ('' for an unknown key, which echoes nothing), or None when nothing could be removed."""
    for end in range(len(loc), 0, -1):
        part = loc[end - 1]
        if not unknown_key:
            fld = model_field(Household, loc[:end])
            if fld is None or fld.is_required():
                continue
            if end == 1 and part in _NEVER_SET_ASIDE:
                return None
        parent = _find(data, loc[: end - 1])
        if isinstance(parent, MutableMapping) and part in parent:
            del parent[part]
            return "" if unknown_key else dotted(loc[: end - 1] if end > 1 else loc[:1])
        return None
    return None


def _find(data: Any, loc: list[str | int]) -> Any:
    for part in loc:
        if isinstance(data, Mapping) and part in data:
            data = data[part]
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            return None
    return data


class _Resolver:
    """Collects every cross-reference problem while it builds the book."""

    def __init__(self, household: Household) -> None:
        self.h = household
        self.problems: list[Problem] = []
        self.notes: list[str] = []

    def add(self, path: str, message: str) -> None:
        self.problems.append(problem(path, message))

    # -- classes ---------------------------------------------------------------------------------
    def taxonomy(self) -> Taxonomy:
        rows: dict[str, dict[str, Any]] = {k: dict(v) for k, v in bundled_classes().items()}
        for i, cls in enumerate(self.h.classes):
            given = cls.model_dump(exclude_none=True, by_alias=True)
            if cls.id in rows:
                rows[cls.id].update(given)
            else:
                parent = rows.get(cls.parent) if cls.parent else None
                inherited = (parent or {}).items()
                base = {k: v for k, v in inherited if k not in {"id", "parent", "name"}}
                rows[cls.id] = {**base, **given}
                if cls.parent is None:
                    for key in ("expected_return", "yield", "income"):
                        if key not in given:
                            self.add(
                                f"classes[{i}].{key}",
                                f"required for a new top-level class {cls.id!r} (or give a parent "
                                "to inherit it from)",
                            )
        for i, cls in enumerate(self.h.classes):
            if cls.parent is not None and cls.parent not in rows:
                hint = suggest(cls.parent, rows)
                self.add(f"classes[{i}].parent", f"{cls.parent!r} is not a known class{hint}")
        infos: dict[str, ClassInfo] = {}
        for cid, row in rows.items():
            infos[cid] = ClassInfo(
                id=cid,
                parent=row.get("parent") if row.get("parent") in rows else None,
                name=row.get("name") or cid.replace("_", " "),
                expected_return=float(row.get("expected_return", 0.0)),
                yield_=float(row.get("yield", 0.0)),
                income=Income(row.get("income", "none")),
                turnover=float(row.get("turnover", 0.0)),
                foreign_tax=float(row.get("foreign_tax", 0.0)),
            )
        for i, cls in enumerate(self.h.classes):
            seen: set[str] = set()
            node: str | None = cls.id
            while node is not None and node in rows:
                if node in seen:
                    self.add(f"classes[{i}].parent", f"the parents of {cls.id!r} form a cycle")
                    break
                seen.add(node)
                node = rows[node].get("parent")
        return Taxonomy(infos)

    def check_class(self, name: str, path: str, tax: Taxonomy) -> bool:
        if name in tax:
            return True
        self.add(path, f"{name!r} is not a known asset class{suggest(name, tax)}; add it under "
                 "classes: or use a bundled class (householder schema lists them)")
        return False

    # -- funds -----------------------------------------------------------------------------------
    def universe_tickers(self) -> list[str]:
        """Every fund the file names: held anywhere, on a menu, or listed under ``funds:``."""
        names: list[str] = []
        for f in self.h.funds:
            names.append(f.ticker)
        for acct in self.h.accounts:
            names.extend(hold.fund for hold in acct.holdings)
            names.extend(acct.menu or [])
            if acct.contributions and acct.contributions.split:
                names.extend(acct.contributions.split)
        return list(dict.fromkeys(names))

    def funds(self, tax: Taxonomy) -> dict[str, FundInfo]:
        catalog = bundled_funds()
        listed = {}
        for i, f in enumerate(self.h.funds):
            if f.ticker in listed:
                self.add(f"funds[{i}].ticker", f"{f.ticker!r} is listed twice; keep one entry")
            listed[f.ticker] = (i, f)
        known = set(listed) | set(catalog)
        out: dict[str, FundInfo] = {}
        for ticker in self.universe_tickers():
            if ticker not in known:
                continue  # reported where it is referenced
            row = dict(catalog.get(ticker, {}))
            path = "funds"
            if ticker in listed:
                i, f = listed[ticker]
                path = f"funds[{i}]"
                row.update(f.model_dump(exclude_none=True))
                # the did-you-mean hint (difflib over the catalog) only where there is a problem
                if f.classes is None and ticker not in catalog:
                    self.add(
                        f"{path}.classes",
                        f"{ticker!r} is not in the bundled catalog{suggest(ticker, catalog)}; "
                        "give its classes, e.g. {stocks: 100}",
                    )
                    continue
                if f.expense_ratio is None and ticker not in catalog:
                    self.add(
                        f"{path}.expense_ratio",
                        f"{ticker!r} is not in the bundled catalog{suggest(ticker, catalog)}; "
                        "give its expense_ratio (e.g. 0.04%)",
                    )
            classes = {str(k): float(v) for k, v in row["classes"].items()}
            ok = True
            for cls in classes:
                ok &= self.check_class(cls, f"{path}.classes.{cls}", tax)
            if not ok:
                continue
            total = sum(classes.values())
            out[ticker] = FundInfo(
                ticker=ticker,
                name=str(row.get("name") or ticker),
                expense_ratio=float(row.get("expense_ratio", 0.0)),
                classes={k: v / total for k, v in classes.items()},
                kind=FundKind(row.get("kind", "mutual_fund")),
                from_catalog=ticker in catalog,
            )
        return out

    def fund_ref(self, ticker: str, path: str, funds: Mapping[str, FundInfo]) -> bool:
        if ticker in funds:
            return True
        if ticker in bundled_funds() or any(f.ticker == ticker for f in self.h.funds):
            return False  # known, but its own entry has a problem reported already
        choices = set(funds) | set(bundled_funds())
        self.add(path, f"{ticker!r} is not a known fund{suggest(ticker, choices)}; list it under "
                 "funds: with its classes and expense_ratio")
        return False

    def account_type(self, account_id: str) -> str:
        acct = next(a for a in self.h.accounts if a.id == account_id)
        return acct.type.value

    # -- the whole household ---------------------------------------------------------------------
    def resolve(self) -> Book | None:
        h = self.h
        tax = self.taxonomy()
        if h.glide is not None:
            leaves = self.glide_leaves(tax)
        else:
            assert h.target is not None  # the model admits exactly one of target and glide
            leaves = target_leaves(h.target)
            for cls in leaves:
                self.check_class(cls, f"target.{cls}", tax)
            for a in leaves:
                for b in leaves:
                    if a != b and a in tax and b in tax and tax.is_under(a, b):
                        self.add(f"target.{b}", f"{b!r} contains {a!r}, which the target also "
                                 f"names; split {b!r} with a nested split instead")
        funds = self.funds(tax)
        self.check_people_and_accounts(funds)
        prices = self.prices(funds)
        self.check_fund_splits(funds, tax, leaves)
        for g, group in enumerate(h.policy.substantially_identical):
            for j, ticker in enumerate(group):
                self.fund_ref(ticker, f"policy.substantially_identical[{g}][{j}]", funds)
        accounts = tuple(
            self.account_book(i, acct, funds, prices) for i, acct in enumerate(h.accounts)
        )
        self.check_whole_share_prices(accounts, funds, prices)
        self.check_magnitudes(accounts, prices)
        self.problems += rules_trading.check(h, funds, prices)
        if self.problems:
            return None
        return Book(
            household=h,
            taxonomy=tax,
            funds=funds,
            prices=prices,
            accounts=accounts,
            notes=tuple(self.notes),
        )

    # -- the glide path ---------------------------------------------------------------------------
    def glide_leaves(self, tax: Taxonomy) -> dict[str, float]:
        """Check the glide path's classes and person; its leaves (percent) at ``as_of`` (at
        50/50 when the person's age is unknown, so the fund checks still run)."""
        glide = self.h.glide
        assert glide is not None
        paths: dict[str, str] = {}
        for part, split, given in (("stocks", glide.stock_split, glide.stocks),
                                   ("bonds", glide.bond_split, glide.bonds)):
            for cls in split:
                # a default split ({stocks: 100}) names no path in the file: point at the part
                path = f"glide.{part}.{cls}" if given else f"glide.{part}"
                if self.check_class(cls, path, tax):
                    paths.setdefault(cls, path)
        classes = glide_classes(glide)
        for a in classes:
            for b in classes:
                if a != b and a in paths and b in paths and tax.is_under(a, b):
                    self.add(paths[b], f"{b!r} contains {a!r}, which the glide path also names; "
                             f"name {b!r}'s parts instead (or only {b!r})")
        if self.glide_person() is not None:
            return evaluate(self.h).leaves
        return split_leaves(glide, 50.0)

    def glide_person(self) -> Person | None:
        """The glide path's person, when it exists and has an age (else a problem)."""
        glide = self.h.glide
        assert glide is not None
        people = self.h.people
        if glide.person is not None:
            index = next((i for i, p in enumerate(people) if p.id == glide.person), None)
            if index is None:
                hint = suggest(glide.person, [p.id for p in people])
                self.add("glide.person", f"{glide.person!r} is not a person of the household"
                         f"{hint}; name a people: id (whose age drives the glide path)")
                return None
        elif not people:
            self.add("glide.person", "the household has no people, and the glide path follows "
                     "a person's age; add one under people: with birth_year (or birth_date)")
            return None
        else:
            index = 0
        person = people[index]
        if person.year_of_birth is None:
            self.add("glide.person", f"{person.id!r} has no birth_date or birth_year, and the "
                     f"glide path follows their age; add one to people[{index}]")
            return None
        if person.year_of_birth > self.h.as_of.year or (
            person.birth_date is not None and person.birth_date > self.h.as_of
        ):
            return None  # reported with the people
        if person.retirement_year is not None and person.retirement_year <= person.year_of_birth:
            self.add(f"people[{index}].retirement_year",
                     f"{person.retirement_year} is not after {person.id}'s birth year "
                     f"({person.year_of_birth}); fix it, or leave it out to retire at "
                     f"{RETIREMENT_AGE}")
            return None
        return person

    def check_people_and_accounts(self, funds: Mapping[str, FundInfo]) -> None:
        h = self.h
        people: set[str] = set()
        for i, person in enumerate(h.people):
            if person.id in people:
                self.add(f"people[{i}].id", f"{person.id!r} is used twice; person ids are unique")
            if person.id == JOINT:
                self.add(f"people[{i}].id", "'joint' is reserved for jointly owned accounts")
            people.add(person.id)
            if person.birth_date and person.birth_date > h.as_of:
                self.add(f"people[{i}].birth_date", f"{person.birth_date} is after as_of "
                         f"({h.as_of}); fix the date")
            elif person.birth_year and person.birth_year > h.as_of.year:
                self.add(f"people[{i}].birth_year", f"{person.birth_year} is after as_of "
                         f"({h.as_of}); fix the year")
        ids: set[str] = set()
        for i, acct in enumerate(h.accounts):
            base = f"accounts[{i}]"
            if acct.id in ids:
                self.add(f"{base}.id", f"{acct.id!r} is used twice; account ids are unique")
            ids.add(acct.id)
            if acct.owner is not None and acct.owner != JOINT and acct.owner not in people:
                hint = suggest(acct.owner, [*people, JOINT])
                self.add(f"{base}.owner", f"{acct.owner!r} is not a person of the household{hint}; "
                         "name a people: id or 'joint'")
            if acct.owner == JOINT and acct.type is not AccountType.TAXABLE:
                self.add(f"{base}.owner", f"a {acct.type.value} account has one owner, not 'joint'")
            if acct.hsa_coverage and acct.type is not AccountType.HSA:
                self.add(f"{base}.hsa_coverage", "only an hsa account has a coverage")
            for j, ticker in enumerate(acct.menu or []):
                self.fund_ref(ticker, f"{base}.menu[{j}]", funds)
            held: set[str] = set()
            for j, hold in enumerate(acct.holdings):
                path = f"{base}.holdings[{j}]"
                self.fund_ref(hold.fund, f"{path}.fund", funds)
                if hold.fund in held:
                    self.add(f"{path}.fund", f"{hold.fund!r} is held twice in this account; "
                             "list it once (put all its lots under one holding)")
                held.add(hold.fund)
                for k, lot in enumerate(hold.lots or []):
                    if lot.acquired > h.as_of:
                        self.add(f"{path}.lots[{k}].acquired",
                                 f"{lot.acquired} is after as_of ({h.as_of}); fix the date")
                if hold.acquired and hold.acquired > h.as_of:
                    self.add(f"{path}.acquired", f"{hold.acquired} is after as_of ({h.as_of})")
                if hold.cost is not None and hold.acquired is None:
                    self.add(f"{path}.acquired", "a holding with cost needs its acquired date")
                lot_ids = [lot.id for lot in hold.lots or [] if lot.id]
                if len(lot_ids) != len(set(lot_ids)):
                    self.add(f"{path}.lots", "lot ids repeat; give each lot its own id")
            contrib = acct.contributions
            if contrib and contrib.split:
                for ticker in contrib.split:
                    path = f"{base}.contributions.split.{ticker}"
                    if self.fund_ref(ticker, path, funds) and acct.menu and ticker not in acct.menu:
                        self.add(path, f"{ticker!r} is not on this account's menu")

    def prices(self, funds: Mapping[str, FundInfo]) -> dict[str, float]:
        """One price per fund: from holdings (all must agree) or the ``prices:`` map."""
        found: dict[str, tuple[float, str]] = {}
        for ticker, listed_price in self.h.prices.items():
            found[ticker] = (listed_price, f"prices.{ticker}")
        # where each price comes from, for the magnitude check (check_magnitudes)
        self.price_paths: dict[str, str] = {}
        # stated prices first, then prices implied by value / shares: a value rounded to the
        # cent implies a price off by up to half a cent per share, which is not a disagreement
        holdings = [(i, j, hold) for i, acct in enumerate(self.h.accounts)
                    for j, hold in enumerate(acct.holdings)]
        holdings.sort(key=lambda item: item[2].price is None)
        for i, j, hold in holdings:
            price = _holding_price(hold)
            if price is None:
                continue
            path = f"accounts[{i}].holdings[{j}]"
            if hold.fund not in found:
                found[hold.fund] = (price, path)
                self.price_paths[hold.fund] = f"{path}.price" if hold.price is not None else path
                continue
            other_price, other = found[hold.fund]
            if hold.price is not None:
                agree = abs(other_price - price) <= 1e-6 * price
            else:  # value given: does it match shares x the stated price, to the cent?
                shares = hold.shares if hold.shares is not None else hold.lot_shares or 0.0
                value = hold.value or 0.0
                agree = abs(shares * other_price - value) <= 0.01 + 1e-9 * value
            if not agree:
                self.add(f"{path}.price", f"{hold.fund} is priced {price:g} here but "
                         f"{other_price:g} at {other}; one fund has one price")
        for i, acct in enumerate(self.h.accounts):
            for j, hold in enumerate(acct.holdings):
                if hold.value is None and hold.fund not in found:
                    self.add(f"accounts[{i}].holdings[{j}].price",
                             f"{hold.fund} has shares but no price; give price or value, or add "
                             f"prices: {{{hold.fund}: …}}")
        return {k: v for k, (v, _) in found.items()}

    def check_magnitudes(
        self, accounts: tuple[AccountBook, ...], prices: Mapping[str, float]
    ) -> None:
        """Numbers inside the range householder plans in (docs/file-reference.md, "Magnitude
        limits"): a price from MIN_PRICE to MAX_PRICE, at most MAX_SHARES shares in a holding
        or lot, at most MAX_MONEY in a holding and in the household."""
        for ticker, price in prices.items():
            if MIN_PRICE <= price <= MAX_PRICE:
                continue
            path = self.price_paths.get(ticker, f"prices.{ticker}")
            implied = "" if path.endswith(".price") or path.startswith("prices.") else (
                " (value / shares)")
            self.add(path, f"{ticker}'s price {price:g}{implied} is outside what householder "
                     f"plans with: a price is from {MIN_PRICE:g} to {MAX_PRICE:,.0f} dollars a "
                     "share; check the value, shares and price")
        total = 0.0
        for i, acct in enumerate(accounts):
            total += acct.value
            for pos in acct.positions:
                j = next(k for k, h in enumerate(acct.spec.holdings) if h.fund == pos.fund)
                path = f"accounts[{i}].holdings[{j}]"
                hold = acct.spec.holdings[j]
                for k, lot in enumerate(hold.lots or []):
                    if lot.shares > MAX_SHARES:
                        self.add(f"{path}.lots[{k}].shares", f"{lot.shares:g} shares is more "
                                 f"than householder plans with (at most {MAX_SHARES:g})")
                if pos.shares is not None and pos.shares > MAX_SHARES and not hold.lots:
                    where = f"{path}.shares" if hold.shares is not None else path
                    self.add(where, f"{pos.shares:g} shares is more than householder plans "
                             f"with (at most {MAX_SHARES:g}); check the value, shares and price")
                if pos.value > MAX_MONEY:
                    self.add(path, f"{pos.fund} is worth ${pos.value:,.0f} here (shares x "
                             "price); a holding is at most $1,000,000,000,000 (a trillion "
                             "dollars); check the shares and price")
        if total > MAX_MONEY:
            self.add("accounts", f"the household holds ${total:,.0f} in all; householder plans "
                     "households of up to $1,000,000,000,000 (a trillion dollars)")

    def check_whole_share_prices(
        self,
        accounts: tuple[AccountBook, ...],
        funds: Mapping[str, FundInfo],
        prices: Mapping[str, float],
    ) -> None:
        """A whole-share fund (an ETF or stock under ``whole_shares: auto``) that an account may
        buy needs a price: a plan buys it in whole shares (spec: "Buying a whole-share fund
        with no known price is an error that names the fund"). One problem per fund, at the
        first place that lets an account buy it."""
        policy = self.h.policy.whole_shares
        for ticker, fund in funds.items():
            if ticker in prices or not fund.whole_shares(policy, None):
                continue
            buyers = [a for a in accounts if ticker in a.buyable]
            if not buyers:
                continue
            path = self.buyable_path(ticker, buyers[0])
            names = ", ".join(a.id for a in buyers[:3]) + (", …" if len(buyers) > 3 else "")
            kind = "an ETF" if fund.kind is FundKind.ETF else f"a {fund.kind.value}"
            self.add(path, f"{ticker} is {kind}, bought in whole shares, but has no price, and "
                     f"{names} may buy it; add prices: {{{ticker}: …}} (or give a holding of "
                     f"{ticker} its shares and price), or set policy.whole_shares: never to "
                     "trade it in dollars")

    def buyable_path(self, ticker: str, buyer: AccountBook) -> str:
        """Where the file lets ``buyer`` buy ``ticker``: its menu entry, or (an account without
        a menu buys the whole universe) the first place the file names the fund."""
        index = next(i for i, a in enumerate(self.h.accounts) if a is buyer.spec)
        menu = buyer.spec.menu
        if menu is not None:
            return f"accounts[{index}].menu[{menu.index(ticker)}]"
        for k, f in enumerate(self.h.funds):
            if f.ticker == ticker:
                return f"funds[{k}].ticker"
        for i, acct in enumerate(self.h.accounts):
            for j, hold in enumerate(acct.holdings):
                if hold.fund == ticker:
                    return f"accounts[{i}].holdings[{j}].fund"
            if acct.menu and ticker in acct.menu:
                return f"accounts[{i}].menu[{acct.menu.index(ticker)}]"
        return f"prices.{ticker}"

    def check_fund_splits(
        self, funds: Mapping[str, FundInfo], tax: Taxonomy, leaves: Mapping[str, float]
    ) -> None:
        """A fund naming a class the target splits must say how it splits."""
        for ticker, fund in funds.items():
            for cls in fund.classes:
                inner = [leaf for leaf in leaves if leaf != cls and tax.is_under(leaf, cls)]
                if inner and cls not in leaves:
                    idx = next((i for i, f in enumerate(self.h.funds) if f.ticker == ticker), None)
                    path = f"funds[{idx}].classes.{cls}" if idx is not None else f"funds.{ticker}"
                    self.add(path, f"{ticker} names {cls!r} as a whole but the target splits "
                             f"it into {', '.join(inner)}; give {ticker}'s split, e.g. classes: "
                             f"{{{', '.join(f'{c}: …' for c in inner)}}}")

    def account_book(
        self, index: int, acct: Account, funds: Mapping[str, FundInfo], prices: Mapping[str, float]
    ) -> AccountBook:
        positions: list[Position] = []
        taxable = acct.type is AccountType.TAXABLE
        for j, hold in enumerate(acct.holdings):
            if hold.fund not in funds:
                continue
            price = prices.get(hold.fund)
            path = f"accounts[{index}].holdings[{j}]"
            positions.append(self.position(acct.id, hold, price, taxable, path))
        buyable = tuple(t for t in (acct.menu if acct.menu is not None else funds) if t in funds)
        return AccountBook(spec=acct, positions=tuple(positions), buyable=buyable)

    def position(
        self, account_id: str, hold: Holding, price: float | None, taxable: bool, path: str
    ) -> Position:
        shares = hold.shares if hold.shares is not None else hold.lot_shares
        if hold.value is not None:
            value = hold.value
            if shares is None and price is not None:
                shares = value / price
        else:
            value = (shares or 0.0) * (price or 0.0)
        lots: list[LotInfo] = []
        basis_known = True
        if hold.lots:
            for k, lot in enumerate(hold.lots):
                lot_value = lot.shares * price if price is not None else 0.0
                lots.append(LotInfo(lot.id or f"{hold.fund}-{k + 1}", lot.shares, lot.cost,
                                    lot.acquired, lot_value))
        elif hold.cost is not None and hold.acquired is not None:
            lots.append(LotInfo(f"{hold.fund}-1", shares, hold.cost, hold.acquired, value))
        elif taxable and value > 0:
            if self.h.policy.unknown_basis is UnknownBasis.ZERO:
                lots.append(LotInfo(f"{hold.fund}-1", shares, 0.0, _long_ago(self.h.as_of), value))
                self.notes.append(f"{path}: basis unknown; treated as all long-term gain "
                                  "(policy.unknown_basis: zero)")
            else:
                basis_known = False
                self.notes.append(f"{path}: {hold.fund} has no lots or cost, so its basis is "
                                  "unknown and the plan will not sell it; add lots (or set "
                                  "policy.unknown_basis: zero)")
        if not taxable:
            # spec: taxable holdings carry lots. Elsewhere a sale realizes no tax, so lots (or a
            # cost) only give the share count: the holding is their value, and the note says so
            if hold.lots or hold.cost is not None:
                given = "lots give" if hold.lots else "cost and acquired date give"
                self.notes.append(
                    f"{path}: {hold.fund} is in a {self.account_type(account_id)} account, "
                    f"where a sale realizes no tax: its {given} only its value "
                    f"({_shares_text(shares)}${value:,.2f}); its cost is used only in taxable "
                    "accounts, its dates only for the wash-sale window (a purchase here in the "
                    f"{self.h.policy.wash_sale_window_days} days before as_of washes a loss on "
                    "the same fund in a taxable account)"
                )
        return Position(account_id=account_id, fund=hold.fund, value=value, shares=shares,
                        price=price, lots=tuple(lots), basis_known=basis_known)


def _shares_text(shares: float | None) -> str:
    return f"{shares:,.6g} shares, " if shares is not None else ""


def _holding_price(hold: Holding) -> float | None:
    if hold.price is not None:
        return hold.price
    shares = hold.shares if hold.shares is not None else hold.lot_shares
    if hold.value is not None and shares:
        return hold.value / shares
    return None


def _long_ago(as_of: Any) -> Any:
    return as_of.replace(year=as_of.year - 2)
