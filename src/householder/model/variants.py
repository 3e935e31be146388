"""Variants of a resolved household, derived in the model (never by writing a file and loading it
again): the household as if every account were cash (``locate``), with its holdings gone
(``contribute --split``'s steady split), or with one assumption changed (``locate --sweep``).

A variant is a new :class:`~householder.model.book.Book` that shares the original's fund
universe and prices; its derived facts (allocation classes, exposures) are computed afresh.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from pydantic import BaseModel, ValidationError

from householder.errors import InputError
from householder.model.book import AccountBook, Book
from householder.model.catalog import Taxonomy
from householder.model.types import WholeShares

BUY_RULES = ("do_not_buy", "closed_to_new_money")
"""The restrictions a household without its holdings keeps: what it may not buy. (Floors,
``do_not_sell`` and ``no_short_term_gains`` are about holdings it no longer has.)"""


def _with_accounts(book: Book, accounts: tuple[AccountBook, ...], **household: Any) -> Book:
    specs = [a.spec for a in accounts]
    kept = [r for r in book.household.restrictions if r.rule in BUY_RULES]
    household.setdefault("restrictions", kept)
    new = book.household.model_copy(update={"accounts": specs, **household})
    return dataclasses.replace(book, household=new, accounts=accounts, notes=())


def _emptied(account: AccountBook, cash: float) -> AccountBook:
    spec = account.spec.model_copy(
        update={"holdings": [], "cash": cash, "contributions": None, "transactions": []}
    )
    return AccountBook(spec=spec, positions=(), buyable=account.buyable)


def as_cash(book: Book) -> Book:
    """Every account's value in cash, whole shares ignored, no minimum trade and no gain cap:
    where classes would go with nothing in the way (``locate``)."""
    accounts = tuple(_emptied(a, round(a.value, 10)) for a in book.accounts)
    policy = book.household.policy.model_copy(
        update={"whole_shares": WholeShares.NEVER, "min_trade": 0.0, "max_realized_gain": None}
    )
    return _with_accounts(book, accounts, policy=policy)


def emptied(book: Book) -> Book:
    """Every account with nothing in it: no holdings, no cash, no contributions."""
    return _with_accounts(book, tuple(_emptied(a, 0.0) for a in book.accounts))


TAX_SETTINGS = ("retirement_rate", "ordinary_rate", "long_term_rate")
POLICY_SETTINGS = ("horizon_years",)
LOCATION_SETTINGS = ("sold_at_horizon", "risk_adjusted")
"""``policy.location``'s assumptions (``risk_adjusted``: 0 or 1)."""
CLASS_SETTINGS = ("return", "yield")


def with_setting(book: Book, name: str, value: float) -> Book:
    """``book`` with one assumption changed: a tax rate (``retirement_rate``, ``ordinary_rate``,
    ``long_term_rate``), ``horizon_years``, the location model's ``sold_at_horizon`` or
    ``risk_adjusted`` (0 or 1), or a class's ``return.<class>`` or ``yield.<class>``."""
    household = book.household
    if name in TAX_SETTINGS:
        tax = _revalidated(household.tax, name, value)
        return dataclasses.replace(book, household=household.model_copy(update={"tax": tax}))
    if name in POLICY_SETTINGS:
        policy = _revalidated(household.policy, name, round(value))
        return dataclasses.replace(book, household=household.model_copy(update={"policy": policy}))
    if name in LOCATION_SETTINGS:
        given: float | bool = value if name == "sold_at_horizon" else bool(round(value))
        location = _revalidated(household.policy.location, name, given)
        policy = household.policy.model_copy(update={"location": location})
        return dataclasses.replace(book, household=household.model_copy(update={"policy": policy}))
    field, _, class_id = name.partition(".")
    if field in CLASS_SETTINGS and class_id:
        if class_id not in book.taxonomy:
            raise InputError(f"--sweep {name}: {class_id!r} is not a known class")
        low, high = (-0.5, 1.0) if field == "return" else (0.0, 1.0)
        if not low <= value <= high:
            raise InputError(f"--sweep {name}: {value:g} is outside {low:g} to {high:g}")
        old = book.taxonomy[class_id]
        info = (
            dataclasses.replace(old, expected_return=value)
            if field == "return"
            else dataclasses.replace(old, yield_=value)
        )
        taxonomy = Taxonomy({**book.taxonomy.classes, class_id: info})
        return dataclasses.replace(book, taxonomy=taxonomy)
    settable = [*TAX_SETTINGS, *POLICY_SETTINGS, *LOCATION_SETTINGS,
                *(f"{f}.<class>" for f in CLASS_SETTINGS)]
    raise InputError(f"--sweep {name!r}: sweepable settings are {', '.join(settable)}")


def _revalidated(model: BaseModel, name: str, value: Any) -> Any:
    """``model`` with ``name`` set to ``value``, checked as the file's field would be."""
    try:
        return type(model).model_validate({**model.model_dump(), name: value})
    except ValidationError as exc:
        why = exc.errors()[0]["msg"] if exc.errors() else str(exc)
        raise InputError(f"--sweep {name}={value:g}: {why}") from None
