"""IRS contribution limits by year and age, and checks of planned contributions against them.

The numbers live in the bundled ``householder/data/limits.yaml`` (each table with its rule, as-of
date and the IRS notice or revenue procedure of each year). Ages are ages on December 31 of the
tax year: the catch-ups go to whoever "attains age 50 (55 for an HSA) by the end of the year"
(IRC 414(v)(5), 219(b)(5)(B), 223(b)(3)), and from 2025 the larger SECURE 2.0 catch-up
*replaces* the 50+ catch-up for those who attain 60, 61, 62 or 63 in the year (IRC 414(v)(2)(E)).

Limit groups (one limit per person per group, however many accounts share it):

``elective_deferral``
    401(k), Roth 401(k), 403(b), Roth 403(b) and 457(b): the project's spec aggregates them all
    under IRC 402(g). In law a governmental 457(b) has its own, separate limit (IRC 457(b)(2),
    457(e)(15)), so a person with both a 401(k) and a 457(b) may in fact defer twice; the
    special 403(b) 15-year and 457(b) final-three-years catch-ups are not modelled either.
``ira``
    Traditional and Roth IRA together (IRC 219(b), 408A(c)(2)); compensation and Roth income
    limits are not modelled.
``hsa``
    IRC 223(b): self-only or family coverage, plus the 55+ catch-up; Medicare enrollment and
    part-year coverage are not modelled.
``simple_ira``
    IRC 408(p)(2)(E) at the general limit (not SECURE 2.0's 110 % limit for small employers).
    In law SIMPLE deferrals also count toward the person's 402(g) limit; that is not modelled.

Taxable accounts, 529 plans and SEP IRAs (employer contributions) have no personal limit here.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from importlib import resources
from types import MappingProxyType
from typing import Any, Literal, get_args

import yaml

from householder.errors import InputError

LimitGroup = Literal["elective_deferral", "ira", "hsa", "simple_ira"]
"""Accounts of one person in one group share one annual limit."""

HsaCoverage = Literal["self", "family"]
"""HDHP coverage that sets the HSA limit."""

LIMIT_GROUPS: tuple[str, ...] = get_args(LimitGroup)
HSA_COVERAGES: tuple[str, ...] = get_args(HsaCoverage)

ACCOUNT_LIMIT_GROUPS: Mapping[str, LimitGroup | None] = MappingProxyType(
    {
        "taxable": None,
        "traditional_401k": "elective_deferral",
        "roth_401k": "elective_deferral",
        "traditional_ira": "ira",
        "roth_ira": "ira",
        "hsa": "hsa",
        "403b": "elective_deferral",
        "roth_403b": "elective_deferral",
        "457b": "elective_deferral",
        "sep_ira": None,
        "simple_ira": "simple_ira",
        "529": None,
    }
)
"""Every account type of the household format and its limit group (None: no personal limit)."""


@dataclass(frozen=True)
class LimitTable:
    """One table of ``limits.yaml``: dollars by tax year, with the rule and each year's source."""

    name: str
    rule: str
    as_of: date
    sources: Mapping[int, str]
    amounts: Mapping[int, float]


@dataclass(frozen=True)
class _GroupRule:
    base: str | tuple[str, str]  # one table, or (self-only, family) for the HSA
    catch_up: str
    catch_up_age: int
    catch_up_60_to_63: str | None = None


_GROUP_RULES: Mapping[str, _GroupRule] = MappingProxyType(
    {
        "elective_deferral": _GroupRule(
            "elective_deferral", "catch_up_50_plus", 50, "catch_up_60_to_63"
        ),
        "ira": _GroupRule("ira", "ira_catch_up_50_plus", 50),
        "hsa": _GroupRule(("hsa_self_only", "hsa_family"), "hsa_catch_up_55_plus", 55),
        "simple_ira": _GroupRule(
            "simple_ira", "simple_catch_up_50_plus", 50, "simple_catch_up_60_to_63"
        ),
    }
)


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


def limit_group(account_type: str) -> LimitGroup | None:
    """The limit group of an account type, or None when it has no personal limit."""
    if account_type not in ACCOUNT_LIMIT_GROUPS:
        raise InputError(
            f"unknown account type {account_type!r}; use one of {', '.join(ACCOUNT_LIMIT_GROUPS)}"
        )
    return ACCOUNT_LIMIT_GROUPS[account_type]


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
        raise InputError(f"no {table} limit for {year}; the bundled tables cover {years}")
    return amounts[year]


def annual_limit(group: str, year: int, age: int, *, hsa_coverage: HsaCoverage = "self") -> float:
    """A person's limit for ``group`` in ``year`` at ``age`` (on Dec 31), catch-up included.

    .. math::

        \\text{limit} = \\text{base}(y) + \\begin{cases}
            \\text{catch\\_up\\_60\\_to\\_63}(y) & 60 \\le a \\le 63,\\ y \\ge 2025 \\\\
            \\text{catch\\_up}(y) & a \\ge 50 \\ (55 \\text{ for an HSA}) \\\\
            0 & \\text{otherwise}
        \\end{cases}

    Examples (``limits.yaml``): 2024, age 31, 401(k): 23,000; 2024, age 52: 30,500; 2026, age 61:
    24,500 + 11,250.
    """
    if group not in _GROUP_RULES:
        raise InputError(f"unknown limit group {group!r}; use one of {', '.join(LIMIT_GROUPS)}")
    if age < 0:
        raise InputError(f"age must be >= 0, not {age}")
    if hsa_coverage not in HSA_COVERAGES:
        raise InputError(f"hsa_coverage must be one of {', '.join(HSA_COVERAGES)}")
    rule = _GROUP_RULES[group]
    if isinstance(rule.base, tuple):
        base = _amount(rule.base[0] if hsa_coverage == "self" else rule.base[1], year)
    else:
        base = _amount(rule.base, year)
    if rule.catch_up_60_to_63 is not None and 60 <= age <= 63:
        super_catch_up = limit_tables()[rule.catch_up_60_to_63].amounts.get(year)
        if super_catch_up is not None:
            return base + super_catch_up
    if age >= rule.catch_up_age:
        return base + _amount(rule.catch_up, year)
    return base


@dataclass(frozen=True)
class PlannedContribution:
    """Money a person plans to put into one account this year (plus what is already in)."""

    person: str
    account_id: str
    account_type: str
    amount: float
    already_this_year: float = 0.0

    def __post_init__(self) -> None:
        for name in ("amount", "already_this_year"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value >= 0):
                raise InputError(
                    f"contribution to {self.account_id}: {name} must be a finite number >= 0, "
                    f"not {value}"
                )


@dataclass(frozen=True)
class LimitCheck:
    """One account's row: ``planned`` and ``limit`` are the person's totals for the group.

    ``room`` is what the person may still put into the group this year (0 when over).
    """

    person: str
    account: str
    year: int
    limit: float
    planned: float
    within_limit: bool
    group: LimitGroup
    room: float

    @property
    def excess(self) -> float:
        """Dollars over the limit (0 when within it)."""
        return max(0.0, self.planned - self.limit)


_CENT_TOLERANCE = 1e-6
"""Dollars of float slack before a total counts as over its limit."""


def check_limits(
    planned: Sequence[PlannedContribution],
    *,
    year: int,
    ages: Mapping[str, int],
    hsa_coverage: Mapping[str, HsaCoverage] | None = None,
) -> list[LimitCheck]:
    """Check planned contributions against each person's limits for ``year``.

    Contributions aggregate per person per limit group (two 401(k)s of one person share one
    elective-deferral limit), counting ``already_this_year``. One row per (person, account) in
    a limited group, in the order first planned; accounts with no limit group get no row.
    ``ages`` are ages on Dec 31 of ``year`` by person; ``hsa_coverage`` defaults to ``"self"``.
    """
    totals: dict[tuple[str, str], float] = {}
    rows: dict[tuple[str, str], LimitGroup] = {}
    for contribution in planned:
        group = limit_group(contribution.account_type)
        if group is None:
            continue
        key = (contribution.person, group)
        totals[key] = totals.get(key, 0.0) + contribution.amount + contribution.already_this_year
        rows.setdefault((contribution.person, contribution.account_id), group)
    checks = []
    for (person, account), group in rows.items():
        if person not in ages:
            raise InputError(f"no age for person {person!r} (owner of {account})")
        coverage = (hsa_coverage or {}).get(person, "self")
        limit = annual_limit(group, year, ages[person], hsa_coverage=coverage)
        total = totals[(person, group)]
        checks.append(
            LimitCheck(
                person=person,
                account=account,
                year=year,
                limit=limit,
                planned=total,
                within_limit=total <= limit + _CENT_TOLERANCE,
                group=group,
                room=max(0.0, limit - total),
            )
        )
    return checks
