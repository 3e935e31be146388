"""What every report is made of: tables and messages, as plain data.

Text here is never markup: a lot id ``[blink]A`` or an account named ``[tlh-2]`` prints as
given. Emphasis is data too (:class:`Styled`, a message's ``style``), which the renderer (the CLI's
:func:`householder.cli.common.render`; the HTML report) turns into its own styling, so user text
is escaped in one place by construction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Style = Literal["good", "warn", "bad", "strong"]
"""What a styled piece of text means: fine (green), a warning (yellow), a problem (red), or
emphasis."""


@dataclass(frozen=True)
class Styled:
    """A table cell with a meaning beyond its text (an out-of-band status, a sell)."""

    text: str
    style: Style

    def __str__(self) -> str:
        return self.text


Cell = str | Styled


@dataclass
class Table:
    """A table for a person: a title, headers and rows of cells, and a caption."""

    title: str
    headers: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    caption: str = ""
    justify: list[str] = field(default_factory=list)
    """Per column: "left" or "right"; default right for all but the first."""


@dataclass(frozen=True)
class Message:
    """A line for a person, after the tables: ``lead`` (styled) then ``text`` (plain)."""

    text: str
    lead: str = ""
    style: Style | None = None
    """The style of ``lead``, or of the whole line when there is no lead."""

    def __str__(self) -> str:
        return self.lead + self.text


Block = Table | Message
"""One piece of a report, in the order it prints."""


def note(text: str) -> Message:
    return Message(text, lead="note: ")


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
