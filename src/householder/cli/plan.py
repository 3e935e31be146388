"""``householder plan FILE``: the optimized rebalance across every account."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from householder.cli.common import FileArg, JsonOpt, Output, handled, load

CsvOpt = Annotated[
    Path | None,
    typer.Option("--csv", help="Also write the trade list to this CSV file.", dir_okay=False),
]
ForceOpt = Annotated[bool, typer.Option("--force", help="Let --csv replace an existing file.")]


def plan(file: FileArg, json: JsonOpt = False, csv: CsvOpt = None, force: ForceOpt = False) -> None:
    """Trades, per account, that bring the household to its target at the least tax and fees."""
    out = Output(json)
    with handled(out):
        book = load(file)
        from householder.optimize import solve_household
        from householder.plan.build import build_plan

        result = build_plan(solve_household(book))
        emit_plan(out, result, csv, force)


def emit_plan(out: Output, result: object, csv: Path | None, force: bool) -> None:
    """Print a plan-shaped result and write its CSV (shared with ``contribute``)."""
    from householder.io.export import write_csv
    from householder.plan.result import Plan
    from householder.report.plan import CSV_HEADERS, plan_messages, plan_tables, trade_rows

    assert isinstance(result, Plan)
    if csv is not None:
        written = write_csv(csv, CSV_HEADERS, trade_rows(result), force=force)
        out.say(f"trade list written to {written}")
    if out.json_mode:
        out.document(result.to_json())
    out.tables(plan_tables(result))
    for line in plan_messages(result):
        out.say(line)
