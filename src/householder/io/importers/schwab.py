"""Schwab's positions export and its per-symbol lot-detail exports.

Positions: a title line ``"Positions for account Individual ...123 as of 12:33 PM ET,
2025/05/04"`` (or ``"Positions for All-Accounts as of …"`` followed, per account, by a line
naming it: ``"Individual ...111"``), a blank line, the header, one row per position, a ``Cash &
Cash Investments`` row (the account's cash) and a totals row (``Account Total``, or ``Positions
Total`` in newer files). Three header generations are read by their labels, in any order:

- ``"Symbol","Description","Quantity","Price","Price Change %","Price Change $","Market Value",
  …,"Cost Basis",…,"Security Type"`` (to 2022);
- ``"Symbol","Description","Quantity","Price","Price Change $","Price Change %","Market Value",
  …,"Cost Basis","Gain/Loss $",…`` (2023–2024, after the TD Ameritrade move);
- ``"Symbol","Description","Qty (Quantity)","Price",…,"Mkt Val (Market Value)",…,"Cost Basis",
  …,"Asset Type"`` (2025: short labels with the long one in parentheses; columns may be
  reordered or hidden by the user).

Money as ``$1,234.56``, ``($126.93)`` for a negative, ``--`` or ``N/A`` for empty.

Lot details (one file per symbol): a title ``"SHOP Lot Details for XXXX-5792 as of …"``, the
header ``"Open Date","Quantity","Price","Cost/Share","Market Value","Cost Basis","Gain/Loss $",
"Gain/Loss %","Holding Period"`` (sometimes with ``"Disallowed Loss"``: a wash sale's loss, which
Schwab has already added to the lot's cost basis), one row per open lot and a ``Total`` row.
Each lot becomes a tax lot of the symbol's holding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from householder.io.importers.common import (
    Export,
    ExportError,
    Grid,
    ImportedAccount,
    ImportedHolding,
    ImportedLot,
    Table,
    collect_rows,
    csv_grid,
    find_date,
    find_header,
    not_this_broker,
    read_text,
)
from householder.model.types import FundKind

BROKER = "schwab"

POSITION_COLUMNS = {
    "symbol": ("Symbol",),
    "description": ("Description",),
    "quantity": ("Quantity", "Qty"),
    "price": ("Price",),
    "value": ("Market Value", "Mkt Val"),
    "cost": ("Cost Basis",),
    "security_type": ("Security Type", "Asset Type"),
}
POSITION_REQUIRED = ("symbol", "quantity", "price", "value")

LOT_COLUMNS = {
    "open_date": ("Open Date",),
    "quantity": ("Quantity", "Qty"),
    "cost_per_share": ("Cost/Share", "Cost Per Share"),
    "cost": ("Cost Basis",),
    "disallowed": ("Disallowed Loss",),
}
LOT_REQUIRED = ("open_date", "quantity")

CASH_ROWS = ("cash & cash investments", "cash and cash investments", "cash & money market")
TOTAL_ROWS = ("account total", "positions total", "total")

KINDS = {
    "etfs & closed end funds": FundKind.ETF,
    "etf": FundKind.ETF,
    "equity": FundKind.STOCK,
    "mutual funds": FundKind.MUTUAL_FUND,
    "mutual fund": FundKind.MUTUAL_FUND,
    "cash and money market": FundKind.MONEY_MARKET,
    "money market": FundKind.MONEY_MARKET,
}

_ACCOUNT = re.compile(
    r"^\s*(?P<label>.*?)\s*(?P<number>(?:\.\.\.|XXXX-|xxxx-)\s*\w+|\d{4}-\d{4})\s*$"
)


@dataclass
class LotFile:
    source: str
    symbol: str
    account: str | None
    """The account number the title names (``XXXX-5792``), when it names one."""
    lots: list[ImportedLot]
    line: int


def split_account(text: str) -> tuple[str, str]:
    """``"Individual ...123"`` → (``Individual``, ``...123``); ``"Roth Contributory IRA
    XXXX-1234"`` → (``Roth Contributory IRA``, ``XXXX-1234``)."""
    match = _ACCOUNT.match(text)
    if match:
        return match.group("label").strip(), re.sub(r"\s+", "", match.group("number"))
    return text.strip(), text.strip()


def digits(number: str) -> str:
    return re.sub(r"\D", "", number)


def read(paths: list[str | Path]) -> Export:
    """Positions files and lot-detail files, in any order; lots attach to their positions."""
    positions: list[Export] = []
    lot_files: list[LotFile] = []
    for path in paths:
        source = str(path)
        text = read_text(path)
        grid = csv_grid(text, source)
        lot_table = find_header(grid, LOT_COLUMNS, LOT_REQUIRED)
        if lot_table is not None:
            lot_files.append(read_lots(grid, lot_table))
            continue
        positions.append(read_positions(grid, text))
    if not positions:
        first = lot_files[0]
        raise ExportError(first.source, "a lot-details file needs the positions export of its "
                          "account too: add the Positions CSV to the command", line=1)
    export = Export(BROKER, positions[0].source, max((e.as_of for e in positions if e.as_of),
                                                     default=None), [], [])
    for part in positions:
        export.accounts.extend(part.accounts)
        export.notes.extend(part.notes)
    for lot_file in lot_files:
        attach(export, lot_file)
    return export


def read_positions(grid: Grid, text: str) -> Export:
    source = grid.source
    title = " ".join(grid.cells[0]) if grid.cells else ""
    as_of = find_date(title) if "as of" in title.lower() else None
    single: tuple[str, str] | None = None
    match = re.search(r"Positions for account\s+(.*?)\s+as of", title, re.IGNORECASE)
    if match:
        single = split_account(match.group(1))
    accounts: list[ImportedAccount] = []
    start = 0
    while True:
        table = find_header(grid, POSITION_COLUMNS, POSITION_REQUIRED, start)
        if table is None:
            break
        label, number = single if single else section_account(grid, table, source)
        account = ImportedAccount(BROKER, number, label)
        start = collect_rows(grid, table, "Schwab positions", needed=("value",))
        read_rows(table, account)
        accounts.append(account)
        if single:
            break
    if not accounts:
        raise not_this_broker(source, text, BROKER,
                              "Symbol, Quantity (Qty), Price and Market Value (Mkt Val)")
    return Export(BROKER, source, as_of, accounts)


def section_account(grid: Grid, table: Table, source: str) -> tuple[str, str]:
    """The account named on the line above a section's header (an All-Accounts file)."""
    for i in range(table.header_line - 2, -1, -1):
        cells = grid.cells[i]
        if len(cells) == 1 and not cells[0].lower().startswith("positions for"):
            return split_account(cells[0])
        if cells and i < table.header_line - 3:
            break
    raise ExportError(source, "the header has no title line naming its account above it "
                      "('Positions for account … as of …'); download the positions again",
                      line=table.header_line)


def read_rows(table: Table, account: ImportedAccount) -> None:
    source = table.source
    for line, cells in table.rows:
        symbol = table.cell(cells, "symbol")
        lowered = symbol.lower()
        value = table.number(line, cells, "value", "a dollar amount")
        if lowered in CASH_ROWS:
            account.cash += value or 0.0
            continue
        if lowered in TOTAL_ROWS:
            continue
        if not symbol or symbol == "--":
            raise ExportError(source, "no symbol in a position row", line=line,
                              column=table.column_number("symbol"), column_name="Symbol")
        shares = table.number(line, cells, "quantity")
        price = table.number(line, cells, "price", "a price")
        if shares is None and value is None:
            raise ExportError(source, f"{symbol} has neither a quantity nor a market value",
                              line=line, column=table.column_number("quantity"),
                              column_name=table.header[table.columns["quantity"]])
        if (shares or 0.0) < 0 or (value or 0.0) < 0:
            raise ExportError(source, f"{symbol} is a short position (negative); householder "
                              "plans long positions only: close it or leave the row out",
                              line=line, column=table.column_number("quantity"),
                              column_name=table.header[table.columns["quantity"]])
        kind = KINDS.get(table.cell(cells, "security_type").lower())
        account.holdings.append(ImportedHolding(
            symbol=symbol, name=table.cell(cells, "description"), shares=shares,
            price=price if price else None, value=value,
            cost_total=table.number(line, cells, "cost", "a dollar amount"), kind=kind, line=line,
        ))


def read_lots(grid: Grid, table: Table) -> LotFile:
    source = grid.source
    title = " ".join(grid.cells[0]) if grid.cells else ""
    match = re.match(r"^\s*(?P<symbol>\S+)\s+Lot Details(?:\s+for\s+(?P<acct>.*?))?"
                     r"(?:\s+as of.*)?$", title, re.IGNORECASE)
    if match is None:
        raise ExportError(source, "a lot-details file starts with its title (\"SYMBOL Lot "
                          "Details for … as of …\"); this one does not: download it again", line=1)
    collect_rows(grid, table, "Schwab lot details", needed=("quantity",))
    lots: list[ImportedLot] = []
    for line, cells in table.rows:
        first = table.cell(cells, "open_date")
        if first.lower() == "total":
            continue
        acquired: date = table.date(line, cells, "open_date")
        shares = table.number(line, cells, "quantity")
        if shares is None or shares <= 0:
            raise ExportError(source, "a lot needs a positive quantity", line=line,
                              column=table.column_number("quantity"), column_name="Quantity")
        cost = table.number(line, cells, "cost", "a dollar amount")
        if cost is None:
            per_share = table.number(line, cells, "cost_per_share", "a dollar amount")
            if per_share is None:
                raise ExportError(source, "the lot has no cost basis (neither Cost Basis nor "
                                  "Cost/Share)", line=line, column=table.column_number("open_date"),
                                  column_name="Open Date")
            cost = round(per_share * shares, 2)
        disallowed = table.number(line, cells, "disallowed", "a dollar amount") or 0.0
        lots.append(ImportedLot(shares=shares, cost=cost, acquired=acquired,
                                disallowed_loss=abs(disallowed)))
    if not lots:
        raise ExportError(source, "the lot-details file lists no lots", line=table.header_line)
    acct = (match.group("acct") or "").strip()
    return LotFile(source, match.group("symbol").upper(), acct or None, lots, table.header_line)


def attach(export: Export, lot_file: LotFile) -> None:
    """Give the lots to the holding of their symbol (in the account the title names)."""
    candidates = [a for a in export.accounts if a.holding(lot_file.symbol) is not None]
    if lot_file.account:
        _, number = split_account(lot_file.account)
        tail = digits(number)
        named = [a for a in candidates if tail and digits(a.number)
                 and (tail.endswith(digits(a.number)) or digits(a.number).endswith(tail))]
        candidates = named or candidates
    if not candidates:
        raise ExportError(lot_file.source, f"the positions exports hold no {lot_file.symbol}; "
                          "add the positions file of the account these lots belong to", line=1)
    if len(candidates) > 1:
        names = ", ".join(a.id for a in candidates)
        raise ExportError(lot_file.source, f"{lot_file.symbol} is held in {names}, and the title "
                          "does not say which account these lots are from; import each "
                          "account's positions and lots separately", line=1)
    holding = candidates[0].holding(lot_file.symbol)
    assert holding is not None
    lot_shares = sum(lot.shares for lot in lot_file.lots)
    if holding.shares is not None and abs(lot_shares - holding.shares) > 1e-3:
        raise ExportError(lot_file.source, f"the lots hold {lot_shares:g} shares of "
                          f"{lot_file.symbol} but the positions export (line {holding.line}) "
                          f"shows {holding.shares:g}; download both files at the same time",
                          line=lot_file.line)
    if holding.lots:
        raise ExportError(lot_file.source, f"{lot_file.symbol}'s lots are given twice; pass "
                          "each lot-details file once", line=1)
    holding.lots = lot_file.lots
    washed = sum(lot.disallowed_loss for lot in lot_file.lots)
    if washed:
        candidates[0].notes.append(
            f"{lot_file.symbol}: ${washed:,.2f} of wash-sale disallowed loss is already in the "
            "lots' cost basis (Schwab adds it to the replacement lots)"
        )
