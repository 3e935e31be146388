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
ForceOpt = Annotated[bool, typer.Option("--force", help="Let --csv replace an existing file.")]


FrontierOpt = Annotated[
    bool,
    typer.Option("--frontier", help="The trade-off of tax against drift: the plan again at "
                 "gain caps from no realized gain to none."),
]
PointsOpt = Annotated[
    int | None,
    typer.Option("--points", min=2, max=50, help="Points on the --frontier (default 5)."),
]


def plan(
    file: FileArg,
    json: JsonOpt = False,
    csv: CsvOpt = None,
    force: ForceOpt = False,
    frontier: FrontierOpt = False,
    points: PointsOpt = None,
) -> None:
    """Trades, per account, that bring the household to its target at the least tax and fees."""
    if points is not None and not frontier:
        raise typer.BadParameter("--points is for --frontier", param_hint="--points")
    if frontier and csv is not None:
        raise typer.BadParameter("--csv writes one plan's trades; leave it out with --frontier",
                                 param_hint="--csv")
    out = Output(json)
    with handled(out):
        check_csv(csv, file, force)
        book = load(file)
        require_money(book, "plan")
        if frontier:
            from householder.plan.frontier import DEFAULT_POINTS
            from householder.plan.frontier import frontier as frontier_of
            from householder.report.frontier import frontier_report

            found = frontier_of(book, points or DEFAULT_POINTS)
            out.emit(found, frontier_report(found))
            return
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
