"""The glide-path report: ``--json`` document and terminal table."""

from __future__ import annotations

from typing import Any

from householder.model.book import Book
from householder.model.glide import GlidePoint, glide_person, retirement_year
from householder.report.common import Table, pct, r6


def _fractions(leaves: dict[str, float]) -> dict[str, float]:
    total = sum(leaves.values())
    return {k: r6(v / total) for k, v in leaves.items()}


def glide_json(book: Book, points: list[GlidePoint]) -> dict[str, Any]:
    """``{household, as_of, person, rule, years: [{year, age, target}]}``; a fixed target
    gives ``person``/``rule`` null, no years, and its ``target``."""
    h = book.household
    doc: dict[str, Any] = {"household": book.name, "as_of": book.as_of.isoformat()}
    if h.glide is None:
        doc.update(
            {
                "glide": False,
                "person": None,
                "rule": None,
                "years": [],
                "target": {k: r6(v) for k, v in book.target.items()},
            }
        )
        return doc
    person = glide_person(h)
    doc.update(
        {
            "glide": True,
            "person": person.id,
            "rule": h.glide.rule,
            "retirement_year": retirement_year(person),
            "retirement_from": "retirement_year"
            if person.retirement_year is not None
            else "age 65",
            "stock_split": {k: r6(v / 100) for k, v in h.glide.stock_split.items()},
            "bond_split": {k: r6(v / 100) for k, v in h.glide.bond_split.items()},
            "target": {k: r6(v) for k, v in book.target.items()},
            "years": [
                {
                    "year": p.year,
                    "age": p.age,
                    "years_to_retirement": p.years_to_retirement,
                    "stocks": r6(p.stocks / 100),
                    "bonds": r6(p.bonds / 100),
                    "target": _fractions(p.leaves),
                }
                for p in points
            ],
        }
    )
    return doc


def glide_tables(book: Book, points: list[GlidePoint]) -> list[Table]:
    h = book.household
    if h.glide is None:
        fixed = Table(
            title=f"{book.name}: fixed target (no glide path)", headers=["class", "target"]
        )
        fixed.rows = [[cls, pct(v)] for cls, v in book.target.items()]
        fixed.caption = "Give glide: instead of target: for a target that moves with age."
        return [fixed]
    person = glide_person(h)
    retire = retirement_year(person)
    why = (
        "retirement_year"
        if person.retirement_year is not None
        else f"the year {person.id} turns 65"
    )
    leaves = list(points[0].leaves) if points else []
    # a part left whole (no split given) already has its column
    whole = {
        part
        for part, split in (("stocks", h.glide.stocks), ("bonds", h.glide.bonds))
        if split is None
    }
    split_cols = [c for c in leaves if c not in whole]
    table = Table(
        title=f"{book.name}: glide path {h.glide.rule} for {person.id}, retiring {retire}",
        headers=["year", "age", "to retirement", "stocks", "bonds", *split_cols],
    )
    for p in points:
        total = sum(p.leaves.values()) or 1.0
        table.rows.append(
            [
                str(p.year),
                str(p.age),
                str(p.years_to_retirement),
                pct(p.stocks / 100, 1),
                pct(p.bonds / 100, 1),
                *[pct(p.leaves.get(c, 0.0) / total, 1) for c in split_cols],
            ]
        )
    table.caption = (
        f"Evaluated on {book.as_of:%m-%d} each year; the first row is the target drift, plan, "
        f"contribute and locate use now. Retirement: {retire} ({why})."
    )
    if h.glide.rule == "vanguard":
        table.caption += (
            " Vanguard-like: approximates Vanguard's published Target Retirement glide path."
        )
    return [table]
