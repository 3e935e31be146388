"""``householder glide`` and ``householder tdf`` through the CLI, and ``drift`` on a glide-path
household: exit codes, one JSON document on stdout, the numbers."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from householder.cli import app
from tests.conftest import KENDRA

runner = CliRunner()

WriteFile = Callable[..., Path]


def kendra_glide(glide: dict[str, Any], **changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(KENDRA)
    del data["target"]
    data["glide"] = glide
    data.update(changes)
    return data


def run_json(*args: str) -> tuple[int, dict[str, Any], str]:
    result = runner.invoke(app, [*args, "--json"])
    return result.exit_code, json.loads(result.stdout), result.stderr  # one document, nothing else


# -- glide -----------------------------------------------------------------------------------------
def test_glide_json_year_by_year(household_file: WriteFile) -> None:
    path = household_file(kendra_glide({"rule": "110-age"}))
    code, doc, _ = run_json("glide", str(path))
    assert code == 0
    assert {"household", "as_of", "person", "rule", "years"} <= set(doc)
    assert (doc["household"], doc["as_of"], doc["person"], doc["rule"]) == (
        "Kendra", "2024-12-31", "kendra", "110-age")
    assert doc["retirement_year"] == 2058
    years = doc["years"]
    assert [y["year"] for y in years] == list(range(2024, 2059))
    assert years[0] == {"year": 2024, "age": 31, "years_to_retirement": 34, "stocks": 0.79,
                        "bonds": 0.21, "target": {"stocks": 0.79, "bonds": 0.21}}
    assert years[4]["age"] == 35 and years[4]["target"] == {"stocks": 0.75, "bonds": 0.25}
    assert years[-1]["target"] == {"stocks": 0.45, "bonds": 0.55}


def test_glide_table_shows_the_split(household_file: WriteFile) -> None:
    data = kendra_glide({"rule": "vanguard", "stocks": {"us_stocks": 60, "intl_stocks": 40}})
    data["funds"][0]["classes"] = {"us_stocks": 60, "intl_stocks": 40}
    result = runner.invoke(app, ["glide", str(household_file(data))])
    assert result.exit_code == 0, result.output
    out = result.stdout
    for text in ("glide path vanguard for kendra, retiring 2058", "us_stocks", "intl_stocks",
                 "2066", "Vanguard-like"):
        assert text in out
    assert "54.0%" in out and "36.0%" in out  # 90 % stocks in 2024: 60/40 of it


def test_glide_json_with_a_split(household_file: WriteFile) -> None:
    data = kendra_glide({"rule": "vanguard", "stocks": {"us_stocks": 60, "intl_stocks": 40}})
    data["funds"][0]["classes"] = {"us_stocks": 60, "intl_stocks": 40}
    code, doc, _ = run_json("glide", str(household_file(data)))
    assert code == 0
    by_year = {y["year"]: y for y in doc["years"]}
    assert by_year[2024]["target"] == {"us_stocks": 0.54, "intl_stocks": 0.36, "bonds": 0.1}
    assert by_year[2058]["target"] == {"us_stocks": 0.3, "intl_stocks": 0.2, "bonds": 0.5}
    assert by_year[2065]["stocks"] == 0.3
    assert max(by_year) == 2066


def test_glide_on_a_fixed_target(household_file: WriteFile) -> None:
    path = household_file(copy.deepcopy(KENDRA))
    result = runner.invoke(app, ["glide", str(path)])
    assert result.exit_code == 0
    assert "has no glide path" in result.stdout
    assert "75.00%" in result.stdout
    code, doc, stderr = run_json("glide", str(path))
    assert code == 0
    assert doc["glide"] is False and doc["rule"] is None and doc["years"] == []
    assert doc["target"] == {"stocks": 0.75, "bonds": 0.25}
    assert "has no glide path" in stderr


def test_drift_uses_the_evaluated_glide_target(household_file: WriteFile) -> None:
    path = household_file(kendra_glide({"rule": "110-age"}))
    code, doc, _ = run_json("drift", str(path))
    assert code == 0
    rows = {r["class"]: r for r in doc["allocation"]}
    assert rows["stocks"]["target"] == 0.79 and rows["bonds"]["target"] == 0.21
    assert rows["stocks"]["drift"] == pytest.approx(17000 / 21000 - 0.79, abs=1e-6)
    assert doc["breached"] is False


@pytest.mark.parametrize(
    ("glide", "changes", "line"),
    [
        ({"rule": "linear"}, {}, "glide.start: required for rule linear"),
        ({"rule": "150-age"}, {}, "glide.rule: '150-age': N must be 100 to 130"),
        ({"rule": "110-age", "person": "ray"}, {}, "glide.person: 'ray' is not a person"),
        ({"rule": "110-age"}, {"people": [{"id": "kendra"}]},
         "glide.person: 'kendra' has no birth_date or birth_year"),
        ({"rule": "110-age", "bonds": {"bondz": 100}}, {},
         "glide.bonds.bondz: 'bondz' is not a known asset class (did you mean 'bonds'?)"),
        ({"rule": "110-age"}, {"target": {"stocks": 75, "bonds": 25}},
         "glide: give target or glide, not both"),
    ],
)
@pytest.mark.parametrize("command", ["validate", "drift", "glide", "tdf"])
def test_bad_glide_is_a_clear_error(
    household_file: WriteFile, command: str, glide: dict[str, Any], changes: dict[str, Any],
    line: str,
) -> None:
    path = household_file(kendra_glide(glide, **changes))
    result = runner.invoke(app, [command, str(path)])
    assert result.exit_code == 1
    assert line in " ".join(result.stderr.split())
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)  # typer's exit 1, not an escaped error
    code, doc, _ = run_json(command, str(path))
    assert code == 1
    assert any(p.startswith(line) for p in doc["problems"]), doc["problems"]


# -- tdf -------------------------------------------------------------------------------------------
def kendra_tdf(**changes: Any) -> dict[str, Any]:
    """Kendra with target-date funds on her 401(k) menu and a Roth IRA that offers none."""
    data = copy.deepcopy(KENDRA)
    data["accounts"][0]["menu"] = ["STOCK", "BOND", "VFIFX", "VFFVX", "VTTSX"]
    data["accounts"].append({"id": "kendra-roth", "owner": "kendra", "type": "roth_ira",
                             "menu": ["VTI", "BND"], "holdings": [{"fund": "VTI", "value": 5000}]})
    data["prices"] = {"VTI": 290.0, "BND": 72.5}  # ETFs the Roth may buy need prices (spec)
    data.update(changes)
    return data


def test_tdf_picks_the_nearest_vintage_and_prices_it_exactly(household_file: WriteFile) -> None:
    code, doc, _ = run_json("tdf", str(household_file(kendra_tdf())))
    assert code == 0
    assert doc["target"] == {"stocks": 0.75, "bonds": 0.25}
    (kendra,) = doc["people"]
    assert (kendra["person"], kendra["retirement_year"], kendra["retirement_from"]) == (
        "kendra", 2058, "age 65")
    assert [v["ticker"] for v in kendra["offered"]] == ["VFIFX", "VFFVX", "VTTSX"]
    choice = kendra["choice"]
    # 2058: 2060 is 2 years away, 2055 is 3
    assert (choice["fund"], choice["target_year"], choice["offered_in"]) == (
        "VTTSX", 2060, ["kendra-401k"])
    assert choice["stocks"] == 0.9
    assert choice["mix"] == [
        {"class": "stocks", "fund": 0.9, "target": 0.75, "difference": 0.15},
        {"class": "bonds", "fund": 0.1, "target": 0.25, "difference": -0.15},
    ]
    fees = choice["fees"]
    # now: 17,000 x 0.04 % + 4,000 x 0.05 % (401k) + 5,000 x 0.03 % (VTI, Roth) = 6.80 + 2 + 1.50
    # with VTTSX: 21,000 x 0.08 % = 16.80 in the 401(k); the Roth cannot buy it and keeps 1.50
    assert fees["current"] == 10.30
    assert fees["with_fund"] == 18.30
    assert fees["difference"] == 8.00
    assert fees["value"] == 21000.0
    assert fees["current_expense_ratio"] == pytest.approx(8.80 / 21000, abs=1e-6)
    roth = next(a for a in fees["accounts"] if a["id"] == "kendra-roth")
    assert roth["holds_fund"] is False and roth["with_fund"] == roth["current"] == 1.5
    assert kendra["alternatives"] == []
    assert any("not offered in kendra-roth" in n for n in kendra["notes"])


def test_tdf_exact_fee_in_dollars() -> None:
    from householder.io import build_book
    from householder.plan.tdf import target_date_alternative

    data = kendra_tdf()
    data["accounts"][0]["cash"] = 1000  # cash costs nothing now and is invested in the fund
    (kendra,) = target_date_alternative(build_book(data))
    assert kendra.choice is not None
    fees = kendra.choice.fees
    assert fees.current == pytest.approx(17000 * 0.0004 + 4000 * 0.0005 + 5000 * 0.0003, abs=1e-12)
    assert fees.with_fund == pytest.approx(22000 * 0.0008 + 5000 * 0.0003, abs=1e-12)
    assert fees.difference == pytest.approx(22000 * 0.0008 - 8.80, abs=1e-12)


def test_tdf_tie_goes_to_the_later_vintage(household_file: WriteFile) -> None:
    data = kendra_tdf(people=[{"id": "kendra", "birth_year": 1970, "retirement_year": 2035}])
    data["accounts"][0]["menu"] = ["STOCK", "BOND", "VTHRX", "VFORX"]
    code, doc, _ = run_json("tdf", str(household_file(data)))
    assert code == 0
    assert doc["people"][0]["choice"]["fund"] == "VFORX"  # 2030 and 2040 are both 5 years off


def test_tdf_none_offered_names_each_series_nearest_vintage(household_file: WriteFile) -> None:
    code, doc, stderr = run_json("tdf", str(household_file(copy.deepcopy(KENDRA))))
    assert code == 0
    (kendra,) = doc["people"]
    assert kendra["offered"] == [] and kendra["choice"] is None
    alts = {a["fund"]: a for a in kendra["alternatives"]}
    assert set(alts) == {"VTTSX", "FDKLX", "SWYNX"}
    assert {a["series"] for a in alts.values()} == {
        "Vanguard Target Retirement Fund", "Fidelity Freedom Index Fund",
        "Schwab Target Index Fund"}
    assert all(a["target_year"] == 2060 and a["offered"] is False for a in alts.values())
    vttsx = alts["VTTSX"]
    assert vttsx["fees"]["current"] == 8.80 and vttsx["fees"]["with_fund"] == 16.80
    assert vttsx["fees"]["difference"] == 8.00
    assert alts["FDKLX"]["fees"]["with_fund"] == 25.20
    swynx = {r["class"]: r for r in alts["SWYNX"]["mix"]}
    assert swynx["real_estate"]["target"] == 0.0 and swynx["real_estate"]["fund"] == 0.03
    assert "offers a target-date fund" in stderr
    human = runner.invoke(app, ["tdf", str(household_file(copy.deepcopy(KENDRA)))])
    assert human.exit_code == 0
    assert "no target-date fund offered" in " ".join(human.stdout.split())


def test_tdf_joint_accounts_count_for_both(household_file: WriteFile) -> None:
    data = {
        "name": "Pat and Sam",
        "as_of": "2025-06-30",
        "people": [{"id": "pat", "birth_year": 1980}, {"id": "sam", "birth_year": 1990,
                                                       "retirement_year": 2052}],
        "target": {"stocks": 80, "bonds": 20},
        "accounts": [
            {"id": "pat-401k", "owner": "pat", "type": "traditional_401k",
             "menu": ["FXIFX", "FBIFX", "FIPFX"], "holdings": [{"fund": "FBIFX", "value": 10000}]},
            {"id": "sam-ira", "owner": "sam", "type": "roth_ira",
             "menu": ["VTSAX"], "holdings": [{"fund": "VTSAX", "value": 20000}]},
            {"id": "joint", "owner": "joint", "type": "taxable",
             "menu": ["SWYGX", "SWYMX"], "holdings": [{"fund": "VTI", "value": 30000,
                                                      "cost": 20000, "acquired": "2020-01-02"}]},
        ],
    }
    code, doc, _ = run_json("tdf", str(household_file(data)))
    assert code == 0
    pat, sam = doc["people"]
    assert pat["accounts"] == ["pat-401k", "joint"] and sam["accounts"] == ["sam-ira", "joint"]
    # Pat: 1980 + 65 = 2045: 2040 and 2050 tie; the later wins, FIPFX in the 401(k) (SWYMX too)
    assert pat["retirement_year"] == 2045
    assert pat["choice"]["fund"] == "FIPFX"  # two 2050 vintages: the ticker breaks the tie
    assert pat["choice"]["target_year"] == 2050
    # Sam: 2052, offered only the joint account's Schwab funds
    assert sam["choice"]["fund"] == "SWYMX" and sam["choice"]["offered_in"] == ["joint"]
    fees = sam["choice"]["fees"]
    assert fees["current"] == pytest.approx(20000 * 0.0004 + 30000 * 0.0003, abs=0.005)
    assert fees["with_fund"] == pytest.approx(20000 * 0.0004 + 30000 * 0.0008, abs=0.005)


def test_tdf_recognizes_a_fund_by_name_or_target_year(household_file: WriteFile) -> None:
    data = copy.deepcopy(KENDRA)
    data["funds"] += [
        {"ticker": "ACME55", "name": "Acme Target Date 2055 Trust", "expense_ratio": "0.02%",
         "classes": {"stocks": 88, "bonds": 12}, "kind": "cit"},
        {"ticker": "PLAN1", "name": "Plan glide portfolio", "expense_ratio": "0.01%",
         "classes": {"stocks": 95, "bonds": 5}, "kind": "cit", "target_year": 2065},
    ]
    data["accounts"][0]["menu"] += ["ACME55", "PLAN1"]
    code, doc, _ = run_json("tdf", str(household_file(data)))
    assert code == 0
    offered = {v["ticker"]: v["target_year"] for v in doc["people"][0]["offered"]}
    assert offered == {"ACME55": 2055, "PLAN1": 2065}
    # 2058: 2055 is 3 years off, 2065 is 7
    assert doc["people"][0]["choice"]["fund"] == "ACME55"
    assert doc["people"][0]["choice"]["fees"]["with_fund"] == 4.20


def test_tdf_person_without_an_age(household_file: WriteFile) -> None:
    data = kendra_tdf(people=[{"id": "kendra"}])
    code, doc, _ = run_json("tdf", str(household_file(data)))
    assert code == 0
    (kendra,) = doc["people"]
    assert kendra["choice"] is None and kendra["retirement_year"] is None
    assert "add one to people[0]" in kendra["notes"][0]


def test_tdf_without_people_is_an_error(household_file: WriteFile) -> None:
    data = copy.deepcopy(KENDRA)
    data["people"] = []
    del data["accounts"][0]["owner"]
    path = household_file(data)
    result = runner.invoke(app, ["tdf", str(path)])
    assert result.exit_code == 1 and "people:" in result.stderr
    code, doc, _ = run_json("tdf", str(path))
    assert code == 1 and doc["kind"] == "InputError"


def test_tdf_on_a_glide_household_compares_with_the_evaluated_target(
    household_file: WriteFile,
) -> None:
    data = kendra_tdf()
    del data["target"]
    data["glide"] = {"rule": "vanguard"}
    code, doc, _ = run_json("tdf", str(household_file(data)))
    assert code == 0
    assert doc["target"] == {"stocks": 0.9, "bonds": 0.1}
    assert doc["people"][0]["choice"]["max_difference"] == 0.0


def test_glide_and_tdf_import_no_cvxpy_or_pandas(household_file: WriteFile) -> None:
    path = household_file(kendra_tdf())
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from householder.cli import app\n"
        "r = CliRunner()\n"
        f"for cmd in ('glide', 'tdf', 'drift', 'validate'):\n"
        f"    assert r.invoke(app, [cmd, {str(path)!r}, '--json']).exit_code == 0, cmd\n"
        "heavy = [m for m in ('cvxpy', 'pandas') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_tdf_shows_nearer_catalog_vintages_when_the_offered_one_is_far(
    household_file: WriteFile,
) -> None:
    data = copy.deepcopy(KENDRA)
    data["accounts"][0]["menu"] = ["STOCK", "BOND", "FIPFX"]
    code, doc, _ = run_json("tdf", str(household_file(data)))
    assert code == 0
    (kendra,) = doc["people"]
    assert kendra["choice"]["fund"] == "FIPFX"  # 2050: the only one offered, 8 years off
    assert [a["fund"] for a in kendra["alternatives"]] == ["VTTSX", "FDKLX", "SWYNX"]
    assert any("is 8 years from 2058" in n for n in kendra["notes"])
