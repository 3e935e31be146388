"""``householder import BROKER FILE… [--into HOUSEHOLD] [-o OUT]``: broker exports into
household accounts, written to a new file, with the list of what the user must still supply."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

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
    out = Output(json)
    with handled(out):
        _run(out, broker, files, into, choice, output, column_map, day, force)


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


def _run(out: Output, broker: Broker, files: list[Path], into: Path | None, choice: TypeChoice,
         output: Path, column_map: str | None, as_of: date | None, force: bool) -> None:
    from householder.errors import HouseholdFileError
    from householder.io import build_book, parse_text, read_file
    from householder.io.importers import assemble, read_exports
    from householder.io.importers.generic import parse_map
    from householder.io.importers.yamlout import render, write_new

    mapping = parse_map(column_map) if broker is Broker.CSV else None
    exports = read_exports(broker, files, mapping)
    base = read_file(into) if into is not None else None
    result = assemble(exports, into=base, types=choice, as_of=as_of)
    names = ", ".join(p.name for p in files)
    header = [f"Imported by `householder import {broker.value}` from {names}"
              + (f" into {into.name}" if into else "") + ".",
              "Comments mark what you must still supply; `householder validate` checks it."]
    spacing = ("people", "tax", "target", "glide", "policy", "classes", "funds", "accounts",
               "prices")
    text = render(result.data, result.comments, header, spacing)
    problems: list[str] = []
    try:
        build_book(parse_text(text, "yaml", str(output)), source=str(output))
    except HouseholdFileError as exc:
        problems = [str(p) for p in exc.problems]
    written = write_new(output, text, force=force, inputs=[*files, *([into] if into else [])])
    if out.json_mode:
        out.document({
            "written": str(written),
            "broker": broker.value,
            "as_of": result.data["as_of"].isoformat(),
            "accounts": result.accounts,
            "funds_added": result.funds_added,
            "todo": [{"path": t.path, "message": t.message} for t in result.todo],
            "notes": result.notes,
            "valid": not problems,
            "problems": problems,
        })
    n = len(result.accounts)
    holdings = sum(a["holdings"] for a in result.accounts)
    lots = sum(a["lots"] for a in result.accounts)
    out.say(f"wrote {escape(str(written))}: {n} account{'s' if n != 1 else ''}, {holdings} "
            f"holding{'s' if holdings != 1 else ''}, {lots} lot{'s' if lots != 1 else ''} "
            f"from {broker.value}" + (f", merged into {escape(str(into))}" if into else ""))
    for summary in result.accounts:
        matched = f" (updates {summary['matched']})" if summary["matched"] else ""
        out.say(f"  {escape(summary['imported_as'])}{escape(matched)}: "
                f"{escape(str(summary['type']))}, {summary['holdings']} "
                f"holding{'' if summary['holdings'] == 1 else 's'}, cash ${summary['cash']:,.2f}")
    if result.todo:
        out.say(f"still to do ({len(result.todo)}):")
        for item in result.todo:
            out.say(f"  {escape(str(item))}")
    for note in result.notes:
        out.say(f"note: {escape(note)}")
    if problems:
        out.say(f"`householder validate {escape(str(written))}` reports {len(problems)} "
                f"problem{'s' if len(problems) != 1 else ''} until the list is done")
    else:
        out.say(f"[green]valid[/green]: `householder plan {escape(str(written))}` can run now")
