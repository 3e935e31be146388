"""Load the shared golden cases (``../shared/cases/tax-arithmetic.yaml`` beside the repo)."""

from __future__ import annotations

import functools
from typing import Any

import pytest
import yaml

from tests.casefiles import CASES

CASES_DIR = CASES
TAX_ARITHMETIC = CASES_DIR / "tax-arithmetic.yaml"
SKIP_REASON = f"shared golden cases not found: {TAX_ARITHMETIC} (expected beside the repo)"


@functools.cache
def _load() -> dict[str, Any] | None:
    if not TAX_ARITHMETIC.is_file():
        return None
    data = yaml.safe_load(TAX_ARITHMETIC.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def tax_case(section: str) -> Any:
    """One section of tax-arithmetic.yaml; skips the calling test when the file is absent."""
    data = _load()
    if data is None:
        pytest.skip(SKIP_REASON)
    return data[section]


def case_params(section: str, key: str | None = None) -> list[Any]:
    """Parameters for ``pytest.mark.parametrize``: the items of a list section (or of its ``key``).

    When the file is absent: one parameter marked skip, so the reason shows in the report.
    """
    data = _load()
    if data is None:
        return [pytest.param(None, marks=pytest.mark.skip(reason=SKIP_REASON))]
    items = data[section] if key is None else data[section][key]
    assert isinstance(items, list)
    return items
