"""The YAML reader on libyaml (``yaml.CSafeLoader``): the same checks as the pure-Python one."""

from __future__ import annotations

from datetime import date

import pytest
import yaml

from householder.errors import HouseholdFileError
from householder.io.reader import _UniqueKeyLoader, parse_text
from householder.model.bundled import table


def test_reader_uses_libyaml_when_available() -> None:
    if getattr(yaml, "__with_libyaml__", False):
        assert issubclass(_UniqueKeyLoader, yaml.CSafeLoader)


def test_nested_duplicate_key_is_reported_with_its_line() -> None:
    text = "as_of: 2024-12-31\naccounts:\n  - id: ira\n    type: roth_ira\n    id: other\n"
    with pytest.raises(HouseholdFileError) as info:
        parse_text(text, "yaml", "h.yaml")
    message = str(info.value)
    assert "line 5, column 5" in message
    assert "duplicate key 'id' (first on line 3)" in message


def test_dates_and_non_dates() -> None:
    data = parse_text("as_of: 2024-12-31\nbad: 2024-13-45\nname: x\n", "yaml")
    assert data == {"as_of": date(2024, 12, 31), "bad": "2024-13-45", "name": "x"}


def test_bundled_tables_match_the_pure_python_loader() -> None:
    from importlib import resources

    for name in ("taxonomy", "funds", "limits"):
        text = resources.files("householder.data").joinpath(f"{name}.yaml").read_text("utf-8")
        assert table(name) == yaml.safe_load(text)
