"""``householder report FILE [--out report.html]``: the plan as one self-contained HTML page."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from householder.cli.common import FileArg, JsonOpt, Output, handled, load, require_money

if TYPE_CHECKING:
    from householder.model.book import Book
    from householder.plan.frontier import Frontier
    from householder.plan.report import Report
    from householder.plan.result import Plan

OutOpt = Annotated[
    Path,
    typer.Option("--out", "-o", help="The HTML file to write (never the household file)."),
]
FrontierOpt = Annotated[
    bool,
    typer.Option("--frontier", help="Also chart the trade-off of tax against drift "
                 "(plan --frontier, 5 points)."),
]
SweepOpt = Annotated[
    str | None,
    typer.Option(
        "--sweep",
        help="Also chart locate --sweep over one assumption: name=start:stop:step, "
        "e.g. retirement_rate=0.12:0.37:0.05.",
    ),
]
ForceOpt = Annotated[bool, typer.Option("--force", help="Replace an existing report file.")]


def report(
    file: FileArg,
    out: OutOpt = Path("report.html"),
    sweep: SweepOpt = None,
    frontier: FrontierOpt = False,
    json: JsonOpt = False,
    force: ForceOpt = False,
) -> None:
    """A self-contained HTML report of the plan: charts and tables, readable offline."""
    output = Output(json)
    with handled(output):
        check_report(out, file, force, flag="--out")
        book = load(file)
        require_money(book, "report")
        if sweep:
            from householder.plan.locate import sweep_values

            sweep_values(sweep)  # a bad --sweep fails before any solve
        found = None
        if frontier:
            from householder.plan.frontier import DEFAULT_POINTS
            from householder.plan.frontier import frontier as frontier_of

            found = frontier_of(book, DEFAULT_POINTS)
        result = write_report(book, out, inputs=[file], force=force, sweep=sweep,
                              frontier=found, flag="--out")
        from householder.report.common import Message

        output.emit(result, [Message(f"report written to {result.out}")])


def check_report(path: Path | None, file: Path, force: bool, flag: str) -> None:
    """Refuse a bad report path before any work: it may never replace the household file."""
    if path is not None:
        from householder.io.export import check_output

        check_output(path, inputs=[file], force=force, flag=flag)


def write_report(
    book: Book,
    path: Path,
    *,
    inputs: list[Path],
    force: bool,
    plan: Plan | None = None,
    sweep: str | None = None,
    frontier: Frontier | None = None,
    flag: str = "--report",
) -> Report:
    """Build the report of ``book`` (from ``plan`` when the command has one), write its HTML to
    ``path`` through :func:`householder.io.export.write_output`, and return it with ``out``
    set to the file written."""
    from householder.io.export import write_output
    from householder.plan.report import build_report
    from householder.report.html import render_html

    points = None
    if frontier is not None:
        from householder.plan.report import frontier_points

        points = frontier_points(frontier)
    result = build_report(book, plan, sweep=sweep, frontier=points)
    written = write_output(path, render_html(result), inputs=inputs, force=force, flag=flag)
    return result.model_copy(update={"out": str(written)})
