"""Property: any valid household round-trips YAML text -> model -> JSON -> model unchanged, and
its class exposures add up to its value, for the household and for each account (issue 2).

The generator builds households the way people write them: one or two people, 1-4 accounts of
any type, funds of the file (classes summing to 100) and bare catalog tickers, holdings given by
value, by shares with a price, or by lots in taxable accounts, and flat or nested targets.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from householder.io import build_book, parse_text
from householder.model.bundled import bundled_funds
from householder.model.types import AccountType
from householder.valuation import account_exposure, household_exposure, tree_exposure

LEAF_CLASSES = [
    "us_large",
    "us_mid",
    "us_small",
    "intl_developed",
    "emerging",
    "treasuries",
    "tips",
    "corporate_bonds",
    "munis",
    "intl_bonds",
    "reits",
    "gold",
    "cash",
]
"""Leaves of the bundled tree: a fund naming only leaves fits any target shape."""

CATALOG_TICKERS = [
    "VTI",
    "VXUS",
    "BND",
    "VTSAX",
    "VTIAX",
    "VBTLX",
    "FXAIX",
    "VNQ",
    "VMFXX",
    "VFFVX",
]

ACCOUNT_TYPES = [t.value for t in AccountType]

FLAT_TARGETS = [
    {"stocks": 60, "bonds": 40},
    {"stocks": 70, "bonds": 25, "cash": 5},
    {"us_stocks": 45, "intl_stocks": 25, "bonds": 30},
    {"stocks": 90, "real_estate": 10},
]


def percents(n: int) -> st.SearchStrategy[list[int]]:
    """``n`` positive whole percents summing to 100."""
    return (
        st.lists(st.integers(1, 100), min_size=n - 1, max_size=n - 1, unique=True)
        .map(lambda cuts: sorted(c for c in cuts if c < 100))
        .filter(lambda cuts: len(cuts) == n - 1)
        .map(lambda cuts: [b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)])
    )


@st.composite
def classes_summing_to_100(draw: st.DrawFn) -> dict[str, int]:
    n = draw(st.integers(1, 4))
    names = draw(st.lists(st.sampled_from(LEAF_CLASSES), min_size=n, max_size=n, unique=True))
    return dict(zip(names, draw(percents(n)), strict=True))


@st.composite
def targets(draw: st.DrawFn) -> dict[str, Any]:
    if draw(st.booleans()):
        return dict(draw(st.sampled_from(FLAT_TARGETS)))
    stocks = draw(st.integers(1, 99))
    us = draw(st.integers(1, 99))
    return {
        "stocks": {"weight": stocks, "split": {"us_stocks": us, "intl_stocks": 100 - us}},
        "bonds": 100 - stocks,
    }


money = st.integers(0, 5_000_000_00).map(lambda cents: cents / 100)
prices = st.integers(100, 200_000).map(lambda cents: cents / 100)
shares = st.integers(1, 2_000_000).map(lambda thousandths: thousandths / 1000)


@st.composite
def households(draw: st.DrawFn) -> dict[str, Any]:
    as_of = date(2020, 1, 1) + timedelta(days=draw(st.integers(0, 3650)))
    people = []
    for i in range(draw(st.integers(1, 2))):
        person: dict[str, Any] = {"id": f"p{i}"}
        if draw(st.booleans()):
            person["birth_date"] = date(1950, 1, 1) + timedelta(days=draw(st.integers(0, 18000)))
        else:
            person["birth_year"] = draw(st.integers(1940, 2000))
        people.append(person)

    own_funds = []
    for i in range(draw(st.integers(1, 3))):
        own_funds.append(
            {
                "ticker": f"F{i}",
                "expense_ratio": draw(st.sampled_from(["0.04%", 0.001, "1%", 0])),
                "classes": draw(classes_summing_to_100()),
                "kind": draw(st.sampled_from(["mutual_fund", "etf", "cit", "money_market"])),
            }
        )
    catalog = draw(st.lists(st.sampled_from(CATALOG_TICKERS), max_size=3, unique=True))
    tickers = [f["ticker"] for f in own_funds] + catalog
    price_of = {t: draw(prices) for t in tickers}
    price_in_map = {t: draw(st.booleans()) for t in tickers}

    accounts = []
    for a in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(ACCOUNT_TYPES))
        taxable = kind == "taxable"
        owner = draw(st.sampled_from([p["id"] for p in people] + (["joint"] if taxable else [])))
        account: dict[str, Any] = {"id": f"a{a}", "owner": owner, "type": kind}
        if draw(st.booleans()):
            account["cash"] = draw(money)
        held = draw(st.lists(st.sampled_from(tickers), max_size=len(tickers), unique=True))
        holdings = []
        for ticker in held:
            form = draw(
                st.sampled_from(["value", "shares", "lots"] if taxable else ["value", "shares"])
            )
            holding: dict[str, Any] = {"fund": ticker}
            if form == "value":
                holding["value"] = draw(money)
            else:
                if not price_in_map[ticker]:
                    holding["price"] = price_of[ticker]
                if form == "shares":
                    holding["shares"] = draw(shares)
                else:
                    lots = []
                    for k in range(draw(st.integers(1, 4))):
                        acquired = as_of - timedelta(days=draw(st.integers(0, 4000)))
                        lots.append(
                            {
                                "id": f"{ticker}-{k}",
                                "shares": draw(shares),
                                "cost": draw(money),
                                "acquired": acquired,
                            }
                        )
                    holding["lots"] = lots
                    if draw(st.booleans()):
                        holding["shares"] = sum(lot["shares"] for lot in lots)
            holdings.append(holding)
        account["holdings"] = holdings
        if draw(st.booleans()):
            menu = draw(st.lists(st.sampled_from(tickers), min_size=1, unique=True))
            account["menu"] = menu
            if draw(st.booleans()):
                split = dict(zip(menu, draw(percents(len(menu))), strict=True))
                account["contributions"] = {"annual": draw(money), "split": split}
        if kind == "hsa" and draw(st.booleans()):
            account["hsa_coverage"] = draw(st.sampled_from(["self", "family"]))
        accounts.append(account)

    data: dict[str, Any] = {
        "name": draw(st.sampled_from(["Household", "The Smiths", "Zoë & Ana"])),
        "as_of": as_of,
        "people": people,
        "tax": {
            "filing_status": draw(st.sampled_from(["single", "married_joint"])),
            "ordinary_rate": draw(st.sampled_from(["24%", 0.32, "12%"])),
            "long_term_rate": draw(st.sampled_from(["15%", 0.2, 0])),
            "retirement_rate": draw(st.sampled_from(["22%", 0.12])),
            "niit": draw(st.booleans()),
        },
        "target": draw(targets()),
        "funds": own_funds + [{"ticker": t} for t in catalog],
        "accounts": accounts,
    }
    # a whole-share fund (an ETF) that an account may buy needs a price (spec): give every one
    # its price in the map, besides any holding's own
    whole = {f["ticker"] for f in own_funds if f["kind"] == "etf"} | {
        t for t in catalog if bundled_funds()[t].get("kind") in {"etf", "stock"}
    }
    mapped = {t: price_of[t] for t in tickers if price_in_map[t] or t in whole}
    if mapped:
        data["prices"] = mapped
    if draw(st.booleans()):
        data["policy"] = {
            "allocation_basis": draw(st.sampled_from(["pre_tax", "after_tax"])),
            "bands": {"absolute": draw(st.integers(1, 10)), "relative": 25},
            "unknown_basis": draw(st.sampled_from(["refuse", "zero"])),
        }
    return data


SETTINGS = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@SETTINGS
@given(households())
def test_yaml_to_model_to_json_to_model_is_unchanged(data: dict[str, Any]) -> None:
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    first = build_book(parse_text(text, "yaml"))
    as_json = json.dumps(first.household.to_data())
    second = build_book(parse_text(as_json, "json"))
    assert second.household == first.household
    assert second.household.to_data() == first.household.to_data()
    assert second.total_value == pytest.approx(first.total_value, abs=1e-6)


@SETTINGS
@given(households())
def test_class_exposures_sum_to_the_value(data: dict[str, Any]) -> None:
    book = build_book(data)
    total = book.total_value
    exposure = household_exposure(book, after_tax=False)
    assert sum(exposure.values()) == pytest.approx(total, rel=1e-9, abs=1e-6)
    assert all(v >= -1e-9 for v in exposure.values())
    assert set(exposure) == set(book.allocation_classes)
    for account in book.accounts:
        per_account = account_exposure(book, account, after_tax=False)
        assert sum(per_account.values()) == pytest.approx(account.value, rel=1e-9, abs=1e-6)
    # the class tree: the roots hold everything, and each parent the sum of its children
    tree = tree_exposure(book)
    roots = [c for c in tree if book.taxonomy[c].parent is None]
    assert sum(tree[c] for c in roots) == pytest.approx(total, rel=1e-9, abs=1e-6)
    for cls, value in tree.items():
        children = [c for c in book.taxonomy.children(cls) if c in tree]
        if children:
            assert sum(tree[c] for c in children) == pytest.approx(value, rel=1e-9, abs=1e-6)


@SETTINGS
@given(households())
def test_positions_value_their_lots(data: dict[str, Any]) -> None:
    """A lots holding is worth its shares at the fund's one price; its lots add up to it."""
    book = build_book(data)
    for account in book.accounts:
        for position in account.positions:
            if position.lots and position.price is not None:
                lot_value = sum(lot.value for lot in position.lots)
                assert lot_value == pytest.approx(position.value, rel=1e-9, abs=1e-6)
            if position.price is not None:
                assert position.price == book.prices[position.fund]
