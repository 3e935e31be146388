"""``householder locate FILE``: the asset-location plan and what it is worth."""

from __future__ import annotations

from typing import Annotated

import typer

from householder.cli.common import FileArg, JsonOpt, Output, handled, load, require_money


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
    from householder.plan.locate import locate as place
    from householder.plan.locate import sweep as sweep_over
    from householder.report.locate import locate_report, sweep_report

    out = Output(json)
    with handled(out):
        book = load(file)
        require_money(book, "locate")
        if sweep:
            swept = sweep_over(book, sweep, from_current=from_current)
            out.emit(swept, sweep_report(swept))
            return
        result = place(book, from_current=from_current)
        out.emit(result, locate_report(result))
