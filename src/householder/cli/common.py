"""What every command shares: loading, JSON on stdout, tables and errors on stderr, exit codes.

Exit codes: 0 success, 1 invalid input or no feasible plan, 2 usage, 3 ``drift --check`` breached.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable

from householder.errors import HouseholderError, HouseholdFileError

if TYPE_CHECKING:
    from householder.model.book import Book
    from householder.report.common import Table

EXIT_OK, EXIT_INPUT, EXIT_USAGE, EXIT_BREACHED = 0, 1, 2, 3

FileArg = Annotated[
    Path,
    # readable=False: whether the file can be read is the reader's to say (exit 1, with the
    # reason), not click's (exit 2, a usage error)
    typer.Argument(
        help="The household file (YAML, TOML or JSON).", show_default=False, readable=False,
        metavar="FILE",
    ),
]
JsonOpt = Annotated[
    bool, typer.Option("--json", help="Write one JSON document to stdout; human output to stderr.")
]


class Output:
    """Where a command writes: stdout for its result, stderr for humans when ``--json``."""

    def __init__(self, json_mode: bool) -> None:
        self.json_mode = json_mode
        self.human = Console(stderr=json_mode, highlight=False, soft_wrap=False)
        self.errors = Console(stderr=True, highlight=False)

    def document(self, doc: dict[str, Any]) -> None:
        """The one JSON document of a ``--json`` run."""
        sys.stdout.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
        sys.stdout.flush()

    def tables(self, tables: list[Table]) -> None:
        for table in tables:
            self.human.print(render(table))

    def say(self, text: str) -> None:
        self.human.print(clip(text))


def clip(text: str) -> str:
    """Human output with long user strings (a name, an id pasted as a blob) cut short; the
    JSON document keeps them whole. Looser than a problem's clipping: a long file path stays."""
    from householder.io.errors import clip_text

    return clip_text(text, limit=4000, token=300, kept=120)


def render(table: Table) -> RichTable:
    # titles, captions and headers are plain text (they carry names from the file, which may
    # hold brackets); cells may carry markup, such as a red status
    out = RichTable(title=escape(clip(table.title)), caption=escape(clip(table.caption)) or None,
                    title_justify="left", caption_justify="left")
    for i, header in enumerate(table.headers):
        justify = table.justify[i] if i < len(table.justify) else ("left" if i == 0 else "right")
        out.add_column(escape(clip(header)), justify=justify)  # type: ignore[arg-type]
    for row in table.rows:
        out.add_row(*(clip(cell) for cell in row))
    return out


@contextmanager
def handled(out: Output) -> Iterator[None]:
    """Turn householder's errors into a message (and a JSON error document) and exit 1."""
    try:
        yield
    except HouseholderError as exc:
        problems = [str(p) for p in exc.problems] if isinstance(exc, HouseholdFileError) else []
        if out.json_mode:
            doc: dict[str, Any] = {"error": _first_line(exc), "kind": type(exc).__name__}
            if problems:
                doc["problems"] = problems
            out.document(doc)
        # the message quotes the file ('[a, b]', a ticker), so it must not be read as markup
        out.errors.print(f"[bold red]error:[/bold red] {escape(_shown_error(exc))}",
                         markup=True, soft_wrap=True)
        raise typer.Exit(EXIT_INPUT) from None


MAX_PROBLEMS_SHOWN = 200
"""A file with more problems shows this many on stderr (all of them are in the JSON)."""


def _shown_error(exc: HouseholderError) -> str:
    """The message on stderr: a file's problems (already cut short where they quote the file)
    up to :data:`MAX_PROBLEMS_SHOWN`."""
    if not isinstance(exc, HouseholdFileError) or len(exc.problems) <= MAX_PROBLEMS_SHOWN:
        return str(exc)
    lines = str(exc).splitlines()
    shown = lines[: MAX_PROBLEMS_SHOWN + 1]
    more = len(exc.problems) - MAX_PROBLEMS_SHOWN
    return "\n".join([*shown, f"  … and {more:,} more (all of them with --json)"])


def _first_line(exc: BaseException) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def load(path: Path) -> Book:
    from householder.io import load_household

    return load_household(path)


def require_money(book: Book, command: str, new_money: float = 0.0) -> None:
    """Refuse a household too small to plan (docs/file-reference.md, "Magnitude limits"):
    never a claim of being on target about fractions of a cent."""
    from householder.errors import InputError
    from householder.model.types import MIN_PLAN_VALUE

    total = book.total_value + max(new_money, 0.0)
    if command == "drift":
        if total <= 0:
            raise InputError(
                f"{book.name[:60]}: the household holds $0.00, so it has no allocation to "
                "measure; give the accounts' holdings (value:, or shares: with a price) and cash"
            )
        return
    if total < MIN_PLAN_VALUE:
        held = f"${book.total_value:,.2f}"
        more = f" and ${new_money:,.2f} of new money" if new_money > 0 else ""
        hint = (
            "; for new money into empty accounts: householder contribute FILE --amount N"
            if command != "contribute" else ""
        )
        raise InputError(
            f"{book.name[:60]}: the household holds {held}{more} in all; {command} needs at "
            f"least ${MIN_PLAN_VALUE:,.2f} to work with: give the accounts' holdings (value:, "
            f"or shares: with a price) and cash{hint}"
        )
