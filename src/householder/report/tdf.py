"""The target-date alternative report, read from the :class:`~householder.plan.tdf.TdfResult`."""

from __future__ import annotations

from householder.plan.tdf import ChoiceLine, TdfResult
from householder.report.common import Block, Cell, Table, money, note, pct, points


def _signed(x: float) -> str:
    return ("+" if x >= 0.005 else "") + money(x)


def _fee_table(title: str, c: ChoiceLine) -> Table:
    t = Table(
        title=title,
        headers=["account", "type", "value", "fee now", f"with {c.fund}", "change"],
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
        f"on the {money(f.value)} that would move, {pct(c.expense_ratio, 3)} in "
        f"{c.fund}. Selling in a taxable account may realize gains (not shown)."
    )
    return t


def tdf_report(result: TdfResult) -> list[Block]:
    tables: list[Block] = []
    for p in result.people:
        when = (
            f"retiring {p.retirement_year} ({p.retirement_from})"
            if p.retirement_year is not None
            else "retirement year unknown"
        )
        if p.choice is not None:
            c = p.choice
            t = Table(
                title=f"{p.person}, {when}: {c.fund} {c.name} "
                f"({c.target_year}), offered in {', '.join(c.offered_in)}",
                headers=["class", "target", c.fund, "difference"],
            )
            t.rows = [[r.cls, pct(r.target), pct(r.fund), points(r.difference)] for r in c.mix]
            t.caption = f"{c.fund} looked through: {pct(c.stocks, 1)} stocks."
            if len(p.offered) > 1:
                t.caption += (
                    "  Offered vintages: "
                    + ", ".join(f"{v.ticker} ({v.target_year})" for v in p.offered)
                    + "."
                )
            tables += [t, _fee_table(f"{p.person}: fees a year, now and in {c.fund}", c)]
        if p.alternatives:
            alts = p.alternatives
            headline = (
                "nearer vintages of the bundled series"
                if p.choice is not None
                else "no target-date fund offered; the nearest vintage of each bundled series"
            )
            t = Table(
                title=f"{p.person}, {when}: {headline}",
                headers=["class", "target", *[c.fund for c in alts]],
            )
            classes: list[str] = []
            for c in alts:
                classes += [r.cls for r in c.mix if r.cls not in classes]
            for cls in classes:
                row: list[Cell] = [cls, pct(result.target.get(cls, 0.0))]
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
                        c.fund,
                        str(c.target_year),
                        pct(c.stocks, 1),
                        f"{100 * c.max_difference:.2f} pts",
                        pct(c.expense_ratio, 3),
                        money(c.fees.current),
                        money(c.fees.with_fund),
                        _signed(c.fees.difference),
                    ]
                )
            fees.caption = (
                "Max gap: the class furthest from target. "
                + "; ".join(f"{c.fund}: {c.series}" for c in alts)
                + "."
            )
            tables += [t, fees]
        if p.choice is None and not p.alternatives:
            tables.append(
                Table(title=f"{p.person}: {when}", headers=["note"], rows=[[n] for n in p.notes])
            )
    tables += [note(n) for p in result.people for n in p.notes]
    return tables
