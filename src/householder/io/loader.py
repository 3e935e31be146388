"""Load a household file: read, parse, check every rule, resolve into a :class:`Book`.

::

    read_file ─► _parse_salvaging ─► resolve.resolve ─► rules.check ─► Resolved.book()
    (text →      (pydantic: the       (class tree,       (every RULE,     (only when no
     data)        structure, parts     funds, prices,     each problem     problem was
                  that fail set        positions; never   with its path    found)
                  aside)               raises)            and the fix)

Every problem in the file is reported at once (:class:`HouseholdFileError`), each as
``path.to.field: message`` with the fix: the structure's (pydantic's, worded by
:mod:`householder.io.errors`), then the rules' (:mod:`householder.io.rules`). A part of the file
that fails its structure is set aside, so that the rules still run on the rest; their problems
inside a set-aside part are not reported, since they may only be echoes of the first.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, MutableMapping
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from householder.errors import HouseholdFileError, Problem
from householder.io.errors import (
    dotted,
    is_union_tag,
    model_field,
    problems_from_validation,
    within,
)
from householder.io.reader import read_file
from householder.io.resolve import resolve
from householder.io.rules import Context, check
from householder.model.book import Book
from householder.model.household import (
    BOTH_TARGET_AND_GLIDE,
    NEITHER_TARGET_NOR_GLIDE,
    SKIP_SUM_CHECKS,
    Household,
)
from householder.model.types import AccountType

MAX_LOTS = 200_000
"""The most tax lots a household file may hold (twice the largest benchmarked household,
docs/performance.md; docs/file-reference.md, "Size limits")."""


def load_household(path: str | Path) -> Book:
    """Read, check and resolve the household file at ``path``."""
    return build_book(read_file(path), source=str(path))


def parse_household(data: Mapping[str, Any], source: str = "<data>") -> Household:
    """Check the structure of ``data`` (no cross-references yet)."""
    try:
        return Household.model_validate(dict(data))
    except ValidationError as exc:
        raise HouseholdFileError(source, problems_from_validation(Household, exc)) from None


def build_book(data: Mapping[str, Any], source: str = "<data>") -> Book:
    """Check every rule of the spec on ``data`` and resolve it into a :class:`Book`.

    Every problem is reported at once: when the structure has problems, the parts that caused
    them are set aside (see :func:`_parse_salvaging`) so the rules still run on the rest.
    """
    _check_lot_count(data, source)
    parsed = _parse_salvaging(data)
    problems = parsed.problems
    if parsed.household is not None:
        resolved = resolve(parsed.household)
        ctx = Context(resolved, tuple(parsed.set_aside))
        problems += [p for p in check(ctx) if p not in problems and ctx.given(p.path)]
        if not problems:
            return resolved.book()
    raise HouseholdFileError(source, problems)


def _check_lot_count(data: Mapping[str, Any], source: str) -> None:
    """At most :data:`MAX_LOTS` lots, counted before anything is validated."""
    accounts = data.get("accounts")
    count = 0
    for acct in accounts if isinstance(accounts, list) else []:
        holdings = acct.get("holdings") if isinstance(acct, Mapping) else None
        for hold in holdings if isinstance(holdings, list) else []:
            lots = hold.get("lots") if isinstance(hold, Mapping) else None
            count += len(lots) if isinstance(lots, list) else 0
    if count > MAX_LOTS:
        raise HouseholdFileError(source, [Problem("accounts", (
            f"{count:,} tax lots; householder plans households of up to {MAX_LOTS:,} lots "
            "(merge lots of one fund bought on the same day, or split the household)"
        ))])


_NEVER_SET_ASIDE = frozenset({"funds", "classes", "people", "prices", "target", "glide"})
"""Top-level parts that other parts refer to or that every check needs (the target or glide
path): setting one aside would make everything else look broken."""

_MAX_PASSES = 8

STAND_IN_TARGET: dict[str, Any] = {"stocks": 100}
"""Stands in for a target (or glide path) that is missing or failed; the rules read no target
then (:attr:`householder.io.rules.Context.leaves`)."""


def _stand_in_account(path: str) -> dict[str, Any]:
    """Stands in for an account that failed (or its ``id`` or ``type``): a taxable account
    that holds and may buy nothing, whose id is its path (no file's account has that id)."""
    return {"id": path, "type": AccountType.TAXABLE.value, "menu": []}


class _Parsed:
    """What the salvage made of the file."""

    def __init__(self) -> None:
        self.household: Household | None = None
        """None when a required part failed that no stand-in replaces."""
        self.problems: list[Problem] = []
        self.set_aside: list[str] = []
        """Paths of the parts dropped or replaced: later problems inside them are echoes."""


def _parse_salvaging(data: Mapping[str, Any]) -> _Parsed:
    """Validate the structure, collecting its problems; then, so that the rules can still run,
    drop or replace what failed and validate again, a few times at most.

    An unknown key is simply dropped (it had no effect). Weights that do not sum to 100 are
    kept, and the sum checks skipped on the next pass. A bad value is dropped up to its nearest
    *optional* field (a holding's ``value``, an account's ``holdings``), and that field's owner
    (``accounts[0].holdings[0]``) is set aside: later problems inside it are echoes. A required
    part that failed (``as_of``, ``accounts``, an account or its ``id`` or ``type``, the
    ``target`` or ``glide``, a ``prices:`` entry) is replaced by a stand-in (:func:`_stand_in`)
    and set aside. A failure in a required part of ``funds``, ``classes`` or ``people`` (a
    ticker, a class or person id) stops the salvage: the household is None and only the
    structural problems are reported (a stand-in there would make every reference to it look
    broken).
    """
    # a shallow copy: validation reads the input without changing it, so the deep copy that
    # salvaging needs (it deletes failing parts) waits for the first problem
    current: dict[str, Any] = dict(data)
    copied = False
    parsed = _Parsed()
    problems, set_aside = parsed.problems, parsed.set_aside
    skip_sums = False
    # exactly one of target and glide: reported here with its path (the model's own check
    # has no field to name); with both, the glide path is kept so its checks still run
    if current.get("target") is not None and current.get("glide") is not None:
        problems.append(Problem("glide", BOTH_TARGET_AND_GLIDE))
        del current["target"]
    elif current.get("target") is None and current.get("glide") is None:
        problems.append(Problem("target", NEITHER_TARGET_NOR_GLIDE))
        current["target"] = dict(STAND_IN_TARGET)
        set_aside.append("target")
    for _ in range(_MAX_PASSES):
        try:
            context = {SKIP_SUM_CHECKS: skip_sums}
            parsed.household = Household.model_validate(current, context=context)
            return parsed
        except ValidationError as exc:
            for problem in problems_from_validation(Household, exc):
                if problem.path == "" and problem.message.startswith(
                    (BOTH_TARGET_AND_GLIDE, NEITHER_TARGET_NOR_GLIDE)
                ):
                    continue  # reported above, with its path
                if problem not in problems and not any(within(problem.path, s) for s in set_aside):
                    problems.append(problem)
            if not copied:
                current, copied = copy.deepcopy(current), True
            dropped = False
            required: list[list[str | int]] = []
            for err in exc.errors(include_url=False):
                if err["type"] == "target_or_glide":
                    continue
                if err["type"] == "weights_sum":
                    dropped |= not skip_sums
                    skip_sums = True
                    continue
                loc = [part for part in err["loc"] if not is_union_tag(part)]
                unknown_key = err["type"] == "extra_forbidden"
                owner = _drop(current, loc, unknown_key)
                if owner is not None:
                    dropped = True
                    if not unknown_key:
                        set_aside.append(owner)
                elif not unknown_key:
                    required.append(loc)
            # stand-ins only once nothing else can be dropped: an error in a required part may
            # be a union's other arm (``75`` against ``{weight, split}``) whose value is fine
            for loc in [] if dropped else required:
                replaced = _stand_in(current, loc)
                dropped |= bool(replaced)
                set_aside.extend(p for p in replaced if p not in set_aside)
            if not dropped:
                return parsed
    return parsed


def _stand_in(data: dict[str, Any], loc: list[str | int]) -> list[str]:
    """Replace the failed required part at ``loc`` with a stand-in that passes validation and
    trips no rule (:data:`STAND_IN_TARGET`, :func:`_stand_in_account`, ``as_of`` at the end of
    the calendar, a bad ``prices:`` entry left out); the paths to set aside, or none when the
    part has no stand-in."""
    head = loc[0] if loc else None
    if head == "as_of":
        data["as_of"] = date.max
        return ["as_of"]
    if head in ("target", "glide"):
        data.pop("glide", None)
        data["target"] = dict(STAND_IN_TARGET)
        return ["target", "glide"] if head == "glide" else ["target"]
    if head == "accounts":
        accounts = data.get("accounts")
        if len(loc) == 1 or not isinstance(accounts, list):
            data["accounts"] = [_stand_in_account("accounts")]
            return ["accounts"]
        index = loc[1]
        if not isinstance(index, int) or not 0 <= index < len(accounts):
            return []
        path = f"accounts[{index}]"
        if len(loc) == 3 and loc[2] in ("id", "type") and isinstance(accounts[index], dict):
            accounts[index][loc[2]] = _stand_in_account(path)[str(loc[2])]
            return [f"{path}.{loc[2]}"]
        accounts[index] = _stand_in_account(path)
        return [path]
    if head == "prices":
        prices = data.get("prices")
        if len(loc) >= 2 and isinstance(prices, dict) and loc[1] in prices:
            del prices[loc[1]]
            return [dotted(loc[:2])]
        data["prices"] = {}
        return ["prices"]
    return []


def _drop(data: dict[str, Any], loc: list[str | int], unknown_key: bool) -> str | None:
    """Remove the failing part at ``loc`` from ``data``; the path whose later problems are echoes
    ('' for an unknown key, which echoes nothing), or None when nothing could be removed."""
    for end in range(len(loc), 0, -1):
        part = loc[end - 1]
        if not unknown_key:
            fld = model_field(Household, loc[:end])
            if fld is None or fld.is_required():
                continue
            if end == 1 and part in _NEVER_SET_ASIDE:
                return None
        parent = _find(data, loc[: end - 1])
        if isinstance(parent, MutableMapping) and part in parent:
            del parent[part]
            return "" if unknown_key else dotted(loc[: end - 1] if end > 1 else loc[:1])
        return None
    return None


def _find(data: Any, loc: list[str | int]) -> Any:
    for part in loc:
        if isinstance(data, Mapping) and part in data:
            data = data[part]
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            return None
    return data
