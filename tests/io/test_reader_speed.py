"""The household reader's faster YAML tag resolution gives PyYAML's own answers: every kind of
plain scalar a file may hold parses to what ``yaml.safe_load`` makes of it (the fast paths for
plain decimals, integers and dates included, and the forms beside them that YAML 1.1 reads
differently: octal ``0123``, ``1_000``, sexagesimal ``1:30``, ``1e3`` as text). A date that is
none (``2024-13-45``) stays text on purpose, where PyYAML fails: tests/io/test_reader.py."""

from __future__ import annotations

import pytest
import yaml

from householder.errors import HouseholdFileError
from householder.io.reader import parse_text

SCALARS = [
    "12.50", "-3.25", "+0.5", "100", "-7", "+42", "0", "00", "0123", "0o17", "0x1F", "0b101",
    "1_000", "1_000.5", "1:30", "190:20:30.15", ".5", "5.", "1e3", "1.0e+3", "1.5E-2", ".inf",
    "-.Inf", ".nan", "2024-01-01", "2024-1-1", "2024-01-01 10:00:00", "2024-01-01T10:00:00Z",
    "yes", "No", "ON", "off", "true", "False", "~", "null", "Null", "", "=",
    "acct000-S0001-3", "S0001", "1 2", "-", "+", "12.5%", "$100", "1,000", "0.0", "-0",
]


@pytest.mark.parametrize("scalar", SCALARS)
def test_each_plain_scalar_as_pyyaml_reads_it(scalar: str) -> None:
    """The same value, or a refusal where PyYAML refuses (``=``: a tag it cannot make)."""
    text = f"value: {scalar}\nlist: [{scalar or '~'}]\n"
    try:
        expected = yaml.safe_load(text)
    except yaml.YAMLError:
        with pytest.raises(HouseholdFileError, match="not valid YAML"):
            parse_text(text, "yaml")
        return
    assert parse_text(text, "yaml") == expected


def test_a_whole_household_as_pyyaml_reads_it() -> None:
    """Keys repeated by the thousand (the tag cache), an anchor used twice."""
    lots = "\n".join(
        f"    - {{id: L{i}, shares: {i}.{i % 7}5, cost: {1000 + i}, "
        f"acquired: 2019-0{1 + i % 9}-1{i % 9}}}"
        for i in range(300)
    )
    text = (
        "name: x\nbase: &b {a: 1, b: 2.5}\nagain: *b\nmore: {c: 0123}\n"
        f"lots:\n{lots}\nflags: [yes, no, on, ~, 1_000, 1:30]\n"
    )
    assert parse_text(text, "yaml") == yaml.safe_load(text)
