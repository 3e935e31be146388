"""``contribute`` against the law's limit groups (issue 9, items 1-3): no mode puts a dollar
above a group's room; the excess goes to accounts with room (taxable last) or is refused with
the numbers."""

from __future__ import annotations

from typing import Any

import pytest

from householder.errors import InputError
from householder.model.book import Book
from householder.plan.contribute import contribute_amount, contribute_to_target
from tests.optimize.households import limit_rows
from tests.plan.test_contribute import CENT, QP, book_of, flows


def holdings(us: float = 0.0, intl: float = 0.0, bond: float = 0.0) -> list[dict[str, Any]]:
    return [
        {"fund": f, "value": v} for f, v in (("US", us), ("INTL", intl), ("BOND", bond)) if v
    ]


def taxable(value: float = 10_000, owner: str = "sam") -> dict[str, Any]:
    return {
        "id": "tx",
        "owner": owner,
        "type": "taxable",
        "holdings": [{"fund": "US", "value": value, "cost": value, "acquired": "2020-01-02"}],
    }


def k_and_simple(*, with_taxable: bool = False) -> Book:
    """Sam, born 1980 (45 at the end of 2025): a traditional 401(k) and a SIMPLE IRA, all US
    stock against 40/30/30 (far from target: any contribution buys intl and bonds)."""
    accounts = [
        {"id": "k", "owner": "sam", "type": "traditional_401k", "holdings": holdings(us=80_000)},
        {"id": "simple", "owner": "sam", "type": "simple_ira", "holdings": holdings(us=20_000)},
    ]
    if with_taxable:
        accounts.append(taxable())
    return book_of(accounts, as_of="2025-06-30", people=[{"id": "sam", "birth_year": 1980}])


def test_401k_and_simple_to_target_stays_within_one_402g_limit() -> None:
    """Issue 9, item 1: ``--to-target`` planned $23,500 + $16,500 = $40,000 of deferrals. IRC
    402(g)(1), (3) (IRS, "How much salary can you defer if you're eligible for more than one
    retirement plan?": 401(k) and SIMPLE deferrals are aggregated): the best within the limits
    is $23,500 in all, the SIMPLE IRA at most $16,500 (Notice 2024-80)."""
    plan = contribute_to_target(k_and_simple())
    got = flows(plan)
    assert sum(got.values()) == pytest.approx(23_500, abs=QP)
    assert got.get("simple", 0.0) <= 16_500 + CENT
    assert plan.contribution_within_limits is False
    assert plan.contribution_best_within_limits == pytest.approx(23_500, abs=QP)
    rows = {r["group"]: r for r in limit_rows(plan)}
    assert rows["elective_deferral"]["accounts"] == ["k", "simple"]
    assert rows["elective_deferral"]["limit"] == 23_500


def test_401k_and_simple_amount_never_routes_past_402g() -> None:
    """Issue 9, item 1: ``--amount 30000`` put $6,500 into the SIMPLE IRA on top of a full
    401(k). Without a taxable account the command refuses with the numbers; with one the
    $6,500 goes there."""
    with pytest.raises(InputError) as refused:
        contribute_amount(k_and_simple(), 30_000)
    message = str(refused.value)
    assert "$23,500.00 of the $30,000.00" in message and "$6,500.00" in message
    plan = contribute_amount(k_and_simple(with_taxable=True), 30_000)
    assert flows(plan) == pytest.approx({"k": 23_500, "tx": 6_500})
    rows = limit_rows(plan)
    assert [(r["group"], r["planned"], r["within_limit"]) for r in rows] == [
        ("elective_deferral", 23_500, True)
    ]
    assert any("simple: no 402(g) elective-deferral room left" in n for n in plan.notes)


def test_named_simple_ira_over_the_shared_room_is_refused() -> None:
    """$10,000 into the SIMPLE IRA after $20,000 deferred to the 401(k) this year: 402(g) has
    $3,500 left (23,500 − 20,000), so the command refuses and names the limit and accounts."""
    book = book_of(
        [
            {
                "id": "k",
                "owner": "sam",
                "type": "traditional_401k",
                "holdings": holdings(us=80_000),
                "contributions": {"this_year": 20_000},
            },
            {"id": "simple", "owner": "sam", "type": "simple_ira", "holdings": holdings(us=1)},
        ],
        people=[{"id": "sam", "birth_year": 1980}],
    )
    with pytest.raises(InputError, match=r"\$3,500\.00 left of sam's 2025 402\(g\)"):
        contribute_amount(book, 10_000, "simple")
    plan = contribute_amount(book, 3_500, "simple")
    assert flows(plan) == {"simple": pytest.approx(3_500)}


def married_hsas(*, with_taxable: bool = False) -> Book:
    """Issue 9, item 2: spouses 58 and 53 at the end of 2025, each with an HSA on family
    coverage, filing jointly; all US stock against 40/30/30."""
    accounts: list[dict[str, Any]] = [
        {
            "id": "his-hsa",
            "owner": "mr",
            "type": "hsa",
            "hsa_coverage": "family",
            "holdings": holdings(us=20_000),
        },
        {
            "id": "her-hsa",
            "owner": "mrs",
            "type": "hsa",
            "hsa_coverage": "family",
            "holdings": holdings(us=20_000),
        },
    ]
    if with_taxable:
        accounts.append(taxable(owner="joint"))
    return book_of(
        accounts,
        people=[{"id": "mr", "birth_year": 1967}, {"id": "mrs", "birth_year": 1972}],
        tax={"filing_status": "married_joint", "ordinary_rate": "24%", "long_term_rate": "15%"},
    )


def test_spouses_with_family_hsas_share_one_family_limit() -> None:
    """Issue 9, item 2: the tool gave $9,550 + $8,550 of room and routed $12,000 as if it
    fit. IRC 223(b)(5), Pub 969 "Rules for married people": one family limit ($8,550 in 2025,
    Rev. Proc. 2024-25) plus his own $1,000 catch-up: $9,550 in all; the rest to taxable."""
    plan = contribute_amount(married_hsas(with_taxable=True), 12_000)
    got = flows(plan)
    assert got["his-hsa"] + got.get("her-hsa", 0.0) == pytest.approx(9_550)
    assert got["tx"] == pytest.approx(2_450)
    rows = {r["group"]: r for r in limit_rows(plan)}
    assert rows["hsa"]["person"] == "mr+mrs"
    assert rows["hsa"]["limit"] == 9_550 and rows["hsa"]["within_limit"] is True
    with pytest.raises(InputError, match=r"9,550\.00 of the \$12,000\.00"):
        contribute_amount(married_hsas(), 12_000)


def test_spouses_hsa_to_target_respects_the_shared_limit() -> None:
    """``--to-target`` on the same couple: far from target, so the best within the limits
    fills the shared $9,550, her HSA at most $8,550 (the catch-up is his alone)."""
    plan = contribute_to_target(married_hsas())
    got = flows(plan)
    assert sum(got.values()) == pytest.approx(9_550, abs=QP)
    assert got.get("her-hsa", 0.0) <= 8_550 + CENT


def test_401k_and_457b_each_take_the_full_deferral() -> None:
    """Issue 9, item 3: a governmental 457(b) has its own limit beside 402(g) (IRC
    457(e)(15); the IRS page above): $47,000 = $23,500 to each in 2025, with no taxable
    account needed."""
    book = book_of(
        [
            {"id": "k", "owner": "sam", "type": "403b", "holdings": holdings(us=80_000)},
            {"id": "457", "owner": "sam", "type": "457b", "holdings": holdings(us=20_000)},
        ],
        people=[{"id": "sam", "birth_year": 1980}],
    )
    plan = contribute_amount(book, 47_000)
    assert flows(plan) == pytest.approx({"k": 23_500, "457": 23_500})
    assert sorted(r["group"] for r in limit_rows(plan)) == ["457b", "elective_deferral"]


def test_roth_ira_income_limit_with_magi() -> None:
    """Pub 590-A Worksheet 2-2: single, MAGI $155,000 in 2025: the Roth IRA takes $4,670; the
    rest of the IRA limit ($2,330) still fits a traditional IRA; without tax.magi a note says
    the income limit was not checked."""
    accounts = [
        {"id": "roth", "owner": "sam", "type": "roth_ira", "holdings": holdings(us=10_000)},
        {"id": "ira", "owner": "sam", "type": "traditional_ira", "holdings": holdings(us=1)},
    ]
    people = [{"id": "sam", "birth_year": 1985}]
    tax = {"filing_status": "single", "ordinary_rate": "24%", "magi": 155_000}
    book = book_of(accounts, people=people, tax=tax)
    plan = contribute_amount(book, 7_000)
    assert flows(plan) == pytest.approx({"roth": 4_670, "ira": 2_330})
    with pytest.raises(InputError, match=r"4,670\.00 left of sam's 2025 Roth IRA \(income"):
        contribute_amount(book, 5_000, "roth")
    unchecked = contribute_amount(book_of(accounts, people=people), 5_000, "roth")
    assert any("Roth IRA income limit not checked" in n for n in unchecked.notes)


def test_employer_money_and_415c() -> None:
    """IRC 415(c), Notice 2024-80: $55,000 of employer contributions leave a 45-year-old
    $15,000 of 401(k) deferrals in 2025 (70,000 − 55,000), below 402(g)'s $23,500."""
    book = book_of(
        [
            {
                "id": "k",
                "owner": "sam",
                "type": "traditional_401k",
                "holdings": holdings(us=80_000),
                "contributions": {"employer": 55_000},
            },
            taxable(),
        ],
        people=[{"id": "sam", "birth_year": 1980}],
    )
    plan = contribute_amount(book, 20_000)
    assert flows(plan) == pytest.approx({"k": 15_000, "tx": 5_000})
    rows = {r["group"]: r for r in limit_rows(plan)}
    assert rows["annual_additions"]["planned"] == 70_000
    assert rows["elective_deferral"]["planned"] == 15_000


def test_couple_example_to_target_checked_by_hand() -> None:
    """examples/couple-limits.yaml, as docs/contribute.md checks it by hand (2025, Notice
    2024-80, Rev. Proc. 2024-25): $300,000 of stock against 60/40 needs $200,000; the law
    allows 402(g) 31,000 − 10,000 = 21,000 (alex's 401(k) and SIMPLE together, the SIMPLE at
    most 20,000), 457(b) 31,000 − 3,000 = 28,000, Roth IRA 8,000 × (1 − 4,000/10,000) = 4,800,
    traditional IRA 8,000, HSAs 8,550 + 1,000 = 9,550: $71,350 in all."""
    from pathlib import Path

    from householder.io import load_household

    path = Path(__file__).resolve().parents[2] / "examples" / "couple-limits.yaml"
    book = load_household(path)
    plan = contribute_to_target(book)
    assert plan.contribution_needed == pytest.approx(200_000, abs=CENT)
    assert plan.contribution_best_within_limits == pytest.approx(71_350, abs=CENT)
    got = flows(plan)
    assert got["alex-401k"] + got["alex-simple"] == pytest.approx(21_000, abs=CENT)
    assert got["alex-simple"] <= 20_000 + CENT
    assert got["blair-457b"] == pytest.approx(28_000, abs=CENT)
    assert got["alex-roth"] == pytest.approx(4_800, abs=CENT)
    assert got["blair-ira"] == pytest.approx(8_000, abs=CENT)
    assert got.get("alex-hsa", 0.0) + got.get("blair-hsa", 0.0) == pytest.approx(9_550, abs=CENT)
    routed = contribute_amount(book, 71_350)
    assert sum(flows(routed).values()) == pytest.approx(71_350, abs=CENT)
    assert all(r["within_limit"] for r in limit_rows(routed))
    with pytest.raises(InputError, match=r"only \$71,350\.00 of the \$71,351\.00"):
        contribute_amount(book, 71_351)
