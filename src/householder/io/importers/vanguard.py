"""Vanguard's ``OfxDownload.csv``: two tables in one file.

1. Holdings: ``Account Number,Investment Name,Symbol,Shares,Share Price,Total Value,`` (every
   line ends in a comma), one row per fund and account.
2. After one or more blank lines, transactions: ``Account Number,Trade Date,Settlement Date,
   Transaction Type,Transaction Description,Investment Name,Symbol,Shares,Share Price,Principal
   Amount,Commissions and Fees,Net Amount,Accrued Interest,Account Type,`` (older files:
   ``Commission Fees``).

Some downloads repeat the pair per account; every table is read. The file carries no date:
the positions are as of the download (``--as-of``, or today).

- VMFXX, the brokerage account's settlement fund, is the account's ``cash`` (as Fidelity's core
  position); a row without a symbol whose name says cash (``CASH``, a sweep) is cash as well.
- Buys (``Buy``, ``Reinvestment``) are dated purchases of their fund: when the history explains
  a holding's every share (bought in the file, never sold or transferred) they become its lots;
  otherwise the ones inside the wash-sale window are listed for the user to add (see
  :mod:`householder.io.importers.assemble`).
"""

from __future__ import annotations

import re
from pathlib import Path

from householder.io.importers.common import (
    Export,
    ExportError,
    ImportedAccount,
    ImportedHolding,
    Purchase,
    collect_rows,
    csv_grid,
    find_header,
    not_this_broker,
    read_text,
)

BROKER = "vanguard"
SETTLEMENT_FUND = "VMFXX"

HOLDING_COLUMNS = {
    "account": ("Account Number",),
    "name": ("Investment Name",),
    "symbol": ("Symbol",),
    "shares": ("Shares",),
    "price": ("Share Price",),
    "value": ("Total Value",),
}
HOLDING_REQUIRED = ("account", "name", "symbol", "shares", "price", "value")

TRANSACTION_COLUMNS = {
    "account": ("Account Number",),
    "trade_date": ("Trade Date",),
    "type": ("Transaction Type",),
    "name": ("Investment Name",),
    "symbol": ("Symbol",),
    "shares": ("Shares",),
    "price": ("Share Price",),
    "principal": ("Principal Amount",),
    "net": ("Net Amount",),
}
TRANSACTION_REQUIRED = ("account", "trade_date", "type", "symbol", "shares")

BUYS = ("buy", "reinvestment", "reinvest", "purchase")
SELLS = ("sell", "redemption")
MOVES = ("transfer", "exchange", "conversion", "spin-off", "stock split", "corp action")
"""Transaction types that change the share count without a purchase price."""


def read(path: str | Path) -> Export:
    source = str(path)
    text = read_text(path)
    grid = csv_grid(text, source)
    accounts: dict[str, ImportedAccount] = {}
    start = 0
    found_holdings = False
    while True:
        table = find_header(grid, HOLDING_COLUMNS, HOLDING_REQUIRED, start)
        if table is None:
            break
        found_holdings = True
        start = collect_rows(grid, table, "Vanguard OfxDownload", needed=("value",))
        for line, cells in table.rows:
            number = table.cell(cells, "account")
            if not number:
                raise ExportError(source, "no account number", line=line, column=1,
                                  column_name="Account Number")
            account = accounts.setdefault(number, ImportedAccount(BROKER, number))
            symbol = table.cell(cells, "symbol").upper()
            name = table.cell(cells, "name")
            value = table.number(line, cells, "value", "a dollar amount")
            shares = table.number(line, cells, "shares")
            price = table.number(line, cells, "price", "a price")
            if symbol == SETTLEMENT_FUND or (not symbol and re.search(r"\b(cash|sweep)\b", name,
                                                                     re.IGNORECASE)):
                amount = value if value is not None else (shares or 0.0) * (price or 1.0)
                account.cash += amount
                account.notes.append(f"{symbol or name} (line {line}) is the settlement fund: "
                                     f"the account's cash, ${amount:,.2f}")
                continue
            if not symbol:
                symbol = re.sub(r"[^A-Z0-9]+", "-", name.upper()).strip("-")[:32] or "UNKNOWN"
            if shares is None and value is None:
                raise ExportError(source, f"{symbol} has neither shares nor a total value",
                                  line=line, column=table.column_number("shares"),
                                  column_name="Shares")
            if (shares or 0.0) < 0 or (value or 0.0) < 0:
                raise ExportError(source, f"{symbol} is negative; householder plans long "
                                  "positions only", line=line,
                                  column=table.column_number("shares"), column_name="Shares")
            account.holdings.append(ImportedHolding(
                symbol=symbol, name=name, shares=shares, price=price if price else None,
                value=value, line=line,
            ))
    if not found_holdings:
        raise not_this_broker(source, text, BROKER,
                              "Account Number, Investment Name, Symbol, Shares, Share Price and "
                              "Total Value")
    start = 0
    while True:
        table = find_header(grid, TRANSACTION_COLUMNS, TRANSACTION_REQUIRED, start)
        if table is None:
            break
        start = collect_rows(grid, table, "Vanguard OfxDownload", needed=("shares",))
        for line, cells in table.rows:
            number = table.cell(cells, "account")
            known = accounts.get(number)
            if known is None:
                continue  # an account without holdings today (closed): nothing to date
            account = known
            day = table.date(line, cells, "trade_date")
            if account.history_start is None or day < account.history_start:
                account.history_start = day
            symbol = table.cell(cells, "symbol").upper()
            holding = account.holding(symbol) if symbol else None
            if holding is None:
                continue
            kind = table.cell(cells, "type").lower()
            shares = abs(table.number(line, cells, "shares") or 0.0)
            if not shares:
                continue
            if kind.startswith(BUYS):
                price = table.number(line, cells, "price", "a price") or 0.0
                paid = table.number(line, cells, "net", "a dollar amount")
                if paid is None:
                    paid = table.number(line, cells, "principal", "a dollar amount")
                amount = abs(paid) if paid else round(shares * price, 2)
                holding.purchases.append(Purchase(day, shares, amount, line))
            elif kind.startswith(SELLS) or kind.startswith(MOVES):
                holding.sold_in_history = True
    return Export(BROKER, source, None, list(accounts.values()))
