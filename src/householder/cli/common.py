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
    Path, typer.Argument(help="The household file (YAML, TOML or JSON).", show_default=False)
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
        """Tables and messages, in order, every piece of text as plain text."""
        for block in blocks:
            self.human.print(render(block))


STYLES = {"good": "green", "warn": "yellow", "bad": "red", "strong": "bold"}
"""How the terminal shows a report's styles."""


def text(value: Cell, style: Style | None = None) -> Text:
    """Plain text, never read as markup (a lot id ``[blink]A`` prints as given)."""
    if isinstance(value, Styled):
        return Text(value.text, style=STYLES[value.style])
    return Text(value, style=STYLES[style] if style else "")


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
        out.errors.print(f"[bold red]error:[/bold red] {escape(str(exc))}", markup=True,
                         soft_wrap=True)
        raise typer.Exit(EXIT_INPUT) from None


def _first_line(exc: BaseException) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def load(path: Path) -> Book:
    from householder.io import load_household

    return load_household(path)
