"""The target-date alternative report: ``--json`` document and terminal tables."""

from __future__ import annotations

from typing import Any

from householder.model.book import Book
from householder.report.common import Table, money, pct, points, r2, r6
from householder.valuation.tdf import Choice, PersonTdf, Vintage


def _vintage(v: Vintage) -> dict[str, Any]:
    return {
        "ticker": v.ticker,
        "name": v.name,
        "target_year": v.target_year,
        "expense_ratio": r6(v.expense_ratio),
    }


def _choice(c: Choice) -> dict[str, Any]:
    return {
        "fund": c.fund.ticker,
        "name": c.fund.name,
        "series": c.fund.series,
        "target_year": c.fund.target_year,
        "expense_ratio": r6(c.fund.expense_ratio),
        "offered": c.offered,
        "offered_in": list(c.offered_in),
        "stocks": r6(c.stocks),
        "mix": [
            {
                "class": r.cls,
                "fund": r6(r.fund),
                "target": r6(r.target),
                "difference": r6(r.difference),
            }
            for r in c.mix
        ],
        "max_difference": r6(c.distance),
        "fees": {
            "value": r2(c.fees.value),
            "current_expense_ratio": r6(c.fees.current_expense_ratio),
            "current": r2(c.fees.current),
            "with_fund": r2(c.fees.with_fund),
            "difference": r2(c.fees.difference),
            "accounts": [
                {
                    "id": a.id,
                    "type": a.type,
                    "value": r2(a.value),
                    "holds_fund": a.holds_fund,
                    "current": r2(a.current),
                    "with_fund": r2(a.with_fund),
                }
                for a in c.fees.accounts
            ],
        },
    }


def tdf_json(book: Book, people: list[PersonTdf]) -> dict[str, Any]:
    return {
        "household": book.name,
        "as_of": book.as_of.isoformat(),
        "target": {k: r6(v) for k, v in book.target.items()},
        "people": [
            {
                "person": p.person,
                "retirement_year": p.retirement_year,
                "retirement_from": p.retirement_from,
                "accounts": list(p.accounts),
                "offered": [_vintage(v) for v in p.offered],
                "choice": _choice(p.choice) if p.choice else None,
                "alternatives": [_choice(c) for c in p.alternatives],
                "notes": list(p.notes),
            }
            for p in people
        ],
    }


def _signed(x: float) -> str:
    return ("+" if x >= 0.005 else "") + money(x)


def _fee_table(title: str, c: Choice) -> Table:
    t = Table(
        title=title,
        headers=["account", "type", "value", "fee now", f"with {c.fund.ticker}", "change"],
    )
    for a in c.fees.accounts:
        t.rows.append(
            [
                a.id,
                a.type,
                money(a.value),
                money(a.current),
                money(a.with_fund) if a.holds_fund else "not offered",
                _signed(a.with_fund - a.current),
            ]
        )
    f = c.fees
    t.rows.append(
        [
            "total",
            "",
            money(sum(a.value for a in f.accounts)),
            money(f.current),
            money(f.with_fund),
            _signed(f.difference),
        ]
    )
    t.caption = (
        f"Yearly expense-ratio dollars: now {pct(f.current_expense_ratio, 3)} weighted "
        f"on the {money(f.value)} that would move, {pct(c.fund.expense_ratio, 3)} in "
        f"{c.fund.ticker}. Selling in a taxable account may realize gains (not shown)."
    )
    return t


def tdf_tables(book: Book, people: list[PersonTdf]) -> list[Table]:
    tables: list[Table] = []
    for p in people:
        when = (
            f"retiring {p.retirement_year} ({p.retirement_from})"
            if p.retirement_year is not None
            else "retirement year unknown"
        )
        if p.choice is not None:
            c = p.choice
            t = Table(
                title=f"{p.person}, {when}: {c.fund.ticker} {c.fund.name} "
                f"({c.fund.target_year}), offered in {', '.join(c.offered_in)}",
                headers=["class", "target", c.fund.ticker, "difference"],
            )
            t.rows = [[r.cls, pct(r.target), pct(r.fund), points(r.difference)] for r in c.mix]
            t.caption = f"{c.fund.ticker} looked through: {pct(c.stocks, 1)} stocks."
            if len(p.offered) > 1:
                t.caption += (
                    "  Offered vintages: "
                    + ", ".join(f"{v.ticker} ({v.target_year})" for v in p.offered)
                    + "."
                )
            tables += [t, _fee_table(f"{p.person}: fees a year, now and in {c.fund.ticker}", c)]
        if p.alternatives:
            alts = p.alternatives
            headline = (
                "nearer vintages of the bundled series"
                if p.choice is not None
                else "no target-date fund offered; the nearest vintage of each bundled series"
            )
            t = Table(
                title=f"{p.person}, {when}: {headline}",
                headers=["class", "target", *[c.fund.ticker for c in alts]],
            )
            classes: list[str] = []
            for c in alts:
                classes += [r.cls for r in c.mix if r.cls not in classes]
            for cls in classes:
                row = [cls, pct(book.target.get(cls, 0.0))]
                for c in alts:
                    row.append(pct(next((r.fund for r in c.mix if r.cls == cls), 0.0)))
                t.rows.append(row)
            fees = Table(
                title=f"{p.person}: the alternatives' fees a year, as if every account held them",
                headers=[
                    "fund",
                    "year",
                    "stocks",
                    "max gap",
                    "exp. ratio",
                    "now",
                    "with it",
                    "change",
                ],
            )
            for c in alts:
                fees.rows.append(
                    [
                        c.fund.ticker,
                        str(c.fund.target_year),
                        pct(c.stocks, 1),
                        f"{100 * c.distance:.2f} pts",
                        pct(c.fund.expense_ratio, 3),
                        money(c.fees.current),
                        money(c.fees.with_fund),
                        _signed(c.fees.difference),
                    ]
                )
            fees.caption = (
                "Max gap: the class furthest from target. "
                + "; ".join(f"{c.fund.ticker}: {c.fund.series}" for c in alts)
                + "."
            )
            tables += [t, fees]
        if p.choice is None and not p.alternatives:
            tables.append(
                Table(title=f"{p.person}: {when}", headers=["note"], rows=[[n] for n in p.notes])
            )
    return tables
