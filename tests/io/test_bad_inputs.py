"""Bad household files: each one is refused with exit 1, a message naming the field's path and
the fix, and never a traceback (spec: "Rules the loader enforces"; issue 2, "Done means"; issue
12: the number grammar, the magnitude and size limits, the file itself).

Every case runs through ``householder validate FILE`` (typer's CliRunner) twice: once for the
human message on stderr, once with ``--json`` for the one JSON document on stdout; neither
changes a file. Bad invocations (options, outputs, inputs that are not files) are catalogued in
``tests/cli/test_bad_invocations.py``.
"""

from __future__ import annotations

import copy
import hashlib
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from householder.cli import app
from householder.errors import HouseholdFileError
from householder.io import build_book, load_household

BASE: dict[str, Any] = {
    "name": "Base",
    "as_of": "2024-12-31",
    "people": [{"id": "kendra", "birth_year": 1993}],
    "tax": {"filing_status": "single", "ordinary_rate": "24%", "long_term_rate": "15%"},
    "target": {"stocks": 75, "bonds": 25},
    "funds": [
        {
            "ticker": "STOCK",
            "expense_ratio": "0.04%",
            "classes": {"stocks": 100},
            "kind": "mutual_fund",
        },
        {
            "ticker": "BOND",
            "expense_ratio": "0.05%",
            "classes": {"bonds": 100},
            "kind": "mutual_fund",
        },
    ],
    "accounts": [
        {
            "id": "k401",
            "owner": "kendra",
            "type": "traditional_401k",
            "menu": ["STOCK", "BOND"],
            "holdings": [{"fund": "STOCK", "value": 17000}, {"fund": "BOND", "value": 4000}],
            "contributions": {"annual": 10000, "split": {"STOCK": 75, "BOND": 25}},
        },
        {
            "id": "brokerage",
            "owner": "kendra",
            "type": "taxable",
            "cash": 500,
            "holdings": [
                {
                    "fund": "VTI",
                    "price": 290,
                    "lots": [{"id": "L1", "shares": 10, "cost": 1800, "acquired": "2019-03-15"}],
                }
            ],
        },
    ],
}


@dataclass(frozen=True)
class Case:
    id: str
    path: str
    """The dotted path the problem must name ('' for a whole-file problem)."""
    message: str
    """A fragment of the message (the useful part: the fix or the near miss)."""
    change: Callable[[dict[str, Any]], None] | None = None
    """Edits a copy of BASE; or the file is ``text``."""
    text: str | bytes | None = None
    suffix: str = ".yaml"
    problems: int = 1
    """How many problems the file has (no noise beyond the real ones)."""

    def write(self, directory: Path) -> Path:
        path = directory / f"household{self.suffix}"
        if self.text is None:
            data = copy.deepcopy(BASE)
            assert self.change is not None
            self.change(data)
            path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        elif isinstance(self.text, bytes):
            path.write_bytes(self.text)
        else:
            path.write_text(self.text, encoding="utf-8")
        return path


def put(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """Set ``accounts.0.holdings.0.value``-style ``path`` in the data."""

    def change(data: dict[str, Any]) -> None:
        *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
        node: Any = data
        for part in parents:
            node = node[part]
        node[last] = value

    return change


def drop(path: str) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
        node: Any = data
        for part in parents:
            node = node[part]
        del node[last]

    return change


def rename(path: str, new: str) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = data
        for part in parents:
            node = node[int(part) if part.isdigit() else part]
        node[new] = node.pop(last)

    return change


def add_holding(account: int, holding: dict[str, Any]) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        data["accounts"][account]["holdings"].append(holding)

    return change


def both(*changes: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        for c in changes:
            c(data)

    return change


MINIMAL = "as_of: 2024-12-31\ntarget: {stocks: 100}\naccounts: [{id: a, type: roth_ira, holdings: [{fund: VTI, value: %s}]}]\n"  # noqa: E501

CASES = [
    # -- unknown keys: a typo must not pass silently ---------------------------------------------
    Case(
        "typo-top-level-key",
        "acounts",
        "did you mean 'accounts'",
        rename("accounts", "acounts"),
        problems=2,
    ),  # + accounts: required
    Case(
        "typo-fund-key",
        "funds[0].expense_ration",
        "did you mean 'expense_ratio'",
        rename("funds.0.expense_ratio", "expense_ration"),
        problems=2,
    ),  # + expense_ratio needed
    Case(
        "typo-holding-key",
        "accounts[0].holdings[1].valeu",
        "did you mean 'value'",
        rename("accounts.0.holdings.1.value", "valeu"),
        problems=2,
    ),  # + no amount given
    Case(
        "typo-policy-key",
        "policy.bands.absolut",
        "did you mean 'absolute'",
        put("policy", {"bands": {"absolut": 5}}),
    ),
    # -- target ----------------------------------------------------------------------------------
    Case(
        "target-not-100", "target", "sum to 95, not 100", put("target", {"stocks": 70, "bonds": 25})
    ),
    Case(
        "target-as-fractions",
        "target",
        "write 75, not 0.75",
        put("target", {"stocks": 0.75, "bonds": 0.25}),
    ),
    Case(
        "target-unknown-class",
        "target.bondz",
        "did you mean 'bonds'",
        put("target", {"stocks": 75, "bondz": 25}),
    ),
    Case(
        "target-negative-weight",
        "target.bonds",
        "must not be negative",
        put("target", {"stocks": 125, "bonds": -25}),
    ),
    Case(
        "target-nested-split-not-100",
        "target.stocks.split",
        "sum to 90, not 100",
        put(
            "target",
            {"stocks": {"weight": 75, "split": {"us_stocks": 50, "intl_stocks": 40}}, "bonds": 25},
        ),
        problems=2,
    ),  # + STOCK names stocks only as a whole
    Case(
        "target-nested-typo",
        "target.stocks.wieght",
        "did you mean 'weight'",
        put("target", {"stocks": {"wieght": 75}, "bonds": 25}),
        problems=2,
    ),  # + weight: required
    Case(
        "target-class-and-its-child",
        "target.stocks",
        "contains 'us_stocks'",
        put("target", {"stocks": 50, "us_stocks": 25, "bonds": 25}),
    ),
    Case("target-a-list", "target", "must be a mapping", put("target", ["stocks", "bonds"])),
    # -- funds -----------------------------------------------------------------------------------
    Case(
        "fund-unknown-trailing-space",
        "accounts[0].holdings[0].fund",
        "did you mean 'VTSAX'",
        both(
            put("accounts.0.holdings.0.fund", "VTSAX "),
            put("accounts.0.menu", None),
            drop("accounts.0.contributions"),
        ),
    ),
    Case(
        "fund-classes-not-100",
        "funds[0].classes",
        "classes sum to 90, not 100",
        put("funds.0.classes", {"stocks": 90}),
    ),
    Case(
        "fund-unknown-class",
        "funds[0].classes.stockz",
        "did you mean 'stocks'",
        put("funds.0.classes", {"stockz": 100}),
    ),
    Case(
        "fund-expense-ratio-over-5-percent",
        "funds[0].expense_ratio",
        "at most 0.05 (5%)",
        put("funds.0.expense_ratio", "6%"),
    ),
    Case("fund-kind-unknown", "funds[0].kind", "'etn' is not one of", put("funds.0.kind", "etn")),
    Case(
        "fund-not-in-catalog-without-classes",
        "funds[2].classes",
        "not in the bundled catalog",
        lambda d: d["funds"].append({"ticker": "MYFUND", "expense_ratio": "0.1%"}),
    ),
    Case(
        "fund-listed-twice",
        "funds[2].ticker",
        "listed twice",
        lambda d: d["funds"].append(dict(d["funds"][0])),
    ),
    Case(
        "fund-names-a-class-the-target-splits",
        "funds[0].classes.stocks",
        "splits it into us_stocks, intl_stocks",
        put(
            "target",
            {"stocks": {"weight": 75, "split": {"us_stocks": 60, "intl_stocks": 40}}, "bonds": 25},
        ),
    ),
    Case(
        "menu-unknown-fund",
        "accounts[0].menu[2]",
        "'NOPE' is not a known fund",
        put("accounts.0.menu", ["STOCK", "BOND", "NOPE"]),
    ),
    # -- holdings and lots -----------------------------------------------------------------------
    Case(
        "holding-negative-value",
        "accounts[0].holdings[0].value",
        "must not be negative",
        put("accounts.0.holdings.0.value", -17000),
    ),
    Case("holding-nan-value", "accounts[0].holdings[0].value", "finite", text=MINIMAL % ".nan"),
    Case(
        "holding-infinite-value", "accounts[0].holdings[0].value", "finite", text=MINIMAL % ".inf"
    ),
    Case(
        "holding-huge-integer",
        "accounts[0].holdings[0].value",
        "too large",
        text=MINIMAL % ("9" * 400),
    ),
    Case(
        "holding-value-is-text",
        "accounts[0].holdings[0].value",
        "expected a dollar amount, got 'a lot'",
        put("accounts.0.holdings.0.value", "a lot"),
    ),
    Case(
        "holding-without-amount",
        "accounts[0].holdings[0]",
        "give value, or shares",
        put("accounts.0.holdings.0", {"fund": "STOCK"}),
    ),
    Case(
        "holding-shares-without-price",
        "accounts[0].holdings[0].price",
        "STOCK has shares but no price",
        put("accounts.0.holdings.0", {"fund": "STOCK", "shares": 10}),
    ),
    Case(
        "holding-two-prices",
        "accounts[1].holdings[0].price",
        "one fund has one price",
        add_holding(0, {"fund": "VTI", "shares": 1, "price": 300}),
    ),
    Case(
        "holding-value-not-shares-times-price",
        "accounts[0].holdings[0]",
        "is not shares x price",
        put("accounts.0.holdings.0", {"fund": "STOCK", "value": 1000, "shares": 10, "price": 50}),
    ),
    Case(
        "holding-held-twice",
        "accounts[0].holdings[2].fund",
        "held twice",
        add_holding(0, {"fund": "STOCK", "value": 1}),
    ),
    Case(
        "lots-disagree-with-shares",
        "accounts[1].holdings[0]",
        "lots hold 10 shares but shares is 12",
        put("accounts.1.holdings.0.shares", 12),
    ),
    Case(
        "lot-acquired-after-as-of",
        "accounts[1].holdings[0].lots[0].acquired",
        "is after as_of",
        put("accounts.1.holdings.0.lots.0.acquired", "2025-01-05"),
    ),
    Case(
        "lot-bad-date",
        "accounts[1].holdings[0].lots[0].acquired",
        "'2024-02-30' is not a date",
        text=yaml.safe_dump(BASE, sort_keys=False).replace("'2019-03-15'", "2024-02-30"),
    ),
    Case(
        "lot-negative-shares",
        "accounts[1].holdings[0].lots[0].shares",
        "must be at least 0",
        put("accounts.1.holdings.0.lots.0.shares", -1),
    ),
    Case(
        "cost-without-acquired",
        "accounts[1].holdings[0].acquired",
        "needs its acquired date",
        put("accounts.1.holdings.0", {"fund": "VTI", "shares": 3, "price": 290, "cost": 600}),
    ),
    Case("price-negative", "prices.VTI", "must be more than 0", put("prices", {"VTI": -1})),
    # -- accounts and people ---------------------------------------------------------------------
    Case(
        "account-duplicate-id",
        "accounts[1].id",
        "'k401' is used twice",
        put("accounts.1.id", "k401"),
    ),
    Case(
        "account-owner-not-a-person",
        "accounts[0].owner",
        "did you mean 'kendra'",
        put("accounts.0.owner", "kendr"),
    ),
    Case(
        "account-joint-ira",
        "accounts[0].owner",
        "has one owner, not 'joint'",
        put("accounts.0.owner", "joint"),
    ),
    Case(
        "account-type-unknown",
        "accounts[0].type",
        "'401k' is not one of",
        put("accounts.0.type", "401k"),
    ),
    Case(
        "account-negative-cash",
        "accounts[1].cash",
        "must not be negative",
        put("accounts.1.cash", -10),
    ),
    Case("accounts-empty", "accounts", "is empty", put("accounts", [])),
    Case("accounts-a-mapping", "accounts", "must be a list", put("accounts", {"id": "k401"})),
    Case(
        "contribution-split-off-menu",
        "accounts[0].contributions.split.VTI",
        "not on this account's menu",
        put("accounts.0.contributions.split", {"STOCK": 50, "VTI": 50}),
    ),
    Case(
        "contribution-split-not-100",
        "accounts[0].contributions.split",
        "sum to 90",
        put("accounts.0.contributions.split", {"STOCK": 50, "BOND": 40}),
    ),
    Case(
        "hsa-coverage-on-a-401k",
        "accounts[0].hsa_coverage",
        "only an hsa account",
        put("accounts.0.hsa_coverage", "family"),
    ),
    Case(
        "person-born-after-as-of",
        "people[0].birth_date",
        "is after as_of",
        put("people.0", {"id": "kendra", "birth_date": "2030-01-01"}),
    ),
    Case(
        "person-named-joint",
        "people[1].id",
        "'joint' is reserved",
        lambda d: d["people"].append({"id": "joint"}),
    ),
    # -- tax, policy, classes --------------------------------------------------------------------
    Case(
        "filing-status-unknown",
        "tax.filing_status",
        "did you mean 'married_joint'",
        put("tax.filing_status", "married"),
    ),
    Case(
        "rate-not-a-number",
        "tax.ordinary_rate",
        "expected a rate (0.24 or '24%'), got 'abc%'",
        put("tax.ordinary_rate", "abc%"),
    ),
    Case(
        "rate-written-as-percent-number",
        "tax.ordinary_rate",
        "write 0.24 or '24%'",
        put("tax.ordinary_rate", 24),
    ),
    Case(
        "policy-basis-unknown",
        "policy.allocation_basis",
        "did you mean 'after_tax'",
        put("policy", {"allocation_basis": "aftertax"}),
    ),
    Case(
        "class-parent-unknown",
        "classes[0].parent",
        "did you mean 'real_assets'",
        put("classes", [{"id": "silver", "parent": "real_asset"}]),
    ),
    # -- the top level and dates -----------------------------------------------------------------
    Case("missing-as-of", "as_of", "required", drop("as_of")),
    Case("missing-accounts", "accounts", "required", drop("accounts")),
    Case("missing-target", "target", "required", drop("target")),
    Case(
        "bad-date",
        "as_of",
        "'2024-13-45' is not a date; write YYYY-MM-DD",
        text=yaml.safe_dump(BASE, sort_keys=False).replace("'2024-12-31'", "2024-13-45"),
    ),
    Case(
        "date-with-a-time",
        "as_of",
        "is not a date",
        text=yaml.safe_dump(BASE, sort_keys=False).replace("'2024-12-31'", "2024-12-31 10:30:00"),
    ),
    Case("empty-file", "", "the file is empty", text=""),
    Case("only-a-comment", "", "the file is empty", text="# nothing yet\n"),
    Case(
        "top-level-list",
        "",
        "the top level is a list; it must be a mapping",
        text="- name: Kendra\n- as_of: 2024-12-31\n",
    ),
    Case("top-level-text", "", "it must be a mapping", text="just some words\n"),
    # -- the file itself -------------------------------------------------------------------------
    Case(
        "yaml-duplicate-key",
        "",
        "duplicate key 'as_of' (first on line 1)",
        text="as_of: 2024-12-31\nas_of: 2025-01-01\n",
    ),
    Case(
        "yaml-invalid",
        "",
        "line 3, column 9: not valid YAML",
        text="as_of: 2024-12-31\ntarget: {stocks: 100\naccounts: []\n",
    ),
    Case("yaml-tab-indent", "", "not valid YAML", text="as_of: 2024-12-31\n\ttarget: 1\n"),
    Case("yaml-unhashable-key", "", "not valid YAML", text="as_of: 2024-12-31\n? [a, b]\n: 1\n"),
    Case("toml-invalid", "", "not valid TOML", text="as_of = \n", suffix=".toml"),
    Case(
        "toml-nan",
        "accounts[0].holdings[0].value",
        "finite",
        suffix=".toml",
        text='as_of = 2024-12-31\ntarget = {stocks = 100}\n[[accounts]]\nid = "a"\n'
        'type = "roth_ira"\nholdings = [{fund = "VTI", value = nan}]\n',
    ),
    Case(
        "json-invalid", "", "line 1, column 11: not valid JSON", text='{"as_of": }', suffix=".json"
    ),
    Case(
        "json-nan-price",
        "prices.VTI",
        "finite",
        suffix=".json",
        text=json.dumps({**BASE, "prices": {"VTI": "NaN-placeholder"}}).replace(
            '"NaN-placeholder"', "NaN"
        ),
    ),
    Case(
        "unknown-extension",
        "",
        "unknown file type '.txt'",
        text="as_of: 2024-12-31\n",
        suffix=".txt",
    ),
    Case("not-utf8", "", "is not UTF-8 text", text=b"as_of: \xff\xfe\n"),
]


# -- issue 12: number grammar, magnitudes, the file itself, every kind of field ----------------

MONEY_FIELDS = [
    ("value", "accounts.0.holdings.0.value", "accounts[0].holdings[0].value"),
    ("cash", "accounts.1.cash", "accounts[1].cash"),
    ("lot-cost", "accounts.1.holdings.0.lots.0.cost", "accounts[1].holdings[0].lots[0].cost"),
    ("annual", "accounts.0.contributions.annual", "accounts[0].contributions.annual"),
    ("this-year", "accounts.0.contributions.this_year", "accounts[0].contributions.this_year"),
    ("employer", "accounts.0.contributions.employer", "accounts[0].contributions.employer"),
    ("min-trade", "policy.min_trade", "policy.min_trade"),
    ("gain-cap", "policy.max_realized_gain", "policy.max_realized_gain"),
    ("carryforward", "tax.loss_carryforward", "tax.loss_carryforward"),
]
MONEY_FORMS = [
    ("a-percent", "12%", "'12%' is a percent, not dollars; write the dollar amount"),
    ("european-thousands", "1.000,50", "commas only between groups of three digits"),
    ("commas-anywhere", "1,2,3", "commas only between groups of three digits"),
    ("decimal-comma", "1250,50", "uses a decimal comma; write '1250.50'"),
    ("too-large", 1e308, "is too large: an amount is at most $1,000,000,000,000"),
    ("with-spaces", "12 000", "write the number without spaces"),
    ("text-nan", "NaN", "must be a finite number"),
    ("a-dollar-sign-alone", "$", "expected a dollar amount, got '$'"),
]


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """``put``, creating the mapping on the way (``policy`` is not in BASE)."""

    def change(data: dict[str, Any]) -> None:
        *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
        node: Any = data
        for part in parents:
            node = node.setdefault(part, {}) if isinstance(node, dict) else node[part]
        node[last] = value

    return change


RATE_FIELDS = [
    ("ordinary-rate", "tax.ordinary_rate", "tax.ordinary_rate"),
    ("long-term-rate", "tax.long_term_rate", "tax.long_term_rate"),
    ("retirement-rate", "tax.retirement_rate", "tax.retirement_rate"),
    ("expense-ratio", "funds.0.expense_ratio", "funds[0].expense_ratio"),
    ("turnover-cost", "policy.turnover_cost", "policy.turnover_cost"),
    ("discount-rate", "policy.discount_rate", "policy.discount_rate"),
]
RATE_FORMS = [
    ("decimal-comma-percent", "0,05%", "'0,05%' uses a decimal comma; write '0.05%'"),
    ("decimal-comma", "0,24", "uses a decimal comma; write '0.24'"),
    ("a-dollar-amount", "$5", "a $ sign belongs to money only"),
    ("thousands-percent", "1,000%", "is ambiguous (a decimal comma, or a thousands separator?)"),
    ("two-percent-signs", "5%%", "expected a rate (0.24 or '24%'), got '5%%'"),
]
WEIGHT_FIELDS = [
    ("target", "target.stocks", "target.stocks"),
    ("fund-classes", "funds.0.classes.stocks", "funds[0].classes.stocks"),
    ("contribution-split", "accounts.0.contributions.split.STOCK",
     "accounts[0].contributions.split.STOCK"),
]
WEIGHT_FORMS = [
    ("decimal-comma", "75,0", "'75,0' uses a decimal comma; write '75.0'"),
    ("a-dollar-amount", "$75", "a $ sign belongs to money only"),
    ("text", "most", "expected a percent weight (75 or '75%'), got 'most'"),
]

GRAMMAR_CASES = [
    *(
        Case(f"money-{name}-{form}", path, message, _set(key, value))
        for name, key, path in MONEY_FIELDS
        for form, value, message in MONEY_FORMS
    ),
    *(
        Case(f"rate-{name}-{form}", path, message, _set(key, value))
        for name, key, path in RATE_FIELDS
        for form, value, message in RATE_FORMS
    ),
    *(
        Case(f"weight-{name}-{form}", path, message, _set(key, value))
        for name, key, path in WEIGHT_FIELDS
        for form, value, message in WEIGHT_FORMS
    ),
    Case("rate-class-return-decimal-comma", "classes[0].expected_return", "write '4.5%'",
         put("classes", [{"id": "gold", "expected_return": "4,5%"}])),
    Case("money-as-a-boolean", "accounts[0].holdings[0].value", "got a boolean",
         put("accounts.0.holdings.0.value", True)),
    Case("money-with-underscores", "accounts[1].cash", "without underscores",
         put("accounts.1.cash", "1_000")),
]

MAGNITUDE_CASES = [
    Case("price-zero", "prices.VTI", "must be more than 0", put("prices", {"VTI": 0})),
    Case("price-below-a-hundredth-of-a-cent", "accounts[1].holdings[0].price",
         "VTI's price 1e-05 is outside what householder plans with",
         put("accounts.1.holdings.0.price", 1e-5)),
    Case("price-over-ten-million", "accounts[1].holdings[0].price",
         "a price is from 0.0001 to 10,000,000 dollars a share",
         put("accounts.1.holdings.0.price", 2e7)),
    Case("price-implied-tiny", "accounts[0].holdings[0]", "(value / shares) is outside",
         put("accounts.0.holdings.0", {"fund": "STOCK", "value": 1, "shares": 1e6})),
    Case("listed-price-huge", "prices.BOND", "outside what householder plans with",
         put("prices", {"BOND": 5e7})),
    Case("holding-shares-over-a-trillion", "accounts[0].holdings[0].shares",
         "1e+13 shares is more than householder plans with",
         both(put("accounts.0.holdings.0", {"fund": "STOCK", "shares": 1e13}),
              put("prices", {"STOCK": 1e-4}))),
    Case("lot-shares-over-a-trillion", "accounts[1].holdings[0].lots[0].shares",
         "shares is more than householder plans with (at most 1e+12)",
         both(put("accounts.1.holdings.0.lots.0.shares", 2e12),
              put("accounts.1.holdings.0.price", 1e-4))),
    Case("holding-worth-over-a-trillion", "accounts[1].holdings[0]",
         "VTI is worth $1,450,000,000,000 here (shares x price)",
         put("accounts.1.holdings.0.lots.0.shares", 5e9), problems=2),  # + the household
    Case("household-over-a-trillion", "accounts",
         "in all; householder plans households of up to $1,000,000,000,000",
         both(put("accounts.0.holdings.0.value", 6e11),
              put("accounts.0.holdings.1.value", 6e11))),
    Case("value-an-integer-beyond-a-trillion", "accounts[0].holdings[0].value", "too large",
         text=MINIMAL % ("1" + "0" * 20)),
    Case("gain-cap-below-minus-a-trillion", "policy.max_realized_gain", "too large",
         put("policy", {"max_realized_gain": -2e12})),
    Case("cash-over-a-trillion-as-text", "accounts[1].cash", "too large",
         put("accounts.1.cash", "$2,000,000,000,000")),
]

_BASE_JSON = json.dumps(BASE)

FILE_CASES = [
    Case("json-duplicate-key-top", "", "not valid JSON: duplicate key 'as_of'; keep one",
         suffix=".json", text='{"as_of": "2024-12-31", "as_of": "2025-01-01"}'),
    Case("json-duplicate-key-nested", "", "duplicate key 'value'; keep one", suffix=".json",
         text=_BASE_JSON.replace('"value": 17000', '"value": 17000, "value": 1')),
    Case("json-nested-too-deeply", "", "nested too deeply", suffix=".json",
         text="[" * 100_000 + "]" * 100_000),
    Case("yaml-nested-too-deeply", "", "not valid YAML", text="a: " + "[" * 5000 + "]" * 5000),
    Case("toml-duplicate-key", "", "not valid TOML", suffix=".toml",
         text='as_of = 2024-12-31\nas_of = 2025-01-01\n'),
    Case("json-trailing-comma", "", "not valid JSON", suffix=".json", text='{"as_of": 1,}'),
    Case("json-single-quotes", "", "not valid JSON", suffix=".json", text="{'as_of': 1}"),
    Case("json-infinity", "accounts[0].holdings[0].value", "must be a finite number",
         suffix=".json",
         text=_BASE_JSON.replace('"value": 17000', '"value": Infinity')),
    Case("json-top-level-null", "", "the file is empty", suffix=".json", text="null"),
    Case("json-top-level-number", "", "the top level is a int", suffix=".json", text="42"),
    Case("toml-infinite-cash", "accounts[0].cash", "finite", suffix=".toml",
         text='as_of = 2024-12-31\ntarget = {stocks = 100}\n[[accounts]]\nid = "a"\n'
         'type = "roth_ira"\ncash = inf\nholdings = [{fund = "VTI", value = 1}]\n'),
    Case("yaml-two-documents", "", "not valid YAML",
         text="as_of: 2024-12-31\n---\nas_of: 2025-01-01\n"),
    Case("yaml-python-tag", "", "not valid YAML",
         text="as_of: !!python/object:os.system {}\n"),
    Case("yaml-binary-value", "accounts[0].holdings[0].value", "expected a dollar amount",
         text=MINIMAL % "!!binary aGVsbG8="),
    Case("yaml-nul-byte", "", "character 18: not valid YAML: control characters are not allowed",
         text="as_of: 2024-12-31\x00\n"),
    Case("utf16-file", "", "is not UTF-8 text", text="as_of: 2024-12-31\n".encode("utf-16")),
    Case("latin1-file", "", "is not UTF-8 text", text="name: Ren\xe9e\n".encode("latin-1")),
    Case("a-number-as-a-key", "1", "the key 1 must be text; quote it",
         text=yaml.safe_dump(BASE, sort_keys=False) + "1: one\n"),
]

FIELD_CASES = [
    Case("name-a-list", "name", "must be text, not a list", put("name", ["K", "S"])),
    Case("person-id-empty", "people[0].id", "is empty; give it a value", put("people.0.id", "")),
    Case("person-birth-year-after-as-of", "people[0].birth_year", "2030 is after as_of",
         put("people.0.birth_year", 2030)),
    Case("person-birth-year-text", "people[0].birth_year", "must be a whole number, not text",
         put("people.0.birth_year", "nineteen")),
    Case("person-birth-year-1800", "people[0].birth_year", "must be at least 1900",
         put("people.0.birth_year", 1800)),
    Case("person-born-and-birth-year-disagree", "people[0]", "disagree; give one",
         put("people.0", {"id": "kendra", "birth_year": 1993, "birth_date": "1990-01-01"})),
    Case("niit-maybe", "tax.niit", "must be true or false, not text", put("tax.niit", "maybe")),
    Case("bands-absolute-over-100", "policy.bands.absolute", "must be at most 100 (got 150)",
         put("policy", {"bands": {"absolute": 150}})),
    Case("tolerance-negative", "policy.tolerance", "must be at least 0",
         put("policy", {"tolerance": -1})),
    Case("horizon-zero", "policy.horizon_years", "must be at least 1",
         put("policy", {"horizon_years": 0})),
    Case("wash-window-over-a-year", "policy.wash_sale_window_days", "must be at most 366",
         put("policy", {"wash_sale_window_days": 400})),
    Case("whole-shares-sometimes", "policy.whole_shares", "'sometimes' is not one of",
         put("policy", {"whole_shares": "sometimes"})),
    Case("whole-share-method-unknown", "policy.whole_share_method",
         "'fast' is not one of: auto, repair, exact",
         put("policy", {"whole_share_method": "fast"})),
    Case("unknown-basis-guess", "policy.unknown_basis", "'guess' is not one of",
         put("policy", {"unknown_basis": "guess"})),
    Case("identical-group-unknown-fund", "policy.substantially_identical[0][1]",
         "'VTIX' is not a known fund", put("policy", {"substantially_identical": [["VTI",
                                                                                   "VTIX"]]})),
    Case("account-without-type", "accounts[0].type", "required; add it",
         drop("accounts.0.type")),
    Case("account-id-empty", "accounts[0].id", "is empty; give it a value",
         put("accounts.0.id", "")),
    Case("holding-fund-empty", "accounts[0].holdings[0].fund", "is empty; give it a value",
         put("accounts.0.holdings.0.fund", "")),
    Case("menu-a-string", "accounts[0].menu", "must be a list", put("accounts.0.menu", "STOCK")),
    Case("holdings-a-mapping", "accounts[0].holdings", "must be a list",
         put("accounts.0.holdings", {"fund": "STOCK", "value": 1})),
    Case("split-unknown-fund", "accounts[0].contributions.split.STOKC",
         "did you mean 'STOCK'", put("accounts.0.contributions.split", {"STOKC": 75, "BOND": 25})),
    Case("lot-acquired-yesterday", "accounts[1].holdings[0].lots[0].acquired", "is not a date",
         put("accounts.1.holdings.0.lots.0.acquired", "yesterday")),
    Case("lot-without-shares", "accounts[1].holdings[0].lots[0].shares", "required; add it",
         drop("accounts.1.holdings.0.lots.0.shares")),
    Case("lot-shares-text", "accounts[1].holdings[0].lots[0].shares",
         "must be a number, not text ('ten')", put("accounts.1.holdings.0.lots.0.shares", "ten")),
    Case("price-text", "accounts[1].holdings[0].price", "must be a number, not text ('abc')",
         put("accounts.1.holdings.0.price", "abc")),
    Case("holding-negative-shares", "accounts[0].holdings[0].shares", "must be at least 0",
         put("accounts.0.holdings.0", {"fund": "STOCK", "shares": -3, "price": 10})),
    Case("lots-and-cost", "accounts[1].holdings[0]", "give either lots or cost",
         put("accounts.1.holdings.0.cost", 100)),
    Case("glide-rule-unknown", "glide.rule", "is not a glide rule",
         both(drop("target"), put("glide", {"rule": "120+age"}))),
    Case("glide-n-out-of-range", "glide.rule", "N must be 100 to 130",
         both(drop("target"), put("glide", {"rule": "90-age"}))),
    Case("glide-and-target", "glide", "give target or glide, not both",
         put("glide", {"rule": "110-age"})),
    Case("fund-target-year-1999", "funds[0].target_year", "must be at least 2000",
         put("funds.0.target_year", 1999)),
    Case("class-parent-cycle", "classes[0].parent", "form a cycle",
         put("classes", [{"id": "a1", "parent": "a2", "expected_return": "1%", "yield": "1%",
                          "income": "none"},
                         {"id": "a2", "parent": "a1"}]), problems=2),  # one per class
    Case("fund-classes-empty", "funds[0].classes", "classes is empty",
         put("funds.0.classes", {})),
    Case("unknown-key-very-long", ("accounts[0]." + "k" * 100)[:40] + "…", "unknown key",
         put("accounts.0." + "k" * 5000, 1)),
    Case("unknown-fund-very-long", "accounts[0].holdings[0].fund", "is not a known fund",
         both(put("accounts.0.holdings.0.fund", "X" * 100_000), put("accounts.0.menu", None),
              drop("accounts.0.contributions"))),
    Case("as-of-a-number", "as_of", "is not a date", put("as_of", 20241231)),
    Case("target-weight-a-mapping-without-weight", "target.stocks.weight", "required; add it",
         put("target", {"stocks": {"split": {"us_stocks": 100}}, "bonds": 25})),
]

CASES += [*GRAMMAR_CASES, *MAGNITUDE_CASES, *FILE_CASES, *FIELD_CASES]


def _ids(cases: list[Case]) -> list[str]:
    ids = [c.id for c in cases]
    assert len(ids) == len(set(ids)), "case ids repeat"
    return ids


def _problem_line(case: Case) -> str:
    return f"{case.path}: " if case.path else ""


runner = CliRunner()


def _hashes(folder: Path) -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*")}


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_validate_refuses_with_path_and_message(case: Case, tmp_path: Path) -> None:
    path = case.write(tmp_path)
    before = _hashes(tmp_path)
    result = runner.invoke(app, ["validate", str(path)])
    assert _hashes(tmp_path) == before, "validate changed a file"
    assert result.exit_code == 1, result.output
    assert result.stdout == "", "human output goes to stderr when the file is refused"
    assert "Traceback" not in result.stderr
    assert f"{case.problems} problem{'s' if case.problems != 1 else ''}\n" in result.stderr
    lines = [line.strip() for line in result.stderr.splitlines()]
    assert any(line.startswith(_problem_line(case)) and case.message in line for line in lines), (
        result.stderr
    )


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_validate_json_lists_the_problems(case: Case, tmp_path: Path) -> None:
    path = case.write(tmp_path)
    result = runner.invoke(app, ["validate", str(path), "--json"])
    assert result.exit_code == 1
    doc = json.loads(result.stdout)  # exactly one JSON document, nothing else
    assert doc["kind"] == "HouseholdFileError"
    assert len(doc["problems"]) == case.problems, doc["problems"]
    for problem in doc["problems"]:  # one line each, the file never printed back at length
        assert "\n" not in problem and len(problem) <= 1100, problem
    assert any(p.startswith(_problem_line(case)) and case.message in p for p in doc["problems"]), (
        doc["problems"]
    )
    assert "Traceback" not in result.stderr
    assert case.message in result.stderr  # the human message still goes to stderr


def test_at_least_two_hundred_distinct_bad_files() -> None:
    """Issue 12 asks for at least 235 kinds of bad input with the invocations
    (tests/cli/test_bad_invocations.py has over 120 more)."""
    assert len(set(_ids(CASES))) >= 200


def test_missing_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(tmp_path / "nowhere.yaml"), "--json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["problems"] == ["no such file"]
    assert "nowhere.yaml" in result.stderr


def test_a_directory_is_not_a_file(tmp_path: Path) -> None:
    folder = tmp_path / "household.yaml"
    folder.mkdir()
    result = runner.invoke(app, ["validate", str(folder)])
    assert result.exit_code == 1
    assert "is a directory" in result.stderr


FOUR_PROBLEMS = both(
    rename("accounts", "acounts"),  # a typo key...
    lambda d: d.__setitem__("accounts", d["acounts"]),  # ...beside the real one
    put("target", {"stocks": 70, "bonds": 25}),
    put("accounts.0.holdings.0.fund", "VTSAX "),
    put("accounts.1.holdings.0.lots.0.acquired", "2025-06-01"),
)


def test_a_file_with_four_problems_reports_all_four(tmp_path: Path) -> None:
    path = Case("four", "", "", FOUR_PROBLEMS).write(tmp_path)
    result = runner.invoke(app, ["validate", str(path), "--json"])
    assert result.exit_code == 1
    problems = json.loads(result.stdout)["problems"]
    expected = [
        "acounts: unknown key (did you mean 'accounts'?)",
        "target: the leaves sum to 95, not 100",
        "accounts[0].holdings[0].fund: 'VTSAX ' is not a known fund (did you mean 'VTSAX'?)",
        "accounts[1].holdings[0].lots[0].acquired: 2025-06-01 is after as_of (2024-12-31)",
    ]
    assert len(problems) == 4, problems
    for fragment in expected:
        assert any(p.startswith(fragment) for p in problems), (fragment, problems)
    assert "4 problems" in result.stderr


def test_a_bad_value_does_not_hide_the_cross_reference_problems() -> None:
    """A negative value (a structure problem) and an unknown fund elsewhere (a cross-reference
    problem) are reported together."""
    data = copy.deepcopy(BASE)
    put("accounts.0.holdings.1.value", -4000)(data)
    put("accounts.1.owner", "bob")(data)
    with pytest.raises(HouseholdFileError) as info:
        build_book(data)
    paths = [p.path for p in info.value.problems]
    assert paths == ["accounts[0].holdings[1].value", "accounts[1].owner"]


def test_problems_inside_a_set_aside_part_are_not_echoed() -> None:
    """A holding whose value is bad is set aside; that it then has no amount is not a second
    problem."""
    data = copy.deepcopy(BASE)
    put("accounts.0.holdings.0.value", "seventeen thousand")(data)
    with pytest.raises(HouseholdFileError) as info:
        build_book(data)
    assert [str(p) for p in info.value.problems] == [
        "accounts[0].holdings[0].value: expected a dollar amount, got 'seventeen thousand'"
    ]


def test_the_callers_data_is_not_changed_by_the_salvage() -> None:
    data = copy.deepcopy(BASE)
    rename("accounts", "acounts")(data)
    data["accounts"] = data["acounts"]
    before = copy.deepcopy(data)
    with pytest.raises(HouseholdFileError):
        build_book(data)
    assert data == before


def test_an_inferred_price_may_differ_by_rounding_to_the_cent() -> None:
    """VTI at 290 in one account and 'value 2899.99 for 10 shares' in another agree to the cent."""
    data = copy.deepcopy(BASE)
    data["accounts"][0]["menu"].append("VTI")
    add_holding(0, {"fund": "VTI", "shares": 10, "value": 2899.99})(data)
    book = build_book(data)
    assert book.prices["VTI"] == 290
    assert book.account("k401").position("VTI").value == 2899.99  # type: ignore[union-attr]


def test_the_error_names_the_file(tmp_path: Path) -> None:
    path = Case("x", "", "", put("target", {"stocks": 1})).write(tmp_path)
    with pytest.raises(HouseholdFileError) as info:
        load_household(path)
    assert info.value.source == str(path)
    assert str(info.value).startswith(f"{path}: 1 problem\n")


def test_markup_like_text_in_the_file_is_printed_as_is(tmp_path: Path) -> None:
    """Rich must not read '[/x]' in a ticker as markup (it used to crash with a MarkupError)."""
    path = tmp_path / "h.yaml"
    path.write_text(MINIMAL.replace("VTI", "'[/x]'") % 5, encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    assert "'[/x]' is not a known fund" in result.stderr
    assert "Traceback" not in result.stderr


def householder_script() -> str:
    """The ``householder`` console script of the interpreter running the tests."""
    script = Path(sys.executable).with_name("householder")
    found = str(script) if script.exists() else shutil.which("householder")
    if found is None:
        pytest.skip("the householder console script is not installed")
    return found


@pytest.mark.parametrize("case_id", ["fund-unknown-trailing-space", "empty-file", "bad-date"])
def test_through_a_real_process(case_id: str, tmp_path: Path) -> None:
    """The installed console entry point, in a fresh interpreter: exit 1, no traceback."""
    case = next(c for c in CASES if c.id == case_id)
    path = case.write(tmp_path)
    proc = subprocess.run(
        [householder_script(), "validate", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert case.message in proc.stderr
    assert proc.stdout == ""
    proc = subprocess.run(
        [householder_script(), "validate", str(path), "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 1
    assert any(case.message in p for p in json.loads(proc.stdout)["problems"])
