#!/usr/bin/env python3
"""Speed and memory of ``householder plan`` at three household sizes.

    python benchmarks/bench_plan.py [--sizes typical,direct,huge] [--repeat N] [--budget S]
                                    [--whole-shares auto|repair|exact] [--cli-sizes direct,huge]
                                    [--timeout SECONDS] [--no-cli] [--no-trace] [--json FILE]
    python benchmarks/bench_plan.py --profile typical|direct|huge [--profile-out FILE]
    python benchmarks/bench_plan.py --compare-whole-shares typical

Each size runs in a fresh subprocess (so one size's caches and peak memory do not leak into the
next). A size's household is generated deterministically (seeded numpy) as a household dict in
the spec's format (/work/shared/spec/household-format.md), then timed stage by stage:

- **load**: ``build_book(dict)`` (structure checks, cross-reference checks, resolution);
- **assemble**, **model**, **solve**: from the ``timings`` that ``solve_household`` records;
  ``solve`` is split further, per ``cvxpy.Problem.solve`` call, into cvxpy **compile**
  (``problem.compilation_time``: canonicalization on the first call, re-applying parameters on
  later ones), **solver** (the solver and its interface), and the rest of ``Problem.solve``
  (DCP/DPP checks, unpacking the solution); the solver phases' own Python is what remains;
- **plan**: ``build_plan(solution)``; **json**: ``plan.to_json()`` and ``json.dumps``.

The in-process total is load + solve_household (own ``perf_counter``) + plan + json: one cold
run, then the best of up to ``--repeat`` warm runs within ``--budget`` seconds (the huge size:
the cold run only). Peak memory is the process's ``ru_maxrss`` (imports included) and, in a
second fresh process, the tracemalloc peak of one dict → plan run (Python and numpy
allocations; native solver memory shows only in RSS).

The CLI is timed too: ``householder plan FILE --json`` on ``examples/kendra.yaml`` and on the
typical household written to a temporary YAML file, against ``python -c "import cvxpy"``, best
of 5 each (a command over 10 s is run once); and, once, ``plan`` on the direct household (and
with ``--cli-sizes direct,huge`` the huge one) written as YAML: end to end, file parsing
included. ``--whole-shares`` sets ``policy.whole_share_method`` in every generated household
(unset: the default, ``auto``).

``--profile SIZE`` runs one warm cProfile of that size instead and prints the top functions.
``--compare-whole-shares SIZE`` solves that size with ``whole_share_method: exact`` and with
``repair`` and prints one row per method (time, solves, MILP status, target, drift, cash left,
objective): the measurement behind ``EXACT_WHOLE_LIMIT`` and the MILP's gaps.

Goals (issue 3, "Speed"): typical ≤ 25 ms in process; ``householder plan`` wall time ≤ 1.3× the
cvxpy import; 10,000 lots ≤ 5 s end to end under 1 GB; 100,000 lots ≤ 30 s under 2 GB.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
EXAMPLE_KENDRA = ROOT / "examples" / "kendra.yaml"
SHARED_KENDRA = Path("/work/shared/cases/kendra.yaml")
AS_OF = date(2025, 12, 31)

# ------------------------------------------------------------------------------------------------
# Households
# ------------------------------------------------------------------------------------------------

#: Realistic prices for the ETFs the generated taxable accounts hold (late 2025, rounded).
ETF_PRICES = {
    "VTI": 330.0,
    "VXUS": 72.0,
    "BND": 74.0,
    "VNQ": 92.0,
    "VEA": 60.0,
    "VWO": 53.0,
    "IJR": 118.0,
    "VO": 290.0,
    "VOO": 620.0,
    "IEFA": 86.0,
    "IEMG": 64.0,
    "AGG": 100.0,
    "SCHH": 21.5,
    "VTEB": 50.5,
    "BNDX": 49.0,
}


def _lots(
    rng: np.random.Generator, price: float, n: int, value: float, prefix: str
) -> list[dict[str, Any]]:
    """``n`` lots of one security worth about ``value`` in all at ``price``: acquired over ten
    years (about a fifth short-term, a few inside the wash-sale window), each bought at the
    price the security had then (7 %/yr drift, 18 %/yr volatility), so lots sit at gains and
    losses, short and long term."""
    age_days = np.where(
        rng.random(n) < 0.2,
        rng.integers(0, 365, n),  # short-term
        rng.integers(366, 3650, n),
    )
    age_days[rng.random(n) < 0.02] = rng.integers(0, 30)  # a few recent buys: wash-sale window
    years = age_days / 365.25
    growth = np.exp(0.07 * years + 0.18 * np.sqrt(years) * rng.standard_normal(n))
    cost_per_share = price / growth
    weights = rng.dirichlet(np.full(n, 2.0))
    shares = np.maximum(1, np.round(value * weights / price))
    return [
        {
            "id": f"{prefix}-{k + 1}",
            "shares": float(shares[k]),
            "cost": round(float(shares[k] * cost_per_share[k]), 2),
            "acquired": (AS_OF - timedelta(days=int(age_days[k]))).isoformat(),
        }
        for k in range(n)
    ]


def _split_counts(
    rng: np.random.Generator, total: int, parts: int, weights: Any = None
) -> np.ndarray:
    """``total`` items over ``parts`` bins, each at least one."""
    p = np.full(parts, 1.0 / parts) if weights is None else np.asarray(weights) / np.sum(weights)
    counts = np.ones(parts, dtype=int) + rng.multinomial(total - parts, p)
    return counts


def _value_holdings(
    rng: np.random.Generator, funds: list[str], total: float, tilt: dict[str, float] | None = None
) -> list[dict[str, Any]]:
    """Holdings by value (tax-advantaged accounts), mix drawn at random with a tilt."""
    w = rng.dirichlet(np.full(len(funds), 3.0))
    if tilt:
        w = w * np.array([tilt.get(f, 1.0) for f in funds])
        w = w / w.sum()
    return [
        {"fund": f, "value": round(float(total * wi), 2)} for f, wi in zip(funds, w, strict=True)
    ]


def _taxable_holdings(
    rng: np.random.Generator,
    etfs: list[str],
    n_lots: int,
    total: float,
    prefix: str,
    tilt: dict[str, float] | None = None,
    prices: dict[str, float] | None = None,
) -> list[dict[str, Any]]:
    prices = prices or ETF_PRICES
    w = rng.dirichlet(np.full(len(etfs), 3.0))
    if tilt:
        w = w * np.array([tilt.get(f, 1.0) for f in etfs])
        w = w / w.sum()
    counts = _split_counts(rng, n_lots, len(etfs), w)
    out = []
    for f, wi, n in zip(etfs, w, counts, strict=True):
        out.append(
            {
                "fund": f,
                "price": prices[f],
                "lots": _lots(rng, prices[f], int(n), total * wi, f"{prefix}-{f}"),
            }
        )
    return out


def typical_household(seed: int = 1) -> dict[str, Any]:
    """8 accounts (two 401(k)s with short menus, traditional and Roth IRAs, Roth 401(k), HSA, two
    taxable), 30 funds, 200 lots in the taxable accounts, nested target over 5 classes; heavy
    in US stocks and light in bonds, so the plan trades."""
    rng = np.random.default_rng(seed)
    alex_menu = ["FXAIX", "FSMAX", "FTIHX", "FXNAX", "FSRNX"]
    sam_menu = ["VFIAX", "VEXAX", "VTIAX", "VBTLX", "VGSLX"]
    hsa_menu = ["SWPPX", "SWTSX", "SWISX", "SWAGX"]
    stock_tilt = {
        "FXAIX": 3,
        "VFIAX": 3,
        "SWPPX": 3,
        "SWTSX": 2,
        "VTI": 3,
        "VOO": 3,
        "IJR": 2,
        "FXNAX": 0.4,
        "VBTLX": 0.4,
        "SWAGX": 0.4,
        "BND": 0.4,
        "AGG": 0.4,
        "BNDX": 0.3,
    }
    return {
        "name": "Typical (benchmark)",
        "as_of": AS_OF.isoformat(),
        "people": [{"id": "alex", "birth_year": 1981}, {"id": "sam", "birth_year": 1983}],
        "tax": {
            "filing_status": "married_joint",
            "ordinary_rate": "24%",
            "long_term_rate": "15%",
            "retirement_rate": "22%",
        },
        "target": {
            "stocks": {"weight": 70, "split": {"us_stocks": 65, "intl_stocks": 35}},
            "bonds": {"weight": 25, "split": {"us_bonds": 80, "intl_bonds": 20}},
            "real_estate": 5,
        },
        "accounts": [
            {
                "id": "alex-401k",
                "owner": "alex",
                "type": "traditional_401k",
                "menu": alex_menu,
                "holdings": _value_holdings(rng, alex_menu, 182_000, stock_tilt),
            },
            {
                "id": "sam-401k",
                "owner": "sam",
                "type": "traditional_401k",
                "menu": sam_menu,
                "holdings": _value_holdings(rng, sam_menu, 141_000, stock_tilt),
            },
            {
                "id": "alex-roth-401k",
                "owner": "alex",
                "type": "roth_401k",
                "menu": alex_menu,
                "holdings": _value_holdings(rng, alex_menu[:3], 38_500, stock_tilt),
            },
            {
                "id": "alex-ira",
                "owner": "alex",
                "type": "traditional_ira",
                "cash": 812.40,
                "holdings": _value_holdings(rng, ["VFORX", "VTIAX", "VBTLX"], 91_000, stock_tilt),
            },
            {
                "id": "sam-roth-ira",
                "owner": "sam",
                "type": "roth_ira",
                "cash": 250.0,
                "holdings": [
                    {"fund": "VTI", "shares": 120.0, "price": ETF_PRICES["VTI"]},
                    {"fund": "VXUS", "shares": 210.0, "price": ETF_PRICES["VXUS"]},
                    {"fund": "VMFXX", "value": 1500.0},
                ],
            },
            {
                "id": "alex-hsa",
                "owner": "alex",
                "type": "hsa",
                "menu": hsa_menu,
                "cash": 1200.0,
                "holdings": _value_holdings(rng, hsa_menu, 24_800, stock_tilt),
            },
            {
                "id": "joint-brokerage",
                "owner": "joint",
                "type": "taxable",
                "cash": 2500.0,
                "holdings": _taxable_holdings(
                    rng,
                    ["VTI", "VXUS", "BND", "VNQ", "VEA", "VWO", "IJR", "VO"],
                    120,
                    255_000,
                    "J",
                    stock_tilt,
                ),
            },
            {
                "id": "alex-brokerage",
                "owner": "alex",
                "type": "taxable",
                "cash": 640.0,
                "holdings": _taxable_holdings(
                    rng,
                    ["VOO", "IEFA", "IEMG", "AGG", "VTEB", "BNDX"],
                    80,
                    118_000,
                    "A",
                    stock_tilt,
                ),
            },
        ],
    }


def direct_household(
    seed: int = 2, n_stocks: int = 500, n_lots: int = 10_000, n_direct_accounts: int = 1
) -> dict[str, Any]:
    """Direct indexing: ``n_direct_accounts`` taxable accounts each holding all ``n_stocks`` single
    stocks (``kind: stock``, us_large/us_mid/us_small, priced), ``n_lots`` lots in all; plus six
    accounts holding index funds (two 401(k)s with menus, Roth 401(k), traditional and Roth
    IRAs without menus, HSA). Heavy in US large caps, light in bonds and international."""
    rng = np.random.default_rng(seed)
    tickers = [f"S{i:04d}" for i in range(n_stocks)]
    n_large, n_mid = int(n_stocks * 0.6), int(n_stocks * 0.24)
    cls = ["us_large"] * n_large + ["us_mid"] * n_mid + ["us_small"] * (n_stocks - n_large - n_mid)
    prices = np.clip(np.exp(rng.normal(np.log(110), 0.9, n_stocks)), 4.0, 2500.0).round(2)
    cap = np.sort(rng.pareto(1.2, n_stocks) + 1)[::-1]  # market-cap-like weights, large first
    funds = [
        {
            "ticker": t,
            "name": f"Stock {t}",
            "expense_ratio": 0,
            "classes": {c: 100},
            "kind": "stock",
        }
        for t, c in zip(tickers, cls, strict=True)
    ]
    price_of = dict(zip(tickers, prices.tolist(), strict=True))
    direct_accounts = []
    lots_per_account = _split_counts(rng, n_lots, n_direct_accounts)
    for k in range(n_direct_accounts):
        total = 2_000_000.0 / n_direct_accounts
        counts = _split_counts(rng, int(lots_per_account[k]), n_stocks, np.sqrt(cap))
        values = total * cap / cap.sum()
        holdings = [
            {
                "fund": t,
                "price": price_of[t],
                "lots": _lots(rng, price_of[t], int(n), float(v), f"D{k}-{t}"),
            }
            for t, n, v in zip(tickers, counts, values, strict=True)
        ]
        direct_accounts.append(
            {
                "id": f"direct-{k + 1}",
                "owner": "joint",
                "type": "taxable",
                "cash": 5000.0,
                "holdings": holdings,
            }
        )
    alex_menu = ["FXAIX", "FSMAX", "FTIHX", "FXNAX"]
    sam_menu = ["VFIAX", "VEXAX", "VTIAX", "VBTLX"]
    tilt = {"FXAIX": 3, "VFIAX": 3, "FXNAX": 0.5, "VBTLX": 0.5}
    etf = {"VTI": 330.0, "VXUS": 72.0, "BND": 74.0}
    return {
        "name": f"Direct indexing (benchmark, {n_lots} lots)",
        "as_of": AS_OF.isoformat(),
        "people": [{"id": "alex", "birth_year": 1975}, {"id": "sam", "birth_year": 1977}],
        "tax": {
            "filing_status": "married_joint",
            "ordinary_rate": "37%",
            "long_term_rate": "20%",
            "retirement_rate": "32%",
            "niit": True,
        },
        "target": {
            "stocks": {
                "weight": 80,
                "split": {
                    "us_stocks": {
                        "weight": 75,
                        "split": {"us_large": 70, "us_mid": 20, "us_small": 10},
                    },
                    "intl_stocks": 25,
                },
            },
            "bonds": 20,
        },
        "funds": funds,
        "prices": etf,
        "accounts": [
            *direct_accounts,
            {
                "id": "alex-401k",
                "owner": "alex",
                "type": "traditional_401k",
                "menu": alex_menu,
                "holdings": _value_holdings(rng, alex_menu, 610_000, tilt),
            },
            {
                "id": "sam-401k",
                "owner": "sam",
                "type": "traditional_401k",
                "menu": sam_menu,
                "holdings": _value_holdings(rng, sam_menu, 480_000, tilt),
            },
            {
                "id": "alex-roth-401k",
                "owner": "alex",
                "type": "roth_401k",
                "menu": alex_menu,
                "holdings": _value_holdings(rng, alex_menu[:2], 95_000, tilt),
            },
            {
                "id": "alex-ira",
                "owner": "alex",
                "type": "traditional_ira",
                "cash": 1500.0,
                "holdings": [{"fund": "VTI", "shares": 900.0}, {"fund": "BND", "shares": 600.0}],
            },
            {
                "id": "sam-roth-ira",
                "owner": "sam",
                "type": "roth_ira",
                "holdings": [{"fund": "VTI", "shares": 500.0}, {"fund": "VXUS", "shares": 300.0}],
            },
            {
                "id": "alex-hsa",
                "owner": "alex",
                "type": "hsa",
                "cash": 900.0,
                "menu": ["VTI", "VXUS", "BND"],
                "holdings": [{"fund": "VTI", "shares": 120.0}, {"fund": "BND", "shares": 40.0}],
            },
        ],
    }


SIZES = {
    "typical": lambda: typical_household(),
    "direct": lambda: direct_household(),
    "huge": lambda: direct_household(seed=3, n_stocks=1000, n_lots=100_000, n_direct_accounts=2),
}
DEFAULT_REPEAT = {"typical": 30, "direct": 3, "huge": 0}
WHOLE_SHARE_METHOD: str | None = None
"""``--whole-shares``: sets ``policy.whole_share_method`` in every generated household."""


def generate(size: str) -> dict[str, Any]:
    doc = SIZES[size]()
    if WHOLE_SHARE_METHOD:
        doc.setdefault("policy", {})["whole_share_method"] = WHOLE_SHARE_METHOD
    return doc


def household_stats(doc: dict[str, Any]) -> dict[str, int]:
    lots = sum(len(h.get("lots") or []) for a in doc["accounts"] for h in a["holdings"])
    named = {h["fund"] for a in doc["accounts"] for h in a["holdings"]}
    named |= {t for a in doc["accounts"] for t in a.get("menu") or []}
    named |= {f["ticker"] for f in doc.get("funds", [])}
    return {"accounts": len(doc["accounts"]), "funds": len(named), "lots": lots}


# ------------------------------------------------------------------------------------------------
# One size, in this (fresh) process
# ------------------------------------------------------------------------------------------------


class SolveTimer:
    """Wraps ``cvxpy.Problem.solve`` to split each call into compile / solver / rest."""

    def __init__(self) -> None:
        import cvxpy as cp

        self.records: list[dict[str, float]] = []
        self._orig = cp.Problem.solve
        timer = self

        def solve(problem: Any, *args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return timer._orig(problem, *args, **kwargs)
            finally:
                wall = time.perf_counter() - start
                comp = problem.compilation_time or 0.0
                solver = getattr(problem, "_solve_time", None) or 0.0
                timer.records.append(
                    {
                        "wall": wall,
                        "compile": comp,
                        "solver": solver,
                        "rest": max(wall - comp - solver, 0.0),
                    }
                )

        cp.Problem.solve = solve

    def take(self) -> list[dict[str, float]]:
        out, self.records = self.records, []
        return out


def run_once(doc: dict[str, Any], timer: SolveTimer) -> dict[str, Any]:
    from householder.io.loader import build_book
    from householder.optimize import solve_household
    from householder.plan.build import build_plan

    t0 = time.perf_counter()
    book = build_book(doc)
    t1 = time.perf_counter()
    sol = solve_household(book)
    t2 = time.perf_counter()
    plan = build_plan(sol)
    t3 = time.perf_counter()
    text = json.dumps(plan.to_json())
    t4 = time.perf_counter()
    solves = timer.take()
    tm = sol.timings
    compile_s = sum(r["compile"] for r in solves)
    solver_s = sum(r["solver"] for r in solves)
    rest_s = sum(r["rest"] for r in solves)
    out = {
        "load": t1 - t0,
        "assemble": tm.get("assemble", float("nan")),
        "model": tm.get("build", float("nan")),
        "solve": tm.get("solve", float("nan")),
        "compile": compile_s,
        "compile_first": solves[0]["compile"] if solves else 0.0,
        "solver": solver_s,
        "cvxpy_rest": rest_s,
        "phases_py": tm.get("solve", 0.0) - compile_s - solver_s - rest_s,
        "result": tm.get("total", 0.0)
        - tm.get("assemble", 0.0)
        - tm.get("build", 0.0)
        - tm.get("solve", 0.0),
        "solve_household": t2 - t1,
        "plan": t3 - t2,
        "json": t4 - t3,
        "total": t4 - t0,
        "n_solves": len(solves),
        "solves": [f"{r.problem}/{r.solver}/{r.status}" for r in sol.log],
        "pairs": int(sol.data.n_pairs),
        "lots": int(sol.data.n_lots),
        "trades": sum(len(a.trades) for a in plan.accounts),
        "lots_sold": int(np.count_nonzero(sol.lot_sells > 0)),
        "target_reached": bool(sol.target_reached),
        "remaining_drift": plan.costs.remaining_drift,
        "json_bytes": len(text),
    }
    return out


def child(size: str, repeat: int, trace: bool, budget: float = 60.0) -> dict[str, Any]:
    """Time ``size``: one cold run, then up to ``repeat`` warm runs within ``budget`` seconds
    (at least one warm run when ``repeat`` > 0)."""
    t = time.perf_counter()
    import cvxpy  # noqa: F401

    import householder.optimize
    import householder.plan.build  # noqa: F401
    from householder.io.loader import build_book

    import_s = time.perf_counter() - t
    rss_imports = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t = time.perf_counter()
    doc = generate(size)
    gen_s = time.perf_counter() - t
    stats = household_stats(doc)
    if trace:
        import tracemalloc

        build_book(doc)  # bundled data loaded and cached before tracing
        timer = SolveTimer()
        tracemalloc.start()
        run_once(doc, timer)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return {"size": size, "tracemalloc_peak_mb": peak / 2**20}
    timer = SolveTimer()
    runs = [run_once(doc, timer)]  # cold
    start = time.perf_counter()
    while len(runs) <= repeat and (len(runs) < 2 or time.perf_counter() - start < budget):
        runs.append(run_once(doc, timer))
    cold, warm = runs[0], runs[1:] or runs[:1]
    best = min(warm, key=lambda r: r["total"])
    return {
        "size": size,
        "stats": stats,
        "import_s": import_s,
        "gen_s": gen_s,
        "rss_imports_mb": rss_imports / 1024,
        "rss_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "cold": cold,
        "best": best,
        "median_total": statistics.median(r["total"] for r in warm),
        "runs": len(warm),
    }


def compare_whole_shares(size: str, runs: int = 3) -> str:
    """Both whole-share methods on one household, in this process: the exact MILP
    (``whole_share_method: exact``) against a continuous solve then repair (``repair``). Per
    method: the best ``solve_household`` time of ``runs`` warm runs, the solves, whether the
    target is reached, the largest drift left, the cash left over and the model's objective
    (fees, tax, turnover, idle cash, less location; the same numpy terms for both)."""
    from householder.io.loader import build_book
    from householder.optimize import solve_household
    from householder.plan.build import build_plan

    rows = []
    for method in ("exact", "repair"):
        doc = SIZES[size]()
        doc.setdefault("policy", {})["whole_share_method"] = method
        book = build_book(doc)
        solve_household(book)  # warm
        best, sol = float("inf"), None
        for _ in range(runs):
            t = time.perf_counter()
            sol = solve_household(book)
            best = min(best, time.perf_counter() - t)
        assert sol is not None
        plan = build_plan(sol)
        terms = sol.objective_terms
        objective = sum(v for k, v in terms.items() if k != "location") - terms.get("location", 0)
        milp = [r for r in sol.log if "MILP" in r.problem]
        rows.append(
            [
                method,
                fmt_s(best),
                str(len(sol.log)),
                f"{milp[0].status}, {fmt_s(milp[0].seconds)}" if milp else "—",
                "yes" if plan.target_reached else "no",
                f"{plan.costs.remaining_drift * 100:.4f} pts",
                f"${float(sol.cash.sum()):,.2f}",
                f"${objective:,.2f}",
            ]
        )
    head = ["method", "solve_household (best)", "solves", "MILP", "on target", "drift left"]
    head += ["cash left", "objective"]
    return "\n".join(_md_table(head, rows))


def profile(size: str, out: Path | None) -> None:
    import cProfile
    import pstats

    doc = generate(size)
    timer = SolveTimer()
    run_once(doc, timer)  # warm
    prof = cProfile.Profile()
    prof.enable()
    run_once(doc, timer)
    prof.disable()
    stats = pstats.Stats(prof)
    if out:
        stats.dump_stats(out)
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(30)


# ------------------------------------------------------------------------------------------------
# The parent: fresh processes, the CLI, the table
# ------------------------------------------------------------------------------------------------


def run_child(args: list[str], timeout: float) -> tuple[dict[str, Any] | None, str]:
    """Run this script as a child; its last stdout line is a JSON document."""
    cmd = [sys.executable, str(Path(__file__).resolve()), *args]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()  # the child we started, by its own handle
        proc.communicate()
        return None, f"timed out after {timeout:.0f} s"
    if proc.returncode != 0:
        return (
            None,
            f"exit {proc.returncode}: {err.strip().splitlines()[-1] if err.strip() else ''}",
        )
    return json.loads(out.strip().splitlines()[-1]), ""


def timed_command(cmd: list[str], timeout: float = 600) -> tuple[float, float, int]:
    """Wall seconds, peak RSS (MB) and exit code of one run of ``cmd``."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = start + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            proc.kill()
            os.wait4(proc.pid, 0)
            return float("inf"), float("nan"), -9
        time.sleep(0.002)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss / 1024, proc.returncode


def householder_exe() -> str:
    exe = Path(sys.executable).with_name("householder")
    return str(exe) if exe.exists() else "householder"


def write_yaml(doc: dict[str, Any], path: Path) -> Path:
    import yaml

    path.write_text(yaml.safe_dump(doc, sort_keys=False, width=120))
    return path


def cli_measurements(
    sizes: list[str], tmp: Path, big_timeout: float, cli_sizes: tuple[str, ...] = ("direct",)
) -> dict[str, Any]:
    import yaml

    exe = householder_exe()
    out: dict[str, Any] = {}

    def best_of(cmd: list[str], n: int = 5) -> tuple[float, float, int]:
        runs = [timed_command(cmd)]
        while len(runs) < n and runs[0][0] < 10:  # a run over 10 s is timed once
            runs.append(timed_command(cmd))
        return min(r[0] for r in runs), max(r[1] for r in runs), max(r[2] for r in runs)

    out["import_cvxpy"] = best_of([sys.executable, "-c", "import cvxpy"])
    out["import_numpy_scipy_sparse"] = best_of([sys.executable, "-c", "import numpy, scipy.sparse"])
    out["help"] = best_of([exe, "--help"])
    if EXAMPLE_KENDRA.exists():
        out["plan_kendra"] = best_of([exe, "plan", str(EXAMPLE_KENDRA), "--json"])
    elif SHARED_KENDRA.exists():
        case = yaml.safe_load(SHARED_KENDRA.read_text())
        kendra = write_yaml(case["household"], tmp / "kendra.yaml")
        out["plan_kendra"] = best_of([exe, "plan", str(kendra), "--json"])
    typical = write_yaml(generate("typical"), tmp / "typical.yaml")
    out["plan_typical"] = best_of([exe, "plan", str(typical), "--json"])
    for size in ("direct", "huge"):
        if size in sizes and size in cli_sizes:
            path = write_yaml(generate(size), tmp / f"{size}.yaml")
            out[f"plan_{size}_file_mb"] = path.stat().st_size / 2**20
            out[f"plan_{size}"] = timed_command([exe, "plan", str(path), "--json"], big_timeout)
    return out


def fmt_s(x: float | None) -> str:
    if x is None or x != x:
        return "—"
    if x == float("inf"):
        return "timeout"
    if x < 1:
        return f"{x * 1000:.1f} ms"
    return f"{x:.2f} s"


def verdict(ok: bool | None) -> str:
    return "—" if ok is None else ("met" if ok else "**missed**")


def report(
    results: dict[str, Any],
    errors: dict[str, str],
    cli: dict[str, Any],
    load: tuple[float, float] = (float("nan"), float("nan")),
) -> str:
    lines = []
    uname = platform.uname()
    lines.append(
        f"machine: {uname.system} {uname.machine}, {os.cpu_count()} cores, "
        f"{_mem_total_gb():.0f} GB RAM; Python {platform.python_version()}; "
        f"cvxpy {_version('cvxpy')}, clarabel {_version('clarabel')}, "
        f"highspy {_version('highspy')}, numpy {_version('numpy')}"
    )
    lines.append(
        f"1-minute load average at start / end: {load[0]:.1f} / {load[1]:.1f}"
        + (
            f"; policy.whole_share_method: {WHOLE_SHARE_METHOD}"
            if WHOLE_SHARE_METHOD
            else "; policy.whole_share_method: (default)"
        )
    )
    lines.append("")
    sizes = [s for s in SIZES if s in results or s in errors]
    head = ["stage", *sizes]
    rows: list[list[str]] = []

    def row(label: str, get: Any) -> None:
        cells = []
        for s in sizes:
            r = results.get(s)
            if r is None:
                cells.append(errors.get(s, "—"))
                continue
            try:
                cells.append(get(r))
            except (KeyError, TypeError):
                cells.append("—")
        rows.append([label, *cells])

    row("accounts / funds / lots", lambda r: "{accounts} / {funds} / {lots}".format(**r["stats"]))
    row("pairs (account × fund)", lambda r: str(r["best"]["pairs"]))
    row("load (build_book)", lambda r: fmt_s(r["best"]["load"]))
    row("assemble", lambda r: fmt_s(r["best"]["assemble"]))
    row("model build (cvxpy expressions)", lambda r: fmt_s(r["best"]["model"]))
    row("solve phases (all solves)", lambda r: fmt_s(r["best"]["solve"]))
    row("  cvxpy compile (first solve)", lambda r: fmt_s(r["best"]["compile_first"]))
    row("  cvxpy compile (all solves)", lambda r: fmt_s(r["best"]["compile"]))
    row("  solver (incl. interface)", lambda r: fmt_s(r["best"]["solver"]))
    row("  rest of Problem.solve", lambda r: fmt_s(r["best"]["cvxpy_rest"]))
    row("  phases' own Python", lambda r: fmt_s(r["best"]["phases_py"]))
    row("  solves", lambda r: f"{r['best']['n_solves']}: " + ", ".join(r["best"]["solves"]))
    row("solution (top-up etc.)", lambda r: fmt_s(r["best"]["result"]))
    row("solve_household (perf_counter)", lambda r: fmt_s(r["best"]["solve_household"]))
    row("build_plan", lambda r: fmt_s(r["best"]["plan"]))
    row("to_json + dumps", lambda r: fmt_s(r["best"]["json"]))
    row("**total in process (best)**", lambda r: f"**{fmt_s(r['best']['total'])}**")
    row("total, median of warm runs", lambda r: f"{fmt_s(r['median_total'])} ({r['runs']} runs)")
    row("total, first (cold) run", lambda r: fmt_s(r["cold"]["total"]))
    row("peak RSS (process, incl. imports)", lambda r: f"{r['rss_peak_mb']:.0f} MB")
    row("  RSS after imports", lambda r: f"{r['rss_imports_mb']:.0f} MB")
    row("tracemalloc peak (one run)", lambda r: f"{r['tracemalloc_peak_mb']:.0f} MB")
    row("trades / lots sold", lambda r: f"{r['best']['trades']} / {r['best']['lots_sold']}")
    lines += _md_table(head, rows)
    lines.append("")

    # goals
    goals: list[list[str]] = []
    t = results.get("typical")
    goals.append(
        [
            "typical ≤ 25 ms in process",
            fmt_s(t["best"]["total"]) if t else errors.get("typical", "—"),
            verdict(t["best"]["total"] <= 0.025 if t else None),
        ]
    )
    if cli.get("plan_kendra") or cli.get("plan_typical"):
        imp = cli["import_cvxpy"][0]
        for key, label in (("plan_kendra", "Kendra"), ("plan_typical", "typical")):
            if key in cli:
                wall = cli[key][0]
                goals.append(
                    [
                        f"`householder plan` ({label}) ≤ 1.3× `import cvxpy`",
                        f"{fmt_s(wall)} vs {fmt_s(imp)} = {wall / imp:.2f}×",
                        verdict(wall <= 1.3 * imp),
                    ]
                )
    for size, limit_s, limit_mb, label in (
        ("direct", 5, 1024, "10,000 lots ≤ 5 s, < 1 GB"),
        ("huge", 30, 2048, "100,000 lots ≤ 30 s, < 2 GB"),
    ):
        r = results.get(size)
        if r is None:
            if size in errors:
                goals.append([f"{label} (in process)", errors[size], "**missed**"])
            continue
        total, rss = r["best"]["total"], r["rss_peak_mb"]
        goals.append(
            [
                f"{label} (in process, dict → plan)",
                f"{fmt_s(total)}, {rss:.0f} MB",
                verdict(total <= limit_s and rss < limit_mb),
            ]
        )
        key = f"plan_{size}"
        if key in cli:
            wall, mb, rc = cli[key]
            note = f"{fmt_s(wall)}, {mb:.0f} MB" + (f" (exit {rc})" if rc else "")
            goals.append(
                [
                    f"{label} (`householder plan` on a {cli[key + '_file_mb']:.1f} MB YAML)",
                    note,
                    verdict(rc == 0 and wall <= limit_s and mb < limit_mb),
                ]
            )
    lines += _md_table(["goal", "measured", "verdict"], goals)
    if cli:
        lines.append("")
        cl = [
            [k, fmt_s(v[0]), f"{v[1]:.0f} MB"]
            for k, v in cli.items()
            if isinstance(v, tuple | list)
        ]
        lines += _md_table(["command (best of 5; direct/huge once)", "wall", "peak RSS"], cl)
    return "\n".join(lines)


def _md_table(head: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows, strict=True)]
    fmt = "| " + " | ".join(f"{{:{w}}}" for w in widths) + " |"
    out = [fmt.format(*head), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += [fmt.format(*r) for r in rows]
    return out


def _mem_total_gb() -> float:
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return int(line.split()[1]) / 2**20
    return float("nan")


def _version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "?"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="typical,direct,huge")
    ap.add_argument(
        "--repeat",
        type=int,
        default=None,
        help="warm runs per size after one cold run, within --budget seconds "
        "(default: typical 30, direct 3, huge 0: the cold run only)",
    )
    ap.add_argument(
        "--budget",
        type=float,
        default=60.0,
        help="seconds of warm runs per size at most (default 60)",
    )
    ap.add_argument("--timeout", type=float, default=900, help="seconds per size (default 900)")
    ap.add_argument("--no-cli", action="store_true", help="skip the CLI wall-time runs")
    ap.add_argument(
        "--cli-sizes",
        default="direct",
        help="large sizes also timed through the CLI on a YAML file (default: direct; "
        "'direct,huge' adds the slow huge run)",
    )
    ap.add_argument(
        "--whole-shares",
        choices=["auto", "repair", "exact"],
        default=None,
        help="set policy.whole_share_method in the generated households",
    )
    ap.add_argument("--no-trace", action="store_true", help="skip the tracemalloc runs")
    ap.add_argument("--profile", metavar="SIZE", help="cProfile one warm run of SIZE instead")
    ap.add_argument(
        "--compare-whole-shares",
        metavar="SIZE",
        help="time whole_share_method exact against repair on SIZE instead (in process)",
    )
    ap.add_argument("--profile-out", type=Path, default=None, help="write the pstats file here")
    ap.add_argument("--json", type=Path, default=None, help="also write the raw figures here")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    global WHOLE_SHARE_METHOD
    WHOLE_SHARE_METHOD = args.whole_shares
    passthrough = ["--whole-shares", args.whole_shares] if args.whole_shares else []

    if args.child:
        repeat = args.repeat if args.repeat is not None else DEFAULT_REPEAT[args.child]
        print(json.dumps(child(args.child, repeat, args.trace, args.budget)))
        return 0
    if args.profile:
        profile(args.profile, args.profile_out)
        return 0
    if args.compare_whole_shares:
        print(compare_whole_shares(args.compare_whole_shares))
        return 0

    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    unknown = set(sizes) - set(SIZES)
    if unknown:
        ap.error(f"unknown sizes {sorted(unknown)}; choose from {', '.join(SIZES)}")
    results: dict[str, Any] = {}
    errors: dict[str, str] = {}
    load_start = os.getloadavg()[0]
    for size in sizes:
        print(f"[{size}] timing in a fresh process …", file=sys.stderr, flush=True)
        extra = ["--repeat", str(args.repeat)] if args.repeat is not None else []
        extra += ["--budget", str(args.budget)]
        start = time.perf_counter()
        res, err = run_child(["--child", size, *extra, *passthrough], args.timeout)
        if res is None:
            errors[size] = err
            print(f"[{size}] {err}", file=sys.stderr, flush=True)
            continue
        print(
            f"[{size}] best {fmt_s(res['best']['total'])} "
            f"({time.perf_counter() - start:.1f} s wall)",
            file=sys.stderr,
            flush=True,
        )
        if not args.no_trace:
            print(f"[{size}] tracemalloc in a fresh process …", file=sys.stderr, flush=True)
            tr, err = run_child(["--child", size, "--trace", *passthrough], args.timeout)
            if tr is not None:
                res["tracemalloc_peak_mb"] = tr["tracemalloc_peak_mb"]
        results[size] = res
    cli: dict[str, Any] = {}
    if not args.no_cli:
        print("[cli] timing householder plan vs import cvxpy …", file=sys.stderr, flush=True)
        with tempfile.TemporaryDirectory() as tmp:
            cli = cli_measurements(
                [s for s in sizes if s in results],
                Path(tmp),
                args.timeout,
                tuple(args.cli_sizes.split(",")),
            )
    if args.json:
        args.json.write_text(
            json.dumps({"results": results, "errors": errors, "cli": cli}, indent=2, default=str)
        )
    print(report(results, errors, cli, (load_start, os.getloadavg()[0])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
