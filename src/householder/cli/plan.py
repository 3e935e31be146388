"""``householder plan FILE``: the optimized rebalance across every account."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from householder.cli.common import FileArg, JsonOpt, Output, handled, load, require_money

if TYPE_CHECKING:
    from householder.model.book import Book
    from householder.plan.result import Plan
    from householder.report.common import Block

CsvOpt = Annotated[
    Path | None,
    typer.Option("--csv", help="Also write the trade list to this CSV file."),
]
ForceOpt = Annotated[
    bool,
    typer.Option("--force", help="Let --csv, --write-after and --report replace an existing file."),
]
AfterOpt = Annotated[
    Path | None,
    typer.Option(
        "--write-after", metavar="NEXT",
        help="Also write the household after the trades to this new file (YAML, TOML or JSON; "
        "the original's comments and order kept).",
    ),
]
ReportOpt = Annotated[
    Path | None,
    typer.Option("--report", help="Also write the plan as a self-contained HTML report to this "
                 "file (as `householder report` does; with --frontier, the trade-off too)."),
]


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
    write_after: AfterOpt = None,
    report: ReportOpt = None,
    frontier: FrontierOpt = False,
    points: PointsOpt = None,
) -> None:
    """Trades, per account, that bring the household to its target at the least tax and fees."""
    from householder.cli.report import check_report, write_report
    from householder.report.common import Message

    if points is not None and not frontier:
        raise typer.BadParameter("--points is for --frontier", param_hint="--points")
    if frontier and csv is not None:
        raise typer.BadParameter("--csv writes one plan's trades; leave it out with --frontier",
                                 param_hint="--csv")
    if frontier and write_after is not None:
        raise typer.BadParameter("--write-after writes one plan's household; leave it out with "
                                 "--frontier", param_hint="--write-after")
    out = Output(json)
    with handled(out):
        check_csv(csv, file, force)
        check_after(write_after, file, force)
        check_report(report, file, force, flag="--report")
        check_distinct(csv=csv, write_after=write_after, report=report)
        book = load(file)
        require_money(book, "plan")
        if frontier:
            from householder.plan.frontier import DEFAULT_POINTS
            from householder.plan.frontier import frontier as frontier_of
            from householder.report.frontier import frontier_report

            found = frontier_of(book, points or DEFAULT_POINTS)
            blocks = frontier_report(found)
            if report is not None:
                made = write_report(book, report, inputs=[file], force=force, frontier=found)
                blocks.append(Message(f"report written to {made.out}"))
            out.emit(found, blocks)
            return
        from householder.optimize import solve_household
        from householder.plan.build import build_plan

        result = build_plan(solve_household(book))
        written = after_blocks(write_after, file, book, result, force)
        if report is not None:
            made = write_report(book, report, inputs=[file], force=force, plan=result)
            written.append(Message(f"report written to {made.out}"))
        emit_plan(out, result, csv, force, inputs=[file], extra=written)


def check_csv(csv: Path | None, file: Path, force: bool) -> None:
    """Refuse a bad ``--csv`` before any work: it may never replace the household file."""
    if csv is not None:
        from householder.io.export import check_output

        check_output(csv, inputs=[file], force=force, flag="--csv")


def check_distinct(**paths: Path | None) -> None:
    """Two output options may not name the same file: the second would replace the first."""
    from householder.errors import InputError

    seen: dict[str, str] = {}
    for flag, path in paths.items():
        if path is None:
            continue
        name = "--" + flag.replace("_", "-")
        real = os.path.realpath(path)
        if real in seen:
            raise InputError(f"{seen[real]} and {name} name the same file ({path}); give each "
                             "its own file")
        seen[real] = name


def check_after(after: Path | None, file: Path, force: bool) -> None:
    """Refuse a bad ``--write-after`` before any work: a household file's name, never the
    household file itself (another output's file: :func:`check_distinct`)."""
    if after is None:
        return
    from householder.io.export import check_household_output

    check_household_output(after, inputs=[file], force=force)


def after_blocks(
    after: Path | None, file: Path, book: Book, result: Plan, force: bool
) -> list[Block]:
    """Write the household after ``result``'s trades to ``after`` (``--write-after``); what
    to tell the user of it."""
    if after is None:
        return []
    from householder.io.export import write_after
    from householder.report.common import Message
    from householder.valuation.facts import wash_groups

    written = write_after(after, file, book, result, force=force, groups=wash_groups(book))
    return [Message(f"household after the trades written to {written.path}"),
            *(Message(note, style="warn") for note in written.notes)]


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
