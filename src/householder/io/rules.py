"""The rules of a household file that need the whole household and the bundled data
(docs/file-reference.md, "Rules the loader enforces"), one plain function each.

A rule reads the :class:`Context` (the parsed household and what :mod:`householder.io.resolve`
made of it: the class tree, the fund universe, the prices, the accounts' positions) and returns
its problems, each naming the path and the fix; it never raises and never stops the others.
:func:`check` runs :data:`RULES` in order and returns every problem (the style of beancount's
``ops/validation.py``). Rules about one account, one holding or one person are in
:data:`ACCOUNT_RULES`, :data:`HOLDING_RULES` and :data:`PERSON_RULES`, run for each in turn, so
a file's problems read in the file's order.

**A new check** is a function ``rule(ctx) -> list[Problem]`` (or ``rule(ctx, at)`` for one
account, holding or person) added to its list, with a bad file for it in
``tests/io/test_bad_inputs.py``.

Parts of the file the parser set aside (a bad value, a missing ``type``) are not looked at:
a problem inside them is an echo of the first. Some set-aside parts were replaced by a stand-in
so that parsing could go on (an account's ``type``, ``as_of``, the ``target``, a ``prices:``
entry); a rule whose check a stand-in could trip asks :meth:`Context.given` first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cached_property

from householder.errors import Problem
from householder.io.errors import problem, suggest, within
from householder.io.resolve import (
    Resolved,
    target_class_names,
)
from householder.model.bundled import bundled_classes
from householder.model.catalog import FundInfo, Taxonomy
from householder.model.glide import RETIREMENT_AGE, glide_classes
from householder.model.household import Account, Holding, Household, Person, target_leaves
from householder.model.types import (
    JOINT,
    MAX_MONEY,
    MAX_PRICE,
    MAX_SHARES,
    MIN_PRICE,
    AccountType,
    FundKind,
)

"""The owner of a jointly owned (taxable) account; no person may take the id."""

NEW_CLASS_NEEDS = ("expected_return", "yield", "income")
"""What a new top-level class must give (it has no parent to inherit from)."""


class Context:
    """What every rule reads: the household, resolved, and the parts set aside.

    (A plain class, as are the records below: a dataclass or a NamedTuple costs a tenth of a
    millisecond or more of start-up each, and ``validate`` must stay fast.)
    """

    def __init__(self, resolved: Resolved, set_aside: tuple[str, ...] = ()) -> None:
        self.resolved = resolved
        self.household: Household = resolved.household
        self.taxonomy: Taxonomy = resolved.taxonomy
        self.funds: dict[str, FundInfo] = resolved.funds
        self.prices: dict[str, float] = resolved.prices
        self.set_aside = set_aside
        """Paths of parts the parser dropped or replaced with a stand-in."""
        self.as_of_given = self.given("as_of")
        """False when ``as_of`` is a stand-in: no date is after it then."""
        self._first_holding: dict[int, dict[str, int]] = {}

    def given(self, path: str) -> bool:
        """Whether the file's own value is at ``path`` (not set aside, not a stand-in)."""
        return not any(within(path, part) for part in self.set_aside)

    @cached_property
    def leaves(self) -> dict[str, float]:
        """The target's leaf classes (names only); none when the target was set aside."""
        h = self.household
        if h.glide is None and not self.given("target"):
            return {}
        return target_class_names(h)

    @cached_property
    def person_ids(self) -> set[str]:
        return {p.id for p in self.household.people}

    @cached_property
    def first_account(self) -> dict[str, int]:
        """Account id → index of the first account with it (stand-in ids left out)."""
        first: dict[str, int] = {}
        for i, acct in enumerate(self.household.accounts):
            if self.set_aside and not self.given(f"accounts[{i}].id"):
                continue
            first.setdefault(acct.id, i)
        return first

    @cached_property
    def first_person(self) -> dict[str, int]:
        """Person id → index of the first person with it."""
        first: dict[str, int] = {}
        for i, person in enumerate(self.household.people):
            first.setdefault(person.id, i)
        return first

    def first_holding(self, account: int) -> dict[str, int]:
        """Fund → index of the account's first holding of it."""
        first = self._first_holding.get(account)
        if first is None:
            first = {}
            for j, hold in enumerate(self.household.accounts[account].holdings):
                first.setdefault(hold.fund, j)
            self._first_holding[account] = first
        return first


Rule = Callable[[Context], list[Problem]]


def check(ctx: Context) -> list[Problem]:
    """Every problem :data:`RULES` find, in their order."""
    problems: list[Problem] = []
    for rule in RULES:
        problems.extend(rule(ctx))
    return problems


# -- shared checks ---------------------------------------------------------------------------------
def unknown_class(ctx: Context, name: str, path: str) -> list[Problem]:
    """``name`` is a class of the tree, or one problem that says how to add it."""
    tax = ctx.taxonomy
    if name in tax:
        return []
    return [problem(path, f"{name!r} is not a known asset class{suggest(name, tax)}; add it "
                    "under classes: or use a bundled class (householder schema lists them)")]


def unknown_fund(ctx: Context, ticker: str, path: str) -> list[Problem]:
    """``ticker`` is a fund of the universe, or one problem with a near miss. A fund that is
    known but did not resolve has its problem at its own entry already."""
    if ticker in ctx.funds or ticker in ctx.resolved.catalog or ticker in ctx.resolved.listed:
        return []
    choices = set(ctx.funds) | set(ctx.resolved.catalog)
    return [problem(path, f"{ticker!r} is not a known fund{suggest(ticker, choices)}; list it "
                    "under funds: with its classes and expense_ratio")]


# -- classes ---------------------------------------------------------------------------------------
def new_top_level_classes_give_their_assumptions(ctx: Context) -> list[Problem]:
    """A new class without a parent gives its expected return, yield and income."""
    out: list[Problem] = []
    known = set(bundled_classes())
    for i, cls in enumerate(ctx.household.classes):
        if cls.id in known:
            continue
        known.add(cls.id)
        if cls.parent is not None:
            continue
        given = cls.model_dump(exclude_none=True, by_alias=True)
        out += [
            problem(f"classes[{i}].{key}", f"required for a new top-level class {cls.id!r} (or "
                    "give a parent to inherit it from)")
            for key in NEW_CLASS_NEEDS if key not in given
        ]
    return out


def class_parents_are_known(ctx: Context) -> list[Problem]:
    out: list[Problem] = []
    for i, cls in enumerate(ctx.household.classes):
        if cls.parent is not None and cls.parent not in ctx.taxonomy:
            hint = suggest(cls.parent, ctx.taxonomy)
            out.append(problem(f"classes[{i}].parent",
                               f"{cls.parent!r} is not a known class{hint}"))
    return out


def class_parents_form_no_cycle(ctx: Context) -> list[Problem]:
    tax = ctx.taxonomy
    out: list[Problem] = []
    for i, cls in enumerate(ctx.household.classes):
        seen: set[str] = set()
        node: str | None = cls.id
        while node is not None and node in tax:
            if node in seen:
                out.append(problem(f"classes[{i}].parent",
                                   f"the parents of {cls.id!r} form a cycle"))
                break
            seen.add(node)
            node = tax[node].parent
    return out


# -- the target ------------------------------------------------------------------------------------
def _fixed_target(ctx: Context) -> dict[str, float]:
    """The fixed target's leaves; none for a glide path or a target set aside."""
    h = ctx.household
    if h.glide is not None or h.target is None or not ctx.given("target"):
        return {}
    return target_leaves(h.target)


def target_classes_are_known(ctx: Context) -> list[Problem]:
    out: list[Problem] = []
    for cls in _fixed_target(ctx):
        out += unknown_class(ctx, cls, f"target.{cls}")
    return out


def target_names_no_class_with_its_descendant(ctx: Context) -> list[Problem]:
    tax = ctx.taxonomy
    leaves = [cls for cls in _fixed_target(ctx) if cls in tax]
    return [
        problem(f"target.{b}", f"{b!r} contains {a!r}, which the target also names; split "
                f"{b!r} with a nested split instead")
        for a in leaves for b in leaves if a != b and tax.is_under(a, b)
    ]


def _glide_class_paths(ctx: Context) -> Iterable[tuple[str, str]]:
    """(class, path) of every class the glide path names; a default split (``{stocks: 100}``)
    names no path in the file, so its path is the part's."""
    glide = ctx.household.glide
    if glide is None:
        return []
    return [
        (cls, f"glide.{part}.{cls}" if given else f"glide.{part}")
        for part, split, given in (("stocks", glide.stock_split, glide.stocks),
                                   ("bonds", glide.bond_split, glide.bonds))
        for cls in split
    ]


def glide_classes_are_known(ctx: Context) -> list[Problem]:
    out: list[Problem] = []
    for cls, path in _glide_class_paths(ctx):
        out += unknown_class(ctx, cls, path)
    return out


def glide_names_no_class_with_its_descendant(ctx: Context) -> list[Problem]:
    glide = ctx.household.glide
    if glide is None:
        return []
    tax = ctx.taxonomy
    paths: dict[str, str] = {}
    for cls, path in _glide_class_paths(ctx):
        if cls in tax:
            paths.setdefault(cls, path)
    classes = [cls for cls in glide_classes(glide) if cls in paths]
    return [
        problem(paths[b], f"{b!r} contains {a!r}, which the glide path also names; name "
                f"{b!r}'s parts instead (or only {b!r})")
        for a in classes for b in classes if a != b and tax.is_under(a, b)
    ]


def glide_person_has_an_age(ctx: Context) -> list[Problem]:
    """The glide path's person exists and has an age (a birth after ``as_of`` is reported with
    the people) and a retirement year after their birth."""
    h = ctx.household
    if h.glide is None:
        return []
    people = h.people
    if h.glide.person is not None:
        index = next((i for i, p in enumerate(people) if p.id == h.glide.person), None)
        if index is None:
            hint = suggest(h.glide.person, [p.id for p in people])
            return [problem("glide.person", f"{h.glide.person!r} is not a person of the household"
                            f"{hint}; name a people: id (whose age drives the glide path)")]
    elif not people:
        return [problem("glide.person", "the household has no people, and the glide path "
                        "follows a person's age; add one under people: with birth_year (or "
                        "birth_date)")]
    else:
        index = 0
    person = people[index]
    born = person.year_of_birth
    if born is None:
        return [problem("glide.person", f"{person.id!r} has no birth_date or birth_year, and the "
                        f"glide path follows their age; add one to people[{index}]")]
    if _born_after_as_of(h, person):
        return []
    if person.retirement_year is not None and person.retirement_year <= born:
        return [problem(f"people[{index}].retirement_year",
                        f"{person.retirement_year} is not after {person.id}'s birth year ({born}); "
                        f"fix it, or leave it out to retire at {RETIREMENT_AGE}")]
    return []


def _born_after_as_of(h: Household, person: Person) -> bool:
    born = person.year_of_birth
    return (born is not None and born > h.as_of.year) or (
        person.birth_date is not None and person.birth_date > h.as_of
    )


# -- funds -----------------------------------------------------------------------------------------
def funds_are_listed_once(ctx: Context) -> list[Problem]:
    out: list[Problem] = []
    seen: set[str] = set()
    for i, f in enumerate(ctx.household.funds):
        if f.ticker in seen:
            out.append(problem(f"funds[{i}].ticker", f"{f.ticker!r} is listed twice; keep one "
                               "entry"))
        seen.add(f.ticker)
    return out


def funds_are_described(ctx: Context) -> list[Problem]:
    """A fund of the universe outside the catalog gives its classes and expense ratio; every
    fund's classes are in the tree."""
    catalog, listed = ctx.resolved.catalog, ctx.resolved.listed
    out: list[Problem] = []
    for ticker, row in ctx.resolved.fund_rows.items():
        path = "funds"
        if ticker in listed:
            i, entry = listed[ticker]
            path = f"funds[{i}]"
            # the did-you-mean hint (difflib over the catalog) only where there is a problem
            if entry.classes is None and ticker not in catalog:
                out.append(problem(f"{path}.classes", f"{ticker!r} is not in the bundled catalog"
                                   f"{suggest(ticker, catalog)}; give its classes, e.g. "
                                   "{stocks: 100}"))
                continue
            if entry.expense_ratio is None and ticker not in catalog:
                out.append(problem(f"{path}.expense_ratio", f"{ticker!r} is not in the bundled "
                                   f"catalog{suggest(ticker, catalog)}; give its expense_ratio "
                                   "(e.g. 0.04%)"))
        for cls in row["classes"]:
            out += unknown_class(ctx, str(cls), f"{path}.classes.{cls}")
    return out


def funds_split_as_the_target_does(ctx: Context) -> list[Problem]:
    """A fund naming a class the target splits says how it splits."""
    tax = ctx.taxonomy
    leaves = ctx.leaves
    out: list[Problem] = []
    for ticker, fund in ctx.funds.items():
        for cls in fund.classes:
            inner = [leaf for leaf in leaves if leaf != cls and tax.is_under(leaf, cls)]
            if inner and cls not in leaves:
                idx = next((i for i, f in enumerate(ctx.household.funds) if f.ticker == ticker),
                           None)
                path = f"funds[{idx}].classes.{cls}" if idx is not None else f"funds.{ticker}"
                out.append(problem(path, f"{ticker} names {cls!r} as a whole but the target "
                                   f"splits it into {', '.join(inner)}; give {ticker}'s split, "
                                   f"e.g. classes: {{{', '.join(f'{c}: …' for c in inner)}}}"))
    return out


def identical_funds_are_known(ctx: Context) -> list[Problem]:
    out: list[Problem] = []
    for g, group in enumerate(ctx.household.policy.substantially_identical):
        for j, ticker in enumerate(group):
            out += unknown_fund(ctx, ticker, f"policy.substantially_identical[{g}][{j}]")
    return out


# -- people ----------------------------------------------------------------------------------------
class PersonAt:
    """One person of the file: its place in ``people``, itself, its path."""

    __slots__ = ("number", "path", "person")

    def __init__(self, number: int, person: Person, path: str) -> None:
        self.number, self.person, self.path = number, person, path


def person_ids_are_unique(ctx: Context, at: PersonAt) -> list[Problem]:
    if ctx.first_person[at.person.id] == at.number:
        return []
    return [problem(f"{at.path}.id", f"{at.person.id!r} is used twice; person ids are unique")]


def person_id_is_not_joint(ctx: Context, at: PersonAt) -> list[Problem]:
    if at.person.id != JOINT:
        return []
    return [problem(f"{at.path}.id", f"{JOINT!r} is reserved for jointly owned accounts")]


def person_is_born_by_as_of(ctx: Context, at: PersonAt) -> list[Problem]:
    person, as_of = at.person, ctx.household.as_of
    if not ctx.as_of_given:
        return []
    if person.birth_date and person.birth_date > as_of:
        return [problem(f"{at.path}.birth_date", f"{person.birth_date} is after as_of "
                        f"({as_of}); fix the date")]
    if person.birth_year and person.birth_year > as_of.year:
        return [problem(f"{at.path}.birth_year", f"{person.birth_year} is after as_of "
                        f"({as_of}); fix the year")]
    return []


PersonRule = Callable[[Context, PersonAt], list[Problem]]
PERSON_RULES: list[PersonRule] = [
    person_ids_are_unique,
    person_id_is_not_joint,
    person_is_born_by_as_of,
]


def each_person(ctx: Context) -> list[Problem]:
    """:data:`PERSON_RULES` for each person in turn."""
    out: list[Problem] = []
    for i, person in enumerate(ctx.household.people):
        at = PersonAt(i, person, f"people[{i}]")
        for rule in PERSON_RULES:
            out += rule(ctx, at)
    return out


# -- accounts --------------------------------------------------------------------------------------
class AccountAt:
    """One account of the file: its place in ``accounts``, itself, its path."""

    __slots__ = ("account", "number", "path")

    def __init__(self, number: int, account: Account, path: str) -> None:
        self.number, self.account, self.path = number, account, path


def account_ids_are_unique(ctx: Context, at: AccountAt) -> list[Problem]:
    acct = at.account
    if not ctx.given(f"{at.path}.id") or ctx.first_account[acct.id] == at.number:
        return []
    return [problem(f"{at.path}.id", f"{acct.id!r} is used twice; account ids are unique")]


def owner_is_a_person(ctx: Context, at: AccountAt) -> list[Problem]:
    owner = at.account.owner
    if owner is None or owner == JOINT or owner in ctx.person_ids:
        return []
    hint = suggest(owner, [*ctx.person_ids, JOINT])
    return [problem(f"{at.path}.owner", f"{owner!r} is not a person of the household{hint}; "
                    "name a people: id or 'joint'")]


def only_a_taxable_account_is_joint(ctx: Context, at: AccountAt) -> list[Problem]:
    acct = at.account
    if acct.owner != JOINT or acct.type is AccountType.TAXABLE or not ctx.given(f"{at.path}.type"):
        return []
    return [problem(f"{at.path}.owner", f"a {acct.type.value} account has one owner, not "
                    f"{JOINT!r}")]


def only_an_hsa_has_a_coverage(ctx: Context, at: AccountAt) -> list[Problem]:
    acct = at.account
    if not acct.hsa_coverage or acct.type is AccountType.HSA or not ctx.given(f"{at.path}.type"):
        return []
    return [problem(f"{at.path}.hsa_coverage", "only an hsa account has a coverage")]


def menu_funds_are_known(ctx: Context, at: AccountAt) -> list[Problem]:
    out: list[Problem] = []
    for j, ticker in enumerate(at.account.menu or []):
        out += unknown_fund(ctx, ticker, f"{at.path}.menu[{j}]")
    return out


def each_holding(ctx: Context, at: AccountAt) -> list[Problem]:
    """:data:`HOLDING_RULES` for each of the account's holdings in turn."""
    out: list[Problem] = []
    for j, hold in enumerate(at.account.holdings):
        where = HoldingAt(at, j, hold, f"{at.path}.holdings[{j}]")
        for rule in HOLDING_RULES:
            out += rule(ctx, where)
    return out


def split_funds_are_on_the_menu(ctx: Context, at: AccountAt) -> list[Problem]:
    """Each fund of a contribution split is known, and on the account's menu if it has one."""
    acct = at.account
    split = acct.contributions.split if acct.contributions else None
    out: list[Problem] = []
    for ticker in split or {}:
        path = f"{at.path}.contributions.split.{ticker}"
        out += unknown_fund(ctx, ticker, path)
        if ticker in ctx.funds and acct.menu and ticker not in acct.menu:
            out.append(problem(path, f"{ticker!r} is not on this account's menu"))
    return out


AccountRule = Callable[[Context, AccountAt], list[Problem]]
ACCOUNT_RULES: list[AccountRule] = [
    account_ids_are_unique,
    owner_is_a_person,
    only_a_taxable_account_is_joint,
    only_an_hsa_has_a_coverage,
    menu_funds_are_known,
    each_holding,
    split_funds_are_on_the_menu,
]


def each_account(ctx: Context) -> list[Problem]:
    """:data:`ACCOUNT_RULES` for each account in turn."""
    out: list[Problem] = []
    for i, acct in enumerate(ctx.household.accounts):
        at = AccountAt(i, acct, f"accounts[{i}]")
        for rule in ACCOUNT_RULES:
            out += rule(ctx, at)
    return out


# -- holdings --------------------------------------------------------------------------------------
class HoldingAt:
    """One holding: its account, its place in the account's ``holdings``, itself, its path."""

    __slots__ = ("account", "holding", "number", "path")

    def __init__(self, account: AccountAt, number: int, holding: Holding, path: str) -> None:
        self.account, self.number, self.holding, self.path = account, number, holding, path


def holding_fund_is_known(ctx: Context, at: HoldingAt) -> list[Problem]:
    return unknown_fund(ctx, at.holding.fund, f"{at.path}.fund")


def fund_is_held_once_per_account(ctx: Context, at: HoldingAt) -> list[Problem]:
    fund = at.holding.fund
    if ctx.first_holding(at.account.number)[fund] == at.number:
        return []
    return [problem(f"{at.path}.fund", f"{fund!r} is held twice in this account; list it once "
                    "(put all its lots under one holding)")]


def lots_are_not_after_as_of(ctx: Context, at: HoldingAt) -> list[Problem]:
    as_of = ctx.household.as_of
    if not at.holding.lots or not ctx.as_of_given:
        return []
    return [
        problem(f"{at.path}.lots[{k}].acquired", f"{lot.acquired} is after as_of ({as_of}); "
                "fix the date")
        for k, lot in enumerate(at.holding.lots) if lot.acquired > as_of
    ]


def acquired_is_not_after_as_of(ctx: Context, at: HoldingAt) -> list[Problem]:
    hold, as_of = at.holding, ctx.household.as_of
    if not hold.acquired or hold.acquired <= as_of or not ctx.as_of_given:
        return []
    return [problem(f"{at.path}.acquired", f"{hold.acquired} is after as_of ({as_of})")]


def a_cost_has_its_date(ctx: Context, at: HoldingAt) -> list[Problem]:
    hold = at.holding
    if hold.cost is None or hold.acquired is not None:
        return []
    return [problem(f"{at.path}.acquired", "a holding with cost needs its acquired date")]


def lot_ids_are_unique(ctx: Context, at: HoldingAt) -> list[Problem]:
    ids = [lot.id for lot in at.holding.lots or [] if lot.id]
    if len(ids) == len(set(ids)):
        return []
    return [problem(f"{at.path}.lots", "lot ids repeat; give each lot its own id")]


HoldingRule = Callable[[Context, HoldingAt], list[Problem]]
HOLDING_RULES: list[HoldingRule] = [
    holding_fund_is_known,
    fund_is_held_once_per_account,
    lots_are_not_after_as_of,
    acquired_is_not_after_as_of,
    a_cost_has_its_date,
    lot_ids_are_unique,
]


# -- prices ----------------------------------------------------------------------------------------
def a_fund_has_one_price(ctx: Context) -> list[Problem]:
    """Holdings and ``prices:`` agree on each fund's price: a stated price to a millionth, a
    value (rounded to the cent) to the cent of shares x the price."""
    sources = ctx.resolved.price_sources
    out: list[Problem] = []
    for i, j, hold, price in ctx.resolved.priced:
        path = f"accounts[{i}].holdings[{j}]"
        if sources[hold.fund] == path:
            continue
        other_price, other = ctx.prices[hold.fund], sources[hold.fund]
        if hold.price is not None:
            agree = abs(other_price - price) <= 1e-6 * price
        else:  # value given: does it match shares x the stated price, to the cent?
            shares = hold.shares if hold.shares is not None else hold.lot_shares or 0.0
            value = hold.value or 0.0
            agree = abs(shares * other_price - value) <= 0.01 + 1e-9 * value
        if not agree:
            out.append(problem(f"{path}.price", f"{hold.fund} is priced {price:g} here but "
                               f"{other_price:g} at {other}; one fund has one price"))
    return out


def shares_have_a_price(ctx: Context) -> list[Problem]:
    out: list[Problem] = []
    for i, acct in enumerate(ctx.household.accounts):
        for j, hold in enumerate(acct.holdings):
            if hold.value is None and hold.fund not in ctx.prices and ctx.given(
                f"prices.{hold.fund}"
            ):
                out.append(problem(f"accounts[{i}].holdings[{j}].price",
                                   f"{hold.fund} has shares but no price; give price or value, "
                                   f"or add prices: {{{hold.fund}: …}}"))
    return out


def whole_share_funds_have_a_price(ctx: Context) -> list[Problem]:
    """A whole-share fund (an ETF or stock under ``whole_shares: auto``) that an account may
    buy needs a price: a plan buys it in whole shares (spec: "Buying a whole-share fund with no
    known price is an error that names the fund"). One problem per fund, at the first place
    that lets an account buy it."""
    policy = ctx.household.policy.whole_shares
    accounts = ctx.resolved.accounts
    out: list[Problem] = []
    for ticker, fund in ctx.funds.items():
        if ticker in ctx.prices or not fund.whole_shares(policy, None):
            continue
        buyers = [i for i, a in enumerate(accounts) if ticker in a.buyable]
        if not buyers or not ctx.given(f"prices.{ticker}"):
            continue
        path = _buyable_path(ctx, ticker, buyers[0])
        names = ", ".join(accounts[i].id for i in buyers[:3]) + (", …" if len(buyers) > 3 else "")
        kind = "an ETF" if fund.kind is FundKind.ETF else f"a {fund.kind.value}"
        out.append(problem(path, f"{ticker} is {kind}, bought in whole shares, but has no price, "
                           f"and {names} may buy it; add prices: {{{ticker}: …}} (or give a "
                           f"holding of {ticker} its shares and price), or set "
                           "policy.whole_shares: never to trade it in dollars"))
    return out


def _buyable_path(ctx: Context, ticker: str, buyer: int) -> str:
    """Where the file lets account ``buyer`` buy ``ticker``: its menu entry, or (an account
    without a menu buys the whole universe) the first place the file names the fund."""
    h = ctx.household
    menu = h.accounts[buyer].menu
    if menu is not None:
        return f"accounts[{buyer}].menu[{menu.index(ticker)}]"
    for k, f in enumerate(h.funds):
        if f.ticker == ticker:
            return f"funds[{k}].ticker"
    for i, acct in enumerate(h.accounts):
        for j, hold in enumerate(acct.holdings):
            if hold.fund == ticker:
                return f"accounts[{i}].holdings[{j}].fund"
        if acct.menu and ticker in acct.menu:
            return f"accounts[{i}].menu[{acct.menu.index(ticker)}]"
    return f"prices.{ticker}"


# -- magnitudes (docs/file-reference.md, "Magnitude limits") -------------------------------------
def prices_are_in_range(ctx: Context) -> list[Problem]:
    """A price is from :data:`MIN_PRICE` to :data:`MAX_PRICE` dollars a share."""
    paths = ctx.resolved.price_paths
    out: list[Problem] = []
    for ticker, price in ctx.prices.items():
        if MIN_PRICE <= price <= MAX_PRICE:
            continue
        path = paths.get(ticker, f"prices.{ticker}")
        implied = "" if path.endswith(".price") or path.startswith("prices.") else (
            " (value / shares)")
        out.append(problem(path, f"{ticker}'s price {price:g}{implied} is outside what "
                           f"householder plans with: a price is from {MIN_PRICE:g} to "
                           f"{MAX_PRICE:,.0f} dollars a share; check the value, shares and price"))
    return out


def holdings_are_in_range(ctx: Context) -> list[Problem]:
    """At most :data:`MAX_SHARES` shares in a holding or lot, at most :data:`MAX_MONEY` in a
    holding."""
    out: list[Problem] = []
    for i, acct in enumerate(ctx.resolved.accounts):
        holdings = acct.spec.holdings
        first = ctx.first_holding(i)
        for pos in acct.positions:
            j = first[pos.fund]
            path, hold = f"accounts[{i}].holdings[{j}]", holdings[j]
            for k, lot in enumerate(hold.lots or []):
                if lot.shares > MAX_SHARES:
                    out.append(problem(f"{path}.lots[{k}].shares", f"{lot.shares:g} shares is "
                                       f"more than householder plans with (at most "
                                       f"{MAX_SHARES:g})"))
            if pos.shares is not None and pos.shares > MAX_SHARES and not hold.lots:
                where = f"{path}.shares" if hold.shares is not None else path
                out.append(problem(where, f"{pos.shares:g} shares is more than householder "
                                   f"plans with (at most {MAX_SHARES:g}); check the value, "
                                   "shares and price"))
            if pos.value > MAX_MONEY:
                out.append(problem(path, f"{pos.fund} is worth ${pos.value:,.0f} here (shares "
                                   "x price); a holding is at most $1,000,000,000,000 (a "
                                   "trillion dollars); check the shares and price"))
    return out


def household_is_in_range(ctx: Context) -> list[Problem]:
    """At most :data:`MAX_MONEY` in the household."""
    total = sum(acct.value for acct in ctx.resolved.accounts)
    if total <= MAX_MONEY:
        return []
    return [problem("accounts", f"the household holds ${total:,.0f} in all; householder plans "
                    "households of up to $1,000,000,000,000 (a trillion dollars)")]


def trading_rules(ctx: Context) -> list[Problem]:
    """The rules of the trading fields (transactions, schedules, reinvestment, restrictions,
    substitutes): :data:`householder.io.rules_trading.RULES`."""
    from householder.io import rules_trading

    r = ctx.resolved
    return rules_trading.check(ctx.household, r.funds, r.prices)


RULES: list[Rule] = [
    new_top_level_classes_give_their_assumptions,
    class_parents_are_known,
    class_parents_form_no_cycle,
    target_classes_are_known,
    target_names_no_class_with_its_descendant,
    glide_classes_are_known,
    glide_names_no_class_with_its_descendant,
    glide_person_has_an_age,
    funds_are_listed_once,
    funds_are_described,
    each_person,
    each_account,
    a_fund_has_one_price,
    shares_have_a_price,
    funds_split_as_the_target_does,
    identical_funds_are_known,
    whole_share_funds_have_a_price,
    prices_are_in_range,
    holdings_are_in_range,
    household_is_in_range,
    trading_rules,
]
"""Every rule, in the order their problems are listed."""
