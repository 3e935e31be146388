"""OFX and QFX investment statements (any broker; 401(k) plans included), version 1 (SGML)
and 2 (XML).

A small reader of our own rather than a package: ofxparse (MIT) reads positions but brings
BeautifulSoup, lxml and six, drops the position's security type and the statement's date, and
cannot say on which line a broken file breaks; ofxtools is GPL. OFX 1.x is SGML whose data
elements have no end tags (``<UNITS>10``); aggregates do (``</POSMF>``). The reader builds the
element tree from both forms and reports a broken file by line and column.

What is read, per ``<INVSTMTRS>`` (one account):

- ``<INVACCTFROM>``: ``<BROKERID>`` and ``<ACCTID>`` (the account number); ``<DTASOF>``.
- ``<INVPOSLIST>``: each ``<POSMF>``/``<POSSTOCK>``/``<POSDEBT>``/``<POSOTHER>`` with its
  ``<SECID><UNIQUEID>`` (a CUSIP, or a plan's own fund id), ``<UNITS>``, ``<UNITPRICE>`` and
  ``<MKTVAL>``. Short positions are refused.
- ``<INVBAL><AVAILCASH>``: the account's cash.
- ``<INVTRANLIST>``: buys (``<BUYMF>``, ``<BUYSTOCK>``, ``<BUYOTHER>``, ``<BUYDEBT>``,
  ``<REINVEST>``) with their trade dates, the wash-sale window's purchases; sells and transfers
  mark a fund's history as not enough to rebuild its lots.
- ``<SECLISTMSGSRSV1>``: each security's ticker and name (``<MFINFO>`` a mutual fund,
  ``<STOCKINFO>`` a stock or ETF). A fund without a ticker (a 401(k) collective trust) keeps its
  unique id as its name in the household, with the plan's name for it.
- ``<INV401K>`` or ``<INV401KBAL>``: the statement is a 401(k)'s (a type the export states).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from householder.io.importers.common import (
    Export,
    ExportError,
    ImportedAccount,
    ImportedHolding,
    Purchase,
    not_this_broker,
    read_text,
)
from householder.model.types import AccountType, FundKind

BROKER = "ofx"

POSITIONS = {"POSMF": FundKind.MUTUAL_FUND, "POSSTOCK": FundKind.STOCK, "POSDEBT": None,
             "POSOTHER": None, "POSOPT": None}
BUYS = ("BUYMF", "BUYSTOCK", "BUYOTHER", "BUYDEBT", "REINVEST")
SELLS = ("SELLMF", "SELLSTOCK", "SELLOTHER", "SELLDEBT", "TRANSFER", "SPLIT", "CLOSUREOPT")
SECINFO_KINDS = {"MFINFO": FundKind.MUTUAL_FUND, "STOCKINFO": FundKind.STOCK,
                 "DEBTINFO": None, "OTHERINFO": None, "OPTINFO": None}


@dataclass
class Element:
    tag: str
    line: int
    column: int
    text: str | None = None
    children: list[Element] = field(default_factory=list)

    def find(self, tag: str) -> Element | None:
        """The first descendant called ``tag`` (depth first)."""
        for child in self.children:
            if child.tag == tag:
                return child
            found = child.find(tag)
            if found is not None:
                return found
        return None

    def find_all(self, tag: str) -> list[Element]:
        out: list[Element] = []
        for child in self.children:
            if child.tag == tag:
                out.append(child)
            out.extend(child.find_all(tag))
        return out

    def value(self, tag: str) -> str | None:
        found = self.find(tag)
        return found.text if found is not None else None


_TOKEN = re.compile(r"<(/?)([A-Za-z0-9_.]+)[^>]*>|([^<]+)")


def parse(text: str, source: str) -> Element:
    """The ``<OFX>`` element of an OFX 1.x (SGML) or 2.x (XML) document."""
    start = text.upper().find("<OFX>")
    if start < 0:
        raise not_this_broker(source, text, "OFX", "an <OFX> element")
    body = text[start:]
    line_base = text.count("\n", 0, start) + 1
    line_starts = [0] + [m.end() for m in re.finditer("\n", body)]

    def where(offset: int) -> tuple[int, int]:
        lo, hi = 0, len(line_starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if line_starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return line_base + lo, offset - line_starts[lo] + 1

    root = Element("#root", 1, 1)
    stack: list[Element] = [root]
    pending: Element | None = None  # an element whose text we have not seen yet
    ended: Element | None = None  # the data element its text just ended (an XML end tag follows)
    for match in _TOKEN.finditer(body):
        closing, tag, data = match.group(1), match.group(2), match.group(3)
        if data is not None:
            content = data.strip()
            if not content:
                continue
            if pending is None:
                line, col = where(match.start())
                raise ExportError(source, f"text {content[:30]!r} outside any element; the file "
                                  "is not valid OFX", line=line, column=col)
            pending.text = _unescape(content)
            stack.pop()  # an SGML data element ends at its text (an end tag may follow)
            ended, pending = pending, None
            continue
        tag = tag.upper()
        line, col = where(match.start())
        if closing:
            if pending is not None and pending.tag == tag:  # <TAG></TAG>: empty data element
                pending.text = ""
                stack.pop()
                pending = None
                continue
            pending = None
            if ended is not None and ended.tag == tag:
                ended = None  # the XML end tag of a data element its text ended already
                continue
            ended = None
            if any(e.tag == tag for e in stack[1:]):
                while stack[-1].tag != tag:
                    stack.pop()  # SGML data elements left open
                stack.pop()
            else:
                raise ExportError(source, f"</{tag}> closes an element that is not open; the "
                                  "file is not valid OFX", line=line, column=col)
            continue
        pending = ended = None  # an element without text before this tag is an aggregate
        element = Element(tag, line, col)
        stack[-1].children.append(element)
        stack.append(element)
        pending = element
    ofx = root.find("OFX")
    if ofx is None:
        raise not_this_broker(source, text, "OFX", "an <OFX> element")
    open_aggregates = [e for e in stack[1:] if e.children]
    if open_aggregates:
        inner = open_aggregates[-1]
        raise ExportError(source, f"the file ends inside <{inner.tag}> (opened at line "
                          f"{inner.line}); it looks truncated: download it again",
                          line=text.count("\n") + 1)
    return ofx


def _unescape(text: str) -> str:
    return (text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
            .replace("&nbsp;", " "))


def ofx_date(text: str | None) -> date | None:
    """``20241231120000.000[-5:EST]`` → 2024-12-31."""
    if not text:
        return None
    match = re.match(r"^(\d{4})(\d{2})(\d{2})", text.strip())
    if not match:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def number(element: Element, tag: str, source: str) -> float | None:
    found = element.find(tag)
    if found is None or found.text in (None, ""):
        return None
    text = (found.text or "").replace(",", "")
    try:
        return float(text)
    except ValueError:
        raise ExportError(source, f"<{tag}> is {found.text!r}, not a number", line=found.line,
                          column=found.column, column_name=tag) from None


def read(path: str | Path) -> Export:
    source = str(path)
    text = read_text(path)
    ofx = parse(text, source)
    securities: dict[str, tuple[str | None, str, FundKind | None]] = {}
    for kind_tag, kind in SECINFO_KINDS.items():
        for info in ofx.find_all(kind_tag):
            uid = info.value("UNIQUEID")
            if uid:
                securities[uid] = (info.value("TICKER") or None, info.value("SECNAME") or "", kind)
    statements = ofx.find_all("INVSTMTRS")
    if not statements:
        raise ExportError(source, "no investment statement (<INVSTMTRS>) in the file: it is a "
                          "bank or card statement, not an investment account's", line=ofx.line)
    accounts: list[ImportedAccount] = []
    as_of: date | None = None
    for statement in statements:
        acctid = statement.value("ACCTID") or ""
        brokerid = (statement.value("BROKERID") or "").lower()
        labels = [part for part in brokerid.split(".") if part]
        broker = labels[-2] if len(labels) >= 2 else (labels[0] if labels else BROKER)
        broker = re.sub(r"[^a-z0-9]+", "", broker) or BROKER
        account = ImportedAccount(broker, acctid or "account")
        if statement.find("INV401K") is not None or statement.find("INV401KBAL") is not None:
            account.type_hint = AccountType.TRADITIONAL_401K
        day = ofx_date(statement.value("DTASOF"))
        if day and (as_of is None or day > as_of):
            as_of = day
        balance = statement.find("INVBAL")
        if balance is not None:
            cash = number(balance, "AVAILCASH", source)
            if cash is not None and cash < 0:
                account.notes.append(f"available cash is negative (${cash:,.2f}, a margin "
                                     "balance); imported as 0")
                cash = 0.0
            account.cash = cash or 0.0
        poslist = statement.find("INVPOSLIST")
        for position in (poslist.children if poslist is not None else []):
            if position.tag in POSITIONS:
                account.holdings.append(read_position(position, POSITIONS[position.tag],
                                                      securities, source))
        history = statement.find("INVTRANLIST")
        if history is not None:
            account.history_start = ofx_date(history.value("DTSTART"))
            read_history(history, account, securities, source)
        accounts.append(account)
    return Export(BROKER, source, as_of, accounts)


def read_position(position: Element, kind: FundKind | None,
                  securities: dict[str, tuple[str | None, str, FundKind | None]],
                  source: str) -> ImportedHolding:
    uid = position.value("UNIQUEID")
    if not uid:
        raise ExportError(source, f"<{position.tag}> has no <SECID><UNIQUEID>", line=position.line,
                          column=position.column)
    ticker, name, info_kind = securities.get(uid, (None, "", None))
    if (position.value("POSTYPE") or "LONG").upper() == "SHORT":
        raise ExportError(source, f"{ticker or uid} is a short position; householder plans long "
                          "positions only", line=position.line, column=position.column)
    units = number(position, "UNITS", source)
    price = number(position, "UNITPRICE", source)
    value = number(position, "MKTVAL", source)
    if units is None and value is None:
        raise ExportError(source, f"<{position.tag}> of {ticker or uid} has neither <UNITS> nor "
                          "<MKTVAL>", line=position.line, column=position.column)
    if (units or 0.0) < 0 or (value or 0.0) < 0:
        raise ExportError(source, f"{ticker or uid} is negative; householder plans long "
                          "positions only", line=position.line, column=position.column)
    if kind is FundKind.STOCK and info_kind is None:
        kind = FundKind.STOCK
    return ImportedHolding(
        symbol=(ticker or uid).strip().upper(), name=name or (f"unique id {uid}" if not ticker
                                                               else ""),
        shares=units, price=price if price else None, value=value,
        kind=info_kind or kind, line=position.line,
    )


def read_history(history: Element, account: ImportedAccount,
                 securities: dict[str, tuple[str | None, str, FundKind | None]],
                 source: str) -> None:
    def holding_of(element: Element) -> ImportedHolding | None:
        uid = element.value("UNIQUEID")
        if not uid:
            return None
        ticker = securities.get(uid, (None, "", None))[0]
        return account.holding((ticker or uid).strip().upper())

    for tag in BUYS:
        for buy in history.find_all(tag):
            holding = holding_of(buy)
            day = ofx_date(buy.value("DTTRADE"))
            units = number(buy, "UNITS", source)
            if holding is None or day is None or not units:
                continue
            total = number(buy, "TOTAL", source)
            price = number(buy, "UNITPRICE", source) or 0.0
            amount = abs(total) if total else round(abs(units) * price, 2)
            holding.purchases.append(Purchase(day, abs(units), amount, buy.line))
    for tag in SELLS:
        for sell in history.find_all(tag):
            holding = holding_of(sell)
            if holding is not None:
                holding.sold_in_history = True
