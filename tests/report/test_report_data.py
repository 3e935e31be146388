"""``householder.plan.report``: the figures the HTML report shows beside the plan, each the
project's one definition (drift's bands, the exposure of the holdings before and after)."""

from __future__ import annotations

from pathlib import Path

import pytest

from householder.io import build_book, load_household
from householder.model.book import Book
from householder.optimize import solve_household
from householder.plan.build import build_plan
from householder.plan.drift import drift
from householder.plan.report import FrontierPoint, Report, build_report

CENT = 0.01
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def kendra() -> Report:
    return build_report(load_household(EXAMPLES / "kendra.yaml"))


def test_kendra_bands_and_mix_are_investopedias(kendra: Report) -> None:
    """Investopedia, "How to Rebalance 401(k) Assets": $17,000 of stocks and $4,000 of bonds
    (80.95 / 19.05) against 75 / 25; selling $1,250 of stocks and buying $1,250 of bonds gets
    there. Bands 5/25: stocks 70–80 %, bonds 20–30 %."""
    rows = {r.cls: r for r in kendra.allocation}
    assert (rows["stocks"].band_low, rows["stocks"].band_high) == (0.70, 0.80)
    assert (rows["bonds"].band_low, rows["bonds"].band_high) == (0.20, 0.30)
    assert rows["stocks"].breached_before and rows["bonds"].breached_before
    assert not rows["stocks"].breached_after and not rows["bonds"].breached_after
    [acct] = kendra.accounts
    dollars = {c.cls: (c.before, c.after) for c in acct.classes}
    assert dollars == {"stocks": (17000.0, 15750.0), "bonds": (4000.0, 5250.0)}
    assert acct.treatment == "tax_deferred"


def test_bands_are_drifts(kendra: Report) -> None:
    """The report's bands and 'before' are drift's, row for row."""
    for row in kendra.drift.allocation:
        mine = next(r for r in kendra.allocation if r.cls == row.cls)
        assert (mine.band_low, mine.band_high) == (row.band_low, row.band_high)
        assert mine.before == pytest.approx(row.before, abs=1e-6)
        assert mine.breached_before == row.breached


_REPORTS: dict[str, tuple[Book, Report]] = {}


def example_report(name: str) -> tuple[Book, Report]:
    """An example's book and report (without locate), solved once for this module."""
    if name not in _REPORTS:
        book = load_household(EXAMPLES / name)
        _REPORTS[name] = (book, build_report(book, locate=False))
    return _REPORTS[name]


@pytest.mark.parametrize("name", ["two-earner.yaml", "three-account.yaml", "mary.yaml"])
def test_account_mixes_add_up_to_the_plan(name: str) -> None:
    """Each account's classes sum to its value before and after the plan; across accounts a
    class's dollars are the plan's market dollars of that class (pre-tax households), and on
    the after-tax basis the before matches drift's pre-tax fractions."""
    book, report = example_report(name)
    plan = report.plan
    for mix, acct in zip(report.accounts, plan.accounts, strict=True):
        assert mix.id == acct.id
        rounding = CENT * len(mix.classes)  # each class's dollars rounded to the cent
        assert sum(c.before for c in mix.classes) == pytest.approx(acct.value_before, abs=rounding)
        assert sum(c.after for c in mix.classes) == pytest.approx(acct.value_after, abs=rounding)
    for row in plan.allocation:
        before = sum(c.before for a in report.accounts for c in a.classes if c.cls == row.cls)
        after = sum(c.after for a in report.accounts for c in a.classes if c.cls == row.cls)
        if plan.allocation_basis == "pre_tax":
            assert before == pytest.approx(row.value_before, abs=0.05)
            assert after == pytest.approx(row.value_after, abs=0.05)
        else:
            pre_tax = {r.cls: r.before for r in report.drift.allocation_pre_tax or []}
            assert before / book.total_value == pytest.approx(pre_tax[row.cls], abs=1e-5)


def test_treatments_are_the_accounts() -> None:
    _, report = example_report("two-earner.yaml")
    treatment = {a.id: a.treatment for a in report.accounts}
    assert treatment["joint-brokerage"] == "taxable"
    assert treatment["jordan-401k"] == "tax_deferred"
    assert treatment["family-hsa"] == "tax_exempt"


def test_a_given_plan_is_used_as_is(kendra_book: Book) -> None:
    """``plan --report`` passes its plan: the report shows that plan, not a second solve."""
    plan = build_plan(solve_household(kendra_book))
    marked = plan.model_copy(update={"notes": ["the caller's plan"]})
    report = build_report(kendra_book, marked, locate=False)
    assert report.plan is marked
    assert report.location is None and report.sweep is None and report.frontier is None


def test_locate_and_sweep_are_locates(kendra_book: Book) -> None:
    from householder.plan.locate import locate, sweep

    report = build_report(kendra_book, sweep="retirement_rate=0.1:0.3:0.1")
    assert report.location == locate(kendra_book)
    assert report.sweep == sweep(kendra_book, "retirement_rate=0.1:0.3:0.1")
    assert [p.value for p in report.sweep.points] == [0.1, 0.2, 0.3]


def test_json_nests_each_commands_document(kendra: Report) -> None:
    """The report's JSON holds each command's own document (its empty fields left out as that
    command leaves them out), and leaves out what was not asked for."""
    doc = kendra.to_json()
    assert doc["command"] == "report"
    assert doc["plan"] == kendra.plan.to_json()
    assert "contribution_needed" not in doc["plan"]
    assert doc["drift"] == kendra.drift.to_json()
    assert "sweep" not in doc and "frontier" not in doc and "out" not in doc
    assert doc["allocation"][0]["class"] == "stocks"
    assert doc["accounts"][0]["classes"][0]["class"] == "stocks"


def test_frontier_points_are_carried(kendra_book: Book) -> None:
    points = [FrontierPoint(tax=0.0, remaining_drift=0.05, trades=0),
              FrontierPoint(tax=120.0, remaining_drift=0.0, trades=2, turnover=2500.0)]
    report = build_report(kendra_book, locate=False, frontier=points)
    assert report.frontier == points
    assert report.to_json()["frontier"][1] == {"tax": 120.0, "remaining_drift": 0.0,
                                               "trades": 2, "turnover": 2500.0, "label": ""}


def test_after_tax_household_uses_drift_basis(two_account_data: dict[str, object]) -> None:
    """On the after-tax basis the household bars are after-tax fractions (the plan's), and the
    location map stays in market dollars."""
    data = dict(two_account_data)
    data["policy"] = {"allocation_basis": "after_tax"}
    book = build_book(data)
    report = build_report(book, locate=False)
    assert report.allocation_basis == "after_tax"
    expected = drift(book)
    for row in expected.allocation:
        mine = next(r for r in report.allocation if r.cls == row.cls)
        assert mine.before == pytest.approx(row.before, abs=1e-6)
    market = sum(c.before for a in report.accounts for c in a.classes)
    assert market == pytest.approx(book.total_value, abs=CENT)
