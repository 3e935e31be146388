"""``householder drift FILE``: the household against its target and bands."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

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
    from householder.report.drift import drift_json, drift_tables
    from householder.valuation import measure_drift

    out = Output(json)
    with handled(out):
        book = load(file)
        require_money(book, "drift")
        result = measure_drift(book)
        if json:
            out.document(drift_json(book, result))
        out.tables(drift_tables(book, result))
        if result.breached:
            names = escape(", ".join(r.cls for r in result.rows if r.breached))
            out.say(f"[yellow]Out of band:[/yellow] {names}. `householder plan` proposes trades.")
        else:
            out.say("[green]Every class is inside its band: nothing to do.[/green]")
        for note in book.notes:
            out.say(f"note: {escape(note)}")
    if check and result.breached:
        raise typer.Exit(EXIT_BREACHED)
