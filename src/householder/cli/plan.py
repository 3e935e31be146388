"""``householder plan FILE``: the optimized rebalance across every account."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from householder.cli.common import FileArg, JsonOpt, Output, handled, load, require_money

CsvOpt = Annotated[
    Path | None,
    typer.Option("--csv", help="Also write the trade list to this CSV file."),
]
ForceOpt = Annotated[bool, typer.Option("--force", help="Let --csv replace an existing file.")]


def plan(file: FileArg, json: JsonOpt = False, csv: CsvOpt = None, force: ForceOpt = False) -> None:
    """Trades, per account, that bring the household to its target at the least tax and fees."""
    out = Output(json)
    with handled(out):
        check_csv(csv, file, force)
        book = load(file)
        require_money(book, "plan")
        from householder.optimize import solve_household
        from householder.plan.build import build_plan

        result = build_plan(solve_household(book))
        emit_plan(out, result, csv, force, inputs=[file])


def check_csv(csv: Path | None, file: Path, force: bool) -> None:
    """Refuse a bad ``--csv`` before any work: it may never replace the household file."""
    if csv is not None:
        from householder.io.export import check_output

        check_output(csv, inputs=[file], force=force, flag="--csv")


def emit_plan(
    out: Output, result: object, csv: Path | None, force: bool, inputs: list[Path]
) -> None:
    """Print a plan-shaped result and write its CSV (shared with ``contribute``)."""
    from householder.io.export import write_csv
    from householder.plan.result import Plan
    from householder.report.plan import CSV_HEADERS, plan_messages, plan_tables, trade_rows

    assert isinstance(result, Plan)
    if csv is not None:
        written = write_csv(csv, CSV_HEADERS, trade_rows(result), force=force, inputs=inputs)
        out.say(f"trade list written to {escape(str(written))}")
    if out.json_mode:
        out.document(result.to_json())
    out.tables(plan_tables(result))
    for line in plan_messages(result):
        out.say(line)
