"""IRS contribution limits by year and age, and planned contributions checked against them."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from householder.errors import InputError
from householder.tax import (
    ACCOUNT_LIMIT_GROUPS,
    HsaCoverage,
    PlannedContribution,
    age_at_year_end,
    annual_limit,
    check_limits,
    limit_group,
    limit_groups_of,
    limit_tables,
)
from tests.tax.shared_cases import case_params, tax_case

YEARS = (2023, 2024, 2025, 2026)

# Shared case key -> bundled table name (the same numbers, by the same rule).
SHARED_TABLES = {
    "elective_deferral": "elective_deferral",
    "catch_up_50_plus": "catch_up_50_plus",
    "catch_up_60_to_63": "catch_up_60_to_63",
    "ira": "ira",
    "ira_catch_up_50_plus": "ira_catch_up_50_plus",
    "hsa_self_only": "hsa_self_only",
    "hsa_family": "hsa_family",
}


@pytest.mark.parametrize("key", sorted(SHARED_TABLES))
def test_bundled_tables_match_the_shared_cases(key: str) -> None:
    """Source: IRS notices for each year (402(g), 414(v), 219(b)); SECURE 2.0 ages 60-63;
    HSA revenue procedures. Every number of tax-arithmetic.yaml, exactly."""
    expected = tax_case("contribution_limits")[key]
    assert dict(limit_tables()[SHARED_TABLES[key]].amounts) == expected


def test_hsa_catch_up_is_1000_every_year() -> None:
    """Source: tax-arithmetic.yaml (IRC 223(b)(3)(B), not indexed): $1,000 at 55+."""
    expected = tax_case("contribution_limits")["hsa_catch_up_55_plus"]
    assert all(limit_tables()["hsa_catch_up_55_plus"].amounts[y] == expected for y in YEARS)


@pytest.mark.parametrize("year", YEARS)
def test_annual_limit_by_age_every_year(year: int) -> None:
    """Source: tax-arithmetic.yaml contribution_limits: base, 50+ (55+ HSA) and 60-63 amounts."""
    limits = tax_case("contribution_limits")
    deferral, catch_up = limits["elective_deferral"][year], limits["catch_up_50_plus"][year]
    super_catch_up = limits["catch_up_60_to_63"].get(year, catch_up)
    assert annual_limit("elective_deferral", year, 49) == deferral
    assert annual_limit("elective_deferral", year, 50) == deferral + catch_up
    for age in (60, 61, 62, 63):
        assert annual_limit("elective_deferral", year, age) == deferral + super_catch_up
    assert annual_limit("elective_deferral", year, 64) == deferral + catch_up
    ira, ira_catch_up = limits["ira"][year], limits["ira_catch_up_50_plus"][year]
    assert annual_limit("ira", year, 49) == ira
    assert annual_limit("ira", year, 61) == ira + ira_catch_up
    hsa_catch_up = limits["hsa_catch_up_55_plus"]
    coverages: tuple[tuple[HsaCoverage, str], ...] = (
        ("self", "hsa_self_only"),
        ("family", "hsa_family"),
    )
    for coverage, key in coverages:
        amount = limits[key][year]
        assert annual_limit("hsa", year, 54, hsa_coverage=coverage) == amount
        assert annual_limit("hsa", year, 55, hsa_coverage=coverage) == amount + hsa_catch_up


@pytest.mark.parametrize("example", case_params("contribution_limits", "examples"))
def test_shared_examples(example: dict[str, Any]) -> None:
    """Source: tax-arithmetic.yaml examples: 2024 age 31 401(k) 23,000; age 52 30,500."""
    group = limit_group({"401k": "traditional_401k"}[example["plan"]])
    assert group is not None
    assert annual_limit(group, example["year"], example["age"]) == example["limit"]


def test_secure_2_catch_up_replaces_the_50_plus_catch_up() -> None:
    """SECURE 2.0 sec. 109 (Notice 2025-67): 2026, age 61: 24,500 + 11,250; none before 2025."""
    assert annual_limit("elective_deferral", 2026, 61) == 24500 + 11250
    assert annual_limit("elective_deferral", 2024, 61) == 23000 + 7500
    assert annual_limit("elective_deferral", 2026, 64) == 24500 + 8000


@pytest.mark.parametrize(
    ("year", "base", "catch_up", "catch_up_60_to_63"),
    [
        (2023, 15500, 3500, 3500),  # Notice 2022-55
        (2024, 16000, 3500, 3500),  # Notice 2023-75
        (2025, 16500, 3500, 5250),  # Notice 2024-80
        (2026, 17000, 4000, 5250),  # Notice 2025-67
    ],
)
def test_simple_ira_limits(year: int, base: int, catch_up: int, catch_up_60_to_63: int) -> None:
    """Source: IRS Notices 2022-55, 2023-75, 2024-80, 2025-67 (SIMPLE 408(p), 414(v)(2)(B)(ii))."""
    assert annual_limit("simple_ira", year, 40) == base
    assert annual_limit("simple_ira", year, 50) == base + catch_up
    assert annual_limit("simple_ira", year, 62) == base + catch_up_60_to_63
    assert annual_limit("simple_ira", year, 70) == base + catch_up


def test_every_table_names_its_source_and_date() -> None:
    """Each bundled table carries its rule, as-of date and a source for every year."""
    for table in limit_tables().values():
        assert table.rule
        assert isinstance(table.as_of, date)
        assert set(table.sources) == set(table.amounts)
        assert all(source for source in table.sources.values())


def test_year_outside_the_tables_names_the_years_available() -> None:
    """A year not in limits.yaml is an InputError that says which years are."""
    with pytest.raises(InputError, match="2023, 2024, 2025, 2026"):
        annual_limit("ira", 2031, 40)
    with pytest.raises(InputError, match="unknown limit group"):
        annual_limit("roth", 2024, 40)
    with pytest.raises(InputError, match="hsa_coverage"):
        annual_limit("hsa", 2024, 40, hsa_coverage="couple")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("account_type", "groups"),
    [
        ("taxable", ()),
        ("traditional_401k", ("elective_deferral", "annual_additions")),
        ("roth_401k", ("elective_deferral", "annual_additions")),
        ("traditional_ira", ("ira",)),
        ("roth_ira", ("ira", "roth_ira")),
        ("hsa", ("hsa", "hsa_spouse")),
        ("403b", ("elective_deferral", "annual_additions")),
        ("roth_403b", ("elective_deferral", "annual_additions")),
        ("457b", ("457b",)),
        ("sep_ira", ("annual_additions",)),
        ("simple_ira", ("elective_deferral", "simple_ira")),
        ("529", ()),
    ],
)
def test_limit_groups_of_every_account_type(account_type: str, groups: tuple[str, ...]) -> None:
    """The household format's account types and the groups of the law their money counts
    against: 402(g) aggregates 401(k), 403(b) and SIMPLE deferrals, pre-tax and Roth (IRC
    402(g)(3)); a governmental 457(b) has its own (457(e)(15)); SEP money is an employer
    contribution under 415(c) (IRS, "How much salary can you defer if you're eligible for more
    than one retirement plan?")."""
    assert limit_groups_of(account_type) == groups
    assert limit_group(account_type) == (groups[0] if groups else None)


def test_unknown_account_type() -> None:
    """An unknown account type lists the known ones."""
    assert len(ACCOUNT_LIMIT_GROUPS) == 12
    with pytest.raises(InputError, match="traditional_401k"):
        limit_group("401k")


def test_age_at_year_end() -> None:
    """Age on Dec 31: year minus birth year, birthday or not yet."""
    assert age_at_year_end(date(1993, 4, 2), 2024) == 31
    assert age_at_year_end(date(1974, 12, 31), 2024) == 50
    assert age_at_year_end(1972, 2024) == 52
    with pytest.raises(InputError, match="before the birth year"):
        age_at_year_end(2030, 2024)


def test_two_401ks_of_one_person_share_one_limit() -> None:
    """IRC 402(g): one elective-deferral limit per person across all their plans: one row per
    group, naming its accounts."""
    planned = [
        PlannedContribution("ann", "ann-401k", "traditional_401k", 15000, already_this_year=5000),
        PlannedContribution("ann", "ann-roth-401k", "roth_401k", 4000),
        PlannedContribution("ann", "ann-brokerage", "taxable", 50000),
        PlannedContribution("bob", "bob-401k", "traditional_401k", 23000),
    ]
    checks = check_limits(planned, year=2024, ages={"ann": 31, "bob": 31})
    assert [(c.person, c.account, c.accounts, c.group) for c in checks] == [
        ("ann", "ann-401k, ann-roth-401k", ("ann-401k", "ann-roth-401k"), "elective_deferral"),
        ("bob", "bob-401k", ("bob-401k",), "elective_deferral"),
    ]
    ann, bob = checks
    assert (ann.planned, ann.limit, ann.within_limit, ann.room, ann.excess) == (
        24000, 23000, False, 0, 1000
    )
    assert (ann.contribution, ann.already) == (19000, 5000)
    assert (bob.planned, bob.within_limit, bob.room, bob.year) == (23000, True, 0, 2024)


def test_ira_and_hsa_checks() -> None:
    """IRC 219(b): traditional and Roth IRA share a limit; IRC 223(b): HSA family + 55 catch-up
    (2025: IRA 7,000 + 1,000, Notice 2024-80; HSA family 8,550 + 1,000, Rev. Proc. 2024-25)."""
    planned = [
        PlannedContribution("cy", "cy-ira", "traditional_ira", 3000),
        PlannedContribution("cy", "cy-roth", "roth_ira", 4000),
        PlannedContribution("cy", "cy-hsa", "hsa", 9000),
    ]
    checks = check_limits(planned, year=2025, ages={"cy": 56}, hsa_coverage={"cy": "family"})
    ira, hsa = checks
    assert (ira.group, ira.accounts) == ("ira", ("cy-ira", "cy-roth"))
    assert (ira.planned, ira.limit, ira.room, ira.within_limit) == (7000, 8000, 1000, True)
    assert (hsa.limit, hsa.within_limit, hsa.room) == (9550, True, 550)


def test_missing_age_and_bad_amounts() -> None:
    """A person with no age, or a negative amount, is an InputError naming it."""
    with pytest.raises(InputError, match="no age for person 'dee'"):
        check_limits([PlannedContribution("dee", "d-ira", "roth_ira", 1)], year=2024, ages={})
    with pytest.raises(InputError, match="amount"):
        PlannedContribution("dee", "d-ira", "roth_ira", -1)


@given(
    amounts=st.lists(st.floats(0.01, 20000), min_size=1, max_size=4),
    year=st.sampled_from(YEARS),
    age=st.integers(18, 90),
)
def test_403b_and_457b_rows_are_separate_groups(
    amounts: list[float], year: int, age: int
) -> None:
    """A 403(b) and a governmental 457(b) of one person: two limits side by side (IRC
    457(e)(15)), each the sum of its own accounts against its own limit."""
    planned = [
        PlannedContribution("p", f"acct{i}", "403b" if i % 2 else "457b", amount)
        for i, amount in enumerate(amounts)
    ]
    checks = check_limits(planned, year=year, ages={"p": age})
    by_group = {c.group: c for c in checks}
    assert set(by_group) == {"457b", "elective_deferral"} if len(amounts) > 1 else {"457b"}
    gov = by_group["457b"]
    assert gov.planned == pytest.approx(sum(amounts[0::2]))
    assert gov.limit == annual_limit("elective_deferral", year, age)  # the same dollar figure
    if len(amounts) > 1:
        assert by_group["elective_deferral"].planned == pytest.approx(sum(amounts[1::2]))
