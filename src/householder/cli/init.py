"""``householder init``: a commented starter household that validates, from flags (prompts only
when a terminal is attached and no flag says what to write), or around an import (``--from``)."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from householder.cli.common import JsonOpt, Output, handled

if TYPE_CHECKING:
    pass


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
    from householder.plan.imports import start_household
    from householder.report.imports import init_report

    out = Output(json)
    with handled(out):
        result = start_household(output, specs, types, name=name, as_of=day, source=from_,
                                 force=force)
        out.emit(result, init_report(result))


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
