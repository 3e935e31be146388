"""A starter household (``householder init``): people, tax, a target and one account of each
type named, commented so that a first-time user sees what each field means; or the same around
an imported file (``init --from``), whose accounts, funds and date it keeps."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from householder.io.importers.assemble import UNKNOWN_TYPE
from householder.model.bundled import bundled_funds
from householder.model.types import JOINT, AccountType

STARTER_TARGET = {"stocks": 70, "bonds": 30}
HEADER = (
    "A starter household made by `householder init`: edit it, then run",
    "`householder validate` on it. Every field is described in docs/file-reference.md.",
)
COMMENTS = {
    "as_of": "valuation date: holding periods and the contribution-limit year follow it",
    "people": "who owns the accounts; birth years give ages (catch-up limits, glide paths)",
    "tax.filing_status": "single | married_joint | married_separate | head_of_household",
    "tax.ordinary_rate": "marginal rate on ordinary income, federal + state",
    "tax.long_term_rate": "marginal rate on long-term gains and qualified dividends",
    "tax.retirement_rate": "expected marginal rate when traditional (pre-tax) money comes out",
    "target": "YOUR allocation (this one is only a placeholder); the leaves sum to 100",
}


@dataclass(frozen=True)
class PersonSpec:
    id: str
    birth_year: int | None = None


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "account"


def starter(people: Sequence[PersonSpec], account_types: Sequence[AccountType], *,
            name: str | None = None, as_of: date | None = None,
            base: Mapping[str, Any] | None = None,
            today: date | None = None) -> tuple[dict[str, Any], dict[str, str]]:
    """The starter household as plain data and its comments (by path)."""
    data: dict[str, Any] = dict(base or {})
    comments = dict(COMMENTS)
    persons = list(people)
    if not persons and not data.get("people"):
        persons = [PersonSpec("me")]
    out: dict[str, Any] = {"name": name or data.get("name") or "Household"}
    if out["name"] == "Imported household" and not name:
        out["name"] = "Household"
    out["as_of"] = as_of or data.get("as_of") or today or date.today()
    people_data: list[dict[str, Any]] = list(data.get("people") or [])
    known = {str(p.get("id")) for p in people_data if isinstance(p, Mapping)}
    for person in persons:
        if person.id in known:
            continue
        entry: dict[str, Any] = {"id": person.id}
        if person.birth_year is not None:
            entry["birth_year"] = person.birth_year
        people_data.append(entry)
        known.add(person.id)
    out["people"] = people_data
    ids = [str(p["id"]) for p in people_data if isinstance(p, Mapping) and "id" in p]
    if "tax" in data:
        out["tax"] = data["tax"]
    else:
        out["tax"] = {
            "filing_status": "married_joint" if len(ids) == 2 else "single",
            "ordinary_rate": "22%",
            "long_term_rate": "15%",
            "retirement_rate": "22%",
        }
    if "target" not in data and "glide" not in data:
        out["target"] = dict(STARTER_TARGET)
    else:
        del comments["target"]
    for key, value in data.items():
        if key not in out and key != "accounts":
            out[key] = value
    accounts: list[dict[str, Any]] = [dict(a) for a in data.get("accounts") or []
                                      if isinstance(a, Mapping)]
    if len(ids) == 1:  # an imported account without an owner is the one person's
        for i, acct in enumerate(accounts):
            if "owner" not in acct:
                rest = {k: v for k, v in acct.items() if k != "id"}
                accounts[i] = {"id": acct.get("id"), "owner": ids[0], **rest}
    taken = {str(a.get("id")) for a in accounts}
    for kind in account_types:
        owner = JOINT if kind is AccountType.TAXABLE and len(ids) == 2 else ids[0]
        if kind is not AccountType.TAXABLE and len(ids) > 1:
            # a type named twice goes to each person in turn
            owner = ids[sum(1 for a in accounts if a.get("type") == kind.value) % len(ids)]
        account_id = f"{_slug(owner)}-{kind.value.replace('_', '-')}"
        suffix = 2
        while account_id in taken:
            account_id = f"{_slug(owner)}-{kind.value.replace('_', '-')}-{suffix}"
            suffix += 1
        taken.add(account_id)
        index = len(accounts)
        accounts.append({"id": account_id, "owner": owner, "type": kind.value, "cash": 0,
                         "holdings": []})
        comments[f"accounts[{index}].holdings"] = (
            "e.g. - {fund: VTI, shares: 10, price: 290}" + (
                "; taxable holdings carry lots (shares, cost, acquired)"
                if kind is AccountType.TAXABLE else ""))
        if kind in (AccountType.TRADITIONAL_401K, AccountType.ROTH_401K, AccountType.B403,
                    AccountType.ROTH_403B, AccountType.B457, AccountType.SIMPLE_IRA):
            comments[f"accounts[{index}].type"] = "add menu: [the plan's funds]"
    out["accounts"] = accounts
    catalog = bundled_funds()
    for k, fund in enumerate(out.get("funds") or []):
        if isinstance(fund, Mapping) and fund.get("ticker") not in catalog and (
                "classes" not in fund or "expense_ratio" not in fund):
            comments[f"funds[{k}]"] = "not in the bundled catalog: add classes and expense_ratio"
    for k, acct in enumerate(accounts):
        if acct.get("type") == UNKNOWN_TYPE:
            comments[f"accounts[{k}].type"] = "set the account's type"
    return out, comments
