"""Shared shapes of the reports: a table as headers + rows, rounding at the edge."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Table:
    """A table for a person: a title, headers and rows of strings, and a caption."""

    title: str
    headers: list[str]
    rows: list[list[str]] = field(default_factory=list)
    caption: str = ""
    justify: list[str] = field(default_factory=list)
    """Per column: "left" or "right"; default right for all but the first."""


def money(x: float) -> str:
    return f"-${-x:,.2f}" if x < -0.004 else f"${abs(x):,.2f}"


def pct(x: float, digits: int = 2) -> str:
    return f"{100 * x:.{digits}f}%"


def points(x: float) -> str:
    return f"{100 * x:+.2f} pts"


def r2(x: float) -> float:
    """Dollars rounded to cents for output (and never ``-0.0``)."""
    return round(x, 2) + 0.0


def r6(x: float) -> float:
    """Fractions rounded to 6 places for output."""
    return round(x, 6) + 0.0
