"""Fidelity's positions export (``Portfolio_Positions_<date>.csv``).

Layout (both generations): a header ``Account Number,Account Name,Symbol,Description,Quantity,
Last Price,Last Price Change,Current Value,…,Cost Basis Total,Average Cost Basis,Type`` (older
files: ``…,Cost Basis,Cost Basis Per Share,Type``), one row per position and account, rows
ending in a comma the header does not have, then a blank line, disclaimer lines and ``"Date
downloaded 08/29/2026 10:30 AM ET"``. The file may start with a byte-order mark.

- A symbol ending in ``**`` is the account's core position (SPAXX**, FDRXX**, FCASH**): the
  money market fund that settles trades. It is the account's ``cash`` (a buy draws on it
  without a sale), not a holding.
- ``Pending Activity`` is money in flight (a sale not yet settled): added to ``cash``.
- Money is ``$1,234.56``, ``+$5.00``, ``-$5.00``; ``--`` is empty. Basis is per position only
  (``Cost Basis Total``), with no dates: kept as a note, never as a holding's ``cost``.
"""

from __future__ import annotations

from pathlib import Path

from householder.io.importers.common import (
    Export,
    ExportError,
    ImportedAccount,
    ImportedHolding,
    collect_rows,
    csv_grid,
    dollars,
    find_date,
    find_header,
    not_this_broker,
    read_text,
)

BROKER = "fidelity"

COLUMNS = {
    "account": ("Account Number",),
    "label": ("Account Name",),
    "symbol": ("Symbol",),
    "description": ("Description",),
    "quantity": ("Quantity",),
    "price": ("Last Price",),
    "value": ("Current Value",),
    "cost": ("Cost Basis Total", "Cost Basis"),
}
REQUIRED = ("account", "symbol", "quantity", "price", "value")
PENDING = "pending activity"


def read(path: str | Path) -> Export:
    source = str(path)
    text = read_text(path)
    grid = csv_grid(text, source)
    table = find_header(grid, COLUMNS, REQUIRED)
    if table is None:
        raise not_this_broker(source, text, BROKER,
                              "Account Number, Symbol, Quantity, Last Price and Current Value")
    end = collect_rows(grid, table, "Fidelity positions", needed=("value",))
    as_of = None
    for cells in grid.cells[end:]:
        if cells and cells[0].lower().startswith("date downloaded"):
            as_of = find_date(" ".join(cells))
    accounts: dict[str, ImportedAccount] = {}
    notes: list[str] = []
    for line, cells in table.rows:
        number = table.cell(cells, "account")
        symbol = table.cell(cells, "symbol")
        if not number:
            raise ExportError(source, "no account number; is the file complete?", line=line,
                              column=table.column_number("account"), column_name="Account Number")
        account = accounts.setdefault(
            number, ImportedAccount(BROKER, number, table.cell(cells, "label"))
        )
        value = table.number(line, cells, "value", "a dollar amount")
        if symbol.lower() == PENDING:
            if value:
                account.cash += value
                notes.append(f"{account.id}: pending activity of {dollars(value)} (line {line}) "
                             "counted as cash")
            continue
        if not symbol:
            raise ExportError(source, "no symbol in a position row", line=line,
                              column=table.column_number("symbol"), column_name="Symbol")
        if symbol.endswith("**"):
            account.cash += value or 0.0
            account.notes.append(f"{symbol} (the core money market, line {line}) is the "
                                 f"account's cash: ${value or 0.0:,.2f}")
            continue
        shares = table.number(line, cells, "quantity")
        price = table.number(line, cells, "price", "a price")
        if shares is None and value is None:
            raise ExportError(source, f"{symbol} has neither a quantity nor a current value",
                              line=line, column=table.column_number("quantity"),
                              column_name="Quantity")
        if (shares or 0.0) < 0 or (value or 0.0) < 0:
            raise ExportError(source, f"{symbol} is a short position (negative); householder "
                              "plans long positions only: close it or leave the row out",
                              line=line, column=table.column_number("quantity"),
                              column_name="Quantity")
        account.holdings.append(ImportedHolding(
            symbol=symbol.strip(),
            name=table.cell(cells, "description"),
            shares=shares,
            price=price if price else None,
            value=value,
            cost_total=table.number(line, cells, "cost", "a dollar amount"),
            line=line,
        ))
    if not accounts:
        raise ExportError(source, "the export has a header but no positions; download it again",
                          line=table.header_line)
    return Export(BROKER, source, as_of, list(accounts.values()), notes)
