"""Schwab's positions export in its three header generations (to 2022; 2023–24; 2025 with
"Qty (Quantity)" labels), its title line, cash and totals rows, an All-Accounts download, and
the per-symbol lot-detail files with and without "Disallowed Loss"."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from householder.io.importers import ExportError
from householder.io.importers.schwab import read, split_account
from householder.model.types import FundKind

DATA = Path(__file__).resolve().parents[1] / "data" / "import"
G2025 = DATA / "Individual-Positions-2025-05-04-123456.csv"
G2021 = DATA / "Roth_Contributory_IRA-Positions-2021-09-26.csv"
G2023 = DATA / "Contributory_IRA-Positions-2023-11-17.csv"
ALL = DATA / "All-Accounts-Positions-2026-09-30.csv"
SCHB_LOTS = DATA / "SCHB_Lot_Details.csv"
AAPL_LOTS = DATA / "AAPL_Lot_Details.csv"


def test_2025_labels_cash_and_totals() -> None:
    export = read([G2025])
    assert export.as_of == date(2025, 5, 4)
    (account,) = export.accounts
    assert (account.label, account.number, account.id) == ("Individual", "...123", "schwab-123")
    assert account.cash == pytest.approx(2745.32)  # Cash & Cash Investments
    held = {h.symbol: h for h in account.holdings}
    assert list(held) == ["SCHB", "SCHZ", "AAPL", "SWVXX"]  # no totals row
    assert (held["SCHB"].shares, held["SCHB"].price, held["SCHB"].value) == (
        1250.25, 22.10, 27630.53)
    assert held["SCHZ"].cost_total == pytest.approx(9346.93)
    assert held["SCHB"].kind is FundKind.ETF and held["AAPL"].kind is FundKind.STOCK
    assert held["SWVXX"].kind is FundKind.MONEY_MARKET


def test_older_generations() -> None:
    old = read([G2021])
    assert old.as_of == date(2021, 9, 26)
    (roth,) = old.accounts
    assert (roth.label, roth.number) == ("Roth Contributory IRA", "XXXX-4567")
    assert [(h.symbol, h.shares) for h in roth.holdings] == [("SWTSX", 350.123), ("SWISX", 260)]
    assert roth.cash == pytest.approx(301.15)
    mid = read([G2023])
    (ira,) = mid.accounts
    assert [(h.symbol, h.value) for h in ira.holdings] == [("SCHX", 11186.70), ("SCHP", 3885.0)]
    assert ira.cash == pytest.approx(22.45)


def test_all_accounts_download() -> None:
    export = read([ALL])
    assert [(a.label, a.number, a.cash) for a in export.accounts] == [
        ("Individual", "...111", 633.68), ("Roth Contributory IRA", "...222", 0.0)]


def test_lot_files_attach_to_their_positions() -> None:
    export = read([SCHB_LOTS, G2025, AAPL_LOTS])
    account = export.accounts[0]
    schb = account.holding("SCHB")
    assert schb is not None
    assert [(lot.shares, lot.cost, lot.acquired) for lot in schb.lots] == [
        (800, 13000.0, date(2019, 3, 15)), (400.25, 9005.63, date(2022, 6, 2)),
        (50, 999.37, date(2025, 4, 22))]
    aapl = account.holding("AAPL")
    assert aapl is not None
    assert [lot.disallowed_loss for lot in aapl.lots] == [0.0, 84.0]
    assert any("$84.00 of wash-sale disallowed loss" in n for n in account.notes)


def test_lots_that_do_not_add_up(tmp_path: Path) -> None:
    text = SCHB_LOTS.read_text().replace('"800"', '"790"')
    path = tmp_path / "SCHB_Lot_Details.csv"
    path.write_text(text)
    with pytest.raises(ExportError, match=r"the lots hold 1240.25 shares of SCHB but the "
                       r"positions export .line 4. shows 1250.25"):
        read([G2025, path])


def test_lot_file_alone() -> None:
    with pytest.raises(ExportError, match="needs the positions export of its account"):
        read([SCHB_LOTS])


def test_another_brokers_file() -> None:
    with pytest.raises(ExportError, match=r"not a schwab export.*householder import fidelity"):
        read([DATA / "Portfolio_Positions_Aug-29-2026.csv"])


def test_unknown_columns_and_truncation(tmp_path: Path) -> None:
    lines = G2021.read_text().splitlines()
    lines[3] += ',"EXTRA"'
    bad = tmp_path / "extra.csv"
    bad.write_text("\n".join(lines) + "\n")
    with pytest.raises(ExportError, match=r"line 4, column 18: 18 cells where the header"):
        read([bad])
    lines = G2021.read_text().splitlines()
    cut = tmp_path / "cut.csv"
    cut.write_text("\n".join([*lines[:3], lines[3][:40]]))  # inside a quoted cell
    with pytest.raises(ExportError, match=r"line 4: a quoted cell is never closed"):
        read([cut])


def test_split_account() -> None:
    assert split_account("Individual ...123") == ("Individual", "...123")
    assert split_account("Roth Contributory IRA XXXX-4567") == ("Roth Contributory IRA",
                                                                 "XXXX-4567")


def test_a_row_cut_between_cells(tmp_path: Path) -> None:
    lines = G2021.read_text().splitlines()
    lines[3] = lines[3][: lines[3].index('"$25,702.53"') - 1]  # cut before Market Value
    cut = tmp_path / "cut.csv"
    cut.write_text("\n".join(lines[:4]) + "\n")
    with pytest.raises(ExportError, match=r"line 4, column 7: the row ends after 6 of 17 "
                       r"columns \('Market Value' is missing\); the file looks truncated"):
        read([cut])
