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
from rich.text import Text

from householder.errors import HouseholderError, HouseholdFileError
from householder.report.common import Message, Styled

if TYPE_CHECKING:
    from householder.model.book import Book
    from householder.plan.result import Result
    from householder.report.common import Block, Cell, Style

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

    def emit(self, result: Result, blocks: list[Block]) -> None:
        """A command's result: its JSON document (with ``--json``) and its report for people."""
        if self.json_mode:
            self.document(result.to_json())
        self.report(blocks)

    def report(self, blocks: list[Block]) -> None:
        """Tables and messages, in order, every piece of text as plain text. With ``--json``,
        tables go to stderr only when a person can see them (stderr is a terminal, or
        ``HOUSEHOLDER_TABLES=1``): a script reads the document, and rendering the tables of a
        10,000-lot plan took longer than parsing its file (docs/performance.md). Messages
        (notes, warnings, the summary lines) always go."""
        tables = not self.json_mode or _tables_wanted()
        for block in blocks:
            if tables or isinstance(block, Message):
                self.human.print(render(block))


TABLES_ENV = "HOUSEHOLDER_TABLES"
"""``1``: with ``--json``, render the human tables on stderr even when it is not a terminal;
``0``: never."""


def _tables_wanted() -> bool:
    import os

    forced = os.environ.get(TABLES_ENV, "").strip()
    if forced in {"0", "1"}:
        return forced == "1"
    return sys.stderr.isatty()


def clip(value: str) -> str:
    """Human output with long user strings (a name, an id pasted as a blob) cut short; the
    JSON document keeps them whole. Looser than a problem's clipping: a long file path stays."""
    from householder.io.errors import clip_text

    return clip_text(value, limit=4000, token=300, kept=120)


STYLES = {"good": "green", "warn": "yellow", "bad": "red", "strong": "bold"}
"""How the terminal shows a report's styles."""


def text(value: Cell, style: Style | None = None) -> Text:
    """Plain text, never read as markup (a lot id ``[blink]A`` prints as given), long user
    strings clipped."""
    if isinstance(value, Styled):
        return Text(clip(value.text), style=STYLES[value.style])
    return Text(clip(value), style=STYLES[style] if style else "")


def render(block: Block) -> RichTable | Text:
    """The one place a report becomes rich output: text objects, no markup parsed."""
    if isinstance(block, Message):
        if block.lead:
            return Text.assemble(text(block.lead, block.style), text(block.text))
        return text(block.text, block.style)
    out = RichTable(title=text(block.title), caption=text(block.caption) if block.caption else None,
                    title_justify="left", caption_justify="left")
    for i, header in enumerate(block.headers):
        justify = block.justify[i] if i < len(block.justify) else ("left" if i == 0 else "right")
        out.add_column(text(header), justify=justify)  # type: ignore[arg-type]
    for row in block.rows:
        out.add_row(*(text(cell) for cell in row))
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
