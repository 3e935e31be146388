"""Vanguard's two-table OfxDownload.csv (recent buys feed the wash-sale window), OFX/QFX
statements (SGML and XML, a 401(k) fund without a ticker), and any CSV through --map."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from householder.errors import InputError
from householder.io.importers import ExportError, assemble, generic, ofx, vanguard

DATA = Path(__file__).resolve().parents[1] / "data" / "import"
VANGUARD = DATA / "OfxDownload.csv"
QFX_401K = DATA / "Fidelity-401k-2026-11-27.qfx"
OFX_XML = DATA / "brokerage-2026-09-30.ofx"
LOTS_CSV = DATA / "lots-export.csv"


# -- Vanguard ------------------------------------------------------------------------------------


def test_vanguard_two_tables() -> None:
    export = vanguard.read(VANGUARD)
    assert export.as_of is None  # the file carries no date
    brokerage, ira = export.accounts
    assert brokerage.number == "12345678"
    assert brokerage.cash == pytest.approx(1834.22)  # VMFXX, the settlement fund
    assert [h.symbol for h in brokerage.holdings] == ["VTI", "VXUS", "BND"]
    vti = brokerage.holding("VTI")
    assert vti is not None
    assert [(p.day, p.shares, p.amount) for p in vti.purchases] == [
        (date(2026, 9, 24), 13.0, 3871.40), (date(2026, 5, 1), 20.0, 5410.00)]
    bnd = brokerage.holding("BND")
    assert bnd is not None and bnd.sold_in_history and not bnd.purchases
    assert ira.cash == pytest.approx(15.02)
    vfifx = ira.holding("VFIFX")
    assert vfifx is not None
    assert [p.day for p in vfifx.purchases] == [date(2026, 9, 30), date(2026, 8, 28)]


def test_vanguard_purchases_become_lots_or_are_reported() -> None:
    result = assemble([vanguard.read(VANGUARD)], as_of=date(2026, 10, 2))
    brokerage = result.data["accounts"][0]
    vti, vxus, bnd = brokerage["holdings"]
    # every VTI share was bought in the history: its lots, the last inside the 30-day window
    assert vti["lots"] == [
        {"shares": 20, "cost": 5410.0, "acquired": date(2026, 5, 1)},
        {"shares": 13, "cost": 3871.4, "acquired": date(2026, 9, 24)},
    ]
    assert "lots" not in vxus and "lots" not in bnd
    todo = [str(t) for t in result.todo]
    assert any(t.startswith("accounts[0].holdings[1].lots: VXUS was bought inside the 30-day "
                            "wash-sale window: 20 shares on 2026-09-10 ($1,239.00, line 14)")
               for t in todo)
    assert any(t.startswith("accounts[1].holdings[0].lots: VFIFX was bought inside the 30-day "
                            "wash-sale window: 11.068 shares on 2026-09-30") for t in todo)
    # the reinvestment of 2026-08-28 is outside the window
    assert not any("2026-08-28" in t for t in todo)


def test_vanguard_not_this_file() -> None:
    with pytest.raises(ExportError, match=r"not a vanguard export.*householder import fidelity"):
        vanguard.read(DATA / "Portfolio_Positions_Aug-29-2026.csv")


# -- OFX -----------------------------------------------------------------------------------------


def test_qfx_401k_sgml() -> None:
    export = ofx.read(QFX_401K)
    assert export.as_of == date(2026, 11, 27)
    (account,) = export.accounts
    assert (account.broker, account.number) == ("fidelity", "88888")
    assert account.type_hint is not None and account.type_hint.value == "traditional_401k"
    trust, bond = account.holdings
    # a collective trust without a ticker keeps its CUSIP, with the plan's name for it
    assert (trust.symbol, trust.name, trust.shares, trust.price, trust.value) == (
        "31617E471", "FID CONTRAFUND POOL CL 3", 1020.5, 40.5, 41330.25)
    assert (bond.symbol, bond.shares) == ("FXNAX", 850.125)
    assert [(p.day, p.shares, p.amount) for p in trust.purchases] == [
        (date(2026, 11, 14), 12.3456, 500.0)]


def test_ofx_xml_positions_cash_and_history() -> None:
    export = ofx.read(OFX_XML)
    (account,) = export.accounts
    assert (account.broker, account.number, account.cash) == ("vanguard", "55501234", 250.75)
    assert [(h.symbol, h.shares, h.price) for h in account.holdings] == [
        ("VTI", 30, 300.0), ("VBTLX", 410.5, 9.8)]
    result = assemble([export])
    vti = result.data["accounts"][0]["holdings"][0]
    assert vti["lots"] == [
        {"shares": 25, "cost": 7000.0, "acquired": date(2026, 1, 15)},
        {"shares": 5, "cost": 1490.0, "acquired": date(2026, 9, 18)},
    ]


def test_truncated_ofx(tmp_path: Path) -> None:
    text = QFX_401K.read_text(encoding="cp1252")
    path = tmp_path / "cut.qfx"
    path.write_text(text[: text.index("<POSMF>") + 40], encoding="cp1252")
    with pytest.raises(ExportError, match=r"line \d+: the file ends inside <SECID> \(opened at "
                       r"line \d+\); it looks truncated"):
        ofx.read(path)


def test_bank_statement_and_broken_ofx(tmp_path: Path) -> None:
    bank = tmp_path / "bank.ofx"
    bank.write_text("OFXHEADER:100\n\n<OFX>\n<BANKMSGSRSV1>\n<STMTTRNRS>\n<TRNUID>1\n"
                    "</STMTTRNRS>\n</BANKMSGSRSV1>\n</OFX>\n")
    with pytest.raises(ExportError, match="no investment statement"):
        ofx.read(bank)
    broken = tmp_path / "broken.ofx"
    broken.write_text("<OFX>\n<INVSTMTMSGSRSV1>\n</INVPOSLIST>\n</OFX>\n")
    with pytest.raises(ExportError, match=r"line 3, column 1: </INVPOSLIST> closes an element"):
        ofx.read(broken)
    bad_number = tmp_path / "n.ofx"
    bad_number.write_text(OFX_XML.read_text().replace("<UNITS>30</UNITS>", "<UNITS>3O</UNITS>"))
    with pytest.raises(ExportError, match=r"line \d+, column \d+ \(UNITS\): <UNITS> is '3O'"):
        ofx.read(bad_number)


def test_ofx_not_a_csv() -> None:
    with pytest.raises(ExportError, match=r"not an OFX export.*householder import fidelity"):
        ofx.read(DATA / "Portfolio_Positions_Aug-29-2026.csv")


# -- any CSV with a column map -------------------------------------------------------------------


def test_column_map_lots() -> None:
    mapping = generic.parse_map("account=Acct,ticker=Ticker,name=Security,shares=Units,"
                                "price=Last,value=Value,acquired=Open Date,cost=Cost")
    export = generic.read(LOTS_CSV, mapping, None)
    (account,) = export.accounts
    assert (account.number, account.cash) == ("A-1001", 812.40)
    vti, bnd = account.holdings
    assert (vti.symbol, vti.shares, vti.price) == ("VTI", 14, 300.0)
    assert [(lot.shares, lot.cost, lot.acquired) for lot in vti.lots] == [
        (10, 1500.0, date(2019, 3, 15)), (4, 1240.0, date(2026, 9, 20))]
    assert [(lot.shares, lot.acquired) for lot in bnd.lots] == [(50, date(2021, 6, 1))]


def test_column_map_positions_only() -> None:
    mapping = generic.parse_map("ticker=Ticker,shares=Units,price=Last")
    export = generic.read(LOTS_CSV, mapping, "my-account")
    (account,) = export.accounts
    assert account.number == "my-account"
    assert [(h.symbol, h.shares, h.lots) for h in account.holdings] == [
        ("VTI", 14, []), ("BND", 50, [])]


@pytest.mark.parametrize(("text", "message"), [
    (None, "--map is required"),
    ("ticker=Symbol,bogus=X", "'bogus' is not a field"),
    ("shares=Qty", "map ticker"),
    ("ticker=Symbol", "map shares"),
    ("ticker=Symbol,shares=Q,acquired=D", "needs its cost too"),
    ("ticker", "is not field=Column"),
])
def test_bad_maps(text: str | None, message: str) -> None:
    with pytest.raises(InputError, match=message):
        generic.parse_map(text)


def test_map_that_matches_no_header() -> None:
    mapping = generic.parse_map("ticker=Symbol,shares=Quantity")
    with pytest.raises(ExportError, match="line 1: no header line names every mapped column "
                       r"\('Symbol', 'Quantity'\); the first line has 'Brokerage lot report'"):
        generic.read(LOTS_CSV, mapping, None)
