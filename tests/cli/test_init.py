"""``householder init``: a commented starter household that validates, from flags; prompts only
when a terminal is attached; ``--from`` an import's output."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from householder.cli import app
from householder.io import load_household

runner = CliRunner()
DATA = Path(__file__).resolve().parents[1] / "data" / "import"


def flat(text: str) -> str:
    return " ".join(text.split())


def test_starter_validates(tmp_path: Path) -> None:
    out = tmp_path / "household.yaml"
    result = runner.invoke(app, [
        "init", "-o", str(out), "--person", "ana", "--birth-year", "1980", "--person", "ben",
        "--birth-year", "1982", "--account", "taxable", "--account", "roth_ira",
        "--account", "roth_ira", "--account", "401k", "--account", "hsa", "--as-of", "2026-01-31"])
    assert result.exit_code == 0, result.output
    assert "valid" in result.stdout
    book = load_household(out)
    assert [(a.id, a.spec.owner, a.spec.type.value) for a in book.accounts] == [
        ("joint-taxable", "joint", "taxable"), ("ana-roth-ira", "ana", "roth_ira"),
        ("ben-roth-ira", "ben", "roth_ira"), ("ana-traditional-401k", "ana", "traditional_401k"),
        ("ana-hsa", "ana", "hsa")]
    assert book.household.tax.filing_status.value == "married_joint"
    text = out.read_text()
    assert text.startswith("# A starter household made by `householder init`")
    assert "filing_status: married_joint  # single | married_joint" in text
    assert "YOUR allocation" in text
    assert runner.invoke(app, ["validate", str(out)]).exit_code == 0


def test_defaults_and_never_overwrites(tmp_path: Path) -> None:
    out = tmp_path / "h.yaml"
    assert runner.invoke(app, ["init", "-o", str(out)]).exit_code == 0
    data = yaml.safe_load(out.read_text())
    assert data["people"] == [{"id": "me"}]
    assert [a["type"] for a in data["accounts"]] == ["taxable"]
    again = runner.invoke(app, ["init", "-o", str(out)])
    assert again.exit_code == 1 and "exists" in flat(again.output)
    assert runner.invoke(app, ["init", "-o", str(out), "--force", "--json"]).exit_code == 0


def test_json(tmp_path: Path) -> None:
    out = tmp_path / "h.yaml"
    result = runner.invoke(app, ["init", "-o", str(out), "--account", "roth", "--json"])
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc == {"written": str(out), "valid": True, "problems": [], "people": ["me"],
                   "accounts": ["me-roth-ira"]}


def test_from_an_import(tmp_path: Path) -> None:
    imported = tmp_path / "imported.yaml"
    assert runner.invoke(app, [
        "import", "vanguard", str(DATA / "OfxDownload.csv"), "--as-of", "2026-10-02",
        "--account", "12345678", "--type", "taxable", "--account", "87654321",
        "--type", "roth_ira", "-o", str(imported)]).exit_code == 0
    out = tmp_path / "household.yaml"
    result = runner.invoke(app, ["init", "--from", str(imported), "-o", str(out),
                                 "--person", "kim", "--birth-year", "1990"])
    assert result.exit_code == 0, result.output
    book = load_household(out)
    assert book.as_of.isoformat() == "2026-10-02"  # the import's date
    assert [(a.id, a.spec.owner) for a in book.accounts] == [
        ("vanguard-12345678", "kim"), ("vanguard-87654321", "kim")]
    assert book.account("vanguard-12345678").position("VTI").lots  # kept
    assert imported.read_text().startswith("# Imported by")  # the import is not changed


def test_from_an_import_with_unknown_types_lists_what_is_missing(tmp_path: Path) -> None:
    imported = tmp_path / "imported.yaml"
    assert runner.invoke(app, ["import", "fidelity",
                               str(DATA / "Portfolio_Positions_Aug-29-2026.csv"),
                               "-o", str(imported)]).exit_code == 0
    out = tmp_path / "household.yaml"
    result = runner.invoke(app, ["init", "--from", str(imported), "-o", str(out)])
    assert result.exit_code == 0
    assert "still to do before it validates" in result.stdout
    assert "accounts[0].type: 'unknown' is not one of" in flat(result.stdout)
    assert "type: unknown  # set the account's type" in out.read_text()


def test_prompts_only_with_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "h.yaml"
    # CliRunner's stdin is not a terminal: no prompt, defaults used
    assert runner.invoke(app, ["init", "-o", str(out)], input="").exit_code == 0
    module = importlib.import_module("householder.cli.init")  # not the command of that name
    monkeypatch.setattr(module, "_interactive", lambda: True)
    asked = tmp_path / "asked.yaml"
    result = runner.invoke(app, ["init", "-o", str(asked)],
                           input="Rivera\nana,ben\n1980\n1983\ntaxable, roth_ira\n")
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(asked.read_text())
    assert data["name"] == "Rivera"
    assert data["people"] == [{"id": "ana", "birth_year": 1980}, {"id": "ben", "birth_year": 1983}]
    assert [a["id"] for a in data["accounts"]] == ["joint-taxable", "ana-roth-ira"]


def test_usage_errors(tmp_path: Path) -> None:
    assert runner.invoke(app, ["init", "-o", str(tmp_path / "x.json")]).exit_code == 2
    assert runner.invoke(app, ["init", "--account", "checking",
                               "-o", str(tmp_path / "a.yaml")]).exit_code == 2
    assert runner.invoke(app, ["init", "--birth-year", "1980",
                               "-o", str(tmp_path / "b.yaml")]).exit_code == 2
