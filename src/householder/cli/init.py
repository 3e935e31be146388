"""``householder init``: a commented starter household that validates, from flags (prompts only
when a terminal is attached and no flag says what to write), or around an import (``--from``)."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from householder.cli.common import JsonOpt, Output, handled

if TYPE_CHECKING:
    from householder.io.importers.starter import PersonSpec
    from householder.model.types import AccountType


def init(
    output: Annotated[Path, typer.Option(
        "-o", "--output", help="The household file to write (YAML).")] = Path("household.yaml"),
    person: Annotated[list[str] | None, typer.Option(
        "--person", help="A person's id (repeat for each); --birth-year follows in order.")] = None,
    birth_year: Annotated[list[int] | None, typer.Option(
        "--birth-year", help="The birth year of each --person, in order.")] = None,
    account: Annotated[list[str] | None, typer.Option(
        "--account", help="An account type to start with (taxable, roth_ira, "
        "traditional_401k, hsa, …; repeat for each).")] = None,
    name: Annotated[str | None, typer.Option("--name", help="The household's name.")] = None,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="The valuation date (YYYY-MM-DD); default today, or the import's.")] = None,
    from_: Annotated[Path | None, typer.Option(
        "--from", help="A file written by `householder import`: keep its accounts, funds and "
        "date, and add people, tax and a target around them.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace OUT if it exists.")] = False,
    json: JsonOpt = False,
) -> None:
    """Write a commented starter household (people, tax, a target, one account of each type
    you name) that validates."""
    from householder.errors import InputError
    from householder.io.importers import parse_type
    from householder.io.importers.starter import PersonSpec

    people = list(person or [])
    years = list(birth_year or [])
    if len(years) > len(people):
        raise typer.BadParameter("each --birth-year follows its --person",
                                 param_hint="--birth-year")
    day = None
    if as_of is not None:
        try:
            day = date.fromisoformat(as_of)
        except ValueError:
            raise typer.BadParameter(f"{as_of!r} is not a date (YYYY-MM-DD)",
                                     param_hint="--as-of") from None
    if output.suffix.lower() not in {".yaml", ".yml"}:
        raise typer.BadParameter(f"{output} must end in .yaml: init writes commented YAML",
                                 param_hint="-o")
    types_text = list(account or [])
    if not people and not types_text and from_ is None and not json and _interactive():
        name, people, years, types_text = _ask(name)
    try:
        types = [parse_type(t) for t in types_text]
    except InputError as exc:
        raise typer.BadParameter(str(exc).replace("--type", "--account"),
                                 param_hint="--account") from None
    if not types and from_ is None:
        types = [parse_type("taxable")]
    specs = [PersonSpec(p, years[i] if i < len(years) else None) for i, p in enumerate(people)]
    out = Output(json)
    with handled(out):
        _run(out, output, specs, types, name, day, from_, force)


def _interactive() -> bool:
    try:
        return sys.stdin.isatty() and sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def _ask(name: str | None) -> tuple[str | None, list[str], list[int], list[str]]:
    """Prompts for a terminal user who gave no flags."""
    name = typer.prompt("Household name", default=name or "Household")
    ids = typer.prompt("People (ids, comma-separated)", default="me")
    people = [p.strip() for p in ids.split(",") if p.strip()]
    years: list[int] = []
    for person in people:
        years.append(int(typer.prompt(f"Birth year of {person}", type=int)))
    kinds = typer.prompt("Account types (comma-separated: taxable, roth_ira, traditional_ira, "
                         "traditional_401k, hsa, …)", default="taxable")
    return name, people, years, [k.strip() for k in kinds.split(",") if k.strip()]


def _run(out: Output, output: Path, people: list[PersonSpec], types: list[AccountType],
         name: str | None, as_of: date | None, source: Path | None, force: bool) -> None:
    from householder.errors import HouseholdFileError
    from householder.io import build_book, parse_text, read_file
    from householder.io.importers.starter import HEADER, starter
    from householder.io.importers.yamlout import render, write_new

    base = read_file(source) if source is not None else None
    data, comments = starter(people, types, name=name, as_of=as_of, base=base)
    header = list(HEADER)
    if source is not None:
        header.insert(0, f"Made from {source.name} by `householder init --from`.")
    text = render(data, comments, header, spacing=("people", "tax", "target", "glide", "policy",
                                                   "classes", "funds", "accounts", "prices"))
    problems: list[str] = []
    try:
        build_book(parse_text(text, "yaml", str(output)), source=str(output))
    except HouseholdFileError as exc:
        problems = [str(p) for p in exc.problems]
    written = write_new(output, text, force=force, inputs=[source] if source else [])
    if out.json_mode:
        out.document({"written": str(written), "valid": not problems, "problems": problems,
                      "people": [p["id"] for p in data["people"]],
                      "accounts": [a.get("id") for a in data["accounts"]]})
    n_people, n_accounts = len(data["people"]), len(data["accounts"])
    out.say(f"wrote {escape(str(written))}: {n_people} {'person' if n_people == 1 else 'people'}"
            f", {n_accounts} account{'' if n_accounts == 1 else 's'}"
            + ("; the target is a placeholder: set yours" if "target" in comments else ""))
    if problems:
        out.say(f"still to do before it validates ({len(problems)}):")
        for problem in problems:
            out.say(f"  {escape(problem)}")
    else:
        out.say(f"[green]valid[/green]: edit it, then `householder drift {escape(str(written))}`")
