"""The loader, fuzzed (issue 12): whatever the text or structure, reading and checking a
household either gives a book or raises :class:`HouseholdFileError` listing problems that
name a place; never another exception (a traceback for the user)."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from householder.cli import app
from householder.errors import HouseholdFileError
from householder.io import build_book, parse_text
from householder.model.book import Book
from tests.conftest import dump
from tests.io.test_bad_inputs import BASE

FORMATS = ("yaml", "json", "toml")
FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def load_text(text: str, fmt: str) -> Book | None:
    """Book, or None when refused the way a user is told: problems, each one line."""
    try:
        return build_book(parse_text(text, fmt, f"fuzz.{fmt}"), source=f"fuzz.{fmt}")
    except HouseholdFileError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.message and "\n" not in problem.message, problem
            assert len(str(problem)) <= 1300, problem
        return None


# -- text ------------------------------------------------------------------------------------------
@FUZZ
@given(st.text(max_size=400), st.sampled_from(FORMATS))
def test_any_text(text: str, fmt: str) -> None:
    load_text(text, fmt)


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, str]:
    """A valid household's text with a few characters deleted, inserted or replaced."""
    fmt = draw(st.sampled_from(FORMATS))
    text = dump(BASE, fmt)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        cut = draw(st.integers(0, 12))
        noise = draw(st.one_of(
            st.text(max_size=8),
            st.sampled_from(["%", ",", "$", ".nan", "1e308", "-", "[", "{", ":", "\n  ", "'",
                             '"', "&a", "*a", "!!binary", "0,5", "1.000,5", "\t", "\x00"]),
        ))
        text = text[:at] + noise + text[at + cut:]
    return text, fmt


@FUZZ
@given(mutated())
def test_mutated_files(case: tuple[str, str]) -> None:
    load_text(*case)


# -- structures ------------------------------------------------------------------------------------
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**30, 10**30), st.floats(allow_nan=True),
    st.text(max_size=20), st.dates(),
    st.sampled_from(["12%", "1,000.50", "$5", "0,05%", "1.000,50", "24%", "2024-12-31", "VTI",
                     "stocks", "taxable", "-1", "1e400", "nan", ""]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.text(max_size=10), st.sampled_from(
            ["value", "shares", "price", "lots", "fund", "id", "type", "weight", "split"])),
            inner, max_size=4),
    ),
    max_leaves=12,
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, child in node.items():
            out += _paths(child, (*prefix, key))
    elif isinstance(node, list):
        for i, child in enumerate(node):
            out += _paths(child, (*prefix, i))
    return out


PATHS = _paths(BASE)


@FUZZ
@given(st.lists(st.tuples(st.sampled_from(PATHS), values), min_size=1, max_size=3))
def test_any_value_anywhere(replacements: list[tuple[tuple[Any, ...], Any]]) -> None:
    """BASE with values swapped for anything at all, at any depth."""
    data: Any = copy.deepcopy(BASE)
    for path, value in replacements:
        node = data
        try:
            for part in path[:-1]:
                node = node[part]
            node[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue  # an earlier replacement removed the path
    try:
        build_book(data)
    except HouseholdFileError as exc:
        assert exc.problems


@FUZZ
@given(values)
def test_any_top_level(value: Any) -> None:
    if isinstance(value, dict):
        try:
            build_book(value)
        except HouseholdFileError:
            pass
    else:
        text = json.dumps(value, default=str)
        load_text(text, "json")


# -- through the command line ----------------------------------------------------------------------
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(case=mutated())
def test_validate_never_shows_a_traceback(case: tuple[str, str], tmp_path: Path) -> None:
    text, fmt = case
    path = tmp_path / f"household.{fmt}"
    path.write_bytes(text.encode("utf-8", errors="surrogatepass"))
    result = CliRunner().invoke(app, ["validate", str(path), "--json"])
    assert result.exit_code in (0, 1), (result.exception, result.stderr)
    assert "Traceback" not in result.stderr
    doc = json.loads(result.stdout)
    assert ("valid" in doc) == (result.exit_code == 0)


def test_dates_beyond_the_calendar_are_problems_not_crashes() -> None:
    data = copy.deepcopy(BASE)
    data["as_of"] = date(9999, 12, 31)
    data["accounts"][1]["holdings"][0]["lots"][0]["acquired"] = date(1, 1, 1)
    try:
        build_book(data)
    except HouseholdFileError as exc:
        assert exc.problems
