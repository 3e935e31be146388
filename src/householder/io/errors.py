"""Turn pydantic's validation errors into :class:`Problem` lines that name the path and the fix."""

from __future__ import annotations

import difflib
import typing
from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from householder.errors import Problem


def dotted(loc: Sequence[str | int]) -> str:
    """``("accounts", 2, "holdings", 0, "fund")`` → ``accounts[2].holdings[0].fund``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
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
    """The pydantic model class that owns the last element of ``loc``."""
    current: Any = root
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        fld = current.model_fields.get(part) or next(
            (f for f in current.model_fields.values() if f.alias == part), None
        )
        if fld is None:
            return None
        current = _first_model(fld.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _first_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
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
        loc = [p for p in err["loc"] if not _is_union_tag(p)]
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
        elif kind in {"value_error", "assertion_error"}:
            message = str(err["msg"]).removeprefix("Value error, ")
        elif kind in {"date_from_datetime_parsing", "date_parsing", "date_type"}:
            message = f"{err['input']!r} is not a date; write YYYY-MM-DD"
        elif kind == "finite_number":
            message = "must be a finite number (not NaN or infinity)"
        else:
            message = str(err["msg"])
            if "input" in err and not isinstance(err["input"], dict | list):
                message += f" (got {err['input']!r})"
        if (path, message) not in seen:
            seen.add((path, message))
            problems.append(Problem(path, message))
    return _drop_union_noise(problems)


def _is_union_tag(part: str | int) -> bool:
    """pydantic adds union member names (``float``, ``TargetNode``, ``function-before[...]``) to
    locations; they mean nothing to a user."""
    if isinstance(part, int):
        return False
    return part in {"float", "TargetNode", "LossCarryforward", "str", "int", "bool"} or (
        "[" in part and "(" in part
    )


def _drop_union_noise(problems: list[Problem]) -> list[Problem]:
    """When one path got several alternative complaints (a union), keep the most telling one."""
    by_path: dict[str, list[Problem]] = {}
    for p in problems:
        by_path.setdefault(p.path, []).append(p)
    out: list[Problem] = []
    for p in problems:
        group = by_path[p.path]
        if len(group) > 1 and p.message.startswith("Input should be a valid dictionary"):
            continue
        out.append(p)
    return out
