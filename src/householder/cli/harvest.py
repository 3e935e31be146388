"""``householder harvest FILE [--min-loss DOLLARS]``: tax-loss harvesting candidates, their
replacements, the tax saved and the wash-sale calendar."""

from __future__ import annotations

import math
from typing import Annotated

import typer

from householder.cli.common import FileArg, JsonOpt, Output, handled, load

MinLossOpt = Annotated[
    float,
    typer.Option("--min-loss", metavar="DOLLARS",
                 help="Harvest only lots whose loss is at least this many dollars."),
]


def harvest(file: FileArg, min_loss: MinLossOpt = 0.0, json: JsonOpt = False) -> None:
    """Lots to sell at a loss now, what to buy instead, the tax saved, and what not to buy
    until when."""
    if not math.isfinite(min_loss) or min_loss < 0:
        raise typer.BadParameter(f"{min_loss:g} is not a dollar amount of 0 or more",
                                 param_hint="--min-loss")
    out = Output(json)
    with handled(out):
        book = load(file)
        from householder.plan.harvest import harvest as harvest_of
        from householder.report.harvest import harvest_report

        result = harvest_of(book, min_loss)
        out.emit(result, harvest_report(result))
