"""``householder import BROKER FILE… [--into HOUSEHOLD] [-o OUT]``: broker exports into
household accounts, written to a new file, with the list of what the user must still supply."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from householder.cli.common import JsonOpt, Output, handled
from householder.io.importers import Broker

if TYPE_CHECKING:
    from householder.io.importers import TypeChoice

BrokerArg = Annotated[Broker, typer.Argument(help="Whose export: fidelity, schwab, vanguard, "
                                             "ofx (OFX/QFX from any broker) or csv (with --map).",
                                             show_default=False)]
FilesArg = Annotated[list[Path], typer.Argument(help="The exported files (Schwab: positions "
                                                "and lot-detail files together).",
                                                show_default=False)]


def import_(
    broker: BrokerArg,
    files: FilesArg,
    into: Annotated[Path | None, typer.Option(
        "--into", help="Merge into this household file (it is read, never changed).")] = None,
    account: Annotated[list[str] | None, typer.Option(
        "--account", help="An imported account (id or account number) whose --type follows; "
        "repeat the pair for each account.")] = None,
    type_: Annotated[list[str] | None, typer.Option(
        "--type", help="The account's type (taxable, roth_ira, traditional_401k, … or roth, "
        "ira, 401k, brokerage); alone, for a single-account import.")] = None,
    output: Annotated[Path, typer.Option(
        "-o", "--output", help="The new household file to write (YAML).")] = Path("imported.yaml"),
    column_map: Annotated[str | None, typer.Option(
        "--map", help="csv only: field=Column pairs, e.g. ticker=Symbol,shares=Qty,price=Price "
        "(fields: ticker, shares, price, value, account, name, cost, acquired).")] = None,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="The exports' date (YYYY-MM-DD) when they carry none (Vanguard, "
        "csv); default today.")] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Replace OUT if it exists (never an input).")] = False,
    json: JsonOpt = False,
) -> None:
    """Read broker exports into household accounts and write them to a new file, merged into
    --into when given; list what you must still supply."""
    choice = _type_choice(account or [], type_ or [])
    if column_map is not None and broker is not Broker.CSV:
        raise typer.BadParameter("--map is for `import csv` only", param_hint="--map")
    day = _as_of(as_of)
    if output.suffix.lower() not in {".yaml", ".yml"}:
        raise typer.BadParameter(f"{output} must end in .yaml: import writes YAML (with "
                                 "comments where you must fill something in)", param_hint="-o")
    from householder.plan.imports import import_exports
    from householder.report.imports import import_report

    out = Output(json)
    with handled(out):
        result = import_exports(broker, files, output, into=into, types=choice,
                                column_map=column_map, as_of=day, force=force)
        out.emit(result, import_report(result))


def _type_choice(accounts: list[str], types: list[str]) -> TypeChoice:
    from householder.errors import InputError
    from householder.io.importers import TypeChoice, parse_type

    try:
        parsed = [parse_type(t) for t in types]
    except InputError as exc:
        raise typer.BadParameter(str(exc), param_hint="--type") from None
    if not accounts:
        if len(parsed) > 1:
            raise typer.BadParameter("several --type need an --account each (--account ID "
                                     "--type TYPE, repeated)", param_hint="--type")
        return TypeChoice(every=parsed[0] if parsed else None)
    if len(accounts) != len(parsed):
        raise typer.BadParameter(f"{len(accounts)} --account but {len(parsed)} --type: give "
                                 "them in pairs (--account ID --type TYPE)",
                                 param_hint="--account")
    return TypeChoice(by_account=dict(zip(accounts, parsed, strict=True)))


def _as_of(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a date (YYYY-MM-DD)",
                                 param_hint="--as-of") from None
