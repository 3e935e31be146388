"""Contribution limits as the groups the law defines, each rule tested with the IRS's own
examples (or the IRS's own procedure on stated facts) and the year's IRS notice."""

from __future__ import annotations

import pytest

from householder.errors import InputError
from householder.tax.limits import (
    HouseholdLimits,
    LimitAccount,
    annual_limit,
    household_limits,
    roth_ira_limit,
    roth_phase_out,
)


def room(limits: HouseholdLimits, account: str, **used: float) -> float:
    return limits.room(account, used)


def group(limits: HouseholdLimits, name: str, holder: str) -> tuple[float, tuple[str, ...]]:
    (g,) = [g for g in limits.groups if g.group == name and g.holder == holder]
    return g.limit, g.accounts


# -- 402(g): one limit over every plan -------------------------------------------------------------
def test_irs_example_second_employer_401k_gets_what_is_left() -> None:
    """IRS, "How much salary can you defer if you're eligible for more than one retirement
    plan?", Example: 40 years old, $2,500 deferred to a former employer's 401(k); the most for
    the new employer's plan is the individual limit less $2,500 ($19,500 − 2,500 = $17,000 in
    2020). The same facts in 2024 (limit $23,000, Notice 2023-75): $20,500."""
    limits = household_limits(
        [
            LimitAccount("old-401k", "traditional_401k", "you", this_year=2_500),
            LimitAccount("new-401k", "roth_401k", "you"),
        ],
        year=2024,
        ages={"you": 40},
    )
    assert room(limits, "new-401k") == 20_500
    assert group(limits, "elective_deferral", "you") == (23_000, ("old-401k", "new-401k"))


def test_401k_and_simple_ira_share_the_402g_limit_and_simple_has_its_own() -> None:
    """Issue 9, item 1: born 1980 (45 at the end of 2025), a 401(k) and a SIMPLE IRA. IRC
    402(g)(1), (3) (the IRS page above: "This limit must be aggregated for ... 401(k), 403(b),
    SIMPLE plans, SARSEP"): $23,500 in all (Notice 2024-80), never $23,500 + $16,500; and the
    SIMPLE IRA at most $16,500 (408(p)(2)(E), Notice 2024-80)."""
    limits = household_limits(
        [
            LimitAccount("k", "traditional_401k", "sam"),
            LimitAccount("simple", "simple_ira", "sam"),
        ],
        year=2025,
        ages={"sam": 45},
    )
    assert room(limits, "k") == 23_500
    assert room(limits, "simple") == 16_500
    assert room(limits, "simple", k=23_500) == 0  # a full 401(k) leaves the SIMPLE nothing
    assert room(limits, "simple", k=10_000) == 13_500
    assert room(limits, "k", simple=16_500) == 7_000
    rows = limits.check({"k": 23_500, "simple": 6_500})
    assert [(r.group, r.planned, r.limit, r.within_limit) for r in rows] == [
        ("elective_deferral", 30_000, 23_500, False),
        ("simple_ira", 6_500, 16_500, True),
    ]


@pytest.mark.parametrize(
    ("age", "deferral", "simple"),
    [
        (50, 23_500 + 7_500, 16_500 + 3_500),  # 414(v)(2)(B)(i) and (ii), Notice 2024-80
        (61, 23_500 + 11_250, 16_500 + 5_250),  # 414(v)(2)(E), SECURE 2.0 sec. 109
        (64, 23_500 + 7_500, 16_500 + 3_500),  # 64: back to the 50+ catch-up
    ],
)
def test_simple_and_401k_catch_ups_2025(age: int, deferral: float, simple: float) -> None:
    """IRS Notice 2024-80 (2025): the 402(g) catch-up is $7,500 ($11,250 at 60-63); a SIMPLE
    plan's is $3,500 ($5,250 at 60-63)."""
    limits = household_limits(
        [LimitAccount("k", "403b", "p"), LimitAccount("s", "simple_ira", "p")],
        year=2025,
        ages={"p": age},
    )
    assert group(limits, "elective_deferral", "p")[0] == deferral
    assert group(limits, "simple_ira", "p")[0] == simple


def test_governmental_457b_has_its_own_limit_beside_402g() -> None:
    """Issue 9, item 3. IRC 457(e)(15); the IRS page above: "If you're in a 457(b) plan, you
    have a separate limit that includes both employee and employer contributions". A 401(k)
    and a 457(b) in 2025 (Notice 2024-80): $23,500 to each; the 457(b)'s employer money counts
    against its own limit."""
    limits = household_limits(
        [
            LimitAccount("k", "traditional_401k", "gov", this_year=23_500),
            LimitAccount("457", "457b", "gov", employer=3_000),
        ],
        year=2025,
        ages={"gov": 45},
    )
    assert room(limits, "k") == 0
    assert room(limits, "457") == 23_500 - 3_000
    assert group(limits, "457b", "gov") == (23_500, ("457",))


def test_a_year_the_tables_lack_is_an_error_naming_it() -> None:
    """No silent fallback to another year's figures: 2027 is not in limits.yaml."""
    with pytest.raises(InputError, match="2027") as error:
        household_limits([LimitAccount("k", "traditional_401k", "p")], year=2027, ages={"p": 40})
    assert "2023, 2024, 2025, 2026" in str(error.value)
    with pytest.raises(InputError, match="2022"):
        roth_ira_limit(2022, 40, 100_000, "single")


def test_no_60_to_63_catch_up_before_2025() -> None:
    """IRC 414(v)(2)(E) applies from 2025 (SECURE 2.0 sec. 109): at 61 in 2024 the catch-up
    is the 50+ one (Notice 2023-75: 23,000 + 7,500; SIMPLE 16,000 + 3,500)."""
    assert annual_limit("elective_deferral", 2024, 61) == 30_500
    assert annual_limit("simple_ira", 2024, 61) == 19_500


# -- 415(c): employer money ------------------------------------------------------------------------
@pytest.mark.parametrize(("age", "expected"), [(45, 20_000), (52, 27_500), (61, 31_250)])
def test_annual_additions_limit_with_employer_money(age: int, expected: float) -> None:
    """IRC 415(c)(1)(A), Notice 2024-80 (2025: $70,000); deferrals above it up to the catch-up
    are catch-ups, which are not annual additions (414(v)(3)(A)). With $50,000 of employer
    money a 401(k) may take $20,000 of deferrals at 45 (402(g)'s $23,500 does not bind); at 52
    20,000 + the $7,500 catch-up; at 61 20,000 + the $11,250 catch-up (402(g): $34,750)."""
    limits = household_limits(
        [LimitAccount("k", "traditional_401k", "e", employer=50_000)], year=2025, ages={"e": age}
    )
    assert room(limits, "k") == expected


def test_no_annual_additions_group_without_employer_money() -> None:
    """415(c) cannot bind without employer money (402(g) is lower): no such group, no row."""
    limits = household_limits(
        [LimitAccount("k", "traditional_401k", "e")], year=2025, ages={"e": 45}
    )
    assert [g.group for g in limits.groups] == ["elective_deferral"]


def test_sep_ira_money_counts_against_415c_without_catch_up() -> None:
    """A SEP IRA contribution is an employer contribution (IRC 402(h), 415(c)); 2026: $72,000
    (Notice 2025-67), no catch-up (a SEP takes no elective deferrals)."""
    limits = household_limits(
        [LimitAccount("sep", "sep_ira", "s", this_year=10_000)], year=2026, ages={"s": 55}
    )
    assert group(limits, "annual_additions", "s") == (72_000, ("sep",))
    assert room(limits, "sep") == 62_000


# -- IRAs -----------------------------------------------------------------------------------------
def test_traditional_and_roth_ira_share_one_limit() -> None:
    """IRC 219(b)(1), 408A(c)(2); Pub 590-A: $7,000 in 2025 across all of a person's
    traditional and Roth IRAs (Notice 2024-80); each spouse has their own."""
    limits = household_limits(
        [
            LimitAccount("ira", "traditional_ira", "a", this_year=2_000),
            LimitAccount("roth", "roth_ira", "a"),
            LimitAccount("b-roth", "roth_ira", "b"),
        ],
        year=2025,
        ages={"a": 40, "b": 52},
    )
    assert room(limits, "roth") == 5_000
    assert room(limits, "b-roth") == 8_000


@pytest.mark.parametrize(
    ("year", "status", "age", "magi", "limit"),
    [
        # 2025, single, $150,000-$165,000 (Notice 2024-80): 7,000 x (1 - 5,000/15,000)
        (2025, "single", 40, 155_000, 4_670),
        (2025, "single", 40, 150_000, 7_000),
        (2025, "single", 40, 165_000, 0),
        (2025, "single", 52, 160_000, 2_670),  # 8,000 x (1 - 10/15) = 2,666.67 → 2,670
        (2025, "head_of_household", 40, 164_900, 200),  # 46.67 → the $200 minimum
        # 2024, joint, $230,000-$240,000 (Notice 2023-75): half way → 3,500
        (2024, "married_joint", 45, 235_000, 3_500),
        (2024, "married_joint", 45, 240_000, 0),
        # 2023, single, $138,000-$153,000 (Notice 2022-55): 6,500 x 2/3 = 4,333.33 → 4,340
        (2023, "single", 30, 143_000, 4_340),
        # married filing separately (lived with spouse): $0-$10,000, any year
        (2026, "married_separate", 45, 5_000, 3_750),  # 7,500 / 2 (Notice 2025-67: 7,500)
        (2026, "married_separate", 45, 10_000, 0),
        # 2026, single, $153,000-$168,000 (Notice 2025-67)
        (2026, "single", 45, 153_001, 7_500),  # 7,499.50 → rounded up to 7,500
    ],
)
def test_roth_ira_income_limit(year: int, status: str, age: int, magi: float, limit: float) -> None:
    """IRS Pub 590-A Worksheet 2-2 and "Amount of Roth IRA contributions that you can make":
    subtract the phase-out start from modified AGI, divide by $15,000 ($10,000 joint or married
    separately), multiply the limit by it, subtract; round up to the next $10; at least $200
    while not fully phased out (IRC 408A(c)(3), 219(g)(2)(B)-(C))."""
    assert roth_ira_limit(year, age, magi, status) == limit


def test_roth_phase_out_ranges() -> None:
    """The IRS notices' ranges: 2023 single 138,000-153,000, joint 218,000-228,000 (Notice
    2022-55); 2024 146,000-161,000 / 230,000-240,000 (Notice 2023-75); 2025 150,000-165,000 /
    236,000-246,000 (Notice 2024-80); 2026 153,000-168,000 / 242,000-252,000 (Notice 2025-67)."""
    expected = {
        2023: ((138_000, 153_000), (218_000, 228_000)),
        2024: ((146_000, 161_000), (230_000, 240_000)),
        2025: ((150_000, 165_000), (236_000, 246_000)),
        2026: ((153_000, 168_000), (242_000, 252_000)),
    }
    for year, (single, joint) in expected.items():
        assert roth_phase_out(year, "single") == single
        assert roth_phase_out(year, "head_of_household") == single
        assert roth_phase_out(year, "married_joint") == joint
        assert roth_phase_out(year, "married_separate") == (0, 10_000)


def test_roth_limit_is_a_group_inside_the_ira_group() -> None:
    """Pub 590-A Worksheet 2-2 lines 9-11: the reduced Roth limit, and traditional IRA money
    reduces what is left: 2025, single, MAGI $155,000: Roth ≤ $4,670; after $3,000 into a
    traditional IRA the Roth may take $4,000 (7,000 − 3,000)."""
    limits = household_limits(
        [LimitAccount("ira", "traditional_ira", "a"), LimitAccount("roth", "roth_ira", "a")],
        year=2025,
        ages={"a": 40},
        magi=155_000,
    )
    assert room(limits, "roth") == 4_670
    assert room(limits, "roth", ira=3_000) == 4_000
    assert room(limits, "ira") == 7_000


# -- HSAs -----------------------------------------------------------------------------------------
def test_pub_969_married_family_coverage_shares_one_limit() -> None:
    """Issue 9, item 2. IRS Pub 969, "Rules for married people" (the Auburns: both family
    coverage, he 58, she 53: one family limit, divided as they agree, his $1,000 catch-up into
    his own HSA only; IRC 223(b)(5)). With 2025's family limit $8,550 (Rev. Proc. 2024-25):
    $9,550 in all, never $9,550 + $8,550; her HSA at most $8,550, his at most $9,550."""
    limits = household_limits(
        [
            LimitAccount("his-hsa", "hsa", "mr", "family"),
            LimitAccount("her-hsa", "hsa", "mrs", "family"),
        ],
        year=2025,
        ages={"mr": 58, "mrs": 53},
        spouses=("mr", "mrs"),
    )
    assert group(limits, "hsa", "mr+mrs") == (9_550, ("his-hsa", "her-hsa"))
    assert room(limits, "her-hsa") == 8_550
    assert room(limits, "his-hsa") == 9_550
    assert room(limits, "her-hsa", **{"his-hsa": 5_275}) == 4_275  # the equal split
    assert room(limits, "his-hsa", **{"her-hsa": 8_550}) == 1_000  # only his catch-up left
    rows = limits.check({"his-hsa": 9_550, "her-hsa": 2_450})
    first = rows[0]
    assert (first.group, first.person, first.planned, first.within_limit) == (
        "hsa", "mr+mrs", 12_000, False
    )


def test_either_spouse_with_family_coverage_puts_both_on_family() -> None:
    """IRC 223(b)(5)(A): if either spouse has family coverage, both are treated as having only
    that coverage: a self-only spouse gets no self-only limit of their own (2026: family
    $8,750, Rev. Proc. 2025-19; neither 55)."""
    limits = household_limits(
        [LimitAccount("a-hsa", "hsa", "a", "self"), LimitAccount("b-hsa", "hsa", "b", "family")],
        year=2026,
        ages={"a": 40, "b": 41},
        spouses=("a", "b"),
    )
    assert group(limits, "hsa", "a+b")[0] == 8_750
    assert room(limits, "a-hsa", **{"b-hsa": 8_750}) == 0


def test_unmarried_people_or_self_only_spouses_have_their_own_hsa_limits() -> None:
    """Two self-only spouses: $4,300 each (2025, Rev. Proc. 2024-25), the 55+ catch-up on top;
    people who are not married keep their own limits whatever the coverage."""
    limits = household_limits(
        [LimitAccount("a-hsa", "hsa", "a", "self"), LimitAccount("b-hsa", "hsa", "b", "self")],
        year=2025,
        ages={"a": 56, "b": 41},
        spouses=("a", "b"),
    )
    assert (room(limits, "a-hsa"), room(limits, "b-hsa")) == (5_300, 4_300)
    single = household_limits(
        [LimitAccount("a-hsa", "hsa", "a", "family"), LimitAccount("b-hsa", "hsa", "b", "self")],
        year=2025,
        ages={"a": 56, "b": 41},
    )
    assert (room(single, "a-hsa"), room(single, "b-hsa")) == (9_550, 4_300)


def test_employer_hsa_money_counts() -> None:
    """Pub 969: employer contributions count toward the HSA limit (2024 self-only $4,150,
    Rev. Proc. 2023-23): $1,000 from the employer leaves $3,150."""
    limits = household_limits(
        [LimitAccount("hsa", "hsa", "w", "self", employer=1_000)], year=2024, ages={"w": 30}
    )
    assert room(limits, "hsa") == 3_150


def test_an_account_with_a_personal_limit_and_no_owner_has_no_room() -> None:
    """A joint IRA does not exist: no room, and the group says why."""
    limits = household_limits(
        [LimitAccount("ira", "roth_ira", None)], year=2025, ages={}
    )
    assert room(limits, "ira") == 0
    assert "owner" in limits.groups[0].rule


def test_every_account_type_has_its_limit_groups() -> None:
    """The vocabulary is defined once: every account type of the file format has an entry in
    the account type → limit group map (an empty one for taxable and 529 accounts)."""
    from householder.model.types import AccountType
    from householder.tax.limits import ACCOUNT_LIMIT_GROUPS

    assert set(ACCOUNT_LIMIT_GROUPS) == set(AccountType)
