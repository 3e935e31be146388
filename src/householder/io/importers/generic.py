"""Any other broker's CSV, read through a column map: ``--map ticker=Symbol,shares=Qty,…``.

Fields (the map names the file's column for each; ``ticker`` and one of ``shares``/``value``
are required):

- ``ticker``: the fund's ticker (or any id; a fund the catalog does not know is listed under
  ``funds:`` for the user to describe);
- ``shares``, ``price``, ``value``: the position (two of them are enough);
- ``account``: the account number, when the file holds several accounts;
- ``name``: the fund's name;
- ``cost``: the basis; with ``acquired`` (a date) every row is one tax lot and rows of the same
  account and ticker become one holding's lots; without ``acquired`` a position-level basis,
  kept as a note like Fidelity's.

Rows whose ticker says cash (``CASH``, ``Cash & Cash Investments``) are the account's cash;
rows whose ticker is empty or a total (``Total``, ``Account Total``) are skipped. The header is
the first line that names every mapped column.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from householder.errors import InputError
from householder.io.importers.common import (
    Export,
    ExportError,
    ImportedAccount,
    ImportedHolding,
    ImportedLot,
    collect_rows,
    csv_grid,
    find_header,
    read_text,
)

BROKER = "csv"
FIELDS = ("ticker", "shares", "price", "value", "account", "name", "cost", "acquired")
SKIP = ("", "total", "account total", "positions total", "grand total")


def parse_map(text: str | None) -> dict[str, str]:
    """``ticker=Symbol,shares=Qty`` → {``ticker``: ``Symbol``, ``shares``: ``Qty``}. A column
    name may hold spaces (quote the whole option) but not a comma or ``=``."""
    if not text:
        raise InputError("--map is required for `import csv`: name the file's column for each "
                         f"field, e.g. --map ticker=Symbol,shares=Quantity,price=Price "
                         f"(fields: {', '.join(FIELDS)})")
    mapping: dict[str, str] = {}
    for part in text.split(","):
        if not part.strip():
            continue
        key, sep, column = part.partition("=")
        key = key.strip().lower()
        if not sep or not column.strip():
            raise InputError(f"--map: {part.strip()!r} is not field=Column (e.g. "
                             "ticker=Symbol)")
        if key not in FIELDS:
            raise InputError(f"--map: {key!r} is not a field; the fields are "
                             f"{', '.join(FIELDS)}")
        if key in mapping:
            raise InputError(f"--map: {key} is mapped twice; map it once")
        mapping[key] = column.strip()
    if "ticker" not in mapping:
        raise InputError("--map: map ticker to the column holding the fund's symbol "
                         "(ticker=Symbol)")
    if "shares" not in mapping and "value" not in mapping:
        raise InputError("--map: map shares (with price) or value, e.g. shares=Quantity,"
                         "price=Price")
    if "acquired" in mapping and "cost" not in mapping:
        raise InputError("--map: acquired makes every row a tax lot, which needs its cost too "
                         "(cost=Cost Basis)")
    return mapping


def read(path: str | Path, mapping: Mapping[str, str], account_number: str | None) -> Export:
    source = str(path)
    text = read_text(path)
    grid = csv_grid(text, source)
    columns = {key: (label,) for key, label in mapping.items()}
    table = find_header(grid, columns, list(mapping))
    if table is None:
        first = next((cells for cells in grid.cells if cells), [])
        have = ", ".join(repr(c) for c in first[:12])
        raise ExportError(source, "no header line names every mapped column ("
                          + ", ".join(repr(c) for c in mapping.values())
                          + f"); the first line has {have}: fix --map to match", line=1)
    needed = [k for k in ("shares", "value", "price") if k in mapping]
    collect_rows(grid, table, "CSV", needed=needed[:1])
    frame = table.frame()
    frame["_ticker"] = frame["ticker"].str.strip()
    frame = frame[~frame["_ticker"].str.lower().isin(SKIP)]
    default = account_number or Path(source).stem
    frame["_account"] = frame["account"].where(frame["account"] != "", default) if (
        "account" in frame) else default
    accounts: dict[str, ImportedAccount] = {}
    lots_mode = "acquired" in mapping
    by_line = dict(table.rows)
    for (number, ticker), rows in frame.groupby(["_account", "_ticker"], sort=False):
        account = accounts.setdefault(str(number), ImportedAccount(BROKER, str(number)))
        lines = [int(line) for line in rows["_line"]]
        if re.search(r"\bcash\b", str(ticker), re.IGNORECASE):
            for line in lines:
                cells = by_line[line]
                value = table.number(line, cells, "value", "a dollar amount")
                account.cash += value if value is not None else (
                    table.number(line, cells, "shares") or 0.0)
            continue
        holding = ImportedHolding(symbol=str(ticker).upper(), line=lines[0])
        for line in lines:
            cells = by_line[line]
            shares = table.number(line, cells, "shares")
            price = table.number(line, cells, "price", "a price")
            value = table.number(line, cells, "value", "a dollar amount")
            holding.name = holding.name or table.cell(cells, "name")
            if (shares or 0.0) < 0 or (value or 0.0) < 0:
                column = "shares" if "shares" in mapping else "value"
                raise ExportError(source, f"{ticker} is negative; householder plans long "
                                  "positions only", line=line,
                                  column=table.column_number(column), column_name=mapping[column])
            if shares is None and value is None:
                raise ExportError(source, f"{ticker} has neither shares nor a value", line=line,
                                  column=table.column_number(needed[0]),
                                  column_name=mapping[needed[0]])
            holding.shares = _add(holding.shares, shares)
            holding.value = _add(holding.value, value if value is not None else (
                shares * price if shares is not None and price else None))
            holding.price = price or holding.price
            cost = table.number(line, cells, "cost", "a dollar amount")
            if lots_mode:
                if shares is None or cost is None:
                    missing = "shares" if shares is None else "cost"
                    raise ExportError(source, f"a lot row needs its {missing}", line=line,
                                      column=table.column_number(missing),
                                      column_name=mapping[missing])
                acquired = table.date(line, cells, "acquired")
                holding.lots.append(ImportedLot(shares=shares, cost=cost, acquired=acquired))
            elif cost is not None:
                holding.cost_total = _add(holding.cost_total, cost)
        if holding.price is None and holding.value and holding.shares:
            holding.price = holding.value / holding.shares
        account.holdings.append(holding)
    if not accounts:
        raise ExportError(source, "the file has a header but no positions under it",
                          line=table.header_line)
    return Export(BROKER, source, None, list(accounts.values()))


def _add(a: float | None, b: float | None) -> float | None:
    if a is None:
        return b
    if b is None:
        return a
    return a + b
