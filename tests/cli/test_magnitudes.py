"""Answers that are not silently wrong at the edges of magnitude (issue 12): a household at
$1e10 invests new money; amounts past the limits are refused, never planned as ``SELL $inf``;
the JSON Schema admits every file ``validate`` accepts; ``--json`` covers usage errors."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from typer.testing import CliRunner

from householder.cli import app
from householder.io import read_file

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def write(tmp_path: Path, data: dict[str, Any], name: str = "household.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def rich(value: float, etf: bool = False) -> dict[str, Any]:
    """A household of ``value`` dollars exactly on a 75/25 target."""
    if etf:
        holdings = [{"fund": "VTI", "shares": round(value * 0.75 / 290), "price": 290},
                    {"fund": "BND", "shares": round(value * 0.25 / 72.5), "price": 72.5}]
    else:
        holdings = [{"fund": "VTSAX", "value": value * 0.75, "cost": value * 0.5,
                     "acquired": "2019-01-02"},
                    {"fund": "VBTLX", "value": value * 0.25, "cost": value * 0.25,
                     "acquired": "2019-01-02"}]
    return {"name": "Rich", "as_of": "2024-12-31", "target": {"stocks": 75, "bonds": 25},
            "accounts": [{"id": "brokerage", "type": "taxable", "holdings": holdings}]}


@pytest.mark.parametrize("value", [1e6, 1e9, 1e10, 3e11])
def test_new_money_is_invested_however_large_the_household(tmp_path: Path, value: float) -> None:
    """At $1e10 the $1,000 was 1e-7 of the household, inside HiGHS's feasibility tolerance: it
    stayed cash and the plan said 'Nothing to do'."""
    path = write(tmp_path, rich(value))
    result = runner.invoke(app, ["contribute", str(path), "--amount", "1000", "--json"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    acct = doc["accounts"][0]
    assert sum(t["amount"] for t in acct["trades"] if t["action"] == "buy") == 1000.0
    assert acct["cash_after"] == 0.0
    assert not doc["nothing_to_do"]


def test_new_money_buys_whole_shares_in_a_ten_billion_household(tmp_path: Path) -> None:
    """The whole-share MILP kept the money as cash within its own tolerance (1e-6 of W)."""
    path = write(tmp_path, rich(1e10, etf=True))
    result = runner.invoke(app, ["contribute", str(path), "--amount", "1000", "--json"])
    doc = json.loads(result.stdout)
    acct = doc["accounts"][0]
    bought = sum(t["amount"] for t in acct["trades"] if t["action"] == "buy")
    assert bought > 1000 - 290, acct  # all but a whole-share remainder
    assert acct["cash_after"] == round(1000 - bought, 2)


def test_1e308_is_refused_not_planned_as_infinity(tmp_path: Path) -> None:
    """``value: 1e308`` planned SELL $inf / BUY $nan with exit 0."""
    data = rich(1e6)
    data["accounts"][0]["holdings"][0]["value"] = 1e308
    path = write(tmp_path, data)
    for command in ("validate", "plan", "drift", "locate"):
        result = runner.invoke(app, [command, str(path), "--json"])
        assert result.exit_code == 1
        assert json.loads(result.stdout)["problems"] == [
            "accounts[0].holdings[0].value: 1e+308 is too large: an amount is at most "
            "$1,000,000,000,000 (a trillion dollars), the range householder plans in to the cent"
        ]
        assert "inf" not in result.stderr and "nan" not in result.stderr


def test_a_cent_household_is_refused_not_on_target(tmp_path: Path) -> None:
    """'already on target', target_reached true at 75 points of drift; locate crashed."""
    data = rich(1e6)
    data["accounts"][0]["holdings"] = [{"fund": "VTSAX", "value": 0.01, "cost": 0.01,
                                        "acquired": "2019-01-02"}]
    path = write(tmp_path, data)
    for command in ("plan", "locate"):
        result = runner.invoke(app, [command, str(path), "--json"])
        assert result.exit_code == 1, result.stderr
        doc = json.loads(result.stdout)
        assert doc["kind"] == "InputError"
        assert "holds $0.01 in all" in doc["error"]
        assert "target_reached" not in doc


# -- the schema ----------------------------------------------------------------------------------
def households() -> list[tuple[str, dict[str, Any]]]:
    out = []
    for path in sorted((ROOT / "examples").glob("*.yaml")):
        out.append((f"examples/{path.name}", read_file(path)))
    for path in sorted((ROOT / "tests" / "cases").glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(doc, dict) and isinstance(doc.get("household"), dict):
            out.append((f"tests/cases/{path.name}", doc["household"]))
    return out


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    result = runner.invoke(app, ["schema", "--json"])  # --json is accepted like everywhere
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


@pytest.mark.parametrize(("name", "data"), households(), ids=[n for n, _ in households()])
def test_the_schema_admits_every_file_validate_accepts(
    name: str, data: dict[str, Any], validator: jsonschema.protocols.Validator, tmp_path: Path
) -> None:
    """It refused every shipped example: ``'24%' is not of type 'number'``."""
    path = write(tmp_path, data)
    assert runner.invoke(app, ["validate", str(path)]).exit_code == 0
    plain = json.loads(json.dumps(data, default=str))  # dates as YAML gives them, as text
    errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(plain)]
    assert errors == []


def test_the_schema_states_the_grammar_and_the_limits(
    validator: jsonschema.protocols.Validator,
) -> None:
    ok = {"as_of": "2024-12-31", "target": {"stocks": "100%"}, "accounts": [
        {"id": "a", "type": "taxable", "cash": "$1,250.50",
         "holdings": [{"fund": "VTI", "value": "1,000"}]}], "tax": {"ordinary_rate": "24%"}}
    assert list(validator.iter_errors(ok)) == []
    for path, bad in ((("accounts", 0, "cash"), "1.000,50"), (("accounts", 0, "cash"), 1e13),
                      (("tax", "ordinary_rate"), "0,05%"), (("accounts", 0, "cash"), "12%")):
        doc = json.loads(json.dumps(ok))
        node: Any = doc
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = bad
        assert list(validator.iter_errors(doc)), (path, bad)


# -- --json on a usage error, through the installed script -------------------------------------
def test_usage_errors_are_one_json_document_through_the_script(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("householder")
    found = str(script) if script.exists() else shutil.which("householder")
    if found is None:
        pytest.skip("the householder console script is not installed")
    for args in (["plan", "--json", "--bogus"], ["contribute", "--json"], ["schema", "--json"]):
        proc = subprocess.run([found, *args], capture_output=True, text=True, timeout=60,
                              check=False, cwd=tmp_path)
        doc = json.loads(proc.stdout)
        if args[0] == "schema":
            assert proc.returncode == 0 and "$schema" in doc
        else:
            assert proc.returncode == 2
            assert doc["kind"] == "UsageError" and doc["error"]
            assert "Traceback" not in proc.stderr
