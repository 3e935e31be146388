"""``householder import``: exports → a new household file that ``validate`` accepts (once the
user has supplied what the to-do list names), ``--into`` merging, ``--json``, and bad exports
(exit 1, the line named, nothing written)."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from householder.cli import app
from householder.io import load_household

runner = CliRunner()


def flat(text: str) -> str:
    """Output with rich's line wrapping undone."""
    return " ".join(text.split())
DATA = Path(__file__).resolve().parents[1] / "data" / "import"
FIDELITY = DATA / "Portfolio_Positions_Aug-29-2026.csv"

BRKB = {"ticker": "BRK.B", "name": "Berkshire Hathaway B", "classes": {"us_large": 100},
        "expense_ratio": 0, "kind": "stock"}


def household(tmp_path: Path, **extra: Any) -> Path:
    """A household with a target, a person and a 401(k) the exports do not touch."""
    data: dict[str, Any] = {
        "name": "Alex", "as_of": date(2026, 6, 30),
        "people": [{"id": "alex", "birth_year": 1984}],
        "tax": {"ordinary_rate": "24%", "long_term_rate": "15%"},
        "target": {"stocks": 70, "bonds": 30},
        "funds": [BRKB],
        "accounts": [
            {"id": "alex-401k", "owner": "alex", "type": "traditional_401k",
             "menu": ["FXAIX", "FXNAX"],
             "holdings": [{"fund": "FXAIX", "value": 30000}, {"fund": "FXNAX", "value": 9000}]},
        ],
        **extra,
    }
    path = tmp_path / "alex.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def test_import_then_validate(tmp_path: Path) -> None:
    base = household(tmp_path)
    out = tmp_path / "next.yaml"
    result = runner.invoke(app, [
        "import", "fidelity", str(FIDELITY), "--into", str(base), "-o", str(out),
        "--account", "Z12345678", "--type", "taxable", "--account", "238765432",
        "--type", "roth"])
    assert result.exit_code == 0, result.output
    assert "valid" in result.stdout
    book = load_household(out)
    assert book.as_of == date(2026, 8, 29)  # the export's date
    assert [a.id for a in book.accounts] == ["alex-401k", "fidelity-z12345678",
                                             "fidelity-238765432"]
    taxable = book.account("fidelity-z12345678")
    assert taxable.spec.type.value == "taxable"
    assert taxable.cash == pytest.approx(2415.61)
    vti = taxable.position("VTI")
    assert vti is not None and vti.shares == 35 and not vti.basis_known
    assert book.account("fidelity-238765432").spec.type.value == "roth_ira"
    assert book.account("alex-401k").value == 39000  # untouched
    text = out.read_text()
    assert "# Fidelity: cost basis total $9,450.00, no dates: add lots" in text
    # validate agrees, and a plan runs on the result
    assert runner.invoke(app, ["validate", str(out)]).exit_code == 0
    assert runner.invoke(app, ["drift", str(out)]).exit_code == 0


def test_without_types_the_output_lists_what_is_missing(tmp_path: Path) -> None:
    out = tmp_path / "imported.yaml"
    result = runner.invoke(app, ["import", "fidelity", str(FIDELITY), "-o", str(out), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["written"] == str(out) and doc["valid"] is False
    assert doc["funds_added"] == ["BRK.B"]
    paths = [t["path"] for t in doc["todo"]]
    assert paths[:2] == ["target", "funds[0]"]
    assert "accounts[0].type" in paths and "accounts[1].type" in paths
    roth_type = next(t for t in doc["todo"] if t["path"] == "accounts[1].type")
    assert "roth_ira?" in roth_type["message"] and "--account 238765432" in roth_type["message"]
    assert [a["id"] for a in doc["accounts"]] == ["fidelity-z12345678", "fidelity-238765432"]
    text = out.read_text()
    assert "type: unknown  # Fidelity calls it 'ROTH IRA': set the type (roth_ira?)" in text
    # validate rejects the placeholder type, naming the choices
    check = runner.invoke(app, ["validate", str(out)])
    assert check.exit_code == 1
    assert "accounts[0].type: 'unknown' is not one of: taxable" in flat(check.output)


def test_merge_keeps_lots_and_matches_by_account_number(tmp_path: Path) -> None:
    base = household(tmp_path)
    data = yaml.safe_load(base.read_text())
    data["accounts"].append({
        "id": "brokerage", "name": "Fidelity brokerage Z12345678", "owner": "alex",
        "type": "taxable", "cash": 10,
        "holdings": [
            {"fund": "VTI", "price": 250, "lots": [
                {"id": "A", "shares": 30, "cost": 7950, "acquired": date(2020, 1, 2)},
                {"id": "B", "shares": 5, "cost": 1500, "acquired": date(2021, 3, 4)}]},
            {"fund": "FXAIX", "price": 150, "lots": [
                {"shares": 90, "cost": 12000, "acquired": date(2019, 5, 6)}]},
        ]})
    base.write_text(yaml.safe_dump(data, sort_keys=False))
    out = tmp_path / "next.yaml"
    result = runner.invoke(app, ["import", "fidelity", str(FIDELITY), "--into", str(base),
                                 "-o", str(out), "--account", "238765432", "--type", "roth_ira"])
    assert result.exit_code == 0, result.output
    assert "fidelity-z12345678 (updates brokerage)" in flat(result.stdout)
    merged = yaml.safe_load(out.read_text())
    brokerage = next(a for a in merged["accounts"] if a["id"] == "brokerage")
    assert brokerage["type"] == "taxable" and brokerage["owner"] == "alex"
    assert brokerage["cash"] == pytest.approx(2415.61)
    fxaix, vti, brk = brokerage["holdings"]
    assert "lots" not in fxaix and fxaix["shares"] == 100  # 90 → 100 shares: its lots dropped
    assert vti == {"fund": "VTI", "price": 290, "lots": data["accounts"][1]["holdings"][0]["lots"]}
    assert brk["fund"] == "BRK.B"
    assert "now holds 100 shares, its lots 90" in flat(result.stdout)
    assert load_household(out).account("brokerage").position("VTI").basis_known


def test_bad_exports_write_nothing(tmp_path: Path) -> None:
    schwab = DATA / "Individual-Positions-2025-05-04-123456.csv"
    binary = tmp_path / "Portfolio.xlsx"
    binary.write_bytes(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00")
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    cut = tmp_path / "cut.csv"
    text = FIDELITY.read_text(encoding="utf-8-sig")
    cut.write_text(text[: text.index("BRK.B") + 30])
    cases = {schwab: "line 1: not a fidelity export", binary: "line 1: not a text file",
             empty: "line 1: the file is empty", cut: "line 6, column"}
    out = tmp_path / "out.yaml"
    for path, message in cases.items():
        result = runner.invoke(app, ["import", "fidelity", str(path), "-o", str(out)])
        assert result.exit_code == 1, (path, result.output)
        assert message in " ".join(result.output.split()), result.output
        assert not out.exists()


def test_never_overwrites(tmp_path: Path) -> None:
    out = tmp_path / "out.yaml"
    out.write_text("mine\n")
    result = runner.invoke(app, ["import", "fidelity", str(FIDELITY), "-o", str(out)])
    assert result.exit_code == 1
    assert "exists; choose another name or pass --force" in flat(result.output)
    assert out.read_text() == "mine\n"
    assert runner.invoke(app, ["import", "fidelity", str(FIDELITY), "-o", str(out),
                               "--force"]).exit_code == 0
    assert out.read_text() != "mine\n"
    base = household(tmp_path)
    before = base.read_text()
    result = runner.invoke(app, ["import", "fidelity", str(FIDELITY), "--into", str(base),
                                 "-o", str(base.with_suffix(".yaml")), "--force"])
    assert result.exit_code == 1 and "an output never replaces an input" in flat(result.output)
    assert base.read_text() == before


def test_usage_errors(tmp_path: Path) -> None:
    out = str(tmp_path / "o.yaml")
    result = runner.invoke(app, ["import", "fidelity", str(FIDELITY), "-o", out,
                                 "--type", "roth"])  # two accounts, one --type
    assert result.exit_code == 1, result.output
    assert "give --account ID --type TYPE for each" in flat(result.output)
    result = runner.invoke(app, ["import", "fidelity", str(FIDELITY), "-o", out,
                                 "--type", "checking"])
    assert result.exit_code == 2 and "not an account type" in flat(result.output)
    result = runner.invoke(app, ["import", "fidelity", str(FIDELITY), "-o", out,
                                 "--account", "X", "--account", "Y", "--type", "roth"])
    assert result.exit_code == 2
    result = runner.invoke(app, ["import", "fidelity", str(FIDELITY), "-o", out,
                                 "--account", "nope", "--type", "roth"])
    assert result.exit_code == 1
    assert "names none of the imported accounts" in flat(result.output)
    result = runner.invoke(app, ["import", "fidelity", str(FIDELITY), "-o",
                                 str(tmp_path / "x.json")])
    assert result.exit_code == 2
    result = runner.invoke(app, ["import", "etrade", str(FIDELITY), "-o", out])
    assert result.exit_code == 2


def test_every_broker_through_the_cli(tmp_path: Path) -> None:
    runs = [
        ["schwab", str(DATA / "Individual-Positions-2025-05-04-123456.csv"),
         str(DATA / "SCHB_Lot_Details.csv"), str(DATA / "AAPL_Lot_Details.csv"),
         "--type", "taxable"],
        ["vanguard", str(DATA / "OfxDownload.csv"), "--as-of", "2026-10-02",
         "--account", "12345678", "--type", "taxable", "--account", "87654321",
         "--type", "roth_ira"],
        ["ofx", str(DATA / "Fidelity-401k-2026-11-27.qfx"), "--type", "401k"],
        ["csv", str(DATA / "lots-export.csv"), "--map",
         "account=Acct,ticker=Ticker,shares=Units,price=Last,value=Value,acquired=Open Date,"
         "cost=Cost", "--type", "taxable"],
    ]
    for i, args in enumerate(runs):
        out = tmp_path / f"{i}.yaml"
        result = runner.invoke(app, ["import", *args, "-o", str(out), "--json"])
        assert result.exit_code == 0, result.output
        doc = json.loads(result.stdout)
        assert all(a["type"] != "unknown" for a in doc["accounts"]), doc
        written = yaml.safe_load(out.read_text())
        assert written["accounts"]


def test_schwab_import_validates_with_a_household(tmp_path: Path) -> None:
    base = household(tmp_path, funds=[
        {"ticker": "AAPL", "classes": {"us_large": 100}, "expense_ratio": 0, "kind": "stock"}])
    out = tmp_path / "next.yaml"
    result = runner.invoke(app, [
        "import", "schwab", str(DATA / "Individual-Positions-2025-05-04-123456.csv"),
        str(DATA / "SCHB_Lot_Details.csv"), str(DATA / "AAPL_Lot_Details.csv"),
        "--into", str(base), "--type", "taxable", "-o", str(out)])
    assert result.exit_code == 0, result.output
    book = load_household(out)
    schb = book.account("schwab-123").position("SCHB")
    assert schb is not None and len(schb.lots) == 3 and schb.basis_known
    assert schb.cost == pytest.approx(23005.0)  # the lot file's Total row


def test_import_copies_of_fixtures_are_never_changed(tmp_path: Path) -> None:
    copy = tmp_path / FIDELITY.name
    shutil.copy(FIDELITY, copy)
    before = copy.read_bytes()
    runner.invoke(app, ["import", "fidelity", str(copy), "-o", str(tmp_path / "o.yaml")])
    assert copy.read_bytes() == before


def test_docs_show_what_import_writes(tmp_path: Path) -> None:
    """docs/import.md shows the start of the file the worked example writes."""
    doc = (Path(__file__).resolve().parents[2] / "docs" / "import.md").read_text()
    shown = doc.split("```yaml\n", 1)[1].split("```", 1)[0].splitlines()
    shown = shown[: shown.index("    …")]
    out = tmp_path / "imported.yaml"
    assert runner.invoke(app, [
        "import", "fidelity", str(Path(__file__).resolve().parents[2] / "examples" / "exports"
                                  / FIDELITY.name),
        "--account", "Z12345678", "--type", "taxable", "--account", "238765432",
        "--type", "roth_ira", "-o", str(out)]).exit_code == 0
    assert out.read_text().splitlines()[: len(shown)] == shown
