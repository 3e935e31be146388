"""Glide paths: the rules at several ages, splits, clamping, the schedule, the loader's checks,
and ``Book.target`` following the path (so drift, plan, contribute and locate honour it)."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from householder.errors import HouseholdFileError
from householder.io import build_book
from householder.model.glide import (
    age_on,
    evaluate,
    retirement_year,
    schedule,
    split_leaves,
    stock_percent,
)
from householder.model.household import Fund, Glide, Person, parse_glide_rule
from tests.conftest import KENDRA


def glide(**fields: Any) -> Glide:
    return Glide.model_validate(fields)


def kendra_glide(glide_fields: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """The Kendra household with ``glide:`` instead of ``target:``."""
    data = copy.deepcopy(KENDRA)
    del data["target"]
    data["glide"] = glide_fields
    data.update(changes)
    return data


def problems(data: dict[str, Any]) -> list[str]:
    with pytest.raises(HouseholdFileError) as info:
        build_book(data)
    return [str(p) for p in info.value.problems]


LINEAR = {"rule": "linear", "start": {"stocks": 90, "bonds": 10},
          "end": {"stocks": 50, "bonds": 50}, "years": 20}


# -- the rules -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("rule", "age", "stocks"),
    [
        ("110-age", 35, 75.0),  # the example: 110 - 35 = 75 / 25
        ("110-age", 31, 79.0),
        ("110-age", 60, 50.0),
        ("120-age", 30, 90.0),
        ("100-age", 40, 60.0),
        ("130-age", 65, 65.0),
        ("age-in-bonds", 40, 60.0),  # 40 in bonds, 60 in stocks
        ("age-in-bonds", 25, 75.0),
        ("age-in-bonds", 70, 30.0),
    ],
)
def test_age_rules(rule: str, age: int, stocks: float) -> None:
    assert stock_percent(glide(rule=rule), age, 30) == stocks


@pytest.mark.parametrize(
    ("years_to_retirement", "stocks"),
    [
        (40, 90.0),  # flat at start before the path begins
        (20, 90.0),  # `years` before retirement: start
        (10, 70.0),  # the midpoint: halfway between 90 and 50
        (15, 80.0),
        (5, 60.0),
        (0, 50.0),  # at retirement: end
        (-6, 50.0),  # flat at end after retirement
    ],
)
def test_linear(years_to_retirement: int, stocks: float) -> None:
    assert stock_percent(glide(**LINEAR), 40, years_to_retirement) == pytest.approx(stocks)


def test_linear_defaults_to_25_years_and_one_sided_mixes() -> None:
    g = glide(rule="linear", start={"stocks": 90}, end={"bonds": 50})
    assert g.linear_years == 25
    assert stock_percent(g, 40, 25) == pytest.approx(90.0)
    assert stock_percent(g, 40, 10) == pytest.approx(50 + 40 * 10 / 25)


@pytest.mark.parametrize(
    ("years_to_retirement", "stocks"),
    [
        (40, 90.0),
        (30, 90.0),  # 30 years before retirement: 90 %
        (25, 90.0),
        # Vanguard Target Retirement prospectus, allocations as of 2024-09-30: the 2040, 2035
        # and 2030 Funds held 76.5 %, 69.0 % and 61.5 % stocks (16, 11 and 6 years out)
        (16, 76.5),
        (11, 69.0),
        (6, 61.5),
        (15, 75.0),  # 2040 Fund at 2025-12-31: 74.9 % equity (plan consultant's report)
        (10, 67.5),
        (5, 60.0),
        (2, 54.0),  # steeper in the last five years: 60 % to 50 %
        (0, 50.0),  # at retirement: 50 %
        (-3, 50.0 - 20.0 * 3 / 7),
        (-7, 30.0),  # seven years after: 30 %
        (-20, 30.0),  # flat after
    ],
)
def test_vanguard_like(years_to_retirement: int, stocks: float) -> None:
    assert stock_percent(glide(rule="vanguard"), 60, years_to_retirement) == pytest.approx(stocks)


@pytest.mark.parametrize(
    ("rule", "age", "stocks"),
    [("110-age", 5, 100.0), ("130-age", 20, 100.0), ("100-age", 104, 0.0),
     ("age-in-bonds", 120, 0.0)],
)
def test_stocks_are_clamped_to_0_100(rule: str, age: int, stocks: float) -> None:
    assert stock_percent(glide(rule=rule), age, 0) == stocks


def test_linear_with_a_rising_path_stays_within_its_ends() -> None:
    g = glide(rule="linear", start={"stocks": 40}, end={"stocks": 60}, years=10)
    assert stock_percent(g, 50, 5) == pytest.approx(50.0)


# -- splits ----------------------------------------------------------------------------------------
def test_splits_spread_each_part() -> None:
    g = glide(rule="110-age", stocks={"us_stocks": 60, "intl_stocks": 40},
              bonds={"us_bonds": 80, "intl_bonds": 20})
    leaves = split_leaves(g, stock_percent(g, 35, 30))
    assert leaves == pytest.approx(
        {"us_stocks": 45.0, "intl_stocks": 30.0, "us_bonds": 20.0, "intl_bonds": 5.0}
    )
    assert sum(leaves.values()) == pytest.approx(100.0)


def test_default_split_is_the_whole_classes() -> None:
    assert split_leaves(glide(rule="vanguard"), 90.0) == pytest.approx({"stocks": 90, "bonds": 10})


def test_a_class_in_both_parts_adds_up() -> None:
    g = glide(rule="age-in-bonds", stocks={"stocks": 90, "cash": 10}, bonds={"bonds": 90,
                                                                              "cash": 10})
    assert split_leaves(g, 60.0) == pytest.approx({"stocks": 54, "cash": 10, "bonds": 36})


# -- ages and retirement ---------------------------------------------------------------------------
def test_age_from_birth_date_counts_completed_years() -> None:
    p = Person(id="k", birth_date=date(1993, 4, 2))
    assert age_on(p, date(2024, 4, 1)) == 30
    assert age_on(p, date(2024, 4, 2)) == 31
    assert age_on(Person(id="k", birth_year=1993), date(2024, 1, 1)) == 31


def test_retirement_year_defaults_to_the_year_of_65() -> None:
    assert retirement_year(Person(id="k", birth_year=1993)) == 2058
    assert retirement_year(Person(id="k", birth_year=1993, retirement_year=2050)) == 2050


# -- rule spelling ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("written", "rule"),
    [("110-age", "110-age"), ("110 - age", "110-age"), ("110 \u2212 age", "110-age"),
     ("120-Age", "120-age"), ("age_in_bonds", "age-in-bonds"), ("Vanguard", "vanguard")],
)
def test_rule_spellings(written: str, rule: str) -> None:
    assert parse_glide_rule(written) == rule


@pytest.mark.parametrize(("written", "message"), [
    ("150-age", "N must be 100 to 130"), ("99-age", "N must be 100 to 130"),
    ("aggressive", "not a glide rule"), (110, "expected a rule"),
])
def test_bad_rules(written: Any, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        glide(rule=written)


def test_fund_target_year_is_an_optional_extension() -> None:
    assert Fund(ticker="X", target_year=2050).target_year == 2050
    assert Fund(ticker="X").target_year is None
    with pytest.raises(ValidationError):
        Fund(ticker="X", target_year=1990)


# -- the household and its book --------------------------------------------------------------------
def test_book_target_is_the_glide_path_at_as_of() -> None:
    book = build_book(kendra_glide({"rule": "110-age"}))
    # Kendra, born 1993, on 2024-12-31: 31 years old, 110 - 31 = 79 % stocks
    assert book.target == pytest.approx({"stocks": 0.79, "bonds": 0.21})


def test_book_target_with_splits_and_a_named_person() -> None:
    data = kendra_glide(
        {"person": "ray", "rule": "vanguard", "stocks": {"us_stocks": 60, "intl_stocks": 40}},
        people=[{"id": "kendra", "birth_year": 1993},
                {"id": "ray", "birth_date": "1964-06-01", "retirement_year": 2027}],
    )
    data["funds"][0]["classes"] = {"us_stocks": 60, "intl_stocks": 40}
    book = build_book(data)
    # Ray retires in 2027: 3 years to go on 2024-12-31 -> 50 + 10 * 3 / 5 = 56 % stocks
    assert book.target == pytest.approx(
        {"us_stocks": 0.56 * 0.6, "intl_stocks": 0.56 * 0.4, "bonds": 0.44}
    )


def test_a_zero_leaf_stays_in_the_target() -> None:
    book = build_book(kendra_glide({"rule": "130-age"}, as_of="2024-12-31"))
    assert book.target == pytest.approx({"stocks": 0.99, "bonds": 0.01})
    data = kendra_glide({"rule": "130-age"}, people=[{"id": "kendra", "birth_year": 2000}])
    book = build_book(data)
    assert book.target == {"stocks": 1.0, "bonds": 0.0}
    assert book.allocation_classes[:2] == ["stocks", "bonds"]


def test_fixed_targets_are_unchanged() -> None:
    book = build_book(copy.deepcopy(KENDRA))
    assert book.household.glide is None
    assert book.target == pytest.approx({"stocks": 0.75, "bonds": 0.25})


def test_schedule_runs_to_retirement() -> None:
    book = build_book(kendra_glide({"rule": "110-age"}))
    points = schedule(book.household)
    assert [p.year for p in points] == list(range(2024, 2059))
    assert (points[0].age, points[0].stocks) == (31, 79.0)
    assert (points[-1].age, points[-1].stocks, points[-1].years_to_retirement) == (65, 45.0, 0)
    assert points[0].on == date(2024, 12, 31)
    assert evaluate(book.household).leaves == points[0].leaves


def test_vanguard_schedule_runs_past_retirement() -> None:
    points = schedule(build_book(kendra_glide({"rule": "vanguard"})).household)
    assert points[-1].year == 2058 + 8
    by_year = {p.year: p.stocks for p in points}
    assert by_year[2033] == 90.0  # 25 years before 2058
    assert by_year[2058] == 50.0
    assert by_year[2065] == pytest.approx(30.0)
    assert by_year[2066] == pytest.approx(30.0)


def test_schedule_after_retirement_has_one_row() -> None:
    data = kendra_glide({"rule": "110-age"},
                        people=[{"id": "kendra", "birth_year": 1950, "retirement_year": 2015}])
    points = schedule(build_book(data).household)
    assert [(p.year, p.age, p.stocks) for p in points] == [(2024, 74, 36.0)]


def test_leap_day_as_of() -> None:
    points = schedule(build_book(kendra_glide({"rule": "110-age"}, as_of="2024-02-29")).household)
    assert points[1].on == date(2025, 2, 28)


# -- the loader's checks: each problem names its path ------------------------------------------
@pytest.mark.parametrize(
    ("glide_fields", "changes", "expected"),
    [
        ({"rule": "linear"}, {}, ["glide.start: required for rule linear",
                                  "glide.end: required for rule linear"]),
        ({"rule": "110-age", "start": {"stocks": 90}}, {}, ["glide.start: only rule linear"]),
        ({"rule": "vanguard", "years": 10}, {}, ["glide.years: only rule linear"]),
        ({**LINEAR, "start": {"stocks": 90, "bonds": 20}}, {},
         ["glide.start: stocks and bonds sum to 110, not 100"]),
        ({**LINEAR, "end": {}}, {}, ["glide.end: give stocks"]),
        ({**LINEAR, "years": 0}, {}, ["glide.years: must be at least 1"]),
        ({"rule": "110-age", "start": {"stocks": 120}}, {}, ["glide.start.stocks"]),
        ({"rule": "150-age"}, {}, ["glide.rule: '150-age': N must be 100 to 130"]),
        ({"rule": "aggressive"}, {}, ["glide.rule: 'aggressive' is not a glide rule"]),
        ({}, {}, ["glide.rule: required"]),
        ({"rule": "110-age", "stocks": {"us_stocks": 60, "intl_stocks": 30}}, {},
         ["glide.stocks: stocks split weights sum to 90, not 100"]),
        ({"rule": "110-age", "bonds": {}}, {}, ["glide.bonds: is empty"]),
        ({"rule": "110-age", "stocks": {"us_stockz": 100}}, {},
         ["glide.stocks.us_stockz: 'us_stockz' is not a known asset class (did you mean "
          "'us_stocks'?)"]),
        ({"rule": "110-age", "stocks": {"stocks": 50, "us_stocks": 50}}, {},
         ["glide.stocks.stocks: 'stocks' contains 'us_stocks'"]),
        ({"rule": "110-age", "person": "kendr"}, {},
         ["glide.person: 'kendr' is not a person of the household (did you mean 'kendra'?)"]),
        ({"rule": "110-age"}, {"people": [{"id": "kendra"}]},
         ["glide.person: 'kendra' has no birth_date or birth_year, and the glide path follows "
          "their age; add one to people[0]"]),
        ({"rule": "110-age"}, {"people": []}, ["glide.person: the household has no people"]),
        ({"rule": "110-age"},
         {"people": [{"id": "kendra", "birth_year": 1993, "retirement_year": 1990}]},
         ["people[0].retirement_year: 1990 is not after kendra's birth year"]),
        ({"rule": "110-age", "wobble": 1}, {}, ["glide.wobble: unknown key"]),
    ],
)
def test_bad_glide_inputs_name_their_path(
    glide_fields: dict[str, Any], changes: dict[str, Any], expected: list[str]
) -> None:
    found = problems(kendra_glide(glide_fields, **changes))
    for text in expected:
        prefix = text.split(":")[0] + ":"
        assert any(p.startswith(prefix) and text in p for p in found), (text, found)


def test_both_target_and_glide_is_an_error_naming_the_fix() -> None:
    data = kendra_glide({"rule": "110-age"}, target={"stocks": 75, "bonds": 25})
    assert problems(data) == [
        "glide: give target or glide, not both: the glide path sets the target every year; "
        "remove target (or remove glide to keep fixed weights)"
    ]


def test_neither_target_nor_glide_is_an_error() -> None:
    data = copy.deepcopy(KENDRA)
    del data["target"]
    found = problems(data)
    assert len(found) == 1
    assert found[0].startswith("target: required; add target (fixed weights")
    assert "or glide" in found[0]


def test_glide_problems_come_with_every_other_problem() -> None:
    data = kendra_glide({"rule": "110-age", "stocks": {"us_stockz": 100}})
    data["accounts"][0]["holdings"][0]["fund"] = "STOKC"
    found = problems(data)
    assert any(p.startswith("glide.stocks.us_stockz:") for p in found)
    assert any(p.startswith("accounts[0].holdings[0].fund:") for p in found)


def test_a_fund_must_split_a_class_the_glide_splits() -> None:
    found = problems(kendra_glide({"rule": "110-age",
                                   "stocks": {"us_stocks": 60, "intl_stocks": 40}}))
    assert found == [
        "funds[0].classes.stocks: STOCK names 'stocks' as a whole but the target splits it "
        "into us_stocks, intl_stocks; give STOCK's split, e.g. classes: "
        "{us_stocks: …, intl_stocks: …}"
    ]


def test_to_data_round_trips_a_glide_household() -> None:
    book = build_book(kendra_glide(LINEAR))
    again = build_book(book.household.to_data())
    assert again.target == pytest.approx(book.target)
    assert "target" not in book.household.to_data()
