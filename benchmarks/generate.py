"""Synthetic households in the spec's format, for speed, scale and regression checks.

The same households as the workplace's shared generator (``gen_household.py OUT.yaml --accounts 8
--funds 30 --lots 200 --seed S``, and ``--direct 500 --lots 10000``): the same seeded
``random.Random`` draws in the same order, so a seed names one household wherever it is made.
``tests/test_benchmarks.py`` checks the two agree when the shared tool is present.

    python benchmarks/generate.py OUT.yaml [--accounts 8] [--funds 30] [--lots 200] [--seed 0]
                                           [--direct 0]

Accounts cycle through taxable / traditional_401k / roth_ira / traditional_ira / hsa /
roth_401k / taxable / 403b; taxable holdings carry lots; 401(k)s and 403(b)s get a short menu;
the target spans eleven leaves of the bundled taxonomy.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path
from typing import Any

import yaml

LEAVES = ["us_large", "us_mid", "us_small", "intl_developed", "emerging", "treasuries", "tips",
          "corporate_bonds", "intl_bonds", "reits", "cash"]
TYPES = ["taxable", "traditional_401k", "roth_ira", "traditional_ira", "hsa", "roth_401k",
         "taxable", "403b"]

SIZES: dict[str, dict[str, int]] = {
    "typical": {"accounts": 8, "funds": 30, "lots": 200},
    "direct": {"accounts": 8, "funds": 40, "lots": 10_000, "direct": 500},
    "huge": {"accounts": 8, "funds": 40, "lots": 100_000, "direct": 500},
}
"""The sizes the goals are stated for (issue 14): a typical household with ETFs, direct indexing
with 10,000 lots, and 100,000 lots."""


def household(accounts: int = 8, funds: int = 30, lots: int = 200, seed: int = 0,
              direct: int = 0) -> dict[str, Any]:
    """One synthetic household as plain data (the file's structure)."""
    rng = random.Random(seed)
    fund_list: list[dict[str, Any]] = [
        {"ticker": f"S{i:04d}", "expense_ratio": "0%", "kind": "stock",
         "classes": {rng.choice(["us_large", "us_large", "us_mid", "us_small"]): 100}}
        for i in range(direct)
    ]
    for i in range(funds):
        k = rng.choice([1, 1, 1, 2, 3])
        cls = rng.sample(LEAVES[:-1], k)
        w = [rng.randint(1, 10) for _ in cls]
        pct = [round(100 * x / sum(w), 2) for x in w]
        pct[-1] = round(100 - sum(pct[:-1]), 2)
        kind = rng.choice(["etf", "mutual_fund", "mutual_fund"])
        fund_list.append({"ticker": f"F{i:04d}", "expense_ratio": f"{rng.uniform(0.02, 1.0):.2f}%",
                          "classes": dict(zip(cls, pct, strict=True)), "kind": kind})
    tickers = [f["ticker"] for f in fund_list if f["kind"] != "stock"]
    prices = {f["ticker"]: round(rng.uniform(20, 400), 2) for f in fund_list}
    taxable_ids: list[int] = []
    accts: list[dict[str, Any]] = []
    for a in range(accounts):
        typ = TYPES[a % len(TYPES)]
        owner = "joint" if typ == "taxable" else ("p1" if a % 2 == 0 else "p2")
        acct: dict[str, Any] = {"id": f"acct{a:03d}", "owner": owner, "type": typ,
                                "cash": round(rng.uniform(0, 5000), 2), "holdings": []}
        menu = (rng.sample(tickers, min(len(tickers), rng.randint(3, 12)))
                if "401k" in typ or typ == "403b" else None)
        if menu:
            acct["menu"] = menu
        held = rng.sample(menu or tickers, min(len(menu or tickers), rng.randint(2, 8)))
        for t in held:
            shares = round(rng.uniform(10, 500), 3)
            acct["holdings"].append({"fund": t, "shares": shares, "price": prices[t]})
        if typ == "taxable":
            taxable_ids.append(a)
            if direct and len(taxable_ids) == 1:
                acct["holdings"] += [{"fund": f"S{i:04d}", "shares": round(rng.uniform(5, 200), 3),
                                      "price": prices[f"S{i:04d}"]} for i in range(direct)]
        accts.append(acct)
    holdings = [(a, h) for a in taxable_ids for h in accts[a]["holdings"]]
    per = max(1, lots // max(1, len(holdings)))
    for a, h in holdings:
        shares = h.pop("shares")
        cuts = sorted(rng.uniform(0, shares) for _ in range(per - 1))
        parts = [b - c for b, c in zip([*cuts, shares], [0, *cuts], strict=True)]
        h["lots"] = []
        for j, s in enumerate(parts):
            y, m, d = rng.randint(2015, 2025), rng.randint(1, 12), rng.randint(1, 28)
            if y == 2025 and m > 11:
                m = 11
            h["lots"].append({"id": f"{accts[a]['id']}-{h['fund']}-{j}",
                              "shares": round(max(s, 0.001), 6),
                              "cost": round(max(s, 0.001) * h["price"] * rng.uniform(0.4, 1.5), 2),
                              "acquired": f"{y:04d}-{m:02d}-{d:02d}"})
    w = [rng.randint(1, 10) for _ in LEAVES]
    pct = [round(100 * x / sum(w), 2) for x in w]
    pct[-1] = round(100 - sum(pct[:-1]), 2)
    return {"name": f"synthetic-{accounts}x{funds}x{lots}", "as_of": "2025-11-28",
            "people": [{"id": "p1", "birth_year": 1975}, {"id": "p2", "birth_year": 1978}],
            "tax": {"filing_status": "married_joint", "ordinary_rate": "32%",
                    "long_term_rate": "15%", "retirement_rate": "24%"},
            "target": dict(zip(LEAVES, pct, strict=True)), "funds": fund_list, "prices": prices,
            "accounts": accts}


def write(path: Path, data: dict[str, Any]) -> Path:
    """Write ``data`` as YAML (the shared generator's layout: keys in order)."""
    with open(path, "w", encoding="utf-8") as f:
        yaml.safe_dump(data, f, sort_keys=False)
    return path


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--accounts", type=int, default=8)
    ap.add_argument("--funds", type=int, default=30)
    ap.add_argument("--lots", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--direct", type=int, default=0,
                    help="single stocks held in the first taxable account")
    ns = ap.parse_args(argv)
    write(ns.out, household(ns.accounts, ns.funds, ns.lots, ns.seed, ns.direct))


if __name__ == "__main__":
    main()
