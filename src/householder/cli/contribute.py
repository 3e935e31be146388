"""``householder contribute FILE``: cash-flow rebalancing (new money, withdrawals, the one-time
top-up, the recurring split)."""

from __future__ import annotations

from typing import Annotated

import typer

from householder.cli.common import EXIT_USAGE, FileArg, JsonOpt, Output, handled, load
from householder.cli.plan import CsvOpt, ForceOpt, emit_plan


def contribute(
    file: FileArg,
    amount: Annotated[
        float | None,
        typer.Option(
            "--amount",
            help="New money (> 0, buys only) or a withdrawal (< 0, sells only), in dollars.",
        ),
    ] = None,
    account: Annotated[
        str | None, typer.Option("--account", help="The account the money goes in or out of.")
    ] = None,
    to_target: Annotated[
        bool,
        typer.Option(
            "--to-target",
            help="The smallest one-time contribution that reaches "
            "the target without selling, checked against IRS limits.",
        ),
    ] = False,
    split: Annotated[
        bool,
        typer.Option(
            "--split",
            help="The recurring contribution split that reaches the "
            "target in --years without selling.",
        ),
    ] = False,
    years: Annotated[int, typer.Option("--years", min=1, help="Years for --split.")] = 1,
    json: JsonOpt = False,
    csv: CsvOpt = None,
    force: ForceOpt = False,
) -> None:
    """Where new money should go (or a withdrawal come from) without selling (or buying)."""
    modes = sum([amount is not None, to_target, split])
    if modes != 1:
        typer.echo("error: give exactly one of --amount N, --to-target or --split", err=True)
        raise typer.Exit(EXIT_USAGE)
    from householder.plan import contribute as cf
    from householder.report.contribute import contribution_blocks, split_report

    out = Output(json)
    with handled(out):
        book = load(file)
        if split:
            result = cf.contribution_split(book, years)
            out.emit(result, split_report(result))
            return
        plan = (
            cf.contribute_to_target(book)
            if to_target
            else cf.contribute_amount(book, float(amount or 0.0), account)
        )
        emit_plan(out, plan, csv, force, extra=contribution_blocks(plan))
