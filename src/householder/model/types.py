"""Value types of the household file: rates, percent weights, money, enums.

A **rate** (``ordinary_rate``, ``expense_ratio``, ``expected_return``) may be written as a
fraction (``0.24``) or a percent string (``"24%"``) and is stored as a fraction.
A **weight** inside ``target``, ``split``, ``classes`` and contribution splits is a percent: a
bare number means percent (``75`` is 75 %), ``"75%"`` too; it is stored in percent.
"""

from __future__ import annotations

import math
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator


def _number(value: Any, what: str, percent_scale: float = 1.0) -> float:
    """A finite float from a number or a string; ``"N%"`` becomes ``N * percent_scale``."""
    if isinstance(value, bool):
        raise ValueError(f"expected {what}, got a boolean")
    if isinstance(value, int | float):
        try:
            number = float(value)
        except OverflowError:  # an integer beyond any float: 10**400
            raise ValueError(f"expected {what}, got a number too large to use") from None
    elif isinstance(value, str):
        text = value.strip().replace(",", "").replace("_", "")
        percent = text.endswith("%")
        if percent:
            text = text[:-1].strip()
        try:
            number = float(text)
        except ValueError:
            raise ValueError(f"expected {what}, got {value!r}") from None
        if percent:
            number *= percent_scale
    else:
        raise ValueError(f"expected {what}, got {type(value).__name__}")
    return _finite(number, what)


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
    """A finite dollar amount; ``"1,250.50"`` is accepted."""
    return _number(value, "a dollar amount")


def _non_negative(value: float) -> float:
    if value < 0:
        raise ValueError(f"must not be negative (got {value:g})")
    return value


Rate = Annotated[float, BeforeValidator(parse_rate)]
"""A fraction; accepts ``0.24`` or ``"24%"``."""

Weight = Annotated[float, BeforeValidator(parse_weight), AfterValidator(_non_negative)]
"""A percent; accepts ``75`` or ``"75%"``; never negative."""

Money = Annotated[float, BeforeValidator(parse_money)]
"""Dollars, finite."""

NonNegativeMoney = Annotated[float, BeforeValidator(parse_money), AfterValidator(_non_negative)]
"""Dollars, finite, ≥ 0."""


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
