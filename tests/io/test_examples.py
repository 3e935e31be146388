"""Every file in ``examples/`` and every shared worked example loads, validates and drifts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from householder.cli import app
from householder.io import build_book, load_household
from householder.valuation import household_exposure
from tests.casefiles import CASES

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CASES = CASES
EXAMPLE_FILES = sorted(
    p for p in EXAMPLES.iterdir() if p.suffix in {".yaml", ".yml", ".toml", ".json"}
)
runner = CliRunner()


def test_the_examples_are_there() -> None:
    names = {p.name for p in EXAMPLE_FILES}
    assert {"kendra.yaml", "two-earner.yaml"} <= names


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=[p.name for p in EXAMPLE_FILES])
def test_every_example_validates(path: Path) -> None:
    result = runner.invoke(app, ["validate", str(path), "--json"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["valid"] is True
    book = load_household(path)
    assert sum(household_exposure(book, after_tax=False).values()) == pytest.approx(
        book.total_value
    )
    drift = runner.invoke(app, ["drift", str(path), "--json"])
    assert drift.exit_code == 0, drift.stderr
    assert json.loads(drift.stdout)["total_value"] > 0


def test_kendra_example_is_the_shared_case() -> None:
    """examples/kendra.yaml is Investopedia's Kendra, as in ../shared/cases/kendra.yaml."""
    case_file = CASES / "kendra.yaml"
    if not case_file.is_file():
        pytest.skip(f"shared worked example not found: {case_file}")
    shared = build_book(yaml.safe_load(case_file.read_text(encoding="utf-8"))["household"])
    example = load_household(EXAMPLES / "kendra.yaml")
    assert example.household == shared.household


def test_two_earner_example_has_what_it_promises() -> None:
    book = load_household(EXAMPLES / "two-earner.yaml")
    h = book.household
    assert h.tax.filing_status.value == "married_joint"
    assert [p.birth_date is not None for p in h.people] == [True, True]
    types = [a.type.value for a in h.accounts]
    assert types.count("traditional_401k") == 2
    assert types.count("traditional_ira") == 2 and types.count("roth_ira") == 2
    assert "hsa" in types and "taxable" in types
    hsa = next(a for a in h.accounts if a.type.value == "hsa")
    assert hsa.hsa_coverage == "family"
    assert book.target == pytest.approx({"us_stocks": 0.48, "intl_stocks": 0.32, "bonds": 0.20})
    # the two 401(k) menus differ, and the former employer's is dearer
    k401 = [a for a in book.accounts if a.spec.type.value == "traditional_401k"]
    assert set(k401[0].buyable).isdisjoint(k401[1].buyable)

    def mean_fee(account_id: str) -> float:
        menu = book.account(account_id).buyable
        return sum(book.funds[t].expense_ratio for t in menu) / len(menu)

    assert mean_fee("casey-oldco-401k") > 5 * mean_fee("jordan-401k")
    # the joint account: several lots per holding, gains and losses, short and long term
    taxable = book.account("joint-brokerage")
    assert taxable.spec.owner == "joint"
    lots = [lot for p in taxable.positions for lot in p.lots]
    assert all(len(p.lots) >= 3 for p in taxable.positions)
    assert any(lot.gain < 0 for lot in lots) and any(lot.gain > 0 for lot in lots)
    short = [lot for lot in lots if (h.as_of - lot.acquired).days <= 365]
    assert short and len(short) < len(lots)
    assert any(lot.gain < 0 for lot in short)
    assert sum(1 for a in book.accounts if a.cash > 0) >= 2
    assert book.notes == ()  # every taxable holding has its basis


def shared_case_files() -> list[Path]:
    if not CASES.is_dir():
        return []
    return sorted(
        p
        for p in CASES.glob("*.yaml")
        if "household" in yaml.safe_load(p.read_text(encoding="utf-8"))
    )


@pytest.mark.skipif(not CASES.is_dir(), reason=f"shared worked examples not found at {CASES}")
@pytest.mark.parametrize("path", shared_case_files(), ids=lambda p: p.name)
def test_every_shared_case_household_validates(path: Path, tmp_path: Path) -> None:
    household = yaml.safe_load(path.read_text(encoding="utf-8"))["household"]
    file = tmp_path / path.name
    file.write_text(yaml.safe_dump(household, sort_keys=False), encoding="utf-8")
    result = runner.invoke(app, ["validate", str(file)])
    assert result.exit_code == 0, result.stderr
