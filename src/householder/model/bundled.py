"""The bundled data tables (package data in ``householder/data``), read once per process.

Each table carries its own ``as_of`` date and ``source``; the household file overrides any row.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml


@cache
def table(name: str) -> dict[str, Any]:
    """The bundled table ``name`` (``taxonomy``, ``funds`` or ``limits``) as plain data."""
    text = resources.files("householder.data").joinpath(f"{name}.yaml").read_text("utf-8")
    data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if not isinstance(data, dict):
        raise RuntimeError(f"bundled table {name}.yaml is malformed")
    return data


@cache
def bundled_classes() -> dict[str, dict[str, Any]]:
    """Bundled asset classes by id."""
    return {row["id"]: row for row in table("taxonomy")["classes"]}


@cache
def bundled_funds() -> dict[str, dict[str, Any]]:
    """Bundled fund catalog rows by ticker (one dict per process: read it, never change it)."""
    return {row["ticker"]: row for row in table("funds")["funds"]}


def bundled_identical() -> list[list[str]]:
    """Groups of tickers that are share classes of one fund (substantially identical)."""
    return [list(group) for group in table("funds").get("identical", [])]


def bundled_partners() -> dict[str, tuple[str, str, list[tuple[str, str]]]]:
    """Harvest partners (``substitutes.yaml``): ticker → (its group's name, its index, the
    funds of the other indexes of its group with their index, in the table's order)."""
    out: dict[str, tuple[str, str, list[tuple[str, str]]]] = {}
    for group in table("substitutes")["groups"]:
        indexes = [(str(e["index"]), list(e["funds"])) for e in group["indexes"]]
        for i, (index, funds) in enumerate(indexes):
            others = [(t, other) for j, (other, tickers) in enumerate(indexes) if j != i
                      for t in tickers]
            for ticker in funds:
                out[ticker] = (str(group["name"]), index, others)
    return out
