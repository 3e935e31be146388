"""Turn pydantic's validation errors into :class:`Problem` lines that name the path and the fix."""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from householder.errors import Problem

LONG_TOKEN = 60
"""A run of text without spaces longer than this (a pasted blob as a name, an id or a key) is
cut to :data:`TOKEN_KEPT` characters in messages."""
TOKEN_KEPT = 40
MAX_MESSAGE = 1000
"""A message is cut at this many characters (messages quote the file; they never print a
megabyte of it back)."""

def clip_text(
    text: str, limit: int = MAX_MESSAGE, token: int = LONG_TOKEN, kept: int = TOKEN_KEPT
) -> str:
    """``text`` with every run of non-space characters longer than ``token`` cut to its first
    ``kept`` and ``…``, and the whole cut at ``limit``: user strings stay recognisable, the fix
    stays readable."""
    if len(text) <= token:
        return text
    text = re.sub(rf"\S{{{token + 1},}}", lambda m: m.group(0)[:kept] + "…", text)
    return text if len(text) <= limit else text[:limit] + "…"


def problem(path: str, message: str) -> Problem:
    """A :class:`Problem` with long user strings cut short in its path and message."""
    return Problem(clip_text(path, 200), clip_text(message))


def shown(value: Any, limit: int = TOKEN_KEPT) -> str:
    """``repr(value)`` for a message, a long string cut to ``limit`` characters."""
    if isinstance(value, str) and len(value) > limit:
        return repr(value[:limit] + "…")
    text = repr(value)
    return text if len(text) <= 2 * limit else text[: 2 * limit] + "…"


def dotted(loc: Sequence[str | int]) -> str:
    """``("accounts", 2, "holdings", 0, "fund")`` → ``accounts[2].holdings[0].fund``."""
    out = ""
    for part in loc:
        if part == "[key]":  # pydantic's marker for a bad mapping key; the key is already in loc
            continue
        if isinstance(part, int) and out:
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def suggest(name: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'X'?)`` for a near miss, else an empty string."""
    pool = list(choices)
    stripped = name.strip()
    for choice in pool:
        if choice != name and (choice == stripped or choice.lower() == stripped.lower()):
            return f" (did you mean {choice!r}?)"
    close = difflib.get_close_matches(stripped, pool, n=1, cutoff=0.7)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _model_at(root: type[BaseModel], loc: Sequence[str | int]) -> type[BaseModel] | None:
    """The pydantic model class that owns the last element of ``loc`` (through lists, mapping
    values and unions: ``target.stocks.wieght`` is owned by ``TargetNode``)."""
    current: Any = root
    for part in loc[:-1]:
        current = _child(current, part)
        if current is None:
            return None
    model: type[BaseModel] | None = _first_model(current)
    return model


def model_field(root: type[BaseModel], loc: Sequence[str | int]) -> FieldInfo | None:
    """The model field at ``loc``, or None when the last element is a list index or a mapping
    key rather than a field."""
    if not loc or isinstance(loc[-1], int):
        return None
    model = _model_at(root, loc)
    return _field(model, str(loc[-1])) if model is not None else None


def _field(model: type[BaseModel], name: str) -> FieldInfo | None:
    return model.model_fields.get(name) or next(
        (f for f in model.model_fields.values() if f.alias == name), None
    )


def _child(annotation: Any, part: str | int) -> Any:
    """The type one step below ``annotation`` at ``part`` (a field, a list index or a key)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _child(typing.get_args(annotation)[0], part)
    if origin is typing.Union or origin is types.UnionType:
        for arm in typing.get_args(annotation):
            found = _child(arm, part)
            if found is not None:
                return found
        return None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        fld = _field(annotation, str(part))
        return fld.annotation if fld is not None else None
    if origin is list and isinstance(part, int):
        return typing.get_args(annotation)[0]
    if origin is dict:
        return typing.get_args(annotation)[1]
    return None


def _first_model(annotation: Any) -> Any:
    """The model class ``annotation`` is, or one arm of it (through ``Annotated`` and unions,
    not into the items of a list or mapping)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _first_model(typing.get_args(annotation)[0])
    if origin is typing.Union or origin is types.UnionType:
        for arg in typing.get_args(annotation):
            found = _first_model(arg)
            if found is not None:
                return found
    return None


def _field_names(model: type[BaseModel]) -> list[str]:
    return [f.alias or name for name, f in model.model_fields.items()]


def problems_from_validation(root: type[BaseModel], exc: ValidationError) -> list[Problem]:
    """Every error pydantic found, one :class:`Problem` each, de-duplicated across union arms."""
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for err in exc.errors(include_url=False):
        loc = [p for p in err["loc"] if not is_union_tag(p)]
        path = dotted(loc)
        kind = err["type"]
        if kind == "extra_forbidden":
            model = _model_at(root, loc)
            key = str(loc[-1]) if loc else ""
            known = _field_names(model) if model else []
            hint = suggest(key, known)
            listing = f"; known keys: {', '.join(known)}" if known and not hint else ""
            message = f"unknown key{hint}{listing}"
        elif kind == "missing":
            message = "required; add it"
        elif kind == "weights_sum":
            message = str(err["msg"])
        elif kind in {"value_error", "assertion_error"}:
            message = str(err["msg"]).removeprefix("Value error, ")
        elif kind.startswith("date_") or kind.startswith("datetime_"):
            message = f"{_shown(err['input'])} is not a date; write YYYY-MM-DD"
        elif kind == "finite_number":
            message = "must be a finite number (not NaN or infinity)"
        elif kind == "too_short":
            message = "is empty; give at least one entry"
        elif kind in {"dict_type", "model_type", "model_attributes_type"}:
            message = f"must be a mapping (key: value), not {_kind_of(err['input'])}"
        elif kind == "list_type":
            message = f"must be a list (- item, or [a, b]), not {_kind_of(err['input'])}"
        elif kind == "enum":
            choices = re.findall(r"'([^']*)'", str((err.get("ctx") or {}).get("expected", "")))
            given = err.get("input")
            hint = suggest(str(given), choices) if isinstance(given, str) else ""
            message = f"{shown(given)} is not one of: {', '.join(choices)}{hint}"
        elif kind == "invalid_key":
            message = f"the key {shown(err['input'])} must be text; quote it"
        elif kind == "string_type":
            message = f"must be text, not {_kind_of(err['input'])}"
        elif kind == "string_too_short":
            message = "is empty; give it a value"
        elif kind in {"int_type", "int_parsing", "int_from_float"}:
            message = f"must be a whole number, not {_kind_of(err['input'])}"
        elif kind in {"float_type", "float_parsing"}:
            message = f"must be a number, not {_kind_of(err['input'])}"
        elif kind in {"bool_type", "bool_parsing"}:
            message = f"must be true or false, not {_kind_of(err['input'])}"
        elif kind == "literal_error":
            choices = re.findall(r"'([^']*)'", str((err.get("ctx") or {}).get("expected", "")))
            given = err.get("input")
            hint = suggest(str(given), choices) if isinstance(given, str) else ""
            message = f"{shown(given)} is not one of: {', '.join(choices)}{hint}"
        elif kind in {"greater_than", "greater_than_equal"}:
            ctx = err.get("ctx") or {}
            bound = ctx.get("gt", ctx.get("ge"))
            word = "more than" if kind == "greater_than" else "at least"
            bound_text = f"{bound:g}" if isinstance(bound, int | float) else str(bound)
            message = f"must be {word} {bound_text} (got {shown(err.get('input'))})"
        elif loc and loc[-1] == "[key]":
            message = f"the key {shown(err['input'])} must be text; quote it"
        else:
            message = str(err["msg"])
            limit = (err.get("ctx") or {}).get("le")
            given = err.get("input")
            if kind == "less_than_equal" and isinstance(limit, int | float) and limit < 1:
                # only rates have limits below 1: say it in percent too
                message = f"must be at most {limit:g} ({100 * limit:g}%)"
            elif kind == "less_than_equal" and isinstance(limit, int | float):
                message = f"must be at most {limit:g}"
            if "input" in err and not isinstance(given, dict | list):
                message += f" (got {shown(given)})"
            if (
                kind == "less_than_equal"
                and isinstance(limit, int | float) and limit < 1
                and isinstance(given, int | float) and given > 1
            ):
                message += f"; a rate is a fraction: write {given / 100:g} or '{given:g}%'"
        if (path, message) not in seen:
            seen.add((path, message))
            problems.append(problem(path, message))
    return _drop_union_noise(problems)


def _shown(value: Any) -> str:
    return shown(value.isoformat() if hasattr(value, "isoformat") else value)


def _kind_of(value: Any) -> str:
    names = {dict: "a mapping", list: "a list", str: "text", bool: "a boolean", int: "a number",
             float: "a number"}
    given = f" ({shown(value)})" if isinstance(value, str | int | float) else ""
    return names.get(type(value), type(value).__name__) + given


def is_union_tag(part: str | int) -> bool:
    """pydantic adds union member names (``float``, ``TargetNode``, ``function-before[...]``) to
    locations; they mean nothing to a user."""
    if isinstance(part, int):
        return False
    return part in {"float", "TargetNode", "LossCarryforward", "str", "int", "bool"} or (
        "[" in part and "(" in part
    )


_UNION_ARM_NOISE = ("must be a mapping (key: value), not", "got dict", "got list")


def _drop_union_noise(problems: list[Problem]) -> list[Problem]:
    """A union (``75`` or ``{weight: 75, split: …}``) complains once per arm; when one path also
    got a complaint at or below it from another arm, drop the arm that did not fit the shape
    the user wrote (a number arm that got a mapping, a mapping arm that got a number)."""
    def noisy(p: Problem) -> bool:
        return any(marker in p.message for marker in _UNION_ARM_NOISE)

    out: list[Problem] = []
    for p in problems:
        if noisy(p) and any(
            q is not p and (q.path == p.path or within(q.path, p.path)) and not noisy(q)
            for q in problems
        ):
            continue
        if noisy(p) and any(q.path == p.path for q in out):
            continue  # every arm refused the same value: say it once
        out.append(p)
    return out


def within(path: str, prefix: str) -> bool:
    """True when ``path`` is ``prefix`` or lies below it (``a.b[0].c`` is within ``a.b``)."""
    if not prefix:
        return True
    return path == prefix or path.startswith((prefix + ".", prefix + "["))
