"""``householder import`` and ``householder init``: the household file written from broker
exports (or a starter), checked, and what the user must still supply, as typed results. Reading
the exports and writing the file are :mod:`householder.io.importers`'."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from householder.errors import HouseholdFileError
from householder.io import build_book, parse_text, read_file
from householder.io.export import check_output, write_output
from householder.io.importers import Broker, TypeChoice, assemble, read_exports
from householder.io.importers.generic import parse_map
from householder.io.importers.starter import HEADER, PersonSpec, starter
from householder.io.importers.yamlout import render
from householder.model.types import AccountType
from householder.plan.result import Result

SPACING = ("people", "tax", "target", "glide", "policy", "classes", "funds", "accounts",
           "prices")
"""Top-level keys the written file separates with a blank line."""


class ImportedAccount(Result):
    id: str
    imported_as: str
    broker: str | None = None
    number: str | None = None
    label: str | None = None
    type: str | None = None
    matched: str | None = None
    cash: float = 0.0
    holdings: int = 0
    lots: int = 0


class ToDo(Result):
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class Imported(Result):
    """What ``import`` wrote and what is left to do."""

    written: str
    broker: str
    as_of: str
    into: str | None
    accounts: list[ImportedAccount]
    funds_added: list[str]
    todo: list[ToDo]
    notes: list[str]
    valid: bool
    problems: list[str]

    def to_json(self) -> dict[str, object]:
        doc = super().to_json()
        doc.pop("into", None)
        return doc


class Started(Result):
    """What ``init`` wrote."""

    written: str
    valid: bool
    problems: list[str]
    people: list[str]
    accounts: list[str | None]
    placeholder_target: bool = False

    def to_json(self) -> dict[str, object]:
        doc = super().to_json()
        doc.pop("placeholder_target", None)
        return doc


def _problems(text: str, output: Path) -> list[str]:
    """What ``validate`` would say of the text about to be written."""
    try:
        build_book(parse_text(text, "yaml", str(output)), source=str(output))
    except HouseholdFileError as exc:
        return [str(p) for p in exc.problems]
    return []


def import_exports(
    broker: Broker,
    files: list[Path],
    output: Path,
    *,
    into: Path | None = None,
    types: TypeChoice | None = None,
    column_map: str | None = None,
    as_of: date | None = None,
    force: bool = False,
) -> Imported:
    """Read ``files``, merge into ``into`` when given, write the new household file
    ``output`` (never over an input: :mod:`householder.io.export`)."""
    inputs = [*files, *([into] if into else [])]
    check_output(output, inputs=inputs, force=force, flag="-o")  # before any work
    mapping = parse_map(column_map) if broker is Broker.CSV else None
    exports = read_exports(broker, files, mapping)
    base = read_file(into) if into is not None else None
    result = assemble(exports, into=base, types=types or TypeChoice(), as_of=as_of)
    names = ", ".join(p.name for p in files)
    header = [f"Imported by `householder import {broker.value}` from {names}"
              + (f" into {into.name}" if into else "") + ".",
              "Comments mark what you must still supply; `householder validate` checks it."]
    text = render(result.data, result.comments, header, SPACING)
    problems = _problems(text, output)
    write_output(output, text, inputs=inputs, force=force, flag="-o")
    return Imported(
        written=str(output),  # the name as given (the file written is its target)
        broker=broker.value,
        as_of=result.data["as_of"].isoformat(),
        into=None if into is None else str(into),
        accounts=[ImportedAccount(**a) for a in result.accounts],
        funds_added=list(result.funds_added),
        todo=[ToDo(path=t.path, message=t.message) for t in result.todo],
        notes=list(result.notes),
        valid=not problems,
        problems=problems,
    )


def start_household(
    output: Path,
    people: list[PersonSpec],
    types: list[AccountType],
    *,
    name: str | None = None,
    as_of: date | None = None,
    source: Path | None = None,
    force: bool = False,
) -> Started:
    """A commented starter household, written to ``output``."""
    inputs = [source] if source is not None else []
    check_output(output, inputs=inputs, force=force, flag="-o")  # before any work
    base = read_file(source) if source is not None else None
    data, comments = starter(people, types, name=name, as_of=as_of, base=base)
    header = list(HEADER)
    if source is not None:
        header.insert(0, f"Made from {source.name} by `householder init --from`.")
    text = render(data, comments, header, spacing=SPACING)
    problems = _problems(text, output)
    write_output(output, text, inputs=inputs, force=force, flag="-o")
    return Started(
        written=str(output),
        valid=not problems,
        problems=problems,
        people=[p["id"] for p in data["people"]],
        accounts=[a.get("id") for a in data["accounts"]],
        placeholder_target="target" in comments,
    )
