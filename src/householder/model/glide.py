"""Glide paths: a target that moves with one person's age, evaluated at a date.

The stock share :math:`s` (percent, clamped to [0, 100]) follows the rule; the bond share is
:math:`100 - s`; each part splits into classes as the glide's ``stocks`` and ``bonds`` say.
With *a* the person's age and *t* the whole years to retirement (retirement year − the year of
the date):

- ``N-age``: :math:`s = N - a` (``110-age`` at 35 → 75 % stocks).
- ``age-in-bonds``: :math:`s = 100 - a` (the same as ``100-age``).
- ``linear``: ``start`` while :math:`t \\ge Y` (``years``, default 25), ``end`` from retirement
  on (:math:`t \\le 0`), a straight line between: :math:`s = s_e + (s_s - s_e)\\,t / Y`.
- ``vanguard``: Vanguard's Target Retirement glide path as its funds publish it
  (:data:`VANGUARD_PATH`): 90 % until 25 years before retirement, 1.5 points a year less to
  60 % five years before, 50 % at retirement, then to 30 % seven years after, flat after that.

The person is ``glide.person`` or the household's first; the retirement year is the person's
``retirement_year``, else the year they turn 65. Ages are whole years: completed years on the
date when ``birth_date`` is given, else the year minus ``birth_year`` (the age reached that
year).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import pairwise

from householder.model.household import Glide, Household, Person, target_leaves

RETIREMENT_AGE = 65
"""The retirement age assumed when a person has no ``retirement_year``."""

VANGUARD_PATH: tuple[tuple[int, float], ...] = ((25, 90.0), (5, 60.0), (0, 50.0), (-7, 30.0))
"""(years to retirement, stock percent) corners of the Vanguard path, linear between, flat
outside: 90 % until 25 years before the target date, 1.5 points a year less to 60 % five years
before it, 50 % at it, 30 % (the Target Retirement Income fund) seven years after.

Fitted to the funds' published allocations, with *t* in whole years (target year − the year):

====================================  ===  ================  ===============
Vanguard Target Retirement fund, date  t   published stocks  this path
====================================  ===  ================  ===============
2040 Fund, 2024-09-30                  16  76.5 %            76.5 %
2035 Fund, 2024-09-30                  11  69.0 %            69.0 %
2030 Fund, 2024-09-30                   6  61.5 %            61.5 %
2030 Fund, 2021-09-30                   9  65.6 %            66.0 %
2040 Fund, 2025-12-31                  15  74.9 %            75.0 %
====================================  ===  ================  ===============

Sources: Vanguard Target Retirement Funds prospectus and summary prospectuses (allocations "as
of September 30": 2024: 2030 Fund 36.7 % U.S. + 24.8 % foreign stocks, 2035 Fund 41.4 + 27.6,
2040 Fund 46.3 + 30.2; 2021: 2030 Fund 39.1 + 26.5), a plan consultant's quarterly report for
Dec 31, 2025 (2040 Fund: equity 74.9 %), and Vanguard's description of the path ("Our approach
to target-date funds", institutional.vanguard.com): 90 % equity until about 25 years before the
target date, about 50 % at it, and within seven years after it "similar to that of the Target
Retirement Income Fund" (about 30 %). The straight line from 90 % at 25 years to 50 % at the
target date (1.6 points a year) that this rule used before ran 1 to 2 points below the published
mixes five to sixteen years out; the funds fall 1.5 points a year, then faster in the last five.
Still an approximation: Vanguard's bond sleeve also changes make-up (more short-term TIPS near
and after the target date)."""

VANGUARD_YEARS_PAST = 8
"""How far past retirement ``householder glide`` shows a ``vanguard`` path (flat after +7)."""


class GlideError(ValueError):
    """The glide path cannot be evaluated (no person, no age). The loader reports these as
    file problems before a Book exists; this guards other callers."""


@dataclass(frozen=True)
class GlidePoint:
    """The glide path at one date."""

    on: date
    age: int
    years_to_retirement: int
    stocks: float
    """Percent of the household in the stock part."""
    leaves: dict[str, float]
    """Target leaf class → percent of the household (sums to 100)."""

    @property
    def year(self) -> int:
        return self.on.year

    @property
    def bonds(self) -> float:
        return 100.0 - self.stocks


def glide_person(household: Household) -> Person:
    """The person whose age drives the glide path: ``glide.person`` or the first person."""
    glide = _glide(household)
    if glide.person is None:
        if not household.people:
            raise GlideError("the household has no people; the glide path needs one with an age")
        return household.people[0]
    for person in household.people:
        if person.id == glide.person:
            return person
    raise GlideError(f"glide.person {glide.person!r} is not a person of the household")


def retirement_year(person: Person) -> int:
    """The person's ``retirement_year``, else the year they turn 65."""
    if person.retirement_year is not None:
        return person.retirement_year
    born = person.year_of_birth
    if born is None:
        raise GlideError(f"{person.id!r} has no birth_date, birth_year or retirement_year")
    return born + RETIREMENT_AGE


def age_on(person: Person, on: date) -> int:
    """Whole years of age on ``on``: completed years with a birth date, else year − birth year."""
    if person.birth_date is not None:
        born = person.birth_date
        return on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    if person.birth_year is not None:
        return on.year - person.birth_year
    raise GlideError(f"{person.id!r} has no birth_date or birth_year; the glide path needs an age")


def stock_percent(glide: Glide, age: int, years_to_retirement: int) -> float:
    """The stock share (percent, clamped to [0, 100]) at ``age``, ``years_to_retirement``."""
    rule = glide.rule
    if rule == "age-in-bonds":
        stocks = 100.0 - age
    elif rule.endswith("-age"):
        stocks = float(rule.removesuffix("-age")) - age
    elif rule == "linear":
        if glide.start is None or glide.end is None:
            raise GlideError("rule linear needs start and end")
        begin, finish = glide.start.stock_percent, glide.end.stock_percent
        span = glide.linear_years
        t = min(max(years_to_retirement, 0), span)
        stocks = finish + (begin - finish) * t / span
    elif rule == "vanguard":
        stocks = _piecewise(VANGUARD_PATH, years_to_retirement)
    else:  # the model admits no other rule
        raise GlideError(f"unknown glide rule {rule!r}")
    return min(max(stocks, 0.0), 100.0)


def _piecewise(corners: tuple[tuple[int, float], ...], t: float) -> float:
    """Linear between (t, value) corners given in decreasing t; flat outside them."""
    if t >= corners[0][0]:
        return corners[0][1]
    for (t_hi, v_hi), (t_lo, v_lo) in pairwise(corners):
        if t >= t_lo:
            return v_lo + (v_hi - v_lo) * (t - t_lo) / (t_hi - t_lo)
    return corners[-1][1]


def split_leaves(glide: Glide, stocks: float) -> dict[str, float]:
    """Target leaves (percent) for a stock share: each part spread over its split."""
    leaves: dict[str, float] = {}
    for split, part in ((glide.stock_split, stocks), (glide.bond_split, 100.0 - stocks)):
        total = sum(split.values())
        for cls, weight in split.items():
            leaves[cls] = leaves.get(cls, 0.0) + (part * weight / total if total else 0.0)
    return leaves


def evaluate(household: Household, on: date | None = None) -> GlidePoint:
    """The household's glide path at ``on`` (default: ``as_of``)."""
    glide = _glide(household)
    when = household.as_of if on is None else on
    person = glide_person(household)
    age = age_on(person, when)
    to_retirement = retirement_year(person) - when.year
    stocks = stock_percent(glide, age, to_retirement)
    return GlidePoint(
        on=when,
        age=age,
        years_to_retirement=to_retirement,
        stocks=stocks,
        leaves=split_leaves(glide, stocks),
    )


def schedule(household: Household) -> list[GlidePoint]:
    """The path year by year: from ``as_of`` (then the same day each later year) to the
    retirement year; a ``vanguard`` path runs on 8 years past it (flat after +7)."""
    glide = _glide(household)
    person = glide_person(household)
    first = household.as_of.year
    last = retirement_year(person)
    if glide.rule == "vanguard":
        last += VANGUARD_YEARS_PAST
    return [
        evaluate(household, _same_day(household.as_of, year))
        for year in range(first, max(first, last) + 1)
    ]


def target_leaves_on(household: Household, on: date | None = None) -> dict[str, float]:
    """The household's target leaves (percent) at ``on``: fixed weights, or the glide path
    evaluated there (default: at ``as_of``)."""
    if household.glide is not None:
        return evaluate(household, on).leaves
    if household.target is None:
        raise GlideError("the household has neither target nor glide")
    return target_leaves(household.target)


def glide_classes(glide: Glide) -> list[str]:
    """Every class the glide path names (stock split first), each once."""
    return list(dict.fromkeys([*glide.stock_split, *glide.bond_split]))


def _glide(household: Household) -> Glide:
    if household.glide is None:
        raise GlideError("the household has a fixed target, not a glide path")
    return household.glide


def _same_day(as_of: date, year: int) -> date:
    """``as_of``'s month and day in ``year`` (29 February becomes the 28th)."""
    try:
        return as_of.replace(year=year)
    except ValueError:
        return as_of.replace(year=year, day=28)
