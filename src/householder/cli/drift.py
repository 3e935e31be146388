"""``householder drift FILE``: the household against its target and bands."""

from __future__ import annotations

from typing import Annotated

import typer

from householder.cli.common import (
    EXIT_BREACHED,
    FileArg,
    JsonOpt,
    Output,
    handled,
    load,
    require_money,
)


def drift(
    file: FileArg,
    json: JsonOpt = False,
    check: Annotated[
        bool, typer.Option("--check", help="Exit 3 when any class is out of its band (for cron).")
    ] = False,
) -> None:
    """How far the household is from target, against tolerance bands (5/25 by default)."""
    from householder.plan.drift import drift as measure
    from householder.report.drift import drift_report

    out = Output(json)
    with handled(out):
        book = load(file)
        require_money(book, "drift")
        result = measure(book)
        out.emit(result, drift_report(result))
    if check and result.breached:
        raise typer.Exit(EXIT_BREACHED)
