"""Small deterministic households for every test module, as plain data and as built books.

Data fixtures return a fresh deep copy, so a test may change its copy freely:

- ``kendra_data`` / ``kendra_book``: the Kendra example (Investopedia, "How to Rebalance 401(k)
  Assets"): one traditional 401(k), STOCK 17,000 + BOND 4,000, target 75/25.
- ``two_account_data`` / ``two_account_book``: a Roth IRA and a traditional IRA, bundled mutual
  funds held by value, target 60/40.
- ``taxable_data`` / ``taxable_book``: one taxable account with lots at a gain and at a loss,
  short- and long-term at ``as_of``, plus cash.
- ``shared_cases``: the directory of the shared worked examples (``../shared/cases`` beside the
  repo, else the copy in ``tests/cases``).
- ``household_file``: writes data to a YAML/TOML/JSON file in ``tmp_path`` and returns its path.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from householder.io import build_book
from householder.model.book import Book
from tests.casefiles import CASES

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
SHARED_CASES = CASES
"""``../shared/cases`` beside the repo, or its copy in ``tests/cases`` (tests/casefiles.py)."""

KENDRA: dict[str, Any] = {
    "name": "Kendra",
    "as_of": "2024-12-31",
    "people": [{"id": "kendra", "birth_year": 1993}],
    "tax": {
        "filing_status": "single",
        "ordinary_rate": "24%",
        "long_term_rate": "15%",
        "retirement_rate": "22%",
    },
    "target": {"stocks": 75, "bonds": 25},
    "funds": [
        {
            "ticker": "STOCK",
            "name": "Broad stock index fund",
            "expense_ratio": "0.04%",
            "classes": {"stocks": 100},
            "kind": "mutual_fund",
        },
        {
            "ticker": "BOND",
            "name": "Broad bond index fund",
            "expense_ratio": "0.05%",
            "classes": {"bonds": 100},
            "kind": "mutual_fund",
        },
    ],
    "accounts": [
        {
            "id": "kendra-401k",
            "owner": "kendra",
            "type": "traditional_401k",
            "menu": ["STOCK", "BOND"],
            "cash": 0,
            "holdings": [{"fund": "STOCK", "value": 17000}, {"fund": "BOND", "value": 4000}],
            "contributions": {"annual": 10000, "split": {"STOCK": 75, "BOND": 25}},
        }
    ],
}

TWO_ACCOUNT: dict[str, Any] = {
    "name": "Two accounts",
    "as_of": "2025-06-30",
    "people": [{"id": "alex", "birth_year": 1980}],
    "tax": {
        "filing_status": "single",
        "ordinary_rate": "24%",
        "long_term_rate": "15%",
        "retirement_rate": "22%",
    },
    "target": {"stocks": 60, "bonds": 40},
    "accounts": [
        {
            "id": "roth",
            "owner": "alex",
            "type": "roth_ira",
            "holdings": [{"fund": "VTSAX", "value": 30000}, {"fund": "VBTLX", "value": 10000}],
        },
        {
            "id": "ira",
            "owner": "alex",
            "type": "traditional_ira",
            "cash": 1000,
            "holdings": [{"fund": "VTSAX", "value": 20000}, {"fund": "VBTLX", "value": 39000}],
        },
    ],
}
"""Total 100,000: stocks 50,000 (50 %), bonds 49,000, cash 1,000."""

TAXABLE: dict[str, Any] = {
    "name": "Taxable",
    "as_of": "2025-06-30",
    "people": [{"id": "sam", "birth_date": "1975-05-01"}],
    "tax": {"filing_status": "single", "ordinary_rate": "32%", "long_term_rate": "15%"},
    "target": {"stocks": 70, "bonds": 30},
    "accounts": [
        {
            "id": "brokerage",
            "owner": "sam",
            "type": "taxable",
            "cash": 500,
            "holdings": [
                {
                    "fund": "VTI",
                    "price": 300,
                    "lots": [
                        # long-term gain: 10 sh, value 3000, cost 1800
                        {"id": "VTI-2019", "shares": 10, "cost": 1800, "acquired": "2019-03-15"},
                        # long-term loss: 4 sh, value 1200, cost 1400
                        {"id": "VTI-2022", "shares": 4, "cost": 1400, "acquired": "2022-01-04"},
                        # short-term gain: 2 sh, value 600, cost 540
                        {"id": "VTI-2025", "shares": 2, "cost": 540, "acquired": "2025-02-03"},
                    ],
                },
                {
                    "fund": "BND",
                    "price": 72,
                    "lots": [
                        # short-term loss: 20 sh, value 1440, cost 1500
                        {"id": "BND-2024", "shares": 20, "cost": 1500, "acquired": "2024-09-10"},
                        # long-term loss: 5 sh, value 360, cost 400
                        {"id": "BND-2021", "shares": 5, "cost": 400, "acquired": "2021-06-01"},
                    ],
                },
            ],
        }
    ],
}
"""Total 7,100: VTI 4,800 (16 sh at 300), BND 1,800 (25 sh at 72), cash 500."""


@pytest.fixture
def kendra_data() -> dict[str, Any]:
    return copy.deepcopy(KENDRA)


@pytest.fixture
def kendra_book() -> Book:
    return build_book(copy.deepcopy(KENDRA), source="kendra")


@pytest.fixture
def two_account_data() -> dict[str, Any]:
    return copy.deepcopy(TWO_ACCOUNT)


@pytest.fixture
def two_account_book() -> Book:
    return build_book(copy.deepcopy(TWO_ACCOUNT), source="two-account")


@pytest.fixture
def taxable_data() -> dict[str, Any]:
    return copy.deepcopy(TAXABLE)


@pytest.fixture
def taxable_book() -> Book:
    return build_book(copy.deepcopy(TAXABLE), source="taxable")


@pytest.fixture
def shared_cases() -> Path:
    """``../shared/cases`` (the worked examples from public sources); skips when absent."""
    if not SHARED_CASES.is_dir():
        pytest.skip(
            f"shared worked examples not found at {SHARED_CASES} (expected beside the repo)"
        )
    return SHARED_CASES


def dump(data: Any, fmt: str) -> str:
    """``data`` as the text of a household file in ``fmt`` (yaml | json | toml)."""
    if fmt == "yaml":
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    if fmt == "json":
        return json.dumps(data, indent=2, default=str)
    if fmt == "toml":
        return _toml(data)
    raise ValueError(fmt)


def _toml(data: dict[str, Any]) -> str:
    """A minimal TOML writer for household data (inline tables everywhere below the top)."""

    def value(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int | float):
            return repr(v)
        if isinstance(v, str):
            return json.dumps(v)
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        if isinstance(v, dict):
            return "{" + ", ".join(f"{json.dumps(str(k))} = {value(x)}" for k, x in v.items()) + "}"
        return json.dumps(str(v))

    return "".join(f"{json.dumps(str(k))} = {value(v)}\n" for k, v in data.items())


@pytest.fixture
def household_file(tmp_path: Path) -> Callable[..., Path]:
    """``household_file(data, name="household.yaml")``: write ``data`` (a dict, or the file's
    text as a string) and return the path; the format follows the name's extension."""

    def write(data: dict[str, Any] | str, name: str = "household.yaml") -> Path:
        path = tmp_path / name
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8")
        else:
            fmt = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".toml": "toml"}[path.suffix]
            path.write_text(dump(data, fmt), encoding="utf-8")
        return path

    return write


@pytest.fixture(autouse=True)
def _human_tables_on_stderr(monkeypatch: pytest.MonkeyPatch) -> None:
    """With ``--json`` the CLI renders its human tables on stderr only when stderr is a
    terminal (``cli/common.py: Output.report``); the suite's stderr never is, and its tests
    read those tables, so they are asked for (tests/cli/test_batch.py checks the default)."""
    monkeypatch.setenv("HOUSEHOLDER_TABLES", "1")
