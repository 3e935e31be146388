"""Render a household file for people to read and edit: YAML with comments at the places that
need the user's attention. Writing it is :func:`householder.io.export.write_output`'s (a new
file, atomically, never over an input), as for every file householder writes.

The YAML is block style, with one-line flow mappings for small records (a holding without lots,
a lot), so an imported household with a hundred lots stays readable. Comments sit at the end
of a scalar's line, or on the line before a record.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

import yaml

FLOW_WIDTH = 96
"""A record of scalars is written on one line when it fits this many characters."""


def scalar(value: Any) -> str:
    """One YAML scalar, quoted where YAML needs it (``'no'``, ``'1e3'``, ``'…: …'``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value} cannot be written to a household file")
        rounded = round(value, 10)
        return str(int(rounded)) if rounded.is_integer() and abs(rounded) < 1e15 else repr(rounded)
    if isinstance(value, int | date):
        return str(value) if not isinstance(value, date) else value.isoformat()
    text = yaml.safe_dump([value], default_flow_style=True, width=10**9, allow_unicode=True)
    return text.strip()[1:-1]


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, Mapping | list | tuple)


def _flow(value: Any) -> str | None:
    """``{a: 1, b: x}`` or ``[a, b]`` when every element is a scalar, else None."""
    if isinstance(value, Mapping):
        if not all(_is_scalar(v) for v in value.values()):
            return None
        return "{" + ", ".join(f"{scalar(k)}: {scalar(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        if not all(_is_scalar(v) for v in value):
            return None
        return "[" + ", ".join(scalar(v) for v in value) + "]"
    return None


def _with_comment(line: str, comment: str | None) -> str:
    return f"{line}  # {comment}" if comment else line


def render(data: Mapping[str, Any], comments: Mapping[str, str] | None = None,
           header: Iterable[str] = (), spacing: Sequence[str] = ()) -> str:
    """``data`` as commented YAML. ``comments`` maps a path (``accounts[0].type``) to its
    comment; ``spacing`` lists top-level keys preceded by a blank line."""
    notes = dict(comments or {})
    lines = [f"# {h}" if h else "#" for h in header]
    _mapping(data, 0, "", lines, notes, set(spacing))
    return "\n".join(lines) + "\n"


def _join(prefix: str, key: Any) -> str:
    return f"{prefix}.{key}" if prefix else str(key)


def _mapping(data: Mapping[str, Any], indent: int, prefix: str, lines: list[str],
             notes: dict[str, str], spacing: set[str] = frozenset()) -> None:  # type: ignore[assignment]
    pad = " " * indent
    for key, value in data.items():
        path = _join(prefix, key)
        if key in spacing and lines:
            lines.append("")
        comment = notes.get(path)
        _value_after_key(f"{pad}{scalar(key)}:", value, indent, path, lines, notes, comment)


def _value_after_key(head: str, value: Any, indent: int, path: str, lines: list[str],
                     notes: dict[str, str], comment: str | None) -> None:
    if _is_scalar(value):
        lines.append(_with_comment(f"{head} {scalar(value)}", comment))
        return
    flow = _flow(value)
    inner = any(key.startswith((f"{path}.", f"{path}[")) for key in notes)
    if flow is not None and not inner and (len(head) + len(flow) < FLOW_WIDTH or not value):
        lines.append(_with_comment(f"{head} {flow}", comment))
        return
    lines.append(_with_comment(head, comment))
    if isinstance(value, Mapping):
        _mapping(value, indent + 2, path, lines, notes)
    else:
        _sequence(value, indent + 2, path, lines, notes)


def _sequence(items: Sequence[Any], indent: int, prefix: str, lines: list[str],
              notes: dict[str, str]) -> None:
    pad = " " * indent
    for index, item in enumerate(items):
        path = f"{prefix}[{index}]"
        comment = notes.get(path)
        flow = _flow(item) if not _is_scalar(item) else scalar(item)
        inner = any(key.startswith((f"{path}.", f"{path}[")) for key in notes)
        if flow is not None and not inner and len(pad) + 2 + len(flow) < FLOW_WIDTH:
            lines.append(_with_comment(f"{pad}- {flow}", comment))
            continue
        if comment:
            lines.append(f"{pad}# {comment}")
        if isinstance(item, Mapping):
            first = True
            for key, value in item.items():
                head = f"{pad}- {scalar(key)}:" if first else f"{pad}  {scalar(key)}:"
                first = False
                sub = _join(path, key)
                _value_after_key(head, value, indent + 2, sub, lines, notes, notes.get(sub))
        else:
            lines.append(f"{pad}-")
            _sequence(item, indent + 2, path, lines, notes)
