"""``householder glide``: the glide path's target year by year to retirement, as a typed result
(the rules are :mod:`householder.model.glide`)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from householder.model.book import Book
from householder.model.glide import glide_person, retirement_year, schedule
from householder.plan.result import Result


def _r6(x: float) -> float:
    return round(x, 6) + 0.0


def _fractions(leaves: dict[str, float]) -> dict[str, float]:
    total = sum(leaves.values())
    return {k: _r6(v / total) for k, v in leaves.items()}


class GlideYear(Result):
    year: int
    age: int
    years_to_retirement: int
    stocks: float
    bonds: float
    target: dict[str, float]


class GlideResult(Result):
    """``{household, as_of, glide, person, rule, years: [{year, age, target}]}``; a fixed
    target gives ``person`` and ``rule`` null, no years, and its ``target``."""

    household: str
    as_of: str
    glide: bool
    person: str | None
    rule: str | None
    retirement_year: int | None = None
    retirement_from: str | None = None
    stock_split: dict[str, float] | None = None
    bond_split: dict[str, float] | None = None
    target: dict[str, float]
    years: list[GlideYear]

    omit_when_none: ClassVar[tuple[str, ...]] = (
        "retirement_year",
        "retirement_from",
        "stock_split",
        "bond_split",
    )
    whole_parts: tuple[str, ...] = Field(default=(), exclude=True)
    """The parts (``stocks``, ``bonds``) the file leaves whole, not split into classes: each
    already has its column in the table (not in the JSON)."""


def glide(book: Book) -> GlideResult:
    """The household's target year by year (a fixed target: its one target)."""
    h = book.household
    target = {k: _r6(v) for k, v in book.target.items()}
    if h.glide is None:
        return GlideResult(household=book.name, as_of=book.as_of.isoformat(), glide=False,
                           person=None, rule=None, target=target, years=[])
    person = glide_person(h)
    return GlideResult(
        household=book.name,
        as_of=book.as_of.isoformat(),
        glide=True,
        person=person.id,
        rule=h.glide.rule,
        retirement_year=retirement_year(person),
        retirement_from="retirement_year" if person.retirement_year is not None else "age 65",
        stock_split={k: _r6(v / 100) for k, v in h.glide.stock_split.items()},
        bond_split={k: _r6(v / 100) for k, v in h.glide.bond_split.items()},
        target=target,
        years=[
            GlideYear(
                year=p.year,
                age=p.age,
                years_to_retirement=p.years_to_retirement,
                stocks=_r6(p.stocks / 100),
                bonds=_r6(p.bonds / 100),
                target=_fractions(p.leaves),
            )
            for p in schedule(h)
        ],
        whole_parts=tuple(
            part for part, split in (("stocks", h.glide.stocks), ("bonds", h.glide.bonds))
            if split is None
        ),
    )
