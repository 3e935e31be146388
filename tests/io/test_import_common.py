"""What every importer shares: money and dates as brokers write them, reading a file safely,
and the commented YAML and safe write of the result."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from householder.errors import InputError
from householder.io.importers.common import (
    ExportError,
    csv_grid,
    parse_date,
    parse_number,
    read_text,
)
from householder.io.importers.yamlout import render

DATA = Path(__file__).resolve().parents[1] / "data" / "import"


def money(text: str) -> float | None:
    return parse_number(text, source="f.csv", line=3, column=8, name="Current Value")


@pytest.mark.parametrize(("text", "value"), [
    ("$1,234.56", 1234.56), ("+$5.00", 5.0), ("-$5.00", -5.0), ("($126.93)", -126.93),
    ("1,250.25", 1250.25), ("$-5.00", -5.0), ("-18.82%", -18.82), ("$9099.99", 9099.99),
    ("$550.50 ", 550.50), ("0", 0.0),
])
def test_money_as_brokers_write_it(text: str, value: float) -> None:
    assert money(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["--", "", "n/a", "N/A", "  "])
def test_empty_money(text: str) -> None:
    assert money(text) is None


@pytest.mark.parametrize("text", ["abc", "$12.3.4", "($5.00", "1-2"])
def test_bad_money_names_line_and_column(text: str) -> None:
    with pytest.raises(ExportError) as info:
        money(text)
    assert "f.csv: line 3, column 8 (Current Value)" in str(info.value)


@pytest.mark.parametrize(("text", "day"), [
    ("08/29/2026", date(2026, 8, 29)), ("2026-08-29", date(2026, 8, 29)),
    ("2025/05/04", date(2025, 5, 4)), ("10/30/2017 00:00:00", date(2017, 10, 30)),
    ("Aug-29-2026", date(2026, 8, 29)),
])
def test_dates(text: str, day: date) -> None:
    assert parse_date(text) == day


def test_read_text_drops_the_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes("\ufeffSymbol,Quantity\r\nVTI,1\r\n".encode())
    assert read_text(path).startswith("Symbol")


def test_binary_and_empty_files(tmp_path: Path) -> None:
    binary = tmp_path / "Portfolio.xlsx"
    binary.write_bytes(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00")
    with pytest.raises(ExportError, match=r"line 1: not a text file \(binary byte"):
        read_text(binary)
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"\xef\xbb\xbf\r\n")
    with pytest.raises(ExportError, match="line 1: the file is empty"):
        read_text(empty)


def test_grid_keeps_lines_and_blank_lines() -> None:
    grid = csv_grid('"Title, with a comma"\n\na,b,c\n1,"2,5",3,\n', "x.csv")
    assert grid.cells == [["Title, with a comma"], [], ["a", "b", "c"], ["1", "2,5", "3"]]
    assert grid.widths == [1, 0, 3, 4]


def test_unclosed_quote_is_a_truncated_file() -> None:
    with pytest.raises(ExportError, match="a quoted cell is never closed"):
        csv_grid('a,b\n1,"2\n', "x.csv")


def test_render_round_trips_and_comments() -> None:
    data = {
        "name": "Test: a household", "as_of": date(2026, 8, 29),
        "funds": [{"ticker": "NO", "name": "yes"}],
        "accounts": [{"id": "a", "type": "unknown", "cash": 2415.61, "holdings": [
            {"fund": "VTI", "price": 290.0, "lots": [
                {"shares": 10, "cost": 1800.0, "acquired": date(2019, 3, 15)}]},
            {"fund": "FXAIX", "shares": 100.5, "price": 200.0},
        ]}],
    }
    text = render(data, {"accounts[0].type": "set it", "accounts[0].holdings[1]": "basis?"},
                  header=["made by a test"])
    assert yaml.safe_load(text) == data
    assert "type: unknown  # set it" in text
    assert "- {fund: FXAIX, shares: 100.5, price: 200}  # basis?" in text
    assert text.startswith("# made by a test\n")


def test_import_and_init_write_through_the_one_writer(tmp_path: Path) -> None:
    """``import`` and ``init`` write through io/export (checked before any work): never over an
    input, even with force; an existing file only with force; atomically (no temporary file
    left); a missing folder named before an export is read."""
    from householder.io.importers import Broker
    from householder.plan.imports import import_exports, start_household

    export = tmp_path / "Portfolio_Positions_Mar-15-2023.csv"
    export.write_bytes((DATA / export.name).read_bytes())
    with pytest.raises(InputError, match="an output never replaces an input"):
        import_exports(Broker.FIDELITY, [export], export, force=True)
    assert export.read_bytes() == (DATA / export.name).read_bytes()
    out = tmp_path / "out.yaml"
    out.write_text("mine\n")
    with pytest.raises(InputError, match="exists; choose another name or pass --force"):
        import_exports(Broker.FIDELITY, [export], out)
    assert out.read_text() == "mine\n"
    import_exports(Broker.FIDELITY, [export], out, force=True)
    assert yaml.safe_load(out.read_text())["accounts"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [export.name, "out.yaml"]  # no temp
    unreadable = tmp_path / "missing.csv"  # the output's folder is refused before the export
    with pytest.raises(InputError, match=r"the folder .* does not exist"):
        import_exports(Broker.FIDELITY, [unreadable], tmp_path / "nope" / "x.yaml")
    with pytest.raises(InputError, match="an output never replaces an input"):
        start_household(out, [], [], source=out, force=True)

