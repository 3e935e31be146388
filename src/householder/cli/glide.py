"""``householder glide FILE``: the glide path's target year by year to retirement."""

from __future__ import annotations

from rich.markup import escape

from householder.cli.common import FileArg, JsonOpt, Output, handled, load


def glide(file: FileArg, json: JsonOpt = False) -> None:
    """The target year by year from as_of to retirement (a fixed target says it has none)."""
    from householder.model.glide import schedule
    from householder.report.glide import glide_json, glide_tables

    out = Output(json)
    with handled(out):
        book = load(file)
        points = schedule(book.household) if book.household.glide is not None else []
        if json:
            out.document(glide_json(book, points))
        if book.household.glide is None:
            out.say(f"{escape(book.name)} has no glide path: its target is fixed.")
        out.tables(glide_tables(book, points))
