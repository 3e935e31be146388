"""Loader rules of ``spec/household-format.md`` ("Rules the loader enforces") that are not about
one bad value: lots outside taxable accounts, whole-share funds without a price, and the cost of
loading a valid file (no did-you-mean search, no deep copy; docs/performance.md, item 7).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

import householder.io.loader as loader
import householder.io.rules as rules
from householder.cli import app
from householder.errors import HouseholdFileError
from householder.io import build_book

runner = CliRunner()

KENDRA: dict[str, Any] = {
    "name": "Kendra",
    "as_of": "2024-12-31",
    "people": [{"id": "kendra", "birth_year": 1993}],
    "tax": {"filing_status": "single", "ordinary_rate": "24%", "long_term_rate": "15%"},
    "target": {"stocks": 75, "bonds": 25},
    "funds": [
        {"ticker": "STOCK", "expense_ratio": "0.04%", "classes": {"stocks": 100},
         "kind": "mutual_fund"},
        {"ticker": "BOND", "expense_ratio": "0.05%", "classes": {"bonds": 100},
         "kind": "mutual_fund"},
    ],
    "accounts": [
        {
            "id": "k401",
            "owner": "kendra",
            "type": "traditional_401k",
            "menu": ["STOCK", "BOND"],
            "holdings": [{"fund": "STOCK", "value": 17000}, {"fund": "BOND", "value": 4000}],
        }
    ],
}


def kendra(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(KENDRA)
    data.update(changes)
    return data


def problems(data: dict[str, Any]) -> list[str]:
    with pytest.raises(HouseholdFileError) as info:
        build_book(data)
    return [str(p) for p in info.value.problems]


# -- a valid file pays for no error handling -------------------------------------------------------


def test_a_valid_file_computes_no_did_you_mean_hints(monkeypatch: pytest.MonkeyPatch) -> None:
    """Funds listed under ``funds:`` (own and catalog ones) used to run difflib each, problem or
    not."""

    def no_hints(name: str, choices: Any) -> str:
        raise AssertionError(f"suggest({name!r}) called for a valid file")

    monkeypatch.setattr(rules, "suggest", no_hints)
    data = kendra()
    data["funds"] += [{"ticker": "VTSAX"}, {"ticker": "VBTLX", "expense_ratio": "0.04%"}]
    data["accounts"][0]["menu"] += ["VTSAX", "VBTLX"]
    assert set(build_book(data).funds) == {"STOCK", "BOND", "VTSAX", "VBTLX"}


def test_the_hints_still_come_with_the_problems() -> None:
    data = kendra()
    data["funds"].append({"ticker": "VTSAXX", "expense_ratio": "0.04%"})
    (problem,) = problems(data)
    assert problem.startswith(
        "funds[2].classes: 'VTSAXX' is not in the bundled catalog (did you mean 'VTSAX'?)"
    )
    data = kendra()
    data["funds"].append({"ticker": "VTSAXX", "classes": {"stocks": 100}})
    (problem,) = problems(data)
    assert "funds[2].expense_ratio" in problem and "(did you mean 'VTSAX'?)" in problem


def test_a_valid_file_is_not_deep_copied(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_copy(value: Any, memo: Any = None) -> Any:
        raise AssertionError("deep copy of a valid file")

    data = kendra()
    before = copy.deepcopy(data)
    monkeypatch.setattr(loader.copy, "deepcopy", no_copy)
    assert build_book(data).total_value == 21000
    monkeypatch.undo()
    assert data == before


def test_an_invalid_file_is_copied_before_the_salvage_changes_it() -> None:
    data = kendra()
    data["accounts"][0]["holdings"][0]["value"] = "lots"  # dropped by the salvage
    data["accounts"].append({  # a cross-reference problem, found after the salvage
        "id": "roth", "owner": "kendar", "type": "roth_ira",
        "holdings": [{"fund": "STOCK", "value": 1000}],
    })
    before = copy.deepcopy(data)
    found = problems(data)
    assert [p.split(":")[0] for p in found] == [
        "accounts[0].holdings[0].value", "accounts[1].owner"
    ]
    assert data == before


# -- lots outside taxable accounts -----------------------------------------------------------------


def roth_with_lots() -> dict[str, Any]:
    data = kendra()
    data["funds"].append({"ticker": "VTI"})
    data["accounts"].append({
        "id": "roth",
        "owner": "kendra",
        "type": "roth_ira",
        "menu": ["VTI"],
        "holdings": [{
            "fund": "VTI",
            "price": 290,
            "lots": [
                {"id": "A", "shares": 10, "cost": 1800, "acquired": "2019-03-15"},
                {"id": "B", "shares": 4, "cost": 1250, "acquired": "2024-06-01"},
            ],
        }],
    })
    return data


def test_lots_in_a_roth_count_as_their_value_with_a_note() -> None:
    """Spec: taxable holdings carry lots. In a Roth a sale realizes no tax, so the lots give only
    the shares (10 + 4 = 14 at $290 = $4,060) and their dates (a purchase in the 30 days before
    as_of washes a taxable loss, Rev. Rul. 2008-5); a note says their cost is unused."""
    book = build_book(roth_with_lots())
    position = book.account("roth").position("VTI")
    assert position is not None
    assert position.shares == 14 and position.value == pytest.approx(4060)
    assert [lot.id for lot in position.lots] == ["A", "B"]
    assert book.total_value == pytest.approx(25060)
    (note,) = book.notes
    assert note.startswith("accounts[1].holdings[0]: VTI is in a roth_ira account")
    assert "14 shares, $4,060.00" in note and "cost is used only in taxable accounts" in note
    assert "wash-sale window" in note


def test_a_cost_in_an_ira_is_noted_too() -> None:
    data = kendra()
    data["accounts"][0]["holdings"][0].update(cost=12000, acquired="2020-01-02")
    book = build_book(data)
    (note,) = book.notes
    assert note.startswith("accounts[0].holdings[0]: STOCK is in a traditional_401k account")
    assert "cost and acquired date" in note
    assert book.account("k401").position("STOCK").value == 17000  # type: ignore[union-attr]


def test_validate_prints_the_lots_note(tmp_path: Path) -> None:
    path = tmp_path / "roth.yaml"
    path.write_text(yaml.safe_dump(roth_with_lots(), sort_keys=False), encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "note: accounts[1].holdings[0]: VTI is in a roth_ira account" in result.stdout


def test_lots_in_a_taxable_account_stay_lots() -> None:
    data = roth_with_lots()
    data["accounts"][1]["type"] = "taxable"
    book = build_book(data)
    position = book.account("roth").position("VTI")
    assert position is not None and [lot.id for lot in position.lots] == ["A", "B"]
    assert book.notes == ()


# -- a whole-share fund needs a price --------------------------------------------------------------


def with_etf_on_the_menu(**policy: Any) -> dict[str, Any]:
    data = kendra()
    data["accounts"][0]["menu"].append("VTI")
    if policy:
        data["policy"] = policy
    return data


def test_an_etf_on_a_menu_without_a_price_is_a_problem_at_the_menu() -> None:
    """Spec: "Buying a whole-share fund (ETF, stock) with no known price is an error that names
    the fund". A plan may buy what is on a menu, so validate says so, with the fix."""
    (problem,) = problems(with_etf_on_the_menu())
    assert problem.startswith("accounts[0].menu[2]: VTI is an ETF, bought in whole shares, but "
                              "has no price, and k401 may buy it")
    assert "add prices: {VTI: …}" in problem and "policy.whole_shares: never" in problem


def test_the_fixes_the_message_names_each_work() -> None:
    priced = with_etf_on_the_menu()
    priced["prices"] = {"VTI": 290.0}
    assert build_book(priced).prices["VTI"] == 290
    held = with_etf_on_the_menu()
    held["accounts"][0]["holdings"].append({"fund": "VTI", "shares": 2, "price": 290})
    assert build_book(held).total_value == 21580
    assert build_book(with_etf_on_the_menu(whole_shares="never")).prices == {}


def test_an_etf_held_by_value_in_an_account_without_a_menu_names_the_holding() -> None:
    """Held by value only, VTI has no price; the account has no menu, so it may buy VTI."""
    data = kendra()
    del data["accounts"][0]["menu"]
    data["accounts"][0]["holdings"].append({"fund": "VTI", "value": 5000})
    (problem,) = problems(data)
    assert problem.startswith("accounts[0].holdings[2].fund: VTI is an ETF")
    data["funds"].append({"ticker": "VTI"})
    (problem,) = problems(data)
    assert problem.startswith("funds[2].ticker: VTI is an ETF")


def test_an_etf_nobody_may_buy_needs_no_price() -> None:
    """Held by value in a 401(k) whose menu does not offer it: it is only sold, never bought."""
    data = kendra()
    data["accounts"][0]["holdings"].append({"fund": "VTI", "value": 5000})
    assert build_book(data).total_value == 26000


def test_a_mutual_fund_without_a_price_trades_in_dollars() -> None:
    data = kendra()
    data["accounts"][0]["menu"].append("VTSAX")
    assert "VTSAX" in build_book(data).funds


def test_validate_reports_the_missing_price(tmp_path: Path) -> None:
    path = tmp_path / "etf.yaml"
    path.write_text(yaml.safe_dump(with_etf_on_the_menu(), sort_keys=False), encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    assert "accounts[0].menu[2]: VTI is an ETF" in result.stderr
