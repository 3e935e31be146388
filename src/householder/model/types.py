"""Value types of the household file: rates, percent weights, money, enums.

A **rate** (``ordinary_rate``, ``expense_ratio``, ``expected_return``) may be written as a
fraction (``0.24``) or a percent string (``"24%"``) and is stored as a fraction.
A **weight** inside ``target``, ``split``, ``classes`` and contribution splits is a percent: a
bare number means percent (``75`` is 75 %), ``"75%"`` too; it is stored in percent.
**Money** is dollars: a number, or a string in one grammar (``"1,250.50"``, ``"$1,250.50"``).

The grammar of a number written as text is one, and anything outside it is refused with the
fix (docs/file-reference.md, "Units"): a decimal point, never a decimal comma; commas only
between groups of exactly three digits, and only in money; a ``$`` only in money; a ``%``
only in rates and weights. ``'1.000,50'``, ``'1,2,3'``, ``'0,05%'`` and a percent where dollars
are meant (``value: '12%'``) are errors, not guesses.
"""

from __future__ import annotations

import math
import re
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, WithJsonSchema

MAX_MONEY = 1e12
"""The largest dollar amount (a holding, cash, a cost, a contribution, the household's total)
householder accepts: a trillion dollars. Inside the solver money is a fraction of the household
value, and its answers are rounded to the cent at the edge (plan/rounding.py); past this the
cent is below what double precision and the solvers' tolerances keep."""

MIN_PLAN_VALUE = 1.0
"""The least money (holdings and cash, with any new money) a plan works with: below a dollar,
percent targets come down to fractions of a cent, and a plan would claim a target it cannot
trade to."""

MAX_PRICE = 1e7
"""The largest price per share accepted (ten million dollars; the dearest listed share is
below a million)."""

MIN_PRICE = 1e-4
"""The smallest price per share accepted (a hundredth of a cent, the smallest tick of a
sub-penny stock): below it a share count is no longer a number a broker takes."""

MAX_SHARES = 1e12
"""The most shares one holding or lot may hold."""

_DECIMAL = r"(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_MONEY_TEXT = re.compile(
    r"(?P<sign>[+-]?)\$?(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|" + _DECIMAL + r")"
)
"""Money as text: an optional sign and ``$``, digits with a decimal point, commas only between
groups of exactly three digits (``1,234,567.89``), or an exponent (``1e6``) without commas."""
_PERCENT_TEXT = re.compile(r"(?P<number>[+-]?" + _DECIMAL + r")\s*(?P<percent>%?)")
"""A rate or weight as text: a decimal number, optionally followed by ``%``."""
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+\s*%?")
_NOT_FINITE = {"nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"}


def _number(value: Any, what: str, percent_scale: float = 1.0) -> float:
    """A finite float from a number or a rate/weight string; ``"N%"`` becomes
    ``N * percent_scale``."""
    if isinstance(value, str):
        text = value.strip()
        if text.lower() in _NOT_FINITE:
            raise ValueError(f"expected {what}, got {_shown(value)} (must be a finite number)")
        match = _PERCENT_TEXT.fullmatch(text)
        if match is None:
            raise ValueError(_grammar_hint(text, value, what, money=False))
        number = float(match["number"])
        if match["percent"]:
            number *= percent_scale
        return _finite(number, what)
    return _finite(_plain(value, what), what)


def _plain(value: Any, what: str) -> float:
    """A number written as a number (YAML, TOML, JSON), as a float."""
    if isinstance(value, bool):
        raise ValueError(f"expected {what}, got a boolean")
    if isinstance(value, int | float):
        try:
            return float(value)
        except OverflowError:  # an integer beyond any float: 10**400
            raise ValueError(f"expected {what}, got a number too large to use") from None
    raise ValueError(f"expected {what}, got {type(value).__name__}")


def _money(value: Any) -> float:
    """Dollars from a number or a money string (:data:`_MONEY_TEXT`)."""
    what = "a dollar amount"
    if isinstance(value, str):
        text = value.strip()
        if text.lower() in _NOT_FINITE:
            raise ValueError(f"expected {what}, got {_shown(value)} (must be a finite number)")
        if text.endswith("%"):
            raise ValueError(
                f"{_shown(value)} is a percent, not dollars; write the dollar amount "
                "(e.g. 12000 or '12,000.00')"
            )
        match = _MONEY_TEXT.fullmatch(text)
        if match is None:
            raise ValueError(_grammar_hint(text, value, what, money=True))
        number = float(match["number"].replace(",", ""))
        number = -number if match["sign"] == "-" else number
    else:
        number = _plain(value, what)
    number = _finite(number, what)
    if abs(number) > MAX_MONEY:
        raise ValueError(
            f"{number:g} is too large: an amount is at most $1,000,000,000,000 (a trillion "
            "dollars), the range householder plans in to the cent"
        )
    return number


def _grammar_hint(text: str, value: str, what: str, *, money: bool) -> str:
    """Why ``text`` is not a number of the grammar, and how to write it."""
    shown = _shown(value)
    comma = _DECIMAL_COMMA.fullmatch(text)
    if comma and (not money or not _MONEY_TEXT.fullmatch(text)):
        whole, fraction = text.rstrip("% ").split(",")
        if len(fraction) != 3 or whole.lstrip("+-") in {"", "0"}:
            fixed = text.replace(",", ".").replace(" ", "")
            return f"{shown} uses a decimal comma; write {fixed!r} (a decimal point)"
        return (
            f"{shown} is ambiguous (a decimal comma, or a thousands separator?); write it "
            f"with a decimal point and no commas, e.g. {text.replace(',', '.')!r} or "
            f"{text.replace(',', '')!r}"
        )
    if "," in text:
        if money:
            return (
                f"{shown} is not a dollar amount: write a decimal point, and commas only "
                "between groups of three digits (1234.50 or '1,234.50')"
            )
        return f"{shown}: write {what} without commas and with a decimal point"
    if "$" in text and not money:
        return f"{shown}: a $ sign belongs to money only; write {what}"
    grammar = _MONEY_TEXT if money else _PERCENT_TEXT
    for mark, name in (("_", "underscores"), (" ", "spaces")):
        if mark in text and grammar.fullmatch(text.replace(mark, "")):
            return f"{shown}: write the number without {name} (1000, or '1,000' for money)"
    return f"expected {what}, got {shown}"


def _shown(value: str, limit: int = 40) -> str:
    """``value`` quoted for a message, cut short when long (a message never prints a
    megabyte of the user's file back)."""
    return repr(value if len(value) <= limit else value[:limit] + "…")


def _finite(number: float, what: str) -> float:
    if not math.isfinite(number):
        raise ValueError(f"expected {what}, got {number} (must be a finite number)")
    return number


def parse_rate(value: Any) -> float:
    """``0.24`` or ``"24%"`` → ``0.24``."""
    return _number(value, "a rate (0.24 or '24%')", percent_scale=0.01)


def parse_weight(value: Any) -> float:
    """``75``, ``75.0`` or ``"75%"`` → ``75.0`` (percent)."""
    return _number(value, "a percent weight (75 or '75%')")


def parse_money(value: Any) -> float:
    """A finite dollar amount, at most :data:`MAX_MONEY`; ``"1,250.50"`` and ``"$1,250.50"``
    are accepted, ``"12%"`` and ``"1.000,50"`` are not."""
    return _money(value)


def _non_negative(value: float) -> float:
    if value < 0:
        raise ValueError(f"must not be negative (got {value:g})")
    return value


_RATE_SCHEMA = WithJsonSchema(
    {
        "anyOf": [
            {"type": "number"},
            {"type": "string", "pattern": r"^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*%?\s*$"},
        ],
        "description": "a fraction (0.24) or a percent string ('24%')",
    }
)
_WEIGHT_SCHEMA = WithJsonSchema(
    {
        "anyOf": [
            {"type": "number", "minimum": 0},
            {"type": "string", "pattern": r"^\s*\+?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*%?\s*$"},
        ],
        "description": "a percent: 75 or '75%'",
    }
)


def _money_schema(minimum: float | None) -> WithJsonSchema:
    number: dict[str, Any] = {"type": "number", "maximum": MAX_MONEY}
    number["minimum"] = -MAX_MONEY if minimum is None else minimum
    sign = r"[+-]?" if minimum is None else r"\+?"
    return WithJsonSchema(
        {
            "anyOf": [
                number,
                {
                    "type": "string",
                    "pattern": r"^\s*" + sign + r"\$?(\d{1,3}(,\d{3})+(\.\d+)?|(\d+(\.\d*)?|\.\d+)"
                    r"([eE][+-]?\d+)?)\s*$",
                },
            ],
            "description": "dollars: 1250.5, '1,250.50' or '$1,250.50'",
        }
    )


Rate = Annotated[float, BeforeValidator(parse_rate), _RATE_SCHEMA]
"""A fraction; accepts ``0.24`` or ``"24%"``."""

Weight = Annotated[
    float, BeforeValidator(parse_weight), AfterValidator(_non_negative), _WEIGHT_SCHEMA
]
"""A percent; accepts ``75`` or ``"75%"``; never negative."""

Money = Annotated[float, BeforeValidator(parse_money), _money_schema(None)]
"""Dollars, finite, at most :data:`MAX_MONEY` either way."""

NonNegativeMoney = Annotated[
    float, BeforeValidator(parse_money), AfterValidator(_non_negative), _money_schema(0)
]
"""Dollars, finite, ≥ 0, at most :data:`MAX_MONEY`."""


JOINT = "joint"
"""The ``owner`` of an account two people own together (a reserved person id)."""


class FilingStatus(StrEnum):
    SINGLE = "single"
    MARRIED_JOINT = "married_joint"
    MARRIED_SEPARATE = "married_separate"
    HEAD_OF_HOUSEHOLD = "head_of_household"


class AccountType(StrEnum):
    TAXABLE = "taxable"
    TRADITIONAL_401K = "traditional_401k"
    ROTH_401K = "roth_401k"
    TRADITIONAL_IRA = "traditional_ira"
    ROTH_IRA = "roth_ira"
    HSA = "hsa"
    B403 = "403b"
    ROTH_403B = "roth_403b"
    B457 = "457b"
    SEP_IRA = "sep_ira"
    SIMPLE_IRA = "simple_ira"
    PLAN_529 = "529"


class Treatment(StrEnum):
    """How an account is taxed."""

    TAXABLE = "taxable"
    TAX_DEFERRED = "tax_deferred"
    TAX_EXEMPT = "tax_exempt"


TREATMENT: dict[AccountType, Treatment] = {
    AccountType.TAXABLE: Treatment.TAXABLE,
    AccountType.TRADITIONAL_401K: Treatment.TAX_DEFERRED,
    AccountType.B403: Treatment.TAX_DEFERRED,
    AccountType.B457: Treatment.TAX_DEFERRED,
    AccountType.TRADITIONAL_IRA: Treatment.TAX_DEFERRED,
    AccountType.SEP_IRA: Treatment.TAX_DEFERRED,
    AccountType.SIMPLE_IRA: Treatment.TAX_DEFERRED,
    AccountType.ROTH_401K: Treatment.TAX_EXEMPT,
    AccountType.ROTH_403B: Treatment.TAX_EXEMPT,
    AccountType.ROTH_IRA: Treatment.TAX_EXEMPT,
    AccountType.HSA: Treatment.TAX_EXEMPT,
    AccountType.PLAN_529: Treatment.TAX_EXEMPT,
}
"""Roth, HSA (spent on medical costs) and 529 (spent on education) grow untaxed."""


class Income(StrEnum):
    """Tax character of a class's yield."""

    NONE = "none"
    QUALIFIED = "qualified"
    ORDINARY = "ordinary"
    TAX_EXEMPT = "tax_exempt"
    FOREIGN = "foreign"


class FundKind(StrEnum):
    MUTUAL_FUND = "mutual_fund"
    ETF = "etf"
    STOCK = "stock"
    MONEY_MARKET = "money_market"
    CIT = "cit"


WHOLE_SHARE_KINDS = frozenset({FundKind.ETF, FundKind.STOCK})


class AllocationBasis(StrEnum):
    PRE_TAX = "pre_tax"
    AFTER_TAX = "after_tax"


class WholeShares(StrEnum):
    AUTO = "auto"
    """ETFs and stocks in whole shares, mutual funds fractional."""
    ALWAYS = "always"
    """Every fund with a known price trades in whole shares."""
    NEVER = "never"
    """Fractional shares everywhere (a broker that allows them)."""


class UnknownBasis(StrEnum):
    REFUSE = "refuse"
    """A taxable holding without lots or cost is not sold."""
    ZERO = "zero"
    """Such a holding may be sold as if all of it were long-term gain."""
