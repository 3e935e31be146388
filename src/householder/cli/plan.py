"""``householder plan FILE``: the optimized rebalance across every account."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from householder.cli.common import FileArg, JsonOpt, Output, handled, load, require_money

if TYPE_CHECKING:
    from householder.plan.result import Plan
    from householder.report.common import Block

CsvOpt = Annotated[
    Path | None,
    typer.Option("--csv", help="Also write the trade list to this CSV file."),
]
ReportOpt = Annotated[
    Path | None,
    typer.Option("--report", help="Also write the plan as a self-contained HTML report to this "
                 "file (as `householder report` does)."),
]
ForceOpt = Annotated[
    bool, typer.Option("--force", help="Let --csv and --report replace existing files.")
]


def plan(
    file: FileArg, json: JsonOpt = False, csv: CsvOpt = None, force: ForceOpt = False,
    report: ReportOpt = None,
) -> None:
    """Trades, per account, that bring the household to its target at the least tax and fees."""
    from householder.cli.report import check_report, write_report
    from householder.report.common import Message

    out = Output(json)
    with handled(out):
        check_csv(csv, file, force)
        check_report(report, file, force, flag="--report")
        book = load(file)
        require_money(book, "plan")
        from householder.optimize import solve_household
        from householder.plan.build import build_plan

        result = build_plan(solve_household(book))
        extra: list[Block] = []
        if report is not None:
            written = write_report(book, report, inputs=[file], force=force, plan=result)
            extra.append(Message(f"report written to {written.out}"))
        emit_plan(out, result, csv, force, inputs=[file], extra=extra)


def check_csv(csv: Path | None, file: Path, force: bool) -> None:
    """Refuse a bad ``--csv`` before any work: it may never replace the household file."""
    if csv is not None:
        from householder.io.export import check_output

        check_output(csv, inputs=[file], force=force, flag="--csv")


def emit_plan(
    out: Output,
    result: Plan,
    csv: Path | None,
    force: bool,
    inputs: list[Path],
    extra: list[Block] | None = None,
) -> None:
    """Print a plan-shaped result (and ``extra`` blocks after it) and write its CSV (shared
    with ``contribute``)."""
    from householder.io.export import write_csv
    from householder.report.common import Message
    from householder.report.plan import CSV_HEADERS, plan_report, trade_rows

    blocks: list[Block] = []
    if csv is not None:
        written = write_csv(csv, CSV_HEADERS, trade_rows(result), force=force, inputs=inputs)
        blocks.append(Message(f"trade list written to {written}"))
    out.emit(result, [*blocks, *plan_report(result), *(extra or [])])
