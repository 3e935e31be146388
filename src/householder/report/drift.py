"""The drift report: ``--json`` document and terminal tables."""

from __future__ import annotations

from typing import Any

from householder.model.book import Book
from householder.report.common import Table, money, pct, points, r2, r6
from householder.valuation.drift import Drift


def drift_json(book: Book, drift: Drift) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "household": book.name,
        "as_of": book.as_of.isoformat(),
        "allocation_basis": book.household.policy.allocation_basis.value,
        "total_value": r2(drift.total_value),
        "market_value": r2(drift.market_value),
        "breached": drift.breached,
        "allocation": [
            {
                "class": r.cls,
                "target": r6(r.target),
                "before": r6(r.before),
                "value": r2(r.value),
                "drift": r6(r.drift),
                "band_low": r6(r.band.low),
                "band_high": r6(r.band.high),
                "breached": r.breached,
            }
            for r in drift.rows
        ],
        "accounts": [
            {
                "id": a.id,
                "type": a.type,
                "value": r2(a.value),
                "allocation": [
                    {"class": cls, "value": r2(v), "fraction": r6(v / a.value if a.value else 0.0)}
                    for cls, v in a.allocation.items()
                    if abs(v) > 0.005
                ],
            }
            for a in drift.accounts
        ],
    }
    if drift.pre_tax is not None:
        doc["allocation_pre_tax"] = [
            {"class": cls, "before": r6(v)} for cls, v in drift.pre_tax.items()
        ]
    if book.notes:
        doc["notes"] = list(book.notes)
    return doc


def drift_tables(book: Book, drift: Drift) -> list[Table]:
    basis = "after-tax" if book.after_tax else "pre-tax"
    main = Table(
        title=f"{book.name}: allocation on {book.as_of} ({basis}, {money(drift.total_value)})",
        headers=["class", "target", "now", "drift", "band", "status"],
    )
    for r in drift.rows:
        status = "[red]OUT OF BAND[/red]" if r.breached else "ok"
        main.rows.append(
            [
                r.cls,
                pct(r.target),
                pct(r.before),
                points(r.drift),
                f"{pct(r.band.low)} – {pct(r.band.high)}",
                status,
            ]
        )
    main.caption = (
        "A class is out of band past the policy's bands (default 5/25: 5 points, or 25 % of "
        "its target for classes under 20 %)."
    )
    if drift.pre_tax is not None:
        pre_tax = ", ".join(f"{k} {pct(v)}" for k, v in drift.pre_tax.items())
        main.caption += f"\nPre-tax allocation (for reference): {pre_tax}"
    classes = book.allocation_classes
    per_account = Table(
        title="Per account",
        headers=["account", "type", "value", *classes],
    )
    for a in drift.accounts:
        per_account.rows.append(
            [
                a.id,
                a.type,
                money(a.value),
                *[pct(a.allocation.get(c, 0.0) / a.value if a.value else 0.0) for c in classes],
            ]
        )
    return [main, per_account]
