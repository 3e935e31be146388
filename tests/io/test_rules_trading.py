"""The loader's trading rules (io/rules_trading.py): recent ``transactions``, scheduled
purchases (``contributions.schedule``, a holding's ``reinvest``), ``restrictions`` and
``substitutes``; every problem named with its path and the fix, all of them at once."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from householder.errors import HouseholdFileError
from householder.io import build_book
from householder.model.household import Schedule

BASE: dict[str, Any] = {
    "name": "Trading rules",
    "as_of": "2026-12-04",
    "target": {"stocks": 60, "bonds": 40},
    "accounts": [
        {
            "id": "brokerage",
            "type": "taxable",
            "holdings": [
                {"fund": "VTI", "price": 290,
                 "lots": [{"id": "L1", "shares": 10, "cost": 3000, "acquired": "2025-01-02"}]},
                {"fund": "BND", "price": 72,
                 "lots": [{"id": "B1", "shares": 10, "cost": 700, "acquired": "2020-01-02"}]},
            ],
        },
        {
            "id": "k401",
            "type": "traditional_401k",
            "menu": ["VTSAX", "VBTLX"],
            "holdings": [{"fund": "VTSAX", "value": 5000}],
        },
    ],
}


def household(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    data.update(changes)
    return data


def problems(data: dict[str, Any]) -> list[str]:
    with pytest.raises(HouseholdFileError) as info:
        build_book(data)
    return [str(p) for p in info.value.problems]


def test_a_valid_file_with_every_new_field_loads() -> None:
    data = household(
        restrictions=[
            {"rule": "do_not_sell", "account": "brokerage", "fund": "VTI", "reason": "gift"},
            {"rule": "cash_floor", "account": "brokerage", "amount": 500},
            {"rule": "hold_at_least", "fund": "BND", "shares": 5},
            {"rule": "closed_to_new_money", "fund": "VBTLX", "holders_may_buy": True},
            {"rule": "no_short_term_gains"},
            {"rule": "do_not_buy", "fund": "VTI"},
        ],
        substitutes=[["VTI", "ITOT", "VOO"]],
    )
    data["accounts"][0]["transactions"] = [
        {"date": "2026-11-20", "fund": "VXUS", "action": "sell", "shares": 10, "amount": 600,
         "cost": 700},
        {"date": "2026-11-21", "fund": "VTI", "action": "reinvest", "shares": 0.2,
         "amount": 58},
    ]
    data["accounts"][0]["holdings"][0]["reinvest"] = {"every": "quarterly", "next": "2026-12-20"}
    data["accounts"][1]["contributions"] = {
        "annual": 23000, "split": {"VTSAX": 100},
        "schedule": {"every": "biweekly", "next": "2026-12-11"},
    }
    book = build_book(data)
    assert book.household.restrictions[0].scope == "VTI in brokerage"
    assert book.household.accounts[0].transactions[0].traded == date(2026, 11, 20)


def test_every_trading_problem_is_reported_with_its_path() -> None:
    data = household(
        restrictions=[
            {"rule": "do_not_sell", "account": "brokrage"},
            {"rule": "do_not_buy", "fund": "VTII"},
            {"rule": "do_not_sell", "account": "k401", "fund": "BND"},
            {"rule": "no_short_term_gains", "account": "k401"},
            {"rule": "closed_to_new_money", "fund": "VOO"},
        ],
        substitutes=[["VTI", "VTSAX"], ["VTI", "NOPE"]],
    )
    data["accounts"][0]["transactions"] = [
        {"date": "2026-12-10", "fund": "VTI", "action": "buy", "shares": 1, "amount": 290},
        {"date": "2026-11-10", "fund": "VTIX", "action": "buy", "shares": 1, "amount": 290},
    ]
    data["accounts"][1]["contributions"] = {"annual": 0, "schedule": {"dates": ["2026-12-11"]}}
    found = problems(data)
    expected = [
        "accounts[0].transactions[0].date: 2026-12-10 is after as_of (2026-12-04)",
        "accounts[0].transactions[1].fund: 'VTIX' is not a known fund",
        "accounts[1].contributions.split: a schedule buys the split",
        "accounts[1].contributions.schedule.amount: required with dates",
        "restrictions[0].account: 'brokrage' is not an account of the household (did you mean "
        "'brokerage'?)",
        "restrictions[1].fund: 'VTII' is not a known fund (did you mean 'VTI'?)",
        "restrictions[2].fund: k401 does not hold BND; the restriction would apply to nothing",
        "restrictions[3].account: k401 is a traditional_401k account, where a sale realizes no "
        "gain",
        "restrictions[4].fund: VOO is not a fund of the household",
        "substitutes[0]: VTI and VTSAX are substantially identical",
        "substitutes[1][1]: 'NOPE' is not a known fund",
    ]
    for text in expected:
        assert any(p.startswith(text) for p in found), (text, found)
    assert len(found) == len(expected), found


@pytest.mark.parametrize(
    ("restriction", "message"),
    [
        ({"rule": "hold_at_least", "amount": 5}, "hold_at_least needs fund"),
        ({"rule": "hold_at_least", "fund": "VTI"}, "needs amount: (dollars) or shares:"),
        ({"rule": "hold_at_least", "fund": "VTI", "amount": 1, "shares": 1}, "one of them"),
        ({"rule": "cash_floor"}, "cash_floor needs amount"),
        ({"rule": "cash_floor", "amount": 5, "fund": "VTI"}, "remove fund"),
        ({"rule": "do_not_sell", "amount": 5}, "amount is for hold_at_least and cash_floor"),
        ({"rule": "do_not_sell", "shares": 5}, "shares is for hold_at_least"),
        ({"rule": "closed_to_new_money"}, "closed_to_new_money needs fund"),
        ({"rule": "closed_to_new_money", "fund": "VTI", "account": "brokerage"},
         "remove account"),
        ({"rule": "do_not_buy", "holders_may_buy": True}, "holders_may_buy is for"),
        ({"rule": "sell_never"}, "is not one of: do_not_sell"),
    ],
)
def test_a_restriction_takes_the_fields_of_its_rule(
    restriction: dict[str, Any], message: str
) -> None:
    found = problems(household(restrictions=[restriction]))
    assert any(p.startswith("restrictions[0]") and message in p for p in found), found


@pytest.mark.parametrize(
    ("transaction", "message"),
    [
        ({"date": "2026-11-01", "fund": "VTI", "action": "buy", "shares": 1, "amount": 290,
          "cost": 200}, "cost is a sale's basis; a buy has none"),
        ({"date": "2026-11-01", "fund": "VTI", "action": "gift", "shares": 1, "amount": 290},
         "is not one of: buy, sell, reinvest"),
        ({"date": "2026-11-01", "fund": "VTI", "action": "buy", "shares": 0, "amount": 290},
         "must be more than 0"),
    ],
)
def test_a_transaction_is_checked(transaction: dict[str, Any], message: str) -> None:
    data = household()
    data["accounts"][0]["transactions"] = [transaction]
    found = problems(data)
    assert any(p.startswith("accounts[0].transactions[0]") and message in p for p in found), found


def test_a_schedule_gives_every_and_next_or_dates() -> None:
    data = household()
    data["accounts"][0]["holdings"][0]["reinvest"] = {"every": "quarterly"}
    found = problems(data)
    assert any(p.startswith("accounts[0].holdings[0].reinvest") and "with next:" in p
               for p in found), found


@pytest.mark.parametrize(
    ("schedule", "start", "end", "dates"),
    [
        # semimonthly: the 15th and the last day of each month
        ({"every": "semimonthly", "next": "2024-12-15"}, "2024-12-31", "2025-02-20",
         ["2024-12-31", "2025-01-15", "2025-01-31", "2025-02-15"]),
        ({"every": "biweekly", "next": "2024-11-01"}, "2024-12-31", "2025-01-30",
         ["2025-01-10", "2025-01-24"]),
        # monthly on the 31st: the month's last day where it is shorter
        ({"every": "monthly", "next": "2024-10-31"}, "2024-12-01", "2025-03-30",
         ["2024-12-31", "2025-01-31", "2025-02-28"]),
        ({"every": "quarterly", "next": "2025-03-25"}, "2024-12-31", "2025-12-31",
         ["2025-03-25", "2025-06-25", "2025-09-25", "2025-12-25"]),
        ({"dates": ["2025-01-03", "2024-12-01", "2025-01-03"]}, "2024-12-31", "2025-01-30",
         ["2025-01-03"]),
    ],
)
def test_schedule_dates(schedule: dict[str, Any], start: str, end: str, dates: list[str]) -> None:
    got = Schedule.model_validate(schedule).occurrences(
        date.fromisoformat(start), date.fromisoformat(end)
    )
    assert [d.isoformat() for d in got] == dates
