"""``householder report`` and ``plan --report``: exit codes, one JSON document with ``--json``,
the file written through io/export (never over an input, ``--force`` to replace), bad options
refused before any solve, and no network."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from householder.cli import app

runner = CliRunner()
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
KENDRA = str(EXAMPLES / "kendra.yaml")


def invoke(*args: str) -> Any:
    return runner.invoke(app, list(args))


def test_report_writes_one_html_file_and_says_where(tmp_path: Path) -> None:
    out = tmp_path / "kendra.html"
    result = invoke("report", KENDRA, "--out", str(out), "--json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)  # one JSON document, nothing else
    assert doc["command"] == "report" and doc["out"] == str(out.resolve())
    assert doc["household"] == "Kendra" and doc["plan"]["household"] == "Kendra"
    assert [t["amount"] for t in doc["plan"]["accounts"][0]["trades"]] == [1250.0, 1250.0]
    assert f"report written to {out.resolve()}" in result.stderr.replace("\n", "")
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    assert "<svg" in html and "Kendra" in html


def test_default_name_is_report_html(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke("report", KENDRA)
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "report.html").is_file()
    assert "report written to" in result.stdout  # no --json: the message is for people


def test_an_existing_file_needs_force(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    out.write_text("keep me\n", encoding="utf-8")
    result = invoke("report", KENDRA, "--out", str(out))
    assert result.exit_code == 1
    assert "--force" in result.stderr and "Traceback" not in result.stderr.replace("\n", "")
    assert out.read_text(encoding="utf-8") == "keep me\n"
    result = invoke("report", KENDRA, "--out", str(out), "--force")
    assert result.exit_code == 0, result.stderr
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_never_over_the_household_file(tmp_path: Path) -> None:
    household = tmp_path / "kendra.yaml"
    household.write_text((EXAMPLES / "kendra.yaml").read_text(encoding="utf-8"),
                         encoding="utf-8")
    before = household.read_bytes()
    for command in (["report", str(household), "--out", str(household), "--force"],
                    ["plan", str(household), "--report", str(household), "--force"]):
        result = invoke(*command, "--json")
        assert result.exit_code == 1
        assert "never replaces an input" in json.loads(result.stdout)["error"]
        assert household.read_bytes() == before


def test_bad_options_fail_before_any_solve(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A missing folder or a bad --sweep: exit 1 with the fix, no solve, no file."""
    import householder.optimize as optimize

    def no_solve(*args: object, **kwargs: object) -> None:
        raise AssertionError("solved before refusing a bad option")

    monkeypatch.setattr(optimize, "solve_household", no_solve)
    result = invoke("report", KENDRA, "--out", str(tmp_path / "missing" / "r.html"))
    assert result.exit_code == 1 and "does not exist" in result.stderr.replace("\n", "")
    result = invoke("report", KENDRA, "--out", str(tmp_path / "r.html"), "--sweep", "oops")
    assert result.exit_code == 1 and "name=start:stop:step" in result.stderr.replace("\n", "")
    result = invoke("plan", KENDRA, "--report", str(tmp_path / "missing" / "r.html"))
    assert result.exit_code == 1 and "--report" in result.stderr.replace("\n", "")
    assert not list(tmp_path.iterdir())


def test_bad_household_is_exit_1_and_no_file(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    result = invoke("report", str(EXAMPLES / "broken" / "kendra-broken.yaml"), "--out", str(out))
    assert result.exit_code == 1 and "Traceback" not in result.stderr.replace("\n", "")
    assert not out.exists()


def test_unknown_sweep_setting_names_the_fix(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    result = invoke("report", KENDRA, "--out", str(out), "--sweep", "nonsense=1:2:1", "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["kind"] == "InputError"
    assert not out.exists()


def test_report_with_a_sweep(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    result = invoke("report", str(EXAMPLES / "mary.yaml"), "--out", str(out), "--json",
                    "--sweep", "retirement_rate=0.1:0.3:0.1")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert [p["value"] for p in doc["sweep"]["points"]] == [0.1, 0.2, 0.3]
    html = out.read_text(encoding="utf-8")
    assert 'id="chart-sweep"' in html and 'id="sweep-table"' in html


def test_plan_report_writes_the_plan_it_prints(tmp_path: Path) -> None:
    """``plan --report`` writes the report of the very plan it prints (one solve), beside
    ``--csv``; stdout is still the plan's JSON document."""
    out, csv = tmp_path / "plan.html", tmp_path / "trades.csv"
    result = invoke("plan", KENDRA, "--json", "--report", str(out), "--csv", str(csv))
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["command"] == "plan" and "out" not in doc
    assert f"report written to {out.resolve()}" in result.stderr.replace("\n", "")
    html = out.read_text(encoding="utf-8")
    for t in doc["accounts"][0]["trades"]:
        assert f'data-fund="{t["fund"]}" data-action="{t["action"]}"' in html
    assert csv.read_text(encoding="utf-8").startswith("account,fund,action")


def test_plan_report_needs_force_to_replace(tmp_path: Path) -> None:
    out = tmp_path / "plan.html"
    out.write_text("keep\n", encoding="utf-8")
    result = invoke("plan", KENDRA, "--report", str(out))
    assert result.exit_code == 1 and out.read_text(encoding="utf-8") == "keep\n"
    result = invoke("plan", KENDRA, "--report", str(out), "--force")
    assert result.exit_code == 0 and out.read_text(encoding="utf-8").startswith("<!DOCTYPE")


def test_report_runs_offline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With every socket refused (as tests/cli/test_offline.py does for the other commands)."""
    attempts: list[str] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(repr(args))
        raise OSError("householder tried the network")

    for name in ("socket", "create_connection", "getaddrinfo"):
        monkeypatch.setattr(socket, name, refuse)
    result = invoke("report", str(EXAMPLES / "three-account.yaml"), "--out",
                    str(tmp_path / "r.html"), "--sweep", "retirement_rate=0.12:0.32:0.1")
    assert result.exit_code == 0, result.stderr
    assert attempts == []


FRONTIER = str(EXAMPLES / "frontier.yaml")


def test_plan_frontier_report_charts_every_point_of_the_json(tmp_path: Path) -> None:
    out = tmp_path / "f.html"
    result = invoke("plan", FRONTIER, "--frontier", "--points", "3", "--report", str(out),
                    "--json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)  # the frontier's JSON, unchanged by --report
    assert doc["command"] == "plan --frontier"
    html = out.read_text(encoding="utf-8")
    assert 'id="chart-frontier"' in html or "chart-frontier" in html
    table = html.split('id="frontier-table"', 1)[1].split("</table>", 1)[0]
    assert table.count("<tr>") == len(doc["points"]) + 1  # the header and one row a point


def test_report_frontier_option(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    result = invoke("report", FRONTIER, "--frontier", "--out", str(out), "--json")
    assert result.exit_code == 0, result.stderr
    assert len(json.loads(result.stdout)["frontier"]) >= 2
    assert 'id="frontier-table"' in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("pair", [("--csv", "--report"), ("--write-after", "--report")])
def test_two_outputs_may_not_share_a_file(tmp_path: Path, pair: tuple[str, str]) -> None:
    same = tmp_path / ("same.yaml" if "--write-after" in pair else "same.out")
    result = invoke("plan", KENDRA, pair[0], str(same), pair[1], str(same), "--force")
    assert result.exit_code == 1, result.stdout
    assert "give each its own file" in result.stderr.replace("\n", " ")
    assert not same.exists()  # refused before anything was written
