"""The loader's rules (io/rules.py) and its salvage (io/loader.py): every problem in a file at
once, even when a part everything depends on failed (an account's ``type``, ``as_of``, the
``target``); a stand-in for that part never adds a problem of its own; a rule is a function in
a list; the shared vocabulary has one home (model/types.py)."""

from __future__ import annotations

import ast
import copy
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

import householder.io.rules as rules
from householder.cli import app
from householder.errors import HouseholdFileError, Problem
from householder.io import build_book, load_household
from householder.model.household import NEITHER_TARGET_NOR_GLIDE
from householder.model.types import AccountType, FilingStatus, FundKind, Income, Treatment
from tests.io.test_bad_inputs import BASE, put

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def base(*changes: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    for change in changes:
        change(data)
    return data


def problems(data: dict[str, Any]) -> list[str]:
    with pytest.raises(HouseholdFileError) as info:
        build_book(data)
    return [str(p) for p in info.value.problems]


def paths(data: dict[str, Any]) -> list[str]:
    return [line.split(": ", 1)[0] for line in problems(data)]


def drop(key: str) -> Callable[[dict[str, Any]], None]:
    return lambda data: data.pop(key)


OWNER_BOB = put("accounts.1.owner", "bob")
"""A cross-reference problem, found by the rules only: it is reported only if the salvage
went on."""
BOB = "accounts[1].owner: 'bob' is not a person of the household; name a people: id or 'joint'"


# -- every problem at once -------------------------------------------------------------------------


def test_a_bad_type_a_missing_target_and_three_more_are_all_reported(tmp_path: Path) -> None:
    """Before, a bad account type or a missing target stopped the salvage: only those two were
    listed, and the three below came one fix at a time."""
    data = base(
        put("accounts.0.type", "401k"),
        drop("target"),
        put("accounts.0.holdings.0.fund", "STOKC"),
        OWNER_BOB,
        put("accounts.1.holdings.0.lots.0.acquired", "2025-06-01"),
    )
    found = problems(data)
    assert [p.split(": ", 1)[0] for p in found] == [
        "target",
        "accounts[0].type",
        "accounts[0].holdings[0].fund",
        "accounts[1].owner",
        "accounts[1].holdings[0].lots[0].acquired",
    ]
    assert found[0] == f"target: {NEITHER_TARGET_NOR_GLIDE}"
    assert found[1].startswith("accounts[0].type: '401k' is not one of: taxable, traditional_401k")
    assert found[2] == ("accounts[0].holdings[0].fund: 'STOKC' is not a known fund (did you mean "
                        "'STOCK'?); list it under funds: with its classes and expense_ratio")
    assert found[3] == BOB
    assert found[4] == ("accounts[1].holdings[0].lots[0].acquired: 2025-06-01 is after as_of "
                        "(2024-12-31); fix the date")
    path = tmp_path / "five.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path), "--json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["problems"] == found
    assert "5 problems" in result.stderr


STOPPED_BEFORE = [
    # (id, the failed required part, its problem's path)
    ("account-type-bad", put("accounts.0.type", "401k"), "accounts[0].type"),
    ("account-type-missing", lambda d: d["accounts"][0].pop("type"), "accounts[0].type"),
    ("account-id-empty", put("accounts.0.id", ""), "accounts[0].id"),
    ("account-not-a-mapping", put("accounts.0", "k401"), "accounts[0]"),
    ("as-of-missing", drop("as_of"), "as_of"),
    ("as-of-not-a-date", put("as_of", "2024-13-45"), "as_of"),
    ("target-missing", drop("target"), "target"),
    ("target-negative-weight", put("target", {"stocks": 125, "bonds": -25}), "target.bonds"),
    ("target-a-list", put("target", ["stocks", "bonds"]), "target"),
    ("glide-rule-bad", lambda d: (d.pop("target"), d.update(glide={"rule": "120+age"})),
     "glide.rule"),
    ("price-negative", put("prices", {"VTI": -1}), "prices.VTI"),
]


@pytest.mark.parametrize(("change", "path"), [(c, p) for _, c, p in STOPPED_BEFORE],
                         ids=[i for i, _, _ in STOPPED_BEFORE])
def test_a_failed_required_part_does_not_hide_the_rest(
    change: Callable[[dict[str, Any]], None], path: str
) -> None:
    """Each of these used to stop the salvage, hiding the owner problem."""
    found = problems(base(change, OWNER_BOB))
    assert [p.split(": ", 1)[0] for p in found] == [path, "accounts[1].owner"]
    assert found[-1] == BOB


def test_accounts_missing_does_not_hide_the_funds_problems() -> None:
    found = problems(base(lambda d: d.update(acounts=d.pop("accounts")),
                          put("funds.0.classes", {"stokcs": 100})))
    assert [p.split(": ", 1)[0] for p in found] == [
        "accounts", "acounts", "funds[0].classes.stokcs"
    ]
    assert "(did you mean 'stocks'?)" in found[-1]


@pytest.mark.parametrize("accounts", [[], {"k401": {}}], ids=["empty", "a-mapping"])
def test_accounts_that_failed_do_not_hide_the_people_problems(accounts: Any) -> None:
    assert paths(base(put("accounts", accounts), put("people.0.birth_year", 2030))) == [
        "accounts", "people[0].birth_year"
    ]


# -- a stand-in adds no problem of its own ---------------------------------------------------------


def test_an_unknown_type_is_not_judged_against_its_other_fields() -> None:
    """hsa_coverage belongs to an hsa and 'joint' to a taxable account; with the type unknown,
    neither is a problem (a stand-in type must not say so)."""
    found = problems(base(put("accounts.0.type", "hsaa"), put("accounts.0.hsa_coverage", "self"),
                          put("accounts.1.type", "roth_iraa"), put("accounts.1.owner", "joint")))
    assert [p.split(": ", 1)[0] for p in found] == ["accounts[0].type", "accounts[1].type"]
    assert "(did you mean 'hsa'?)" in found[0] and "(did you mean 'roth_ira'?)" in found[1]


def test_the_same_with_a_known_type_is_a_problem() -> None:
    assert paths(base(put("accounts.0.type", "roth_ira"), put("accounts.0.hsa_coverage", "self"),
                      put("accounts.1.type", "roth_ira"), put("accounts.1.owner", "joint"))) == [
        "accounts[0].hsa_coverage", "accounts[1].owner"
    ]


def test_stand_in_ids_are_never_used_twice() -> None:
    """Two accounts without a usable id, and a third whose id is a stand-in's path."""
    data = base(put("accounts.0.id", ""), put("accounts.1.id", 7))
    data["accounts"].append({"id": "accounts[0]", "type": "roth_ira",
                             "holdings": [{"fund": "VTSAX", "value": 10}]})
    assert paths(data) == ["accounts[0].id", "accounts[1].id"]


def test_without_as_of_no_date_is_after_it() -> None:
    found = problems(base(drop("as_of"), put("people.0.birth_year", 2030),
                          put("accounts.1.holdings.0.lots.0.acquired", "2999-01-01")))
    assert found == ["as_of: required; add it"]


def test_a_bad_price_entry_is_not_also_a_missing_price() -> None:
    """VTI is held in shares only: with its price set aside it has none, which is an echo."""
    data = base(put("prices", {"VTI": 0}), OWNER_BOB)
    del data["accounts"][1]["holdings"][0]["price"]
    data["accounts"][1]["holdings"][0]["shares"] = 10
    assert paths(data) == ["prices.VTI", "accounts[1].owner"]
    del data["prices"]  # without the bad entry, the missing price is the problem (twice)
    assert paths(data) == [
        "accounts[1].owner", "accounts[1].holdings[0].price", "accounts[1].holdings[0].fund"
    ]


def test_without_a_target_no_fund_is_asked_to_split() -> None:
    """The target that splits stocks failed; STOCK naming 'stocks' whole is no problem then."""
    bad = put("target", {"stocks": {"weight": 75, "split": {"us_stocks": "half"}}, "bonds": 25})
    assert paths(base(bad)) == ["target.stocks.split.us_stocks"]
    good = put("target", {"stocks": {"weight": 75, "split": {"us_stocks": 100}}, "bonds": 25})
    assert paths(base(good)) == ["funds[0].classes.stocks"]


def test_a_book_is_never_made_from_a_stand_in() -> None:
    """Every stand-in comes with the problem that caused it, so nothing loads."""
    for _, change, _ in STOPPED_BEFORE:
        with pytest.raises(HouseholdFileError):
            build_book(base(change))


# -- rules are functions in a list -----------------------------------------------------------------


def test_a_new_rule_is_a_function_added_to_the_list(monkeypatch: pytest.MonkeyPatch) -> None:
    def every_account_is_named(ctx: rules.Context) -> list[Problem]:
        return [Problem(f"accounts[{i}].name", "give the account a name")
                for i, a in enumerate(ctx.household.accounts) if a.name is None]

    assert build_book(base()).total_value > 0
    monkeypatch.setattr(rules, "RULES", [*rules.RULES, every_account_is_named])
    assert problems(base(OWNER_BOB)) == [
        BOB,
        "accounts[0].name: give the account a name",
        "accounts[1].name: give the account a name",
    ]


def test_a_new_holding_rule_runs_for_every_holding(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_value_over_ten_thousand(ctx: rules.Context, at: rules.HoldingAt) -> list[Problem]:
        value = at.holding.value or 0.0
        return [Problem(f"{at.path}.value", "too much")] if value > 10_000 else []

    monkeypatch.setattr(rules, "HOLDING_RULES", [*rules.HOLDING_RULES, no_value_over_ten_thousand])
    assert problems(base()) == ["accounts[0].holdings[0].value: too much"]


@pytest.mark.parametrize("example", sorted((ROOT / "examples").glob("*.yaml")),
                         ids=lambda p: p.stem)
def test_no_rule_finds_a_problem_in_an_example(example: Path) -> None:
    """Every rule and every per-account, per-holding and per-person rule runs on every example
    and finds nothing (the examples load)."""
    assert load_household(example).total_value > 0


def test_every_rule_is_in_a_list_and_every_list_is_run() -> None:
    named = {name for name in dir(rules) if not name.startswith("_")}
    listed = {r.__name__ for r in [*rules.RULES, *rules.ACCOUNT_RULES, *rules.HOLDING_RULES,
                                   *rules.PERSON_RULES]}
    assert listed <= named
    for runner_of_a_list in (rules.each_account, rules.each_holding, rules.each_person):
        assert runner_of_a_list in [*rules.RULES, *rules.ACCOUNT_RULES]
    rule_like = {
        name for name in named
        if callable(getattr(rules, name)) and getattr(getattr(rules, name), "__module__", "")
        == rules.__name__ and name[0].islower() and name not in {"check", "unknown_class",
                                                                   "unknown_fund"}
    }
    assert rule_like == listed, "a rule function that no list runs"


# -- one vocabulary --------------------------------------------------------------------------------


def test_the_loader_defines_no_second_copy_of_the_vocabulary() -> None:
    """Account types, treatments, income kinds, filing statuses and fund kinds are named in
    model/types.py only: the loader, the rules and the resolver spell none of them out."""
    vocabulary = {str(v) for enum in (AccountType, Treatment, Income, FilingStatus, FundKind)
                  for v in enum}
    for name in ("loader.py", "rules.py", "resolve.py", "errors.py"):
        tree = ast.parse((ROOT / "src" / "householder" / "io" / name).read_text("utf-8"))
        spelled = {node.value for node in ast.walk(tree)
                   if isinstance(node, ast.Constant) and isinstance(node.value, str)}
        assert not spelled & vocabulary, (name, spelled & vocabulary)
        enums = [node.name for node in ast.walk(tree) if isinstance(node, ast.ClassDef)
                 and any("Enum" in ast.unparse(b) for b in node.bases)]
        assert not enums, (name, enums)


# -- the date two years before as_of ---------------------------------------------------------------


def test_unknown_basis_zero_on_the_29th_of_february() -> None:
    """policy.unknown_basis: zero dates the lot two years before as_of; from 2024-02-29 that
    is 2022-02-28 (it raised 'day is out of range for month')."""
    data = base(put("as_of", "2024-02-29"), put("policy", {"unknown_basis": "zero"}))
    data["accounts"][1]["holdings"].append({"fund": "VTSAX", "value": 1000})
    position = build_book(data).account("brokerage").position("VTSAX")
    assert position is not None
    (lot,) = position.lots
    assert lot.acquired == date(2022, 2, 28) and lot.cost == 0 and lot.value == 1000


def test_an_identical_group_may_name_a_catalog_fund_the_household_does_not_hold() -> None:
    """A group names funds the household may never hold (VOO beside its VTI); a catalog fund is
    known wherever it is named."""
    data = base(put("policy", {"substantially_identical": [["VTI", "VOO"]]}))
    assert build_book(data).household.policy.substantially_identical == [["VTI", "VOO"]]
    assert paths(base(put("policy", {"substantially_identical": [["VTI", "VOOO"]]}))) == [
        "policy.substantially_identical[0][1]"
    ]
