"""``householder validate FILE``: load and check the file; every problem at once."""

from __future__ import annotations

from rich.markup import escape

from householder.cli.common import FileArg, JsonOpt, Output, clip, handled, load
from householder.report.common import money


def validate(file: FileArg, json: JsonOpt = False) -> None:
    """Check a household file: exit 0 when valid, 1 with every problem listed."""
    out = Output(json)
    with handled(out):
        book = load(file)
        if json:
            out.document({
                "valid": True,
                "household": book.name,
                "as_of": book.as_of.isoformat(),
                "accounts": len(book.accounts),
                "funds": sorted(book.funds),
                "total_value": round(book.total_value, 2),
                "notes": list(book.notes),
            })
        out.say(f"[green]valid[/green]: {escape(clip(book.name))}, {len(book.accounts)} accounts, "
                f"{len(book.funds)} funds, {money(book.total_value)} on {book.as_of}")
        for note in book.notes:
            out.say(f"note: {escape(note)}")
