"""Fidelity's positions export: both header generations, the byte-order mark, core money market
rows (``**``), Pending Activity, the disclaimer and "Date downloaded" trailer, ``$1,234.56``,
``+$5.00``, ``-$5.00`` and ``--``; and the bad exports (another broker's file, a truncated file,
unknown columns)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from householder.io.importers import Broker, ExportError, read_exports
from householder.io.importers.fidelity import read

DATA = Path(__file__).resolve().parents[1] / "data" / "import"
NEW = DATA / "Portfolio_Positions_Aug-29-2026.csv"
OLD = DATA / "Portfolio_Positions_Mar-15-2023.csv"


def test_new_layout_accounts_holdings_and_cash() -> None:
    export = read(NEW)
    assert export.as_of == date(2026, 8, 29)  # the "Date downloaded" trailer line
    individual, roth = export.accounts
    assert (individual.number, individual.label) == ("Z12345678", "Individual")
    assert (roth.number, roth.label) == ("238765432", "ROTH IRA")
    # SPAXX** is the core position: cash, less the -$34.56 of pending activity
    assert individual.cash == pytest.approx(2450.17 - 34.56)
    assert roth.cash == pytest.approx(512.34)  # FDRXX**
    assert [h.symbol for h in individual.holdings] == ["FXAIX", "VTI", "VTI", "BRK.B"]
    fxaix = individual.holdings[0]
    assert (fxaix.shares, fxaix.price, fxaix.value, fxaix.cost_total) == (
        100, 200.0, 20000.0, 15000.0)
    assert [h.symbol for h in roth.holdings] == ["FSKAX", "FTIHX", "FXNAX"]
    assert roth.holdings[0].cost_total is None  # "--"
    assert any("pending activity of -$34.56 (line 7)" in n for n in export.notes)


def test_old_layout_cost_basis_column() -> None:
    export = read(OLD)
    assert export.as_of == date(2023, 3, 15)  # "Date downloaded Mar-15-2023 4:02 p.m ET"
    (account,) = export.accounts
    assert account.cash == 1000.0  # FCASH**
    assert [(h.symbol, h.shares, h.cost_total) for h in account.holdings] == [
        ("VXUS", 100, 6000.0), ("BND", 60, 4200.0)]


def test_another_brokers_file_is_named() -> None:
    schwab = DATA / "Individual-Positions-2025-05-04-123456.csv"
    with pytest.raises(ExportError) as info:
        read(schwab)
    message = str(info.value)
    assert "line 1: not a fidelity export" in message
    assert "householder import schwab" in message


def test_truncated_file(tmp_path: Path) -> None:
    text = NEW.read_text(encoding="utf-8-sig")
    cut = text[: text.index("BRK.B") + 30]  # in the middle of the BRK.B row
    path = tmp_path / "Portfolio_Positions.csv"
    path.write_text(cut, encoding="utf-8")
    with pytest.raises(ExportError) as info:
        read(path)
    assert "line 6, column" in str(info.value)
    assert "truncated" in str(info.value)


def test_unknown_columns(tmp_path: Path) -> None:
    lines = NEW.read_text(encoding="utf-8-sig").splitlines()
    lines[2] = lines[2] + "EXTRA,MORE"  # 18 cells under a 16-column header
    path = tmp_path / "Portfolio_Positions.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ExportError) as info:
        read(path)
    assert "line 3, column 17: 18 cells where the header (line 1) has 16 columns" in str(
        info.value)


def test_a_bad_cell_names_its_line_and_column(tmp_path: Path) -> None:
    text = NEW.read_text(encoding="utf-8-sig").replace("FXAIX,FIDELITY 500 INDEX FUND,100,",
                                                       "FXAIX,FIDELITY 500 INDEX FUND,1OO,")
    path = tmp_path / "Portfolio_Positions.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ExportError, match=r"line 3, column 5 \(Quantity\): '1OO' is not a number"):
        read(path)


def test_header_without_rows(tmp_path: Path) -> None:
    path = tmp_path / "Portfolio_Positions.csv"
    path.write_text(NEW.read_text(encoding="utf-8-sig").splitlines()[0] + "\n")
    with pytest.raises(ExportError, match="line 1: the export has a header but no positions"):
        read(path)


def test_registry_reads_each_file() -> None:
    exports = read_exports(Broker.FIDELITY, [NEW, OLD])
    assert [len(e.accounts) for e in exports] == [2, 1]
