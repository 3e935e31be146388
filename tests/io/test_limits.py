"""What the reader and loader refuse before any work (issue 12): the number grammar, inputs
that are not regular files, sizes past the documented limits (docs/file-reference.md, "Size
limits" and "Magnitude limits"), and long strings cut short in messages."""

from __future__ import annotations

import copy
import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from householder.errors import HouseholdFileError
from householder.io import build_book, loader, parse_text, read_file, reader
from householder.io.errors import clip_text
from householder.model.types import parse_money, parse_rate, parse_weight
from tests.io.test_bad_inputs import BASE

# -- the number grammar ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "dollars"),
    [
        ("1250.50", 1250.5),
        ("1,250.50", 1250.5),
        ("$1,250.50", 1250.5),
        ("1,234,567.89", 1234567.89),
        ("-$5", -5.0),
        ("1e6", 1e6),  # YAML 1.1 reads 1e6 (no dot) as text
        (" 17000 ", 17000.0),
        (".5", 0.5),
        (17000, 17000.0),
        (1e12, 1e12),
    ],
)
def test_money_the_grammar_accepts(text: Any, dollars: float) -> None:
    assert parse_money(text) == dollars


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("12%", "a percent, not dollars"),  # was $12
        ("0.5%", "a percent, not dollars"),
        ("100%", "a percent, not dollars"),
        ("1.000,50", "commas only between groups of three digits"),  # was $1.0005
        ("1,2,3", "commas only between groups of three digits"),  # was $123
        ("12,34", "uses a decimal comma; write '12.34'"),
        ("1,2345", "uses a decimal comma"),
        ("1,234.5.6", "commas only between groups of three digits"),
        ("$$5", "expected a dollar amount"),
        ("5$", "expected a dollar amount"),
        ("1 000", "without spaces"),
        ("1_000", "without underscores"),
        ("1e1000", "must be a finite number"),
        (1e308, "too large"),
        (-2e12, "too large"),
        (10**400, "too large"),
        ("inf", "must be a finite number"),
    ],
)
def test_money_the_grammar_refuses(text: Any, why: str) -> None:
    with pytest.raises(ValueError, match=None) as info:
        parse_money(text)
    assert why in str(info.value)


@pytest.mark.parametrize(
    ("text", "fraction"),
    [("24%", 0.24), ("0.24", 0.24), (" 24 % ", 0.24), ("0.05%", 0.0005), (0.24, 0.24),
     ("2.5e-4", 0.00025), ("-5%", -0.05)],
)
def test_rates_the_grammar_accepts(text: Any, fraction: float) -> None:
    assert parse_rate(text) == pytest.approx(fraction, rel=1e-15)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("0,05%", "write '0.05%'"),  # was read as 5 %
        ("1,5%", "write '1.5%'"),  # was read as 15 %
        ("0,24", "write '0.24'"),
        ("1,000%", "ambiguous"),
        ("$0.24", "a $ sign belongs to money only"),
        ("24%%", "expected a rate"),
        ("%", "expected a rate"),
        ("nan%", "expected a rate"),
    ],
)
def test_rates_the_grammar_refuses(text: str, why: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_rate(text)
    assert why in str(info.value)


def test_weights_take_the_rates_grammar_in_percent() -> None:
    assert parse_weight("75%") == parse_weight(75) == parse_weight("75") == 75.0
    for text in ("7,5", "$75", "75 percent"):
        with pytest.raises(ValueError):
            parse_weight(text)


# -- inputs that are not regular files ------------------------------------------------------------


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    """Reading a FIFO blocked forever (no writer ever comes)."""
    fifo = tmp_path / "household.yaml"
    os.mkfifo(fifo)
    outcome: list[BaseException] = []

    def read() -> None:
        try:
            read_file(fifo)
        except BaseException as exc:  # handed to the main thread
            outcome.append(exc)

    worker = threading.Thread(target=read, daemon=True)
    worker.start()
    worker.join(timeout=10)
    if worker.is_alive():  # unblock the reader so the suite can go on, then fail
        with open(fifo, "w", encoding="utf-8"):
            pass
        pytest.fail("reading a FIFO blocked")
    assert isinstance(outcome[0], HouseholdFileError)
    assert "is a pipe, not a regular file" in str(outcome[0])


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_a_device_is_refused_at_once(tmp_path: Path, device: str) -> None:
    """/dev/zero through a symlink used to be read until MemoryError."""
    link = tmp_path / "household.yaml"
    link.symlink_to(device)
    start = time.perf_counter()
    with pytest.raises(HouseholdFileError, match="is a device, not a regular file"):
        read_file(link)
    assert time.perf_counter() - start < 1.0


def test_a_file_over_the_limit_is_refused_from_its_size(tmp_path: Path) -> None:
    big = tmp_path / "household.yaml"
    with open(big, "wb") as handle:
        handle.truncate(reader.MAX_FILE_BYTES + 1)  # sparse: nothing is written or read
    with pytest.raises(HouseholdFileError, match=r"is 50\.0 MB; householder reads household "
                       r"files up to 50 MB"):
        read_file(big)


def test_a_file_whose_size_lies_is_read_only_up_to_the_limit() -> None:
    """/proc files report size 0; the read itself stops past the limit."""
    status = Path("/proc/self/status")
    if not status.exists():
        pytest.skip("no /proc")
    with pytest.raises(HouseholdFileError, match="householder reads household files up to"):
        reader.read_bytes(status, limit=64)
    assert reader.read_bytes(status).startswith(b"Name:")


def test_a_byte_order_mark_and_windows_line_ends_are_fine(tmp_path: Path) -> None:
    path = tmp_path / "household.json"
    path.write_bytes(b"\xef\xbb\xbf" + b'{"as_of": "2024-12-31",\r\n "name": "BOM"}')
    assert read_file(path) == {"as_of": "2024-12-31", "name": "BOM"}


# -- sizes ----------------------------------------------------------------------------------------


def test_a_billion_laughs_stops_at_the_value_limit() -> None:
    """Aliases count at every use: nine levels of ten would be a billion values to validate."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 9):
        refs = ", ".join([f"*a{level - 1}"] * 10)
        lines.append(f"a{level}: &a{level} [{refs}]")
    lines.append("name: *a8")
    start = time.perf_counter()
    with pytest.raises(HouseholdFileError, match="holds more than 5,000,000 values"):
        parse_text("\n".join(lines), "yaml", "bomb.yaml")
    assert time.perf_counter() - start < 20


def test_aliases_that_fit_are_fine() -> None:
    text = "as_of: 2024-12-31\nmenu: &menu [VTI, BND]\nother: *menu\n"
    assert parse_text(text, "yaml")["other"] == ["VTI", "BND"]


def test_the_lot_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """A 100 MB file of 1.38 M lots failed after 292 s at 15 GB; past MAX_LOTS the loader
    refuses before validating anything."""
    monkeypatch.setattr(loader, "MAX_LOTS", 10)
    data = copy.deepcopy(BASE)
    lot = data["accounts"][1]["holdings"][0]["lots"][0]
    data["accounts"][1]["holdings"][0]["lots"] = [dict(lot, id=f"L{k}") for k in range(11)]
    with pytest.raises(HouseholdFileError) as info:
        build_book(data)
    assert [str(p) for p in info.value.problems] == [
        "accounts: 11 tax lots; householder plans households of up to 10 lots (merge lots of "
        "one fund bought on the same day, or split the household)"
    ]
    data["accounts"][1]["holdings"][0]["lots"] = data["accounts"][1]["holdings"][0]["lots"][:10]
    data["accounts"][1]["holdings"][0]["lots"][0]["shares"] = 1  # shares now 10, not 110
    build_book(data)


def test_the_documented_limits() -> None:
    """docs/file-reference.md states these numbers; a change here changes the page."""
    doc = (Path(__file__).resolve().parents[2] / "docs" / "file-reference.md").read_text("utf-8")
    assert reader.MAX_FILE_BYTES == 50_000_000 and "50 MB" in doc
    assert loader.MAX_LOTS == 200_000 and "200,000 tax lots" in doc
    assert reader.MAX_VALUES == 5_000_000 and "5,000,000 values" in doc
    assert "$1,000,000,000,000" in doc and "10,000,000" in doc and "0.0001" in doc


# -- long strings ---------------------------------------------------------------------------------


def test_long_user_strings_are_cut_in_messages() -> None:
    data = copy.deepcopy(BASE)
    data["accounts"][0]["id"] = "a" * 1_000_000
    data["accounts"][1]["id"] = "a" * 1_000_000
    with pytest.raises(HouseholdFileError) as info:
        build_book(data)
    message = str(info.value)
    assert "is used twice; account ids are unique" in message
    assert len(message) < 500


def test_clip_keeps_the_words_and_cuts_the_blob() -> None:
    assert clip_text("short message") == "short message"
    clipped = clip_text(f"'{'x' * 500}' is not a known fund; list it under funds:")
    assert clipped == f"'{'x' * 39}… is not a known fund; list it under funds:"
    assert len(clip_text("word " * 1000)) <= 1001


def test_validate_prints_a_huge_name_cut_short(tmp_path: Path) -> None:
    """A 100 MB name kept ``validate`` printing its one-line summary for over 600 s."""
    from typer.testing import CliRunner

    from householder.cli import app
    from tests.conftest import dump

    data = copy.deepcopy(BASE)
    data["name"] = "N" * 5_000_000
    path = tmp_path / "household.yaml"
    path.write_text(dump(data, "yaml"), encoding="utf-8")
    start = time.perf_counter()
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 0
    assert len(result.stdout) < 1000 and "NNNN…" in result.stdout
    assert time.perf_counter() - start < 30
