"""CLI tests for ``householder contribute`` and ``householder locate``: every path with
``--json`` (exactly one JSON document on stdout, human output on stderr), the exit codes of the
spec (0 ok, 1 bad input, 2 usage), and the shared worked examples through the command line.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner, Result

from householder.cli import app

REFERENCE = Path(__file__).resolve().parents[2] / "examples" / "three-account.yaml"
CENT = 0.01


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args])


def document(result: Result, code: int = 0) -> dict[str, Any]:
    """The one JSON document on stdout (``json.loads`` fails on anything else there)."""
    assert result.exit_code == code, (result.stdout, result.stderr)
    doc = json.loads(result.stdout)
    assert isinstance(doc, dict)
    return doc


def case_file(shared_cases: Path, household_file: Callable[..., Path], name: str) -> Path:
    doc = yaml.safe_load((shared_cases / name).read_text(encoding="utf-8"))
    return household_file(doc["household"], name)


@pytest.fixture
def kendra(shared_cases: Path, household_file: Callable[..., Path]) -> Path:
    """Shared case kendra.yaml (Investopedia, 'How to Rebalance 401(k) Assets')."""
    return case_file(shared_cases, household_file, "kendra.yaml")


def trades(doc: dict[str, Any]) -> dict[tuple[str, str], tuple[str, float]]:
    return {
        (a["id"], t["fund"]): (t["action"], t["amount"])
        for a in doc["accounts"]
        for t in a["trades"]
    }


MULTI: dict[str, Any] = {
    "name": "Multi",
    "as_of": "2025-06-30",
    "people": [{"id": "pat", "birth_year": 1980}],
    "tax": {
        "filing_status": "single",
        "ordinary_rate": "24%",
        "long_term_rate": "15%",
        "retirement_rate": "22%",
    },
    "target": {"stocks": 60, "bonds": 40},
    "funds": [
        {
            "ticker": "STK",
            "expense_ratio": "0.03%",
            "classes": {"stocks": 100},
            "kind": "mutual_fund",
        },
        {
            "ticker": "BND",
            "expense_ratio": "0.04%",
            "classes": {"bonds": 100},
            "kind": "mutual_fund",
        },
    ],
    "accounts": [
        {
            "id": "brokerage",
            "owner": "pat",
            "type": "taxable",
            "holdings": [
                {"fund": "STK", "value": 40_000, "cost": 30_000, "acquired": "2019-01-02"}
            ],
        },
        {
            "id": "ira",
            "owner": "pat",
            "type": "traditional_ira",
            "holdings": [{"fund": "BND", "value": 20_000}],
        },
        {
            "id": "roth",
            "owner": "pat",
            "type": "roth_ira",
            "holdings": [{"fund": "STK", "value": 10_000}],
        },
    ],
}
"""$70,000: stocks 50,000 (71 %), bonds 20,000; an IRA limit of 7,000 (2025, age 45)."""


# -- contribute -----------------------------------------------------------------------------------
def test_contribute_to_target_kendra_json(kendra: Path) -> None:
    """Investopedia (shared kendra.yaml): $1,666.67 into bonds; 2024 limit $23,000, within."""
    result = run("contribute", kendra, "--to-target", "--json")
    doc = document(result)
    assert doc["contribution_needed"] == pytest.approx(1666.67, abs=CENT)
    assert trades(doc) == {("kendra-401k", "BOND"): ("buy", pytest.approx(1666.67, abs=CENT))}
    (check,) = doc["limit_checks"]
    assert {k: check[k] for k in ("person", "account", "year", "limit", "within_limit")} == {
        "person": "kendra",
        "account": "kendra-401k",
        "year": 2024,
        "limit": 23000,
        "within_limit": True,
    }
    assert "Contribution limits" in result.stderr  # the human tables go to stderr


def test_contribute_amount_kendra_json(kendra: Path) -> None:
    """Investopedia (shared kendra.yaml): $10,000 → STOCK 6,250 / BOND 3,750."""
    doc = document(run("contribute", kendra, "--amount", "10000", "--json"))
    assert trades(doc) == {
        ("kendra-401k", "STOCK"): ("buy", pytest.approx(6250, abs=CENT)),
        ("kendra-401k", "BOND"): ("buy", pytest.approx(3750, abs=CENT)),
    }
    assert {r["class"]: r["after"] for r in doc["allocation"]} == pytest.approx(
        {"stocks": 0.75, "bonds": 0.25}, abs=1e-6
    )


def test_contribute_amount_with_account_json(kendra: Path) -> None:
    doc = document(
        run("contribute", kendra, "--amount", "1000", "--account", "kendra-401k", "--json")
    )
    assert trades(doc) == {("kendra-401k", "BOND"): ("buy", pytest.approx(1000, abs=CENT))}


def test_contribute_split_kendra_json(kendra: Path) -> None:
    """Shared kendra.yaml: 62.5 / 37.5 for one year of $10,000, then back to 75 / 25; the
    human table and the switch-back note go to stderr."""
    result = run("contribute", kendra, "--split", "--json")
    doc = document(result)
    (split,) = doc["splits"]
    assert split["split"] == pytest.approx({"STOCK": 62.5, "BOND": 37.5}, abs=1e-3)
    assert split["then_return_to"] == pytest.approx({"STOCK": 75, "BOND": 25}, abs=1e-3)
    assert "switch back" in result.stderr and "62.50%" in result.stderr


def test_contribute_split_years_json(kendra: Path) -> None:
    doc = document(run("contribute", kendra, "--split", "--years", "2", "--json"))
    assert doc["years"] == 2
    assert doc["splits"][0]["split"] == pytest.approx({"STOCK": 68.75, "BOND": 31.25}, abs=1e-3)


def test_contribute_split_without_contributions_exit_1(
    household_file: Callable[..., Path],
) -> None:
    doc = document(run("contribute", household_file(MULTI), "--split", "--json"), code=1)
    assert doc["kind"] == "InputError" and "contributions" in doc["error"]


def test_contribute_withdrawal_json(kendra: Path) -> None:
    """A withdrawal sells only; the tax-deferred withdrawal's income tax is stated."""
    doc = document(run("contribute", kendra, "--amount", "-2000", "--json"))
    assert {action for action, _ in trades(doc).values()} == {"sell"}
    assert doc["accounts"][0]["contribution"] == -2000
    assert any("$480.00" in n for n in doc["notes"])


def test_contribute_withdrawal_too_large_exit_1(kendra: Path) -> None:
    """More than the household holds: exit 1, an InputError that says what is available."""
    result = run("contribute", kendra, "--amount", "-30000", "--json")
    doc = document(result, code=1)
    assert doc["kind"] == "InputError"
    assert "21,000.00" in doc["error"]
    assert "21,000.00" in result.stderr


def test_contribute_unknown_account_exit_1_with_suggestion(kendra: Path) -> None:
    result = run("contribute", kendra, "--amount", "500", "--account", "kendra-410k", "--json")
    doc = document(result, code=1)
    assert "did you mean 'kendra-401k'?" in doc["error"]
    assert "did you mean 'kendra-401k'?" in result.stderr


def test_contribute_amount_zero_exit_1(kendra: Path) -> None:
    assert (
        document(run("contribute", kendra, "--amount", "0", "--json"), code=1)["kind"]
        == "InputError"
    )


@pytest.mark.parametrize(
    "args", [[], ["--amount", "100", "--to-target"], ["--split", "--to-target"]]
)
def test_contribute_needs_exactly_one_mode_exit_2(kendra: Path, args: list[str]) -> None:
    result = run("contribute", kendra, *args, "--json")
    assert result.exit_code == 2
    # issue 12: with --json a usage error is one JSON document on stdout too
    assert json.loads(result.stdout) == {
        "error": "Invalid value for --amount / --to-target / --split: give exactly one of "
        "--amount N, --to-target or --split",
        "kind": "UsageError",
    }
    assert "exactly one of" in result.stderr


def test_contribute_years_below_one_is_a_usage_error(kendra: Path) -> None:
    result = run("contribute", kendra, "--split", "--years", "0", "--json")
    assert result.exit_code == 2
    assert json.loads(result.stdout)["kind"] == "UsageError"


def test_contribute_missing_file_exit_1_or_2(tmp_path: Path) -> None:
    result = run("contribute", tmp_path / "nope.yaml", "--amount", "1", "--json")
    assert result.exit_code in (1, 2)
    assert result.stdout == "" or "error" in json.loads(result.stdout)


def test_contribute_unnamed_account_routing_json(household_file: Callable[..., Path]) -> None:
    """No --account: $10,000 → the IRA's 7,000 of room, then 3,000 to taxable; the notes say
    why, and the Roth (same IRA limit) gets nothing."""
    doc = document(run("contribute", household_file(MULTI), "--amount", "10000", "--json"))
    flows = {a["id"]: a["contribution"] for a in doc["accounts"]}
    assert flows == {"brokerage": 3000, "ira": 7000, "roth": 0}
    assert all(t["action"] == "buy" for a in doc["accounts"] for t in a["trades"])
    assert any("tax-advantaged room first" in n for n in doc["notes"])
    assert [c["account"] for c in doc["limit_checks"]] == ["ira"]


def test_contribute_unnamed_withdrawal_json(household_file: Callable[..., Path]) -> None:
    """No --account: taxable first, selling only."""
    doc = document(run("contribute", household_file(MULTI), "--amount", "-5000", "--json"))
    flows = {a["id"]: a["contribution"] for a in doc["accounts"] if a["contribution"]}
    assert flows == {"brokerage": -5000}
    assert all(t["action"] == "sell" for a in doc["accounts"] for t in a["trades"])
    assert any("taxable accounts first" in n for n in doc["notes"])


def test_contribute_to_target_over_limit_json(household_file: Callable[..., Path]) -> None:
    """Stocks 50,000 at 60 % need an $83,333.33 household: $13,333.33 more, all bonds. Only the
    IRA ($7,000) and taxable (no limit) can take it, so it fits once routed through taxable;
    with the taxable account removed it does not, and the best within is the IRA's 7,000."""
    doc = document(run("contribute", household_file(MULTI), "--to-target", "--json"))
    assert doc["contribution_needed"] == pytest.approx(13_333.33, abs=CENT)
    assert doc["contribution_within_limits"] is True
    no_taxable = {**MULTI, "accounts": MULTI["accounts"][1:], "target": {"stocks": 20, "bonds": 80}}
    doc = document(
        run("contribute", household_file(no_taxable, "ira.yaml"), "--to-target", "--json")
    )
    # stocks 10,000 at 20 % → 50,000: 20,000 more, over the 7,000 IRA limit
    assert doc["contribution_needed"] == pytest.approx(20_000, abs=CENT)
    assert doc["contribution_within_limits"] is False
    # exactly the room, to the cent (the solve's few cents of slack are filled back up)
    assert doc["contribution_best_within_limits"] == 7_000
    assert any(c["within_limit"] is False for c in doc["limit_checks"])
    assert any("does not fit" in n for n in doc["notes"])


def test_contribute_csv_export(kendra: Path, tmp_path: Path) -> None:
    out = tmp_path / "trades.csv"
    result = run("contribute", kendra, "--amount", "10000", "--csv", out, "--json")
    document(result)
    assert out.is_file() and "BOND" in out.read_text(encoding="utf-8")


def test_contribute_without_json_prints_tables_to_stdout(kendra: Path) -> None:
    result = run("contribute", kendra, "--to-target")
    assert result.exit_code == 0
    assert "1,666.67" in result.stdout


# -- locate ---------------------------------------------------------------------------------------
def test_locate_roth_placement_json(
    shared_cases: Path, household_file: Callable[..., Path]
) -> None:
    """freeby50.com (2018), shared roth-placement.yaml: 391,648 mirrored vs 425,260 located
    (±2)."""
    result = run("locate", case_file(shared_cases, household_file, "roth-placement.yaml"), "--json")
    doc = document(result)
    assert doc["placement"] == {
        "roth": {"stocks": pytest.approx(50_000, abs=2)},
        "k401": {"bonds": pytest.approx(50_000, abs=2)},
    }
    assert doc["after_tax_value_uniform"] == pytest.approx(391_648, abs=2)
    assert doc["after_tax_value_located"] == pytest.approx(425_260, abs=2)
    assert doc["annual_difference_bps"] == doc["annual_benefit_bps"]
    assert "plan" not in doc
    assert "benefit per year" in result.stderr


def test_locate_reference_household_json() -> None:
    """The reference three-account household (docs/locate.md): its annual benefit lies inside
    the published range for asset location (Betterment 0.10–0.82 %/yr, Vanguard 0–0.75 %/yr)."""
    doc = document(run("locate", REFERENCE, "--json"))
    assert 10 <= doc["annual_benefit_bps"] <= 75
    assert set(doc["placement"]) == {"brokerage", "401k", "roth"}
    assert set(doc["why"]) == {"us_stocks", "intl_stocks", "bonds"}


def test_locate_from_current_json() -> None:
    doc = document(run("locate", REFERENCE, "--from-current", "--json"))
    assert doc["from_current"] is True
    assert "accounts" in doc["plan"] and "tax" in doc["plan"]


def test_locate_after_tax_joe_json(shared_cases: Path, household_file: Callable[..., Path]) -> None:
    """Reichenstein's Joe (shared tax-adjusted-joe.yaml): the output says which basis."""
    doc = document(
        run("locate", case_file(shared_cases, household_file, "tax-adjusted-joe.yaml"), "--json")
    )
    assert doc["allocation_basis"] == "after_tax"
    assert doc["after_tax_value_located"] == pytest.approx(doc["after_tax_value_uniform"], abs=CENT)


def test_locate_sweep_json_one_point_per_value() -> None:
    result = run("locate", REFERENCE, "--sweep", "retirement_rate=0.12:0.37:0.05", "--json")
    doc = document(result)
    assert doc["sweep"] == "retirement_rate"
    assert [p["value"] for p in doc["points"]] == pytest.approx(
        [0.12, 0.17, 0.22, 0.27, 0.32, 0.37]
    )
    assert all("placement" in p and "annual_benefit_bps" in p for p in doc["points"])
    assert "Asset location as retirement_rate varies" in result.stderr


def test_locate_sweep_horizon_without_json() -> None:
    result = run("locate", REFERENCE, "--sweep", "horizon_years=10:30:10")
    assert result.exit_code == 0
    assert "horizon_years" in result.stdout


@pytest.mark.parametrize(
    "spec",
    [
        "retirement_rate",
        "retirement_rate=0.3:0.1:0.05",
        "nonsense=0:1:0.5",
        "return.unobtainium=0.05:0.06:0.01",
        "retirement_rate=x:y:z",
    ],
)
def test_locate_bad_sweep_exit_1(spec: str) -> None:
    result = run("locate", REFERENCE, "--sweep", spec, "--json")
    doc = document(result, code=1)
    assert doc["kind"] == "InputError" and "--sweep" in doc["error"]
    assert "--sweep" in result.stderr


def test_locate_invalid_file_exit_1(household_file: Callable[..., Path]) -> None:
    bad = {**MULTI, "target": {"stocks": 60, "bonds": 30}}
    doc = document(run("locate", household_file(bad), "--json"), code=1)
    assert "error" in doc
