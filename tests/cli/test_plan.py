"""``householder plan``: exit codes, one JSON document on stdout with ``--json`` (humans read
stderr), the spec's ``plan --json`` fields, ``--csv`` and ``--force``, bad files, and every file
in ``examples/``.

Exit codes (spec, "Commands"): 0 success, 1 invalid input or no feasible plan, 2 usage.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from householder.cli import app
from tests.casefiles import CASES

runner = CliRunner()
FileMaker = Callable[..., Path]
REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
CASES = CASES


def example_files() -> list[Path]:
    if not EXAMPLES.is_dir():
        return []
    return sorted(p for p in EXAMPLES.iterdir() if p.suffix in {".yaml", ".yml", ".toml", ".json"})


def taxable_household() -> dict[str, Any]:
    """A taxable account that must sell stock (lots at a gain and a loss) and buy bonds."""
    return {
        "name": "Lots",
        "as_of": "2024-12-31",
        "tax": {"ordinary_rate": "24%", "long_term_rate": "15%"},
        "target": {"stocks": 60, "bonds": 40},
        "funds": [
            {"ticker": "STOCK", "expense_ratio": "0.04%", "classes": {"stocks": 100}},
            {"ticker": "BOND", "expense_ratio": "0.05%", "classes": {"bonds": 100}},
        ],
        "accounts": [
            {
                "id": "brokerage",
                "type": "taxable",
                "holdings": [
                    {
                        "fund": "STOCK",
                        "price": 100,
                        "lots": [
                            {"id": "GAIN", "shares": 60, "cost": 3000, "acquired": "2019-03-15"},
                            {"id": "LOSS", "shares": 40, "cost": 4400, "acquired": "2019-03-15"},
                        ],
                    }
                ],
            }
        ],
    }


def invoke(*args: str) -> Any:
    return runner.invoke(app, list(args))


def plan_doc(result: Any) -> dict[str, Any]:
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)  # exactly one JSON document, nothing else
    assert isinstance(doc, dict)
    return doc


# -- --json: the contract --------------------------------------------------------------------------
def test_plan_json_is_one_document_with_the_spec_fields(
    kendra_data: dict[str, Any], household_file: FileMaker
) -> None:
    """``plan --json``: stdout is one JSON document with the fields of spec "plan --json output"
    (Kendra's numbers: sell $1,250 STOCK, buy $1,250 BOND, fees $8.80 → $8.925); the human
    tables go to stderr."""
    result = invoke("plan", str(household_file(kendra_data)), "--json")
    doc = plan_doc(result)
    assert doc["household"] == "Kendra"
    assert doc["as_of"] == "2024-12-31"
    assert doc["status"] == "optimal"
    assert doc["total_value"] == 21000.0
    rows = {row["class"]: row for row in doc["allocation"]}
    assert set(rows) == {"stocks", "bonds"}
    assert rows["stocks"]["target"] == 0.75
    assert rows["stocks"]["before"] == pytest.approx(0.8095, abs=1e-4)
    assert rows["stocks"]["after"] == pytest.approx(0.75, abs=1e-9)
    assert rows["bonds"]["after"] == pytest.approx(0.25, abs=1e-9)
    (acct,) = doc["accounts"]
    assert {"id", "type", "value_before", "value_after", "holdings_after", "trades"} <= set(acct)
    assert acct["id"] == "kendra-401k" and acct["type"] == "traditional_401k"
    assert acct["value_before"] == acct["value_after"] == 21000.0
    assert {h["fund"]: h["value"] for h in acct["holdings_after"]} == {
        "STOCK": 15750.0,
        "BOND": 5250.0,
    }
    trades = [
        {k: t[k] for k in ("fund", "action", "amount", "shares", "lots")} for t in acct["trades"]
    ]
    assert trades == [
        {"fund": "STOCK", "action": "sell", "amount": 1250.0, "shares": None, "lots": []},
        {"fund": "BOND", "action": "buy", "amount": 1250.0, "shares": None, "lots": []},
    ]
    assert {"short_term_gain": 0.0, "long_term_gain": 0.0, "estimated_tax": 0.0}.items() <= doc[
        "tax"
    ].items()
    assert doc["fees"] == {"annual_before": 8.8, "annual_after": 8.925}
    assert "kendra-401k" in result.stderr  # the tables, for humans


def test_plan_json_lists_the_lots_of_a_taxable_sell(household_file: FileMaker) -> None:
    """A taxable sell lists the lots it draws on, each ``{id, shares, cost, gain, term}``
    (spec); the loss lot goes first, and the tax block is the exact tax of those lots."""
    doc = plan_doc(invoke("plan", str(household_file(taxable_household())), "--json"))
    (acct,) = doc["accounts"]
    sell = next(t for t in acct["trades"] if t["action"] == "sell")
    assert sell["fund"] == "STOCK" and sell["amount"] == 4000.0
    assert sell["lots"] == [
        {
            "id": "LOSS",
            "shares": 40.0,
            "cost": 4400.0,
            "proceeds": 4000.0,
            "gain": -400.0,
            "term": "long",
            "wash_sale_disallowed": 0.0,
        }
    ]
    assert doc["tax"]["long_term_gain"] == -400.0
    assert doc["tax"]["estimated_tax"] == -96.0  # 24 % of a $400 net loss deducted


def test_plan_without_json_prints_tables_on_stdout(
    kendra_data: dict[str, Any], household_file: FileMaker
) -> None:
    """Without ``--json`` the tables are the output (stdout); nothing goes to stderr."""
    result = invoke("plan", str(household_file(kendra_data)))
    assert result.exit_code == 0, result.stderr
    assert "kendra-401k" in result.stdout
    assert "STOCK" in result.stdout and "BOND" in result.stdout
    assert "2 trades bring the household to its target" in result.stdout
    assert result.stderr == ""
    with pytest.raises(json.JSONDecodeError):
        json.loads(result.stdout)


def test_plan_nothing_to_do_says_so(kendra_data: dict[str, Any], household_file: FileMaker) -> None:
    """An already balanced household: exit 0, no trades, ``nothing_to_do`` in the JSON and the
    message for humans."""
    kendra_data["accounts"][0]["holdings"] = [
        {"fund": "STOCK", "value": 15750},
        {"fund": "BOND", "value": 5250},
    ]
    path = household_file(kendra_data)
    doc = plan_doc(invoke("plan", str(path), "--json"))
    assert doc["nothing_to_do"] is True
    assert doc["accounts"][0]["trades"] == []
    human = invoke("plan", str(path))
    assert "Nothing to do" in human.stdout


def test_plan_unreachable_target_exits_0_with_the_shortfall(
    kendra_data: dict[str, Any], household_file: FileMaker
) -> None:
    """A 401(k) whose menu has no bond fund: not an error (exit 0); ``target_reached`` false and
    a shortfall naming bonds."""
    kendra_data["accounts"][0]["menu"] = ["STOCK"]
    kendra_data["accounts"][0]["holdings"] = [{"fund": "STOCK", "value": 21000}]
    kendra_data["funds"] = kendra_data["funds"][:1]
    kendra_data["accounts"][0].pop("contributions")
    path = household_file(kendra_data)
    doc = plan_doc(invoke("plan", str(path), "--json"))
    assert doc["target_reached"] is False
    assert any(line.startswith("bonds") for line in doc["shortfall"])
    human = invoke("plan", str(path))
    assert human.exit_code == 0
    assert "Closest possible" in human.stdout


def test_plan_json_stdout_is_clean_in_a_real_process(tmp_path: Path) -> None:
    """In a real process (the console script), ``--json`` stdout is exactly one JSON document:
    no solver banner or log lines leak into it, also through the mixed-integer whole-share solve
    (the three-asset shared case has a whole-share ETF)."""
    script = Path(sys.executable).with_name("householder")
    exe = str(script) if script.exists() else shutil.which("householder")
    if exe is None:
        pytest.skip("the householder console script is not installed")
    case = CASES / "three-asset-rebalance.yaml"
    if not case.is_file():
        pytest.skip(f"shared case not found: {case}")
    path = tmp_path / "three.yaml"
    path.write_text(yaml.safe_dump(yaml.safe_load(case.read_text())["household"]))
    done = subprocess.run(
        [exe, "plan", str(path), "--json"], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["total_value"] == 110000.0
    trades = {t["fund"]: t for t in doc["accounts"][0]["trades"]}
    assert trades["INTL"]["shares"] == 50.0
    assert "Traceback" not in done.stderr


# -- --csv -----------------------------------------------------------------------------------------
def test_csv_writes_the_trade_list(household_file: FileMaker, tmp_path: Path) -> None:
    """``--csv FILE`` writes one row per trade: account, fund, action, amount, shares, lots
    (ids), ready to act on; the JSON on stdout is unchanged by it."""
    out = tmp_path / "trades.csv"
    result = invoke("plan", str(household_file(taxable_household())), "--json", "--csv", str(out))
    doc = plan_doc(result)
    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {"account", "fund", "action", "amount", "shares", "lots"} <= set(rows[0])
    assert [(r["account"], r["fund"], r["action"], float(r["amount"])) for r in rows] == [
        (a["id"], t["fund"], t["action"], t["amount"]) for a in doc["accounts"] for t in a["trades"]
    ]
    sell = next(r for r in rows if r["action"] == "sell")
    assert "LOSS" in sell["lots"]
    assert str(out) in result.stderr  # "trade list written to ..." for humans


def test_csv_refuses_to_overwrite_without_force(household_file: FileMaker, tmp_path: Path) -> None:
    """An existing file is not replaced without ``--force``: exit 1, the file unchanged, a
    message naming the fix, no traceback."""
    out = tmp_path / "trades.csv"
    out.write_text("keep me\n", encoding="utf-8")
    result = invoke("plan", str(household_file(taxable_household())), "--csv", str(out))
    assert result.exit_code == 1
    assert out.read_text(encoding="utf-8") == "keep me\n"
    assert "--force" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    # with --json: stdout is one JSON error document
    result = invoke("plan", str(household_file(taxable_household())), "--json", "--csv", str(out))
    assert result.exit_code == 1
    assert "exists" in json.loads(result.stdout)["error"]
    assert out.read_text(encoding="utf-8") == "keep me\n"


def test_csv_force_replaces_the_file(household_file: FileMaker, tmp_path: Path) -> None:
    """``--force`` replaces an existing file with the trade list."""
    out = tmp_path / "trades.csv"
    out.write_text("old\n", encoding="utf-8")
    result = invoke("plan", str(household_file(taxable_household())), "--csv", str(out), "--force")
    assert result.exit_code == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert text.startswith("account,fund,action,amount,shares")
    assert "old" not in text.splitlines()


# -- bad input, usage ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "content",
    [
        "a: [\n",  # not YAML
        "name: x\n",  # fields missing
        None,  # no such file
    ],
    ids=["bad-yaml", "missing-fields", "no-such-file"],
)
@pytest.mark.parametrize("as_json", [False, True], ids=["human", "json"])
def test_bad_file_exits_1_without_traceback(
    tmp_path: Path, content: str | None, as_json: bool
) -> None:
    """A bad household file: exit 1, the problem on stderr, no traceback; with ``--json`` stdout
    is one JSON error document."""
    path = tmp_path / "household.yaml"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    args = ["plan", str(path), *(["--json"] if as_json else [])]
    result = invoke(*args)
    assert result.exit_code == 1
    assert "error" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
    if as_json:
        doc = json.loads(result.stdout)
        assert doc["kind"] == "HouseholdFileError" and doc["problems"]
    else:
        assert result.stdout == ""


def test_unknown_fund_is_named(kendra_data: dict[str, Any], household_file: FileMaker) -> None:
    """A holding of an unknown fund: exit 1, and the message names the field's path."""
    kendra_data["accounts"][0]["holdings"][0]["fund"] = "STOKC"
    result = invoke("plan", str(household_file(kendra_data)))
    assert result.exit_code == 1
    assert "accounts[0].holdings[0].fund" in result.stderr
    assert "STOKC" in result.stderr


@pytest.mark.parametrize(
    "args", [["plan"], ["plan", "x.yaml", "--no-such-option"]], ids=["no-file", "unknown-option"]
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    """Usage errors (a missing argument, an unknown option) exit 2 (spec)."""
    result = invoke(*args)
    assert result.exit_code == 2
    assert result.stdout == ""


# -- every example ---------------------------------------------------------------------------------
@pytest.mark.parametrize("path", example_files(), ids=[p.name for p in example_files()])
def test_every_example_plans(path: Path) -> None:
    """Every file in ``examples/`` runs through ``plan --json`` with exit 0 and a plan whose
    accounts each net to their own cash change."""
    doc = plan_doc(invoke("plan", str(path), "--json"))
    assert doc["status"] == "optimal"
    for acct in doc["accounts"]:
        net = sum(t["amount"] if t["action"] == "sell" else -t["amount"] for t in acct["trades"])
        change = acct["cash_after"] - acct["cash_before"] - acct["contribution"]
        assert net == pytest.approx(change, abs=0.005), acct["id"]


def test_the_readme_main_command_runs() -> None:
    """The README's main command is ``householder plan examples/kendra.yaml`` (issue 3, "Done
    means"), and it runs: exit 0, Kendra's two trades."""
    readme = REPO / "README.md"
    if not readme.is_file() or not (EXAMPLES / "kendra.yaml").is_file():
        pytest.skip("no README.md or examples/kendra.yaml")
    assert "householder plan examples/kendra.yaml" in readme.read_text(encoding="utf-8")
    result = invoke("plan", str(EXAMPLES / "kendra.yaml"))
    assert result.exit_code == 0, result.stderr
    assert "2 trades bring the household to its target" in result.stdout
