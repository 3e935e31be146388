"""``householder locate FILE``: the asset-location plan and what it is worth."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated

import typer

from householder.cli.common import FileArg, JsonOpt, Output, handled, load, require_money
from householder.report.common import Table, money

if TYPE_CHECKING:
    from householder.plan.locate import Location


def locate(
    file: FileArg,
    json: JsonOpt = False,
    from_current: Annotated[
        bool,
        typer.Option(
            "--from-current",
            help="Start from today's holdings: the tax of "
            "getting there counts (this is the plan's model).",
        ),
    ] = False,
    sweep: Annotated[
        str | None,
        typer.Option(
            "--sweep",
            help="Vary one assumption: name=start:stop:step, "
            "e.g. retirement_rate=0.12:0.37:0.05, horizon_years=10:40:10, "
            "return.stocks=0.05:0.09:0.01.",
        ),
    ] = None,
) -> None:
    """Which classes each account should hold, and what that is worth after tax."""
    out = Output(json)
    with handled(out):
        book = load(file)
        require_money(book, "locate")
        from householder.plan.locate import locate as run_locate
        from householder.plan.locate import sweep_values, with_setting

        if sweep:
            name, values = sweep_values(sweep)
            rows = []
            for value in values:
                result = run_locate(with_setting(book, name, value), from_current=from_current)
                rows.append((value, result))
            if json:
                out.document(
                    {
                        "household": book.name,
                        "as_of": book.as_of.isoformat(),
                        "sweep": name,
                        "points": [{"value": v, **r.to_json()} for v, r in rows],
                    }
                )
            out.tables([sweep_table(name, rows)])
            return
        result = run_locate(book, from_current=from_current)
        if json:
            out.document(result.to_json())
        out.tables(locate_tables(result))
        for why in result.why.values():
            out.say(f"• {why}")
        for note in result.notes:
            out.say(f"note: {note}")


def locate_tables(result: object) -> list[Table]:
    from householder.plan.locate import Location

    assert isinstance(result, Location)
    classes = list(dict.fromkeys(k for v in result.placement.values() for k in v))
    table = Table(
        title=f"{result.household}: asset location ({result.allocation_basis.replace('_', '-')}, "
        f"{result.horizon_years} years)",
        headers=["account", "type", *classes],
    )
    for acct, by_class in result.placement.items():
        table.rows.append(
            [
                acct,
                result.account_types[acct],
                *[money(by_class[k]) if k in by_class else "" for k in classes],
            ]
        )
    value = Table(
        title="After-tax value at the horizon", headers=["", ""], justify=["left", "right"]
    )
    value.rows += [
        ["every account holding the household mix", money(result.after_tax_value_uniform)],
        ["located as above", money(result.after_tax_value_located)],
        ["difference", money(result.after_tax_value_located - result.after_tax_value_uniform)],
        ["benefit per year", f"{result.annual_benefit_bps:.1f} bp"],
    ]
    return [table, value]


def sweep_table(name: str, rows: Sequence[tuple[float, Location]]) -> Table:
    table = Table(
        title=f"Asset location as {name} varies",
        headers=[name, "placement", "located", "uniform", "bp/yr"],
        justify=["right", "left", "right", "right", "right"],
    )
    for value, r in rows:
        placement = "; ".join(
            f"{acct}: " + ", ".join(k for k, _ in sorted(v.items(), key=lambda kv: -kv[1]))
            for acct, v in r.placement.items()
        )
        table.rows.append(
            [
                f"{value:g}",
                placement,
                money(r.after_tax_value_located),
                money(r.after_tax_value_uniform),
                f"{r.annual_benefit_bps:.1f}",
            ]
        )
    return table
