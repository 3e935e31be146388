"""``householder validate``: the file loaded and checked, as a typed result (the checks are the
loader's, :mod:`householder.io.loader`; an invalid file never gets this far)."""

from __future__ import annotations

from householder.model.book import Book
from householder.plan.result import Result


class Validation(Result):
    valid: bool
    household: str
    as_of: str
    accounts: int
    funds: list[str]
    total_value: float
    notes: list[str]


def validate(book: Book) -> Validation:
    return Validation(
        valid=True,
        household=book.name,
        as_of=book.as_of.isoformat(),
        accounts=len(book.accounts),
        funds=sorted(book.funds),
        total_value=round(book.total_value, 2),
        notes=list(book.notes),
    )
