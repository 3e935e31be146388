#!/usr/bin/env python3
"""Measuring ``householder plan``: what the benchmark records, as plain data (dicts of numbers and
strings, ready for ``json.dumps``); :mod:`report` turns them into tables and goal verdicts.

- **In process** (:func:`child`, run by :func:`run_child` in a fresh Python so no size's caches
  or peak memory leak into the next): one generated household (:mod:`generate`) timed stage by
  stage: **load** (``build_book``), **assemble**, **model**, **solve** (the ``timings`` that
  ``solve_household`` records), the solve split per ``cvxpy.Problem.solve`` call into cvxpy
  **compile** (``problem.compilation_time``), **solver** (the solver and its interface) and the
  rest of ``Problem.solve``; **plan** (``build_plan``) and **json** (``to_json`` + ``dumps``).
  One cold run, then up to ``repeat`` warm runs within ``budget`` seconds. Every run keeps its
  solves (problem, solver, status), so the MILP's status and the infeasible solves of each run
  can be reported. Peak RSS is the process's ``ru_maxrss`` (imports included).
- **tracemalloc** (``trace=True``, a second fresh process): the Python and numpy allocation peak
  of one dict → plan run (native solver memory shows only in RSS).
- **The CLI** (:func:`cli_measurements`): wall time and peak RSS of ``householder plan FILE
  --json`` on ``examples/kendra.yaml`` and on the generated households written as YAML, against
  ``python -c "import cvxpy"``; each plan run's JSON gives its solves.
- **Whole shares, exact or repair** (:func:`compare_whole_shares`) and **cProfile**
  (:func:`profile`), in this process.

The child entry point (used by :func:`run_child`; its last stdout line is one JSON document):

    python benchmarks/measure.py SIZE [--seed S] [--repeat N] [--budget S] [--trace]
                                      [--whole-shares auto|repair|exact]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import generate

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
EXAMPLE_KENDRA = ROOT / "examples" / "kendra.yaml"

SIZES = generate.SIZES
DEFAULT_REPEAT = {"typical": 30, "direct": 3, "huge": 0}
"""Warm runs after the cold one when ``--repeat`` is not given (the huge size: the cold run
only)."""
CLI_RUNS = 5
"""Runs of each quick command; a command over :data:`CLI_ONCE_S` is run once."""
CLI_ONCE_S = 10.0

Log = Callable[[str], None]


def _stderr(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------------------------
# Households
# ------------------------------------------------------------------------------------------------


def make_household(
    size: str, seed: int = 0, whole_share_method: str | None = None
) -> dict[str, Any]:
    """The generator's household of ``size`` and ``seed`` (:data:`generate.SIZES`), with
    ``policy.whole_share_method`` set when given (unset: the default, ``auto``)."""
    doc = generate.household(**SIZES[size], seed=seed)
    if whole_share_method:
        doc.setdefault("policy", {})["whole_share_method"] = whole_share_method
    return doc


def household_stats(doc: dict[str, Any]) -> dict[str, int]:
    """Accounts, funds named anywhere, and lots."""
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
    """One dict → plan run, stage by stage (seconds), with its solves and a few answers."""
    import numpy as np

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
    calls = timer.take()
    tm = sol.timings
    compile_s = sum(r["compile"] for r in calls)
    solver_s = sum(r["solver"] for r in calls)
    rest_s = sum(r["rest"] for r in calls)
    return {
        "load": t1 - t0,
        "assemble": tm.get("assemble", float("nan")),
        "model": tm.get("build", float("nan")),
        "solve": tm.get("solve", float("nan")),
        "compile": compile_s,
        "compile_first": calls[0]["compile"] if calls else 0.0,
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
        "solves": [
            {"problem": r.problem, "solver": r.solver, "status": r.status, "seconds": r.seconds}
            for r in sol.log
        ],
        "pairs": int(sol.data.n_pairs),
        "lots": int(sol.data.n_lots),
        "trades": sum(len(a.trades) for a in plan.accounts),
        "lots_sold": int(np.count_nonzero(sol.lot_sells > 0)),
        "target_reached": bool(sol.target_reached),
        "remaining_drift": plan.costs.remaining_drift,
        "json_bytes": len(text),
    }


def child(
    size: str,
    seed: int = 0,
    repeat: int | None = None,
    trace: bool = False,
    budget: float = 60.0,
    whole_share_method: str | None = None,
) -> dict[str, Any]:
    """Time ``size`` in this process: one cold run, then up to ``repeat`` warm runs within
    ``budget`` seconds (at least one when ``repeat`` > 0). With ``trace``, the tracemalloc peak
    of one run instead."""
    repeat = DEFAULT_REPEAT[size] if repeat is None else repeat
    t = time.perf_counter()
    import cvxpy  # noqa: F401

    import householder.optimize
    import householder.plan.build  # noqa: F401
    from householder.io.loader import build_book

    import_s = time.perf_counter() - t
    rss_imports = peak_rss_mb()
    t = time.perf_counter()
    doc = make_household(size, seed, whole_share_method)
    gen_s = time.perf_counter() - t
    if trace:
        import tracemalloc

        build_book(doc)  # bundled data loaded and cached before tracing
        timer = SolveTimer()
        tracemalloc.start()
        run_once(doc, timer)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return {"size": size, "seed": seed, "tracemalloc_peak_mb": peak / 2**20}
    timer = SolveTimer()
    cold = run_once(doc, timer)
    warm: list[dict[str, Any]] = []
    start = time.perf_counter()
    while len(warm) < repeat and (not warm or time.perf_counter() - start < budget):
        warm.append(run_once(doc, timer))
    return {
        "size": size,
        "seed": seed,
        "stats": household_stats(doc),
        "import_s": import_s,
        "gen_s": gen_s,
        "rss_imports_mb": rss_imports,
        "rss_peak_mb": peak_rss_mb(),
        "cold": cold,
        "warm": warm,
    }


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    """This process's peak resident set (MB), from ``getrusage``."""
    return _maxrss_mb(resource.getrusage(who).ru_maxrss)


def _maxrss_mb(maxrss: int) -> float:
    """``ru_maxrss`` in MB: kilobytes on Linux, bytes on macOS."""
    return maxrss / 2**20 if sys.platform == "darwin" else maxrss / 1024


# ------------------------------------------------------------------------------------------------
# Fresh processes
# ------------------------------------------------------------------------------------------------


def run_child(
    size: str,
    seed: int = 0,
    *,
    repeat: int | None = None,
    budget: float = 60.0,
    trace: bool = False,
    whole_share_method: str | None = None,
    timeout: float = 900.0,
) -> tuple[dict[str, Any] | None, str]:
    """:func:`child` in a fresh Python: (its result, "") or (None, why it failed)."""
    cmd = [sys.executable, str(Path(__file__).resolve()), size, "--seed", str(seed)]
    cmd += ["--budget", str(budget)]
    if repeat is not None:
        cmd += ["--repeat", str(repeat)]
    if trace:
        cmd.append("--trace")
    if whole_share_method:
        cmd += ["--whole-shares", whole_share_method]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()  # the child we started, by its own handle
        proc.communicate()
        return None, f"timed out after {timeout:.0f} s"
    if proc.returncode != 0:
        last = err.strip().splitlines()[-1] if err.strip() else ""
        return None, f"exit {proc.returncode}: {last}"
    return json.loads(out.strip().splitlines()[-1]), ""


def measure_in_process(
    sizes: list[str],
    seed: int = 0,
    *,
    repeat: int | None = None,
    budget: float = 60.0,
    trace: bool = True,
    whole_share_method: str | None = None,
    timeout: float = 900.0,
    log: Log = _stderr,
) -> tuple[dict[str, Any], dict[str, str]]:
    """Each size in its own fresh process (and, with ``trace``, a second one for tracemalloc):
    (results by size, errors by size)."""
    results: dict[str, Any] = {}
    errors: dict[str, str] = {}
    common: dict[str, Any] = {"whole_share_method": whole_share_method, "timeout": timeout}
    for size in sizes:
        log(f"[{size}] timing in a fresh process …")
        start = time.perf_counter()
        res, err = run_child(size, seed, repeat=repeat, budget=budget, **common)
        if res is None:
            errors[size] = err
            log(f"[{size}] {err}")
            continue
        log(f"[{size}] {1 + len(res['warm'])} runs ({time.perf_counter() - start:.1f} s wall)")
        if trace:
            log(f"[{size}] tracemalloc in a fresh process …")
            tr, err = run_child(size, seed, trace=True, **common)
            if tr is not None:
                res["tracemalloc_peak_mb"] = tr["tracemalloc_peak_mb"]
            else:
                log(f"[{size}] tracemalloc: {err}")
        results[size] = res
    return results, errors


# ------------------------------------------------------------------------------------------------
# The CLI
# ------------------------------------------------------------------------------------------------


def timed_command(cmd: list[str], timeout: float = 600.0, json_out: bool = False) -> dict[str, Any]:
    """One run of ``cmd``: wall seconds, peak RSS (MB), exit code, and with ``json_out`` the
    solves of the JSON document it printed (``solver.solves`` of a plan)."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.DEVNULL)
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()  # the child we started, by its own handle
                os.wait4(proc.pid, 0)
                return {"wall": float("inf"), "rss_mb": float("nan"), "exit": -9}
            time.sleep(0.002)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        run: dict[str, Any] = {
            "wall": wall,
            "rss_mb": _maxrss_mb(usage.ru_maxrss),
            "exit": proc.returncode,
        }
        if json_out:
            out.seek(0)
            with contextlib.suppress(ValueError, KeyError, TypeError):
                doc = json.loads(out.read())
                run["solves"] = [
                    {k: s[k] for k in ("problem", "solver", "status")}
                    for s in doc["solver"]["solves"]
                ]
    return run


def householder_exe() -> str:
    exe = Path(sys.executable).with_name("householder")
    return str(exe) if exe.exists() else "householder"


def cli_measurements(
    sizes: list[str],
    tmp: Path,
    seed: int = 0,
    *,
    big_timeout: float = 900.0,
    cli_sizes: tuple[str, ...] = ("direct",),
    whole_share_method: str | None = None,
    log: Log = _stderr,
) -> dict[str, Any]:
    """The commands' runs by name: the baselines (``import cvxpy``, ``import numpy,
    scipy.sparse``, ``householder --help``), ``plan --json`` on Kendra and on the typical
    household (up to :data:`CLI_RUNS` runs each), and once each on the large ``sizes`` that are
    also in ``cli_sizes``, written as YAML (file parsing included). Each entry:
    ``{"runs": [...], "file_mb": ...}``."""
    exe = householder_exe()
    out: dict[str, Any] = {}

    def runs_of(cmd: list[str], n: int = CLI_RUNS, json_out: bool = False) -> dict[str, Any]:
        runs = [timed_command(cmd, big_timeout, json_out)]
        while len(runs) < n and runs[0]["wall"] < CLI_ONCE_S:
            runs.append(timed_command(cmd, big_timeout, json_out))
        return {"runs": runs}

    def write(size: str) -> Path:
        doc = make_household(size, seed, whole_share_method)
        return generate.write(tmp / f"{size}-{seed}.yaml", doc)

    log("[cli] python -c 'import cvxpy', 'import numpy, scipy.sparse', householder --help …")
    out["import_cvxpy"] = runs_of([sys.executable, "-c", "import cvxpy"])
    out["import_numpy_scipy_sparse"] = runs_of([sys.executable, "-c", "import numpy, scipy.sparse"])
    out["help"] = runs_of([exe, "--help"])
    if EXAMPLE_KENDRA.exists():
        log("[cli] householder plan examples/kendra.yaml --json …")
        out["plan_kendra"] = runs_of([exe, "plan", str(EXAMPLE_KENDRA), "--json"], json_out=True)
    for size in ("typical", "direct", "huge"):
        if size != "typical" and not (size in sizes and size in cli_sizes):
            continue
        path = write(size)
        log(f"[cli] householder plan {size}.yaml --json …")
        entry = runs_of([exe, "plan", str(path), "--json"], 1 if size != "typical" else CLI_RUNS,
                        json_out=True)
        entry["file_mb"] = path.stat().st_size / 2**20
        out[f"plan_{size}"] = entry
    return out


# ------------------------------------------------------------------------------------------------
# householder batch
# ------------------------------------------------------------------------------------------------


def batch_measurement(
    n: int, tmp: Path, jobs: int = 2, size: str = "typical", timeout: float = 3600.0,
    log: Log = _stderr,
) -> dict[str, Any]:
    """``householder batch`` on ``n`` generated households of ``size`` (seeds 0 … n − 1,
    written as YAML first, not timed) with ``jobs`` workers: wall time, exit code, peak RSS
    of the parent, and from its summary table the households that failed and the
    per-household seconds (median, 90th percentile, max)."""
    import csv
    import statistics

    inputs = tmp / f"batch-{size}-{n}"
    inputs.mkdir(parents=True, exist_ok=True)
    log(f"[batch] writing {n} {size} households …")
    for seed in range(n):
        generate.write(inputs / f"{size}-{seed:05d}.yaml", make_household(size, seed))
    out = tmp / f"batch-{size}-{n}-out"
    cmd = [householder_exe(), "batch", str(inputs), "--out", str(out), "--jobs", str(jobs),
           "--force"]
    log(f"[batch] householder batch ({n} households, --jobs {jobs}) …")
    load_before = load_average()
    run = timed_command(cmd, timeout)
    rows: list[dict[str, str]] = []
    with contextlib.suppress(OSError):
        with open(out / "summary.csv", encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
    seconds = sorted(float(r["seconds"]) for r in rows if r.get("seconds"))
    return {
        "n": n,
        "jobs": jobs,
        "size": size,
        "wall": run["wall"],
        "exit": run["exit"],
        "rss_mb": run["rss_mb"],
        "rows": len(rows),
        "failed": sum(1 for r in rows if r.get("status") != "ok"),
        "not_on_target": sum(1 for r in rows if r.get("target_reached") == "False"),
        "household_s": {
            "median": statistics.median(seconds) if seconds else float("nan"),
            "p90": seconds[int(0.9 * (len(seconds) - 1))] if seconds else float("nan"),
            "max": seconds[-1] if seconds else float("nan"),
            "sum": sum(seconds),
        },
        "load_before": load_before,
        "load_after": load_average(),
    }


# ------------------------------------------------------------------------------------------------
# Whole shares: exact or repair; cProfile
# ------------------------------------------------------------------------------------------------


def compare_whole_shares(size: str, seed: int = 0, runs: int = 3) -> list[dict[str, Any]]:
    """Both whole-share methods on one household, in this process: the exact MILP
    (``whole_share_method: exact``) against a continuous solve then repair (``repair``). Per
    method: the best ``solve_household`` time of ``runs`` warm runs, the solves, the MILP's
    status, whether the target is reached, the largest drift left, the cash left over and the
    model's objective (fees, tax, turnover, idle cash, less location; the same numpy terms for
    both)."""
    from householder.io.loader import build_book
    from householder.optimize import solve_household
    from householder.plan.build import build_plan

    rows = []
    for method in ("exact", "repair"):
        book = build_book(make_household(size, seed, method))
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
        rows.append(
            {
                "method": method,
                "seconds": best,
                "runs": runs,
                "solves": [
                    {"problem": r.problem, "solver": r.solver, "status": r.status,
                     "seconds": r.seconds}
                    for r in sol.log
                ],
                "target_reached": bool(plan.target_reached),
                "remaining_drift": plan.costs.remaining_drift,
                "cash_left": float(sol.cash.sum()),
                "objective": float(objective),
            }
        )
    return rows


def profile(
    size: str, seed: int = 0, out: Path | None = None, whole_share_method: str | None = None
) -> str:
    """One warm cProfile of ``size`` (after a cold run): the top functions by cumulative and by
    own time; with ``out``, the pstats file too."""
    import cProfile
    import io
    import pstats

    doc = make_household(size, seed, whole_share_method)
    timer = SolveTimer()
    run_once(doc, timer)  # warm
    prof = cProfile.Profile()
    prof.enable()
    run_once(doc, timer)
    prof.disable()
    text = io.StringIO()
    stats = pstats.Stats(prof, stream=text)
    if out:
        stats.dump_stats(out)
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(30)
    return text.getvalue()


# ------------------------------------------------------------------------------------------------
# The machine
# ------------------------------------------------------------------------------------------------


def environment() -> dict[str, Any]:
    """What the figures were measured on: system, cores, memory, versions, commit, load."""
    uname = platform.uname()
    return {
        "system": uname.system,
        "machine": uname.machine,
        "cores": os.cpu_count(),
        "mem_gb": _mem_total_gb(),
        "python": platform.python_version(),
        "versions": {n: _version(n) for n in ("cvxpy", "clarabel", "highspy", "numpy")},
        "commit": _commit(),
        "load": load_average(),
    }


def load_average() -> float:
    with contextlib.suppress(OSError, AttributeError):
        return os.getloadavg()[0]
    return float("nan")


def _mem_total_gb() -> float:
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return int(line.split()[1]) / 2**20
    with contextlib.suppress(OSError, ValueError, AttributeError):
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return float("nan")


def _version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "?"


def _commit() -> str:
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        out = subprocess.run(
            ["git", "-C", str(ROOT), "describe", "--always", "--dirty"],
            capture_output=True, text=True, timeout=10, check=True,
        )
        return out.stdout.strip()
    return "?"


def main(argv: list[str] | None = None) -> int:
    """The child: one size in this process, its figures as one JSON line on stdout."""
    ap = argparse.ArgumentParser(description="one size in this process (the benchmark's child)")
    ap.add_argument("size", choices=list(SIZES))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=None)
    ap.add_argument("--budget", type=float, default=60.0)
    ap.add_argument("--trace", action="store_true")
    ap.add_argument("--whole-shares", choices=["auto", "repair", "exact"], default=None)
    ns = ap.parse_args(argv)
    res = child(ns.size, ns.seed, ns.repeat, ns.trace, ns.budget, ns.whole_shares)
    print(json.dumps(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
