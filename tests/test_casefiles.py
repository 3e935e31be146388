"""The copy of the shared worked examples in ``tests/cases`` matches ``../shared/cases``."""

from __future__ import annotations

import pytest

from tests.casefiles import SHARED, VENDORED


def test_vendored_cases_match_the_shared_ones() -> None:
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} absent: the vendored copy is what the tests use")
    shared = {p.name: p.read_bytes() for p in SHARED.glob("*.yaml")}
    vendored = {p.name: p.read_bytes() for p in VENDORED.glob("*.yaml")}
    stale = sorted(n for n in shared if vendored.get(n) != shared[n])
    assert not stale, f"copy these from {SHARED} to {VENDORED}: {', '.join(stale)}"


def test_vendored_cases_are_present() -> None:
    names = {p.name for p in VENDORED.glob("*.yaml")}
    assert {"kendra.yaml", "tax-arithmetic.yaml", "roth-placement.yaml"} <= names
