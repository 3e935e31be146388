"""``householder harvest``: exit codes (0 ok, 1 bad input, 2 usage), one JSON document on stdout
with ``--json`` (humans read stderr), every example file, and a plan that no restriction allows
exits 1 naming it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from householder.cli import app

runner = CliRunner()
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
EXAMPLE_FILES = sorted(p for p in EXAMPLES.iterdir() if p.suffix in {".yaml", ".yml"})


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=[p.name for p in EXAMPLE_FILES])
def test_every_example_harvests(path: Path) -> None:
    result = runner.invoke(app, ["harvest", str(path), "--json"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["command"] == "harvest"
    assert {"candidates", "blocked", "tax", "economics", "wash_sale_calendar"} <= set(doc)


def test_the_example_harvest_json_and_tables() -> None:
    path = EXAMPLES / "harvest.yaml"
    result = runner.invoke(app, ["harvest", str(path), "--json", "--min-loss", "1000"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["min_loss"] == 1000.0
    assert [(c["fund"], [lot["id"] for lot in c["lots"]]) for c in doc["candidates"]] == [
        ("VTI", ["VTI-2025-02"])
    ]
    assert {b["fund"] for b in doc["blocked"]} == {"BND", "VXUS"}
    assert "do not buy VTI or VTSAX" in result.stderr  # the table's rows are on stderr
    assert "Wash-sale calendar" in result.stderr
    human = runner.invoke(app, ["harvest", str(path)])
    assert human.exit_code == 0
    assert "What the harvest is worth" in human.stdout


@pytest.mark.parametrize("args", [["--min-loss", "-5"], ["--min-loss", "nan"],
                                  ["--min-los", "5"]])
def test_usage_errors_exit_2(args: list[str]) -> None:
    result = runner.invoke(app, ["harvest", str(EXAMPLES / "harvest.yaml"), *args, "--json"])
    assert result.exit_code == 2
    assert json.loads(result.stdout)["kind"] == "UsageError"


def test_a_bad_file_exits_1(tmp_path: Path) -> None:
    data: dict[str, Any] = yaml.safe_load((EXAMPLES / "harvest.yaml").read_text())
    data["restrictions"] = [{"rule": "do_not_sell", "account": "nowhere"}]
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data))
    result = runner.invoke(app, ["harvest", str(path), "--json"])
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["problems"] == [
        "restrictions[0].account: 'nowhere' is not an account of the household"
    ]


def test_a_plan_no_restriction_allows_exits_1_naming_it(tmp_path: Path) -> None:
    data: dict[str, Any] = yaml.safe_load((EXAMPLES / "frontier.yaml").read_text())
    data["restrictions"] = [{"rule": "cash_floor", "account": "brokerage", "amount": 500_000}]
    path = tmp_path / "floor.yaml"
    path.write_text(yaml.safe_dump(data))
    result = runner.invoke(app, ["plan", str(path), "--json"])
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["kind"] == "InfeasibleError"
    assert doc["error"].startswith("no feasible plan: restrictions[0] (cash_floor $500,000.00, "
                                   "brokerage)")
