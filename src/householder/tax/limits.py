"""IRS contribution limits by year and age, as the groups the law defines, and planned
contributions checked against them.

The numbers live in the bundled ``householder/data/limits.yaml`` (each table with its rule, as-of
date and the IRS notice or revenue procedure of each year); a year the tables lack is an error
that names it, never another year's figure. Ages are ages on December 31 of the limit year: the
catch-ups go to whoever "attains age 50 (55 for an HSA) by the end of the year" (IRC 414(v)(5),
219(b)(5)(B), 223(b)(3)), and from 2025 the larger SECURE 2.0 catch-up *replaces* the 50+
catch-up for those who attain 60, 61, 62 or 63 in the year (IRC 414(v)(2)(E)).

A limit belongs to a **group**: a holder (a person, or a married couple for a shared family HSA
limit), a year and the rule, with the accounts whose money counts against it. An account may be
in several groups (a SIMPLE IRA counts against the SIMPLE limit and the 402(g) limit), and every
account of a group shares its room. The groups (IRS, "How much salary can you defer if you're
eligible for more than one retirement plan?"; Pub 560, Pub 590-A, Pub 969):

``elective_deferral`` (per person)
    IRC 402(g)(1), (3): one limit for all of a person's elective deferrals, pre-tax and Roth, to
    401(k) (``traditional_401k``, ``roth_401k``), 403(b) (``403b``, ``roth_403b``) and SIMPLE
    (``simple_ira``) plans, whoever sponsors them; plus the 414(v)(2)(B)(i) catch-up (402(g)(1)(C)).
    SARSEP deferrals count too, but a ``sep_ira`` account is taken as employer money (below).
``simple_ira`` (per person, inside ``elective_deferral``)
    IRC 408(p)(2)(A)(ii), (E): SIMPLE deferrals have their own lower limit (2025: $16,500) and
    catch-up (414(v)(2)(B)(ii): $3,500; $5,250 at 60-63). The 110 % limits of small employers
    (SECURE 2.0 sec. 117) are not modelled: the general limit is the lower, safe one.
``457b`` (per person, beside ``elective_deferral``)
    IRC 457(b)(2), 457(e)(15): a governmental 457(b) has its own limit, not shared with 402(g):
    someone with a 401(k) and a 457(b) may defer the full amount to each. Employee and employer
    contributions count together; the 414(v) catch-ups apply (governmental plans). The
    final-three-years catch-up (457(b)(3)) is not modelled.
``annual_additions`` (per person, where the file gives employer money or a SEP IRA)
    IRC 415(c)(1)(A): deferrals other than catch-ups plus employer contributions to 401(k),
    403(b) and SEP accounts (a ``sep_ira`` contribution is employer money). Catch-ups are not
    annual additions (414(v)(3)(A)), so the group's limit is the 415(c) dollar amount plus the
    person's catch-up. The law applies it per employer; the file does not say who sponsors a
    plan, so all of a person's plans share one (never more room than the law allows). The
    100 %-of-compensation cap is not modelled (the file has no compensation).
``ira`` (per person)
    IRC 219(b)(1), (5), 408A(c)(2): traditional and Roth IRA contributions together.
``roth_ira`` (per person, inside ``ira``, when the file gives ``tax.magi``)
    IRC 408A(c)(3): the Roth IRA limit phases out over a modified-AGI range by filing status and
    year (:func:`roth_ira_limit`). Without ``tax.magi`` it is not checked (the caller says so).
``hsa`` (per person; per married couple when either spouse has family coverage)
    IRC 223(b)(2): self-only or family coverage, plus $1,000 at 55+ (223(b)(3)). When either
    spouse has family coverage both are treated as having it and share one family limit
    (223(b)(5); Pub 969 "Rules for married people"): the couple's group holds the family limit
    plus each spouse's own catch-up, and ``hsa_spouse`` keeps each spouse's HSA within the
    family limit plus that spouse's own catch-up (the catch-up goes to the older spouse's own
    HSA only). Employer HSA contributions count. Medicare and part-year coverage are not
    modelled.

Taxable accounts and 529 plans have no personal limit here.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from importlib import resources
from types import MappingProxyType
from typing import Any, Literal, get_args

import yaml

from householder.errors import InputError
from householder.model.types import AccountType

LimitGroup = Literal[
    "elective_deferral",
    "simple_ira",
    "457b",
    "annual_additions",
    "ira",
    "roth_ira",
    "hsa",
    "hsa_spouse",
]
"""The limit groups; the accounts of one holder in one group share one annual limit."""

HsaCoverage = Literal["self", "family"]
"""HDHP coverage that sets the HSA limit."""

LIMIT_GROUPS: tuple[str, ...] = get_args(LimitGroup)
HSA_COVERAGES: tuple[str, ...] = get_args(HsaCoverage)

DEFERRAL_TYPES = frozenset(
    {AccountType.TRADITIONAL_401K, AccountType.ROTH_401K, AccountType.B403, AccountType.ROTH_403B,
     AccountType.SIMPLE_IRA}
)
"""Account types whose contributions are elective deferrals under IRC 402(g)(3)."""

ANNUAL_ADDITION_TYPES = frozenset(
    {AccountType.TRADITIONAL_401K, AccountType.ROTH_401K, AccountType.B403, AccountType.ROTH_403B,
     AccountType.SEP_IRA}
)
"""Account types under IRC 415(c) (401(a) plans, 403(b) contracts, SEPs; not SIMPLE IRAs)."""

ACCOUNT_LIMIT_GROUPS: Mapping[AccountType, tuple[LimitGroup, ...]] = MappingProxyType(
    {
        AccountType.TAXABLE: (),
        AccountType.TRADITIONAL_401K: ("elective_deferral", "annual_additions"),
        AccountType.ROTH_401K: ("elective_deferral", "annual_additions"),
        AccountType.TRADITIONAL_IRA: ("ira",),
        AccountType.ROTH_IRA: ("ira", "roth_ira"),
        AccountType.HSA: ("hsa", "hsa_spouse"),
        AccountType.B403: ("elective_deferral", "annual_additions"),
        AccountType.ROTH_403B: ("elective_deferral", "annual_additions"),
        AccountType.B457: ("457b",),
        AccountType.SEP_IRA: ("annual_additions",),
        AccountType.SIMPLE_IRA: ("elective_deferral", "simple_ira"),
        AccountType.PLAN_529: (),
    }
)
"""Every account type of the household format and the groups its contributions may count
against. Three apply only where they can bind: ``annual_additions`` where the file gives
employer money (or a SEP IRA), ``roth_ira`` with ``tax.magi``, ``hsa_spouse`` for a married
couple sharing a family HSA limit."""

SUPER_CATCH_UP_FROM = 2025
"""IRC 414(v)(2)(E) (SECURE 2.0 sec. 109): the 60-63 catch-up applies to years from 2025."""

ROTH_PHASE_OUT_RANGE = {"joint": 10_000, "married_separate": 10_000, "single": 15_000}
"""IRC 408A(c)(3)(A)(ii): the width of the Roth IRA phase-out (not indexed)."""

ROTH_MINIMUM = 200
"""IRC 219(g)(2)(B) via 408A(c)(3)(A): a limit not fully phased out is at least $200."""


@dataclass(frozen=True)
class LimitTable:
    """One table of ``limits.yaml``: dollars by tax year, with the rule and each year's source."""

    name: str
    rule: str
    as_of: date
    sources: Mapping[int, str]
    amounts: Mapping[int, float]


def _table(name: str, raw: Any) -> LimitTable:
    where = f"limits.yaml: tables.{name}"
    if not isinstance(raw, dict) or not isinstance(raw.get("amounts"), dict):
        raise InputError(f"{where}: needs `rule`, `as_of`, `sources` and `amounts` (year: dollars)")
    amounts = {int(year): float(amount) for year, amount in raw["amounts"].items()}
    sources = {int(year): str(source) for year, source in (raw.get("sources") or {}).items()}
    unsourced = sorted(set(amounts) - set(sources))
    if unsourced:
        raise InputError(f"{where}: years without a source: {unsourced}")
    if not isinstance(raw.get("as_of"), date):
        raise InputError(f"{where}.as_of: an ISO date (YYYY-MM-DD) is required")
    return LimitTable(
        name=name,
        rule=str(raw.get("rule", "")),
        as_of=raw["as_of"],
        sources=MappingProxyType(sources),
        amounts=MappingProxyType(amounts),
    )


@functools.cache
def limit_tables() -> Mapping[str, LimitTable]:
    """The bundled limit tables, by name, read once from ``householder/data/limits.yaml``."""
    text = resources.files("householder.data").joinpath("limits.yaml").read_text("utf-8")
    raw = yaml.safe_load(text)
    tables = raw.get("tables") if isinstance(raw, dict) else None
    if not isinstance(tables, dict):
        raise InputError("limits.yaml: a top-level `tables` mapping is required")
    return MappingProxyType({str(name): _table(str(name), t) for name, t in tables.items()})


def limit_groups_of(account_type: AccountType | str) -> tuple[LimitGroup, ...]:
    """Every group an account type's contributions may count against (see
    :data:`ACCOUNT_LIMIT_GROUPS`)."""
    try:
        return ACCOUNT_LIMIT_GROUPS[AccountType(account_type)]
    except ValueError:
        raise InputError(
            f"unknown account type {account_type!r}; use one of {', '.join(ACCOUNT_LIMIT_GROUPS)}"
        ) from None


def limit_group(account_type: AccountType | str) -> LimitGroup | None:
    """The main limit group of an account type (the first of :func:`limit_groups_of`), or None
    when it has no personal limit."""
    groups = limit_groups_of(account_type)
    return groups[0] if groups else None


def age_at_year_end(birth: date | int, year: int) -> int:
    """Age on December 31 of ``year`` from a birth date or a birth year: ``year - birth year``."""
    birth_year = birth.year if isinstance(birth, date) else birth
    if year < birth_year:
        raise InputError(f"year {year} is before the birth year {birth_year}")
    return year - birth_year


def _amount(table: str, year: int) -> float:
    amounts = limit_tables()[table].amounts
    if year not in amounts:
        years = ", ".join(str(y) for y in sorted(amounts))
        raise InputError(
            f"no {table} limit for {year}; the bundled tables cover {years} (limits.yaml)"
        )
    return amounts[year]


def _source(table: str, year: int) -> str:
    return limit_tables()[table].sources.get(year, "")


@dataclass(frozen=True)
class _GroupRule:
    base: str | tuple[str, str]  # one table, or (self-only, family) for the HSA
    catch_up: str | None
    catch_up_age: int = 50
    catch_up_60_to_63: str | None = None


_DEFERRAL_CATCH_UP = ("catch_up_50_plus", 50, "catch_up_60_to_63")
_GROUP_RULES: Mapping[str, _GroupRule] = MappingProxyType(
    {
        "elective_deferral": _GroupRule("elective_deferral", *_DEFERRAL_CATCH_UP),
        "457b": _GroupRule("governmental_457b", *_DEFERRAL_CATCH_UP),
        "annual_additions": _GroupRule("annual_additions", *_DEFERRAL_CATCH_UP),
        "ira": _GroupRule("ira", "ira_catch_up_50_plus", 50),
        "hsa": _GroupRule(("hsa_self_only", "hsa_family"), "hsa_catch_up_55_plus", 55),
        "hsa_spouse": _GroupRule(("hsa_family", "hsa_family"), "hsa_catch_up_55_plus", 55),
        "simple_ira": _GroupRule(
            "simple_ira", "simple_catch_up_50_plus", 50, "simple_catch_up_60_to_63"
        ),
    }
)


def catch_up(group: str, year: int, age: int) -> float:
    """The catch-up a person of ``age`` (on Dec 31) adds to ``group``'s limit in ``year``: the
    60-63 amount from 2025 (IRC 414(v)(2)(E)), else the 50+ (55+ for an HSA) amount, else 0."""
    rule = _rule(group)
    if rule.catch_up is None:
        return 0.0
    if rule.catch_up_60_to_63 is not None and 60 <= age <= 63 and year >= SUPER_CATCH_UP_FROM:
        return _amount(rule.catch_up_60_to_63, year)
    if age >= rule.catch_up_age:
        return _amount(rule.catch_up, year)
    return 0.0


def _rule(group: str) -> _GroupRule:
    if group not in _GROUP_RULES:
        known = ", ".join(g for g in LIMIT_GROUPS if g in _GROUP_RULES)
        raise InputError(f"unknown limit group {group!r}; use one of {known}")
    return _GROUP_RULES[group]


def base_limit(group: str, year: int, *, hsa_coverage: HsaCoverage = "self") -> float:
    """The group's limit in ``year`` before any catch-up."""
    if hsa_coverage not in HSA_COVERAGES:
        raise InputError(f"hsa_coverage must be one of {', '.join(HSA_COVERAGES)}")
    rule = _rule(group)
    if isinstance(rule.base, tuple):
        return _amount(rule.base[0] if hsa_coverage == "self" else rule.base[1], year)
    return _amount(rule.base, year)


def annual_limit(group: str, year: int, age: int, *, hsa_coverage: HsaCoverage = "self") -> float:
    """A person's limit for ``group`` in ``year`` at ``age`` (on Dec 31), catch-up included.

    .. math::

        \\text{limit} = \\text{base}(y) + \\begin{cases}
            \\text{catch\\_up\\_60\\_to\\_63}(y) & 60 \\le a \\le 63,\\ y \\ge 2025 \\\\
            \\text{catch\\_up}(y) & a \\ge 50 \\ (55 \\text{ for an HSA}) \\\\
            0 & \\text{otherwise}
        \\end{cases}

    Examples (``limits.yaml``): 2024, age 31, 401(k): 23,000; 2024, age 52: 30,500; 2026, age 61:
    24,500 + 11,250. ``roth_ira`` depends on income: see :func:`roth_ira_limit`.
    """
    if age < 0:
        raise InputError(f"age must be >= 0, not {age}")
    if group == "roth_ira":
        raise InputError("the roth_ira limit depends on modified AGI: use roth_ira_limit")
    return base_limit(group, year, hsa_coverage=hsa_coverage) + catch_up(group, year, age)


def _roth_status(filing_status: str) -> str:
    if filing_status == "married_joint":
        return "joint"
    if filing_status == "married_separate":
        return "married_separate"
    if filing_status in ("single", "head_of_household"):
        return "single"
    raise InputError(
        f"unknown filing_status {filing_status!r}; use single, married_joint, "
        "married_separate or head_of_household"
    )


def roth_phase_out(year: int, filing_status: str) -> tuple[float, float]:
    """(start, end) of the modified-AGI range over which the Roth IRA limit phases out
    (IRC 408A(c)(3); ``limits.yaml``). Married filing separately is taken as living with the
    spouse during the year ($0 to $10,000); one who did not uses the single range."""
    status = _roth_status(filing_status)
    start = _amount(f"roth_ira_phase_out_start_{status}", year)
    return start, start + ROTH_PHASE_OUT_RANGE[status]


def roth_ira_limit(year: int, age: int, magi: float, filing_status: str) -> float:
    """The Roth IRA limit at ``magi`` (modified AGI for Roth IRA purposes), as IRS Pub 590-A
    Worksheet 2-2 computes it (and "Amount of Roth IRA contributions that you can make"):

    .. math::

        L' = L - L\\,\\frac{\\text{MAGI} - s}{r}, \\quad \\text{rounded up to the next } \\$10,
        \\quad \\text{at least } \\$200 \\text{ while } \\text{MAGI} < s + r

    with :math:`L` the IRA limit at ``age`` (catch-up included; the worksheet's line 6 is the
    lesser of it and taxable compensation, which the file does not give), :math:`s` the start
    of the phase-out and :math:`r` its width ($15,000; $10,000 joint or married separately).
    The reduction is exact (the worksheet rounds line 5 to *at least* three places), and the
    result is rounded up to the next $10 (IRC 219(g)(2)(C): the reduction rounded down), at
    least $200 (219(g)(2)(B)), 0 from the top of the range on. Contributions to traditional
    IRAs reduce the room further (worksheet lines 9-11): that is the ``ira`` group's limit.

    >>> roth_ira_limit(2025, 40, 155_000, "single")  # 7,000 - 7,000 x 5,000/15,000 = 4,666.67
    4670.0
    """
    if not (math.isfinite(magi) and magi >= 0):
        raise InputError(f"tax.magi must be a finite amount >= 0, not {magi}")
    full = annual_limit("ira", year, age)
    start, end = roth_phase_out(year, filing_status)
    if magi <= start:
        return full
    if magi >= end:
        return 0.0
    exact = Fraction(full) * (1 - (Fraction(magi) - Fraction(start)) / Fraction(end - start))
    rounded = math.ceil(exact / 10) * 10
    return float(max(rounded, ROTH_MINIMUM))


# -- groups of a household ------------------------------------------------------------------------
@dataclass(frozen=True)
class LimitAccount:
    """One account as the limits see it: its money this year beyond the plan's."""

    id: str
    type: str
    owner: str | None
    """The person whose limit it counts against; None for a joint or ownerless account."""
    hsa_coverage: HsaCoverage | None = None
    this_year: float = 0.0
    """Already contributed in the limit year (employee or own money)."""
    employer: float = 0.0
    """Employer contributions for the year (match, profit sharing, employer HSA money)."""

    def __post_init__(self) -> None:
        limit_groups_of(self.type)  # a known type
        for name in ("this_year", "employer"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value >= 0):
                raise InputError(
                    f"account {self.id}: {name} must be a finite number >= 0, not {value}"
                )


@dataclass(frozen=True)
class GroupLimit:
    """One limit of the law: its holder, year, the accounts that share it and what they already
    hold of it this year."""

    group: LimitGroup
    holder: str
    """A person id, or ``"a+b"`` for a married couple's shared family HSA limit."""
    people: tuple[str, ...]
    year: int
    accounts: tuple[str, ...]
    limit: float
    already: float
    """This year's contributions counted before the plan (``this_year``; employer money where
    the group counts it)."""
    rule: str
    """The law and the IRS source of the figure."""

    @property
    def room(self) -> float:
        """What the plan may still put into the group's accounts together."""
        return max(0.0, self.limit - self.already)


@dataclass(frozen=True)
class LimitCheck:
    """One group's row: ``planned`` is the group's total this year with the plan (``already``
    plus ``contribution``), against ``limit``; ``room`` is what is left after the plan.

    ``account`` names the group's accounts the plan puts money into (comma-separated),
    ``accounts`` every account the limit covers."""

    person: str
    account: str
    year: int
    limit: float
    planned: float
    within_limit: bool
    group: LimitGroup
    room: float
    accounts: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    contribution: float = 0.0
    already: float = 0.0
    rule: str = ""

    @property
    def excess(self) -> float:
        """Dollars over the limit (0 when within it)."""
        return max(0.0, self.planned - self.limit)


@dataclass(frozen=True)
class HouseholdLimits:
    """Every limit group of a household for one year, and what could not be checked."""

    year: int
    groups: tuple[GroupLimit, ...]
    notes: tuple[str, ...] = field(default=())
    unlimited: tuple[str, ...] = ()
    """Accounts with no personal limit (taxable, 529)."""

    def of(self, account: str) -> list[GroupLimit]:
        """The groups ``account``'s money counts against."""
        return [g for g in self.groups if account in g.accounts]

    def room(self, account: str, used: Mapping[str, float] | None = None) -> float:
        """What ``account`` may still take: the least room of its groups, less ``used`` (money
        already routed to accounts, by id); infinite without a group."""
        groups = self.of(account)
        if not groups:
            return math.inf
        used = used or {}
        return max(
            0.0, min(g.room - sum(used.get(a, 0.0) for a in g.accounts) for g in groups)
        )

    def check(self, amounts: Mapping[str, float]) -> list[LimitCheck]:
        """One row per group that ``amounts`` (dollars by account id) put money into."""
        rows = []
        for g in self.groups:
            receiving = [a for a in g.accounts if amounts.get(a, 0.0) > 0.005]
            if not receiving:
                continue
            contribution = math.fsum(amounts[a] for a in receiving)
            planned = g.already + contribution
            rows.append(
                LimitCheck(
                    person=g.holder,
                    account=", ".join(receiving),
                    year=g.year,
                    limit=g.limit,
                    planned=planned,
                    within_limit=planned <= g.limit + _CENT_TOLERANCE,
                    group=g.group,
                    room=max(0.0, g.limit - planned),
                    accounts=g.accounts,
                    people=g.people,
                    contribution=contribution,
                    already=g.already,
                    rule=g.rule,
                )
            )
        return rows


_CENT_TOLERANCE = 1e-6
"""Dollars of float slack before a total counts as over its limit."""


def _rule_text(table: str, year: int, extra: str = "") -> str:
    source = _source(table, year)
    text = limit_tables()[table].rule
    return f"{text}{extra}; {year}: {source}" if source else f"{text}{extra}"


def household_limits(
    accounts: Sequence[LimitAccount],
    *,
    year: int,
    ages: Mapping[str, int],
    spouses: tuple[str, str] | None = None,
    filing_status: str = "single",
    magi: float | None = None,
) -> HouseholdLimits:
    """The limit groups of a household's ``accounts`` in ``year`` (see the module docstring).

    ``ages`` are ages on Dec 31 of ``year`` by person; ``spouses`` the married couple (for the
    shared family HSA limit); ``magi`` the modified AGI for Roth IRA purposes (None: the Roth
    IRA income limit is not checked). A limited account without an owner gets a group of its
    own with no room (an IRA, a 401(k) or an HSA belongs to one person).
    """
    groups: list[GroupLimit] = []
    notes: list[str] = []
    owned: dict[str, list[LimitAccount]] = {}
    unlimited = []
    for acct in accounts:
        kinds = limit_groups_of(acct.type)
        if not kinds:
            unlimited.append(acct.id)
            continue
        if acct.owner is None:
            groups.append(
                GroupLimit(
                    kinds[0], "", (), year, (acct.id,), 0.0, 0.0,
                    "an account with a personal limit belongs to one person: give its owner",
                )
            )
            continue
        if acct.owner not in ages:
            raise InputError(f"no age for person {acct.owner!r} (owner of {acct.id})")
        owned.setdefault(acct.owner, []).append(acct)

    def add(
        group: LimitGroup, person: str, members: list[LimitAccount], limit: float, rule: str,
        *, employer: bool = False, holder: str | None = None, people: tuple[str, ...] = (),
    ) -> None:
        already = math.fsum(m.this_year + (m.employer if employer else 0.0) for m in members)
        groups.append(
            GroupLimit(
                group, holder or person, people or (person,), year,
                tuple(m.id for m in members), limit, already, rule,
            )
        )

    for person, mine in owned.items():
        age = ages[person]
        deferrals = [a for a in mine if a.type in DEFERRAL_TYPES]
        if deferrals:
            add("elective_deferral", person, deferrals,
                annual_limit("elective_deferral", year, age),
                _rule_text("elective_deferral", year))
        simple = [a for a in mine if a.type == "simple_ira"]
        if simple:
            add("simple_ira", person, simple, annual_limit("simple_ira", year, age),
                _rule_text("simple_ira", year))
        gov = [a for a in mine if a.type == "457b"]
        if gov:
            add("457b", person, gov, annual_limit("457b", year, age),
                _rule_text("governmental_457b", year), employer=True)
        additions = [a for a in mine if a.type in ANNUAL_ADDITION_TYPES]
        if any(a.employer > 0 or a.type == "sep_ira" for a in additions):
            has_deferrals = any(a.type != "sep_ira" for a in additions)
            extra = catch_up("annual_additions", year, age) if has_deferrals else 0.0
            add("annual_additions", person, additions,
                base_limit("annual_additions", year) + extra,
                _rule_text("annual_additions", year,
                           f" (plus the ${extra:,.0f} catch-up, not an annual addition)"
                           if extra else ""),
                employer=True)
        iras = [a for a in mine if a.type in ("traditional_ira", "roth_ira")]
        if iras:
            add("ira", person, iras, annual_limit("ira", year, age), _rule_text("ira", year))
        roths = [a for a in mine if a.type == "roth_ira"]
        if roths and magi is not None:
            status = _roth_status(filing_status)
            start, end = roth_phase_out(year, filing_status)
            add("roth_ira", person, roths, roth_ira_limit(year, age, magi, filing_status),
                _rule_text(f"roth_ira_phase_out_start_{status}", year,
                           f" (modified AGI {magi:,.0f}; phase-out {start:,.0f} to {end:,.0f})"))
    notes.extend(_hsa_groups(owned, year, ages, spouses, add))
    return HouseholdLimits(year, tuple(groups), tuple(notes), tuple(unlimited))


def _hsa_groups(
    owned: Mapping[str, list[LimitAccount]],
    year: int,
    ages: Mapping[str, int],
    spouses: tuple[str, str] | None,
    add: Any,
) -> list[str]:
    """The HSA groups: self-only or family per person, one family limit for a couple where
    either spouse has family coverage (IRC 223(b)(5))."""
    notes = []
    hsas = {p: [a for a in accts if a.type == "hsa"] for p, accts in owned.items()}
    hsas = {p: h for p, h in hsas.items() if h}
    coverage: dict[str, HsaCoverage] = {}
    for person, accts in hsas.items():
        given = {a.hsa_coverage for a in accts}
        if "family" in given:
            coverage[person] = "family"
        else:
            coverage[person] = "self"
            if None in given:
                notes.append(
                    f"{person}'s HSA gives no hsa_coverage: the self-only limit is assumed "
                    "(set hsa_coverage: family if the HDHP covers the family)"
                )
    couple: tuple[str, str] | None = None
    if spouses and all(s in hsas for s in spouses):
        if "family" in (coverage[spouses[0]], coverage[spouses[1]]):
            couple = spouses
    family_rule = _rule_text("hsa_family", year)
    if couple is not None:
        a, b = couple
        members = hsas[a] + hsas[b]
        catch_ups = catch_up("hsa", year, ages[a]) + catch_up("hsa", year, ages[b])
        family = base_limit("hsa", year, hsa_coverage="family")
        add("hsa", a, members, family + catch_ups,
            f"IRC 223(b)(5): spouses share one family limit when either has family coverage, "
            f"each adding their own 55+ catch-up (Pub 969, Rules for married people); "
            f"{family_rule}",
            employer=True, holder=f"{a}+{b}", people=(a, b))
        for spouse in couple:
            add("hsa_spouse", spouse, hsas[spouse],
                family + catch_up("hsa", year, ages[spouse]),
                "IRC 223(b)(3), (5): a spouse's HSA takes at most the family limit plus that "
                f"spouse's own catch-up; {family_rule}",
                employer=True)
    for person, accts in hsas.items():
        if couple is not None and person in couple:
            continue
        table = "hsa_family" if coverage[person] == "family" else "hsa_self_only"
        add("hsa", person, accts,
            annual_limit("hsa", year, ages[person], hsa_coverage=coverage[person]),
            _rule_text(table, year), employer=True)
    return notes


# -- the per-contribution interface ---------------------------------------------------------------
@dataclass(frozen=True)
class PlannedContribution:
    """Money a person plans to put into one account this year (plus what is already in)."""

    person: str
    account_id: str
    account_type: str
    amount: float
    already_this_year: float = 0.0
    employer: float = 0.0

    def __post_init__(self) -> None:
        for name in ("amount", "already_this_year", "employer"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value >= 0):
                raise InputError(
                    f"contribution to {self.account_id}: {name} must be a finite number >= 0, "
                    f"not {value}"
                )


def check_limits(
    planned: Sequence[PlannedContribution],
    *,
    year: int,
    ages: Mapping[str, int],
    hsa_coverage: Mapping[str, HsaCoverage] | None = None,
    spouses: tuple[str, str] | None = None,
    filing_status: str = "single",
    magi: float | None = None,
) -> list[LimitCheck]:
    """Check planned contributions against the law's limit groups for ``year``.

    One row per group the contributions put money into (two 401(k)s of one person share one
    elective-deferral row), counting each account's ``already_this_year`` (and ``employer``
    money where the group counts it). ``hsa_coverage`` by person defaults to ``"self"``.
    """
    accounts = [
        LimitAccount(
            pc.account_id,
            pc.account_type,
            pc.person,
            (hsa_coverage or {}).get(pc.person, "self") if pc.account_type == "hsa" else None,
            pc.already_this_year,
            pc.employer,
        )
        for pc in planned
    ]
    limits = household_limits(
        accounts, year=year, ages=ages, spouses=spouses, filing_status=filing_status, magi=magi
    )
    amounts: dict[str, float] = {}
    for pc in planned:
        amounts[pc.account_id] = amounts.get(pc.account_id, 0.0) + pc.amount
    return limits.check(amounts)
