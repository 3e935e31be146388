"""Read a household file (YAML, TOML or JSON, chosen by extension) into plain data."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import yaml

from householder.errors import HouseholdFileError, Problem

SUFFIXES = {".yaml": "yaml", ".yml": "yaml", ".toml": "toml", ".json": "json"}


_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser when PyYAML has it (about 4× faster on large files); the constructors
below are Python either way, so duplicate keys and dates behave the same."""


class _UniqueKeyLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """A YAML loader that refuses duplicate keys: the second would silently replace the first."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            repeated = key in seen
        except TypeError:  # an unhashable key ([a, b]: …); construct_mapping reports it
            continue
        if repeated:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"duplicate key {key!r} (first on line {seen[key] + 1}); keep one",
                key_node.start_mark,
            )
        seen[key] = key_node.start_mark.line
    return loader.construct_mapping(node, deep=deep)


def _construct_timestamp(loader: _UniqueKeyLoader, node: yaml.ScalarNode) -> Any:
    """A date as YAML reads it; one that looks like a date but is not (``2024-13-45``) stays
    text, so the model reports it at its path instead of the YAML parser failing."""
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        return loader.construct_scalar(node)


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,
)
_UniqueKeyLoader.add_constructor(
    "tag:yaml.org,2002:timestamp",
    _construct_timestamp,
)


def parse_text(text: str, fmt: str, source: str = "<text>") -> dict[str, Any]:
    """Parse ``text`` in ``fmt`` (yaml | toml | json); the top level must be a mapping."""
    try:
        if fmt == "yaml":
            data = yaml.load(text, Loader=_UniqueKeyLoader)  # a (C)SafeLoader subclass
        elif fmt == "toml":
            data = tomllib.loads(text)
        elif fmt == "json":
            data = json.loads(text)
        else:
            raise ValueError(fmt)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        message = f"{where}not valid YAML: {problem}"
        raise HouseholdFileError(source, [Problem("", message)]) from None
    except tomllib.TOMLDecodeError as exc:
        raise HouseholdFileError(source, [Problem("", f"not valid TOML: {exc}")]) from None
    except json.JSONDecodeError as exc:
        msg = f"line {exc.lineno}, column {exc.colno}: not valid JSON: {exc.msg}"
        raise HouseholdFileError(source, [Problem("", msg)]) from None
    if data is None or data == {}:
        raise HouseholdFileError(
            source, [Problem("", "the file is empty; start from examples/kendra.yaml")]
        )
    if not isinstance(data, dict):
        kind = type(data).__name__
        msg = f"the top level is a {kind}; it must be a mapping (name, as_of, target, accounts, …)"
        raise HouseholdFileError(source, [Problem("", msg)])
    return data


def read_file(path: str | Path) -> dict[str, Any]:
    """Read ``path`` by its extension."""
    p = Path(path)
    fmt = SUFFIXES.get(p.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(SUFFIXES))
        raise HouseholdFileError(
            str(p), [Problem("", f"unknown file type {p.suffix!r}; use one of {known}")]
        )
    try:
        text = p.read_text("utf-8")
    except FileNotFoundError:
        raise HouseholdFileError(str(p), [Problem("", "no such file")]) from None
    except IsADirectoryError:
        raise HouseholdFileError(str(p), [Problem("", "is a directory, not a file")]) from None
    except UnicodeDecodeError:
        raise HouseholdFileError(str(p), [Problem("", "is not UTF-8 text")]) from None
    except OSError as exc:  # permission denied, a broken link, …
        reason = exc.strerror or type(exc).__name__
        raise HouseholdFileError(str(p), [Problem("", f"cannot be read: {reason}")]) from None
    return parse_text(text, fmt, str(p))
