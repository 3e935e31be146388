"""What every broker importer shares: reading an export safely, its errors (file, line, column),
money and dates as brokers write them, and the imported accounts.

An importer turns one export into an :class:`Export` (accounts with holdings, lots where the
export has them, cash, dated purchases); :mod:`householder.io.importers.assemble` turns exports
into a household. Nothing here plans or values anything.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from householder.errors import InputError
from householder.model.types import AccountType, FundKind


class ExportError(InputError):
    """A broker export that cannot be read: the message names the file, the line and (where
    there is one) the column, and the fix."""

    def __init__(self, source: str | Path, message: str, line: int | None = None,
                 column: int | None = None, column_name: str | None = None) -> None:
        self.source = str(source)
        self.line = line
        self.column = column
        where = ""
        if line is not None:
            where = f"line {line}"
            if column is not None:
                where += f", column {column}"
                if column_name:
                    where += f" ({column_name})"
            where += ": "
        super().__init__(f"{self.source}: {where}{message}")


# -- what an export holds --------------------------------------------------------------------------


@dataclass
class ImportedLot:
    shares: float
    cost: float
    acquired: date
    id: str | None = None
    disallowed_loss: float = 0.0
    """A wash sale's disallowed loss already added to ``cost`` by the broker."""


@dataclass
class Purchase:
    """A dated buy from an export's transaction history."""

    day: date
    shares: float
    amount: float
    """Dollars paid (positive)."""
    line: int


@dataclass
class ImportedHolding:
    symbol: str
    """The ticker, or for a fund without one (a 401(k) trust) its CUSIP or plan fund id."""
    name: str = ""
    shares: float | None = None
    price: float | None = None
    value: float | None = None
    cost_total: float | None = None
    """Position-level basis (no dates): kept as a comment, never as ``cost`` (which needs the
    one lot's date)."""
    lots: list[ImportedLot] = field(default_factory=list)
    kind: FundKind | None = None
    line: int = 0
    purchases: list[Purchase] = field(default_factory=list)
    sold_in_history: bool = False
    """The export's history sells this fund (its lots cannot be rebuilt from the buys)."""


@dataclass
class ImportedAccount:
    broker: str
    number: str
    """The broker's account number as the export shows it (may be masked: ``...123``)."""
    label: str = ""
    """The broker's name for the account (``ROTH IRA``, ``Individual``)."""
    cash: float = 0.0
    holdings: list[ImportedHolding] = field(default_factory=list)
    type_hint: AccountType | None = None
    """A type the export itself states (an OFX 401(k) statement); never a guess from a name."""
    notes: list[str] = field(default_factory=list)
    history_start: date | None = None
    """The first day the export's transaction history covers (None: no history)."""

    @property
    def id(self) -> str:
        return account_id(self.broker, self.number)

    def holding(self, symbol: str) -> ImportedHolding | None:
        return next((h for h in self.holdings if h.symbol == symbol), None)


@dataclass
class Export:
    broker: str
    source: str
    as_of: date | None
    accounts: list[ImportedAccount]
    notes: list[str] = field(default_factory=list)


def dollars(amount: float) -> str:
    """``-34.56`` → ``-$34.56``."""
    return f"-${-amount:,.2f}" if amount < 0 else f"${amount:,.2f}"


def account_id(broker: str, number: str) -> str:
    """``fidelity`` + ``Z12345678`` → ``fidelity-z12345678``; ``...123`` → ``schwab-123``."""
    slug = re.sub(r"[^a-z0-9]+", "-", number.lower()).strip("-")
    return f"{broker}-{slug}" if slug else broker


# -- reading a file --------------------------------------------------------------------------------


_TEXT_CONTROLS = frozenset({9, 10, 11, 12, 13, 26, 27})
"""Control bytes a text export may hold (tab, line ends, form feed, an old end-of-file mark)."""


def read_text(path: str | Path) -> str:
    """The export's text: UTF-8 (a byte-order mark dropped) or, failing that, Windows-1252 (OFX
    1.x files say ``CHARSET:1252``). A binary file, an empty file or an unreadable one is an
    :class:`ExportError`."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise ExportError(p, "no such file") from None
    except IsADirectoryError:
        raise ExportError(p, "is a directory; name the exported file") from None
    except OSError as exc:
        raise ExportError(p, f"cannot be read: {exc.strerror or type(exc).__name__}") from None
    if not raw.replace(b"\xef\xbb\xbf", b"").strip():
        raise ExportError(p, "the file is empty; download the export again", line=1)
    sample = raw[:65536]
    binary_at = next((i for i, b in enumerate(sample) if b < 32 and b not in _TEXT_CONTROLS),
                     None)
    if binary_at is not None:
        line = sample[:binary_at].count(b"\n") + 1
        raise ExportError(p, f"not a text file (binary byte 0x{sample[binary_at]:02x} at byte "
                          f"{binary_at}); export the positions as CSV (or OFX/QFX)", line=line)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise ExportError(p, "the file is empty; download the export again", line=1)
    return text


@dataclass
class Grid:
    """A CSV export as cells: ``cells[i]`` is line ``i + 1`` (stripped, trailing empty cells
    dropped, a blank line ``[]``); ``widths[i]`` the number of fields the line really has."""

    source: str
    cells: list[list[str]]
    widths: list[int]

    def lines(self) -> list[tuple[int, list[str]]]:
        return [(i + 1, row) for i, row in enumerate(self.cells)]


def _open_quote_line(lines: Sequence[str]) -> int | None:
    """The line where a quoted cell opens that the file never closes (1-based)."""
    opened: int | None = None
    for number, line in enumerate(lines, start=1):
        if line.count('"') % 2:
            opened = number if opened is None else None
    return opened


def csv_grid(text: str, source: str | Path) -> Grid:
    """Every line of a CSV export as its cells: pandas tokenizes (quotes, embedded commas,
    trailing commas), one row per physical line, blank lines kept."""
    import csv

    import pandas as pd

    lines = text.splitlines()
    width = max((line.count(",") + 1 for line in lines), default=1)
    try:
        frame = pd.read_csv(
            io.StringIO(text), header=None, names=list(range(width)), dtype=str,
            keep_default_na=False, skip_blank_lines=False,
        )
    except pd.errors.ParserError as exc:
        line = _open_quote_line(lines)
        reason = "a quoted cell is never closed" if "EOF inside string" in str(exc) else str(exc)
        raise ExportError(source, f"{reason}; the file looks truncated or is not CSV: download "
                          "it again", line=line) from None
    except (UnicodeError, ValueError) as exc:
        raise ExportError(source, f"not readable as CSV: {exc}", line=1) from None
    cells: list[list[str]] = []
    for row in frame.itertuples(index=False, name=None):
        stripped = [str(c).strip() for c in row]
        while stripped and stripped[-1] == "":
            stripped.pop()
        cells.append(stripped)
    widths = [len(next(csv.reader([line]), [])) if line.strip() else 0 for line in lines]
    if len(cells) != len(widths):  # a quoted cell spanning lines: widths are only a guide
        widths = [max(len(c), 1) for c in cells]
    return Grid(str(source), cells, widths)


def blank(cells: Sequence[str]) -> bool:
    return not any(cells)


def label_key(label: str) -> set[str]:
    """The names a header cell answers to: ``"Qty (Quantity)"`` → {``qty``, ``quantity``,
    ``qty (quantity)``}; case and spacing ignored."""
    text = re.sub(r"\s+", " ", label.strip().lower())
    keys = {text}
    match = re.match(r"^(.*?)\s*\((.*)\)$", text)
    if match:
        keys |= {match.group(1).strip(), match.group(2).strip()}
    return keys


@dataclass
class Table:
    """A table found in a CSV export: its header line, the columns it has (logical name → index)
    and its data rows, each with its line number."""

    source: str
    header: list[str]
    header_line: int
    columns: dict[str, int]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)

    def cell(self, cells: list[str], name: str) -> str:
        index = self.columns.get(name)
        return cells[index] if index is not None and index < len(cells) else ""

    def column_number(self, name: str) -> int:
        return self.columns[name] + 1

    def number(self, line: int, cells: list[str], name: str,
               what: str = "a number") -> float | None:
        if name not in self.columns:
            return None
        return parse_number(self.cell(cells, name), source=self.source, line=line,
                            column=self.column_number(name),
                            name=self.header[self.columns[name]], what=what)

    def date(self, line: int, cells: list[str], name: str) -> date:
        return cell_date(self.cell(cells, name), source=self.source, line=line,
                         column=self.column_number(name), name=self.header[self.columns[name]])

    def frame(self) -> Any:
        """The rows as a pandas DataFrame of text cells, by logical column, with ``_line``."""
        import pandas as pd

        names = list(self.columns)
        data = [[self.cell(cells, n) for n in names] + [line] for line, cells in self.rows]
        return pd.DataFrame(data, columns=[*names, "_line"])


def find_header(grid: Grid, columns: Mapping[str, Sequence[str]], required: Sequence[str],
                start: int = 0) -> Table | None:
    """The first line at or after index ``start`` whose cells name every ``required`` logical
    column (each by one of its labels); None when there is none."""
    wanted = {name: {label.lower() for label in labels} for name, labels in columns.items()}
    for i in range(start, len(grid.cells)):
        cells = grid.cells[i]
        if len(cells) < len(required):
            continue
        found: dict[str, int] = {}
        for index, cell in enumerate(cells):
            keys = label_key(cell)
            for name, labels in wanted.items():
                if name not in found and keys & labels:
                    found[name] = index
                    break
        if all(name in found for name in required):
            return Table(grid.source, cells, i + 1, found)
    return None


def collect_rows(grid: Grid, table: Table, broker: str,
                 needed: Sequence[str] = ()) -> int:
    """Fill ``table.rows`` with the data lines under its header, up to the first blank line or
    a one-cell line (a disclaimer); return the index of the line after the table. A row with
    more cells than the header is another layout; a row cut short is a truncated file."""
    width = len(table.header)
    i = table.header_line
    while i < len(grid.cells):
        cells = grid.cells[i]
        line = i + 1
        if blank(cells) or (len(cells) == 1 and width > 2):
            break
        if len(cells) > width:
            raise ExportError(
                table.source,
                f"{len(cells)} cells where the header (line {table.header_line}) has {width} "
                f"columns (cell {width + 1} is {cells[width]!r}); this is not a {broker} export "
                "in a layout householder knows: download it again, or use `householder import "
                "csv --map …`",
                line=line, column=width + 1,
            )
        last_needed = max((table.columns[n] for n in needed if n in table.columns), default=0)
        if grid.widths[i] <= last_needed:
            missing = table.header[min(grid.widths[i], width - 1)]
            raise ExportError(
                table.source,
                f"the row ends after {grid.widths[i]} of {width} columns ({missing!r} is "
                "missing); the file looks truncated: download it again",
                line=line, column=grid.widths[i] + 1,
            )
        table.rows.append((line, cells))
        i += 1
    return i


# -- money, numbers and dates as brokers write them ------------------------------------------------

EMPTY = frozenset({"", "--", "-", "n/a", "N/A", "NA", "na", "—", "–"})
_MONEY = re.compile(r"^[+-]?\(?[+-]?\$?[+-]?(?P<num>\d[\d,]*\.?\d*|\.\d+)\)?%?$")


def parse_number(text: str, *, source: str, line: int, column: int, name: str,
                 what: str = "a number") -> float | None:
    """``$1,234.56``, ``+$5.00``, ``-$5.00``, ``($5.00)``, ``1,250.25``, ``12.5%`` → float;
    ``--``, ``n/a`` and empty → None; anything else an :class:`ExportError` at its cell."""
    raw = text.strip()
    if raw in EMPTY:
        return None
    match = _MONEY.match(raw.replace(" ", ""))
    if not match:
        raise ExportError(source, f"{raw!r} is not {what}", line=line, column=column,
                          column_name=name)
    number = float(match.group("num").replace(",", ""))
    compact = raw.replace(" ", "")
    if compact.startswith("(") != compact.rstrip("%").endswith(")"):
        raise ExportError(source, f"{raw!r} is not {what} (unbalanced parentheses)", line=line,
                          column=column, column_name=name)
    negative = "-" in compact or compact.startswith("(")
    return -number if negative else number


_DATE_FORMATS = ("%m/%d/%Y", "%Y-%m-%d", "%Y/%m/%d", "%m/%d/%y", "%b-%d-%Y", "%b %d, %Y",
                 "%B %d, %Y", "%m-%d-%Y")


def parse_date(text: str) -> date | None:
    """A date as brokers write it (``08/29/2026``, ``2026-08-29``, ``2026/08/29``,
    ``Aug-29-2026``, ``10/30/2017 00:00:00``); None when it is not one."""
    raw = text.strip()
    if not raw:
        return None
    raw = raw.split(" ")[0] if re.match(r"^\d", raw) else raw
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    return None


_DATE_IN_TEXT = re.compile(
    r"(\d{1,2}/\d{1,2}/\d{4}|\d{4}[/-]\d{1,2}[/-]\d{1,2}|[A-Z][a-z]{2}-\d{1,2}-\d{4})"
)


def find_date(text: str) -> date | None:
    """The first date written anywhere in ``text`` (a title line, a trailer)."""
    for match in _DATE_IN_TEXT.finditer(text):
        found = parse_date(match.group(1))
        if found is not None:
            return found
    return None


def cell_date(text: str, *, source: str, line: int, column: int, name: str) -> date:
    found = parse_date(text)
    if found is None:
        raise ExportError(source, f"{text.strip()!r} is not a date (MM/DD/YYYY)", line=line,
                          column=column, column_name=name)
    return found


# -- which broker wrote this? ----------------------------------------------------------------------


def sniff(text: str) -> str | None:
    """The broker whose layout ``text`` looks like, to suggest the right importer."""
    head = text[:4000]
    if "<OFX>" in head.upper() or head.lstrip().startswith("OFXHEADER"):
        return "ofx"
    if "Positions for " in head or "Lot Details" in head or "Qty (Quantity)" in head:
        return "schwab"
    if "Account Number,Investment Name,Symbol,Shares,Share Price,Total Value" in head:
        return "vanguard"
    if "Account Number,Account Name,Symbol,Description,Quantity" in head:
        return "fidelity"
    return None


def not_this_broker(source: str | Path, text: str, broker: str, expected: str) -> ExportError:
    """The error for a file that is not ``broker``'s export, naming the one it looks like."""
    other = sniff(text)
    hint = (f"it looks like a {other} export: run `householder import {other} …`" if other
            and other != broker else "export the positions again, or use `householder import "
            "csv --map ticker=…,shares=…` for another layout")
    article = "an" if broker[:1].lower() in "aeio" else "a"
    return ExportError(source, f"not {article} {broker} export: no header line with {expected}; "
                       f"{hint}", line=1)
