"""``householder tdf FILE``: the target-date fund alternative, person by person."""

from __future__ import annotations

from rich.markup import escape

from householder.cli.common import FileArg, JsonOpt, Output, handled, load


def tdf(file: FileArg, json: JsonOpt = False) -> None:
    """For each person: the target-date vintage nearest their retirement among the funds their
    accounts offer, its mix against target, and the yearly fee of holding it instead."""
    from householder.report.tdf import tdf_json, tdf_tables
    from householder.valuation.tdf import target_date_alternative

    out = Output(json)
    with handled(out):
        book = load(file)
        people = target_date_alternative(book)
        if json:
            out.document(tdf_json(book, people))
        out.tables(tdf_tables(book, people))
        for person in people:
            for note in person.notes:
                out.say(f"note: {escape(note)}")
