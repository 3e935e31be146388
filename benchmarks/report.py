"""The benchmark's figures (:mod:`measure`'s plain data) as markdown tables, and the goals of
issue 14 with a verdict each. Nothing here times anything: the functions take the figures and
return text, so they can be checked on made-up figures.

The goals, on the generator's households (:data:`generate.SIZES`):

- **typical** (8 accounts, 30 funds, 200 lots; whole shares where the policy says so):
  ``householder plan --json`` ≤ 1.3× ``python -c "import cvxpy"`` (medians, measured in the same
  run); in process ≤ 100 ms median; the whole-share MILP never ends at its time limit (the
  MILP's status in every run, in process and through the CLI).
- **direct** (10,000 lots): from YAML ≤ 5 s end to end and < 1 GB, with no run of infeasible
  re-solves (solves whose status is infeasible, counted in every run).
- **huge** (100,000 lots): ≤ 30 s, < 2 GB.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

TYPICAL_MEDIAN_S = 0.100
"""Typical household, in process (dict → plan), median of the warm runs."""
CLI_RATIO = 1.3
"""``householder plan --json`` on the typical household against ``python -c "import cvxpy"``."""
DIRECT_S, DIRECT_MB = 5.0, 1024.0
"""10,000 lots from YAML, end to end: seconds and peak RSS (MB, below)."""
HUGE_S, HUGE_MB = 30.0, 2048.0
"""100,000 lots: seconds and peak RSS (MB, below)."""
TIME_LIMIT_STATUS = "user_limit"
"""cvxpy's status of a solve stopped by its time limit (the MILP's log adds whether HiGHS's
incumbent was kept)."""

SIZE_ORDER = ("typical", "direct", "huge")
COMMANDS = {
    "import_cvxpy": '`python -c "import cvxpy"`',
    "import_numpy_scipy_sparse": '`python -c "import numpy, scipy.sparse"`',
    "help": "`householder --help`",
    "plan_kendra": "`householder plan examples/kendra.yaml --json`",
    "plan_typical": "`householder plan typical.yaml --json`",
    "plan_direct": "`householder plan direct.yaml --json`",
    "plan_huge": "`householder plan huge.yaml --json`",
}


# ------------------------------------------------------------------------------------------------
# Numbers and cells
# ------------------------------------------------------------------------------------------------


def fmt_s(x: float | None) -> str:
    if x is None or x != x:
        return "—"
    if x == math.inf:
        return "timeout"
    if x < 1:
        return f"{x * 1000:.1f} ms"
    return f"{x:.2f} s"


def fmt_mb(x: float | None) -> str:
    return "—" if x is None or x != x else f"{x:,.0f} MB"


def fmt_usd(x: float) -> str:
    """``$1,234.50``, ``−$105,586.03``."""
    return f"{'−' if x < 0 else ''}${abs(x):,.2f}"


def fmt_file(mb: float) -> str:
    """A file's size: ``0.9 MB``, or ``41 KB`` under a tenth of a megabyte."""
    return f"{mb * 1024:.0f} KB" if mb < 0.1 else f"{mb:.1f} MB"


def plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def verdict(ok: bool | None) -> str:
    return "—" if ok is None else ("met" if ok else "**missed**")


def md_table(head: list[str], rows: list[list[str]]) -> list[str]:
    """A markdown table, columns padded to their widest cell."""
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows, strict=True)]
    fmt = "| " + " | ".join(f"{{:{w}}}" for w in widths) + " |"
    out = [fmt.format(*head), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += [fmt.format(*r) for r in rows]
    return out


# ------------------------------------------------------------------------------------------------
# Runs and solves
# ------------------------------------------------------------------------------------------------


def warm_runs(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The warm runs of a size, or its cold run when there were none (the huge size)."""
    return result.get("warm") or [result["cold"]]


def all_runs(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [result["cold"], *result.get("warm", [])]


def best_run(result: dict[str, Any]) -> dict[str, Any]:
    return min(warm_runs(result), key=lambda r: r["total"])


def median_total(result: dict[str, Any]) -> float:
    return statistics.median(r["total"] for r in warm_runs(result))


def milp_statuses(solves: Iterable[dict[str, Any]]) -> list[str]:
    """The statuses of the mixed-integer (whole-share) solves."""
    return [s["status"] for s in solves if "MILP" in s["problem"]]


def infeasible_count(solves: Iterable[dict[str, Any]]) -> int:
    """Solves that came back infeasible (``infeasible`` or ``infeasible_inaccurate``)."""
    return sum(1 for s in solves if str(s["status"]).startswith("infeasible"))


def at_time_limit(status: str) -> bool:
    return status.startswith(TIME_LIMIT_STATUS)


def tally(items: Iterable[str]) -> str:
    """``optimal ×30, user_limit (incumbent kept) ×1`` (most common first); ``none`` if empty."""
    counts = Counter(items)
    return ", ".join(f"{k} ×{n}" for k, n in counts.most_common()) or "none"


def runs_of_solves(solves: list[dict[str, Any]]) -> str:
    """``6: cost: optimal ×5, whole shares (MILP): user_limit (incumbent kept)``: the solves in
    order, repeats in a row counted."""
    items = [f"{s['problem']}: {s['status']}" for s in solves]
    groups: list[list[Any]] = []
    for item in items:
        if groups and groups[-1][0] == item:
            groups[-1][1] += 1
        else:
            groups.append([item, 1])
    text = ", ".join(f"{k} ×{n}" if n > 1 else k for k, n in groups)
    return f"{len(items)}: {text}" if items else "0"


def per_run(counts: list[int]) -> str:
    """``0 in each of 31 runs``, or the counts run by run."""
    if len(counts) == 1:
        return f"{counts[0]} (one run)"
    if counts and len(set(counts)) == 1:
        return f"{counts[0]} in each of {len(counts)} runs"
    return ", ".join(map(str, counts)) or "—"


def cli_runs(cli: dict[str, Any], key: str) -> list[dict[str, Any]]:
    entry = cli.get(key)
    return list(entry["runs"]) if entry else []


def cli_median(cli: dict[str, Any], key: str) -> float:
    runs = cli_runs(cli, key)
    return statistics.median(r["wall"] for r in runs) if runs else math.nan


def cli_peak_mb(cli: dict[str, Any], key: str) -> float:
    runs = cli_runs(cli, key)
    return max(r["rss_mb"] for r in runs) if runs else math.nan


def cli_exit(cli: dict[str, Any], key: str) -> int:
    return max((r["exit"] for r in cli_runs(cli, key)), key=abs, default=0)


# ------------------------------------------------------------------------------------------------
# Tables
# ------------------------------------------------------------------------------------------------


def header(env: dict[str, Any]) -> list[str]:
    """The machine, the code and the settings the figures were measured with."""
    v = env.get("versions", {})
    method = env.get("whole_share_method") or "(default)"
    return [
        f"machine: {env.get('system', '?')} {env.get('machine', '?')}, "
        f"{env.get('cores', '?')} cores, {env.get('mem_gb', math.nan):.0f} GB RAM; "
        f"Python {env.get('python', '?')}; "
        + ", ".join(f"{k} {v[k]}" for k in sorted(v)),
        f"code: {env.get('commit', '?')}; generator seed {env.get('seed', 0)}; "
        f"policy.whole_share_method: {method}; 1-minute load average at start / end: "
        f"{env.get('load', math.nan):.1f} / {env.get('load_end', math.nan):.1f}",
    ]


def stage_table(results: dict[str, Any], errors: dict[str, str]) -> list[str]:
    """One column per size: stage timings of the best warm run, runs, memory, solves."""
    sizes = [s for s in SIZE_ORDER if s in results or s in errors]
    sizes += [s for s in [*results, *errors] if s not in sizes]
    rows: list[list[str]] = []

    def row(label: str, get: Callable[[dict[str, Any]], str]) -> None:
        cells = []
        for s in sizes:
            r = results.get(s)
            if r is None:
                cells.append(errors.get(s, "—"))
                continue
            try:
                cells.append(get(r))
            except (KeyError, TypeError, ValueError, IndexError):
                cells.append("—")
        rows.append([label, *cells])

    def stage(key: str) -> Callable[[dict[str, Any]], str]:
        return lambda r: fmt_s(best_run(r)[key])

    row("accounts / funds / lots", lambda r: "{accounts} / {funds} / {lots:,}".format(**r["stats"]))
    row("pairs (account × fund)", lambda r: f"{best_run(r)['pairs']:,}")
    row("load (build_book)", stage("load"))
    row("assemble", stage("assemble"))
    row("model build (cvxpy expressions)", stage("model"))
    row("solve phases (all solves)", stage("solve"))
    row("  cvxpy compile (first solve)", stage("compile_first"))
    row("  cvxpy compile (all solves)", stage("compile"))
    row("  solver (incl. interface)", stage("solver"))
    row("  rest of Problem.solve", stage("cvxpy_rest"))
    row("  phases' own Python", stage("phases_py"))
    row("  solves (best run)", lambda r: runs_of_solves(best_run(r)["solves"]))
    row("solution (top-up etc.)", stage("result"))
    row("solve_household (perf_counter)", stage("solve_household"))
    row("build_plan", stage("plan"))
    row("to_json + dumps", stage("json"))
    row("**total in process (best)**", lambda r: f"**{fmt_s(best_run(r)['total'])}**")
    row(
        "total, median of warm runs",
        lambda r: f"{fmt_s(median_total(r))} ({plural(len(r['warm']), 'run')})"
        if r.get("warm") else "— (the cold run only)",
    )
    row("total, first (cold) run", lambda r: fmt_s(r["cold"]["total"]))
    row("MILP status, every run", lambda r: tally(s for x in all_runs(r)
                                                 for s in milp_statuses(x["solves"])))
    row(
        "infeasible solves per run",
        lambda r: per_run([infeasible_count(x["solves"]) for x in all_runs(r)]),
    )
    row("peak RSS (process, incl. imports)", lambda r: fmt_mb(r["rss_peak_mb"]))
    row("  RSS after imports", lambda r: fmt_mb(r["rss_imports_mb"]))
    row("tracemalloc peak (one run)", lambda r: fmt_mb(r["tracemalloc_peak_mb"]))
    row("trades / lots sold", lambda r: f"{best_run(r)['trades']} / {best_run(r)['lots_sold']}")
    row("target reached", lambda r: "yes" if best_run(r)["target_reached"] else "no")
    return md_table(["stage", *sizes], rows)


def cli_table(cli: dict[str, Any]) -> list[str]:
    """One row per command: runs, best and median wall, the median against ``import cvxpy``,
    peak RSS, exit code."""
    base = cli_median(cli, "import_cvxpy")
    rows = []
    for key, entry in cli.items():
        runs = entry["runs"]
        walls = [r["wall"] for r in runs]
        label = COMMANDS.get(key, key)
        if "file_mb" in entry:
            label += f" ({fmt_file(entry['file_mb'])} YAML)"
        med = statistics.median(walls)
        ratio = f"{med / base:.2f}×" if key != "import_cvxpy" and base == base and base else "—"
        rc = cli_exit(cli, key)
        rows.append([label, str(len(runs)), fmt_s(min(walls)), fmt_s(med), ratio,
                     fmt_mb(cli_peak_mb(cli, key)), str(rc)])
    head = ["command", "runs", "wall (best)", "wall (median)", "× import cvxpy", "peak RSS",
            "exit"]
    return md_table(head, rows)


def goal_rows(
    results: dict[str, Any], errors: dict[str, str], cli: dict[str, Any]
) -> list[list[str]]:
    """[goal, measured, verdict] for each goal of issue 14 whose size was asked for."""
    goals: list[list[str]] = []
    asked = set(results) | set(errors)

    def missing(size: str) -> str:
        return errors.get(size, "not measured")

    # typical
    t = results.get("typical")
    if "typical" in asked:
        goals.append([
            f"typical: in process ≤ {TYPICAL_MEDIAN_S * 1000:g} ms median",
            f"{fmt_s(median_total(t))} median of {plural(len(t.get('warm', [])), 'warm run')} "
            f"(best {fmt_s(best_run(t)['total'])})" if t else missing("typical"),
            verdict(median_total(t) <= TYPICAL_MEDIAN_S if t else None),
        ])
    if "plan_typical" in cli and "import_cvxpy" in cli:
        plan, imp = cli_median(cli, "plan_typical"), cli_median(cli, "import_cvxpy")
        rc = cli_exit(cli, "plan_typical")
        goals.append([
            f"typical: `householder plan --json` ≤ {CLI_RATIO}× `import cvxpy`",
            f"{fmt_s(plan)} vs {fmt_s(imp)} = {plan / imp:.2f}× (medians)"
            + (f"; exit {rc}" if rc else ""),
            verdict(rc == 0 and plan <= CLI_RATIO * imp),
        ])
    elif "typical" in asked:
        goals.append([f"typical: `householder plan --json` ≤ {CLI_RATIO}× `import cvxpy`",
                      "not measured (--no-cli)", verdict(None)])
    if "typical" in asked or "plan_typical" in cli:
        inproc = [s for x in all_runs(t) for s in milp_statuses(x["solves"])] if t else []
        via_cli = [s for x in cli_runs(cli, "plan_typical") for s in milp_statuses(
            x.get("solves", []))]
        statuses = inproc + via_cli
        parts = [f"in process: {tally(inproc)}" if t else f"in process: {missing('typical')}"]
        if "plan_typical" in cli:
            parts.append(f"CLI: {tally(via_cli)}")
        measured = "; ".join(parts) + ("" if statuses else " (no MILP solve)")
        goals.append([
            "typical: the MILP never ends at its time limit",
            measured,
            verdict(not any(at_time_limit(s) for s in statuses)
                    if t or "plan_typical" in cli else None),
        ])

    # direct: 10,000 lots
    if "direct" in asked or "plan_direct" in cli:
        label = f"10,000 lots from YAML ≤ {DIRECT_S:g} s end to end, < {DIRECT_MB / 1024:g} GB"
        if "plan_direct" in cli:
            wall, mb = cli_median(cli, "plan_direct"), cli_peak_mb(cli, "plan_direct")
            rc = cli_exit(cli, "plan_direct")
            goals.append([
                label,
                f"{fmt_s(wall)}, {fmt_mb(mb)}" + (f"; exit {rc}" if rc else ""),
                verdict(rc == 0 and wall <= DIRECT_S and mb < DIRECT_MB),
            ])
        else:
            goals.append([label, "not measured (CLI skipped: --no-cli or --cli-sizes)",
                          verdict(None)])
        d = results.get("direct")
        counts = [infeasible_count(x["solves"]) for x in all_runs(d)] if d else []
        cli_counts = [infeasible_count(x["solves"]) for x in cli_runs(cli, "plan_direct")
                      if "solves" in x]
        measured = f"in process: {per_run(counts)}" if d else missing("direct")
        if cli_counts:
            measured += f"; CLI: {per_run(cli_counts)}"
        goals.append([
            "10,000 lots: no run of infeasible re-solves (infeasible solves per run)",
            measured,
            verdict(not any(counts + cli_counts) if d or cli_counts else None),
        ])
        if d:
            goals.append([
                "10,000 lots in process (dict → plan), for reference",
                f"{fmt_s(median_total(d))} {'median' if d.get('warm') else 'cold run'}, "
                f"{fmt_mb(d['rss_peak_mb'])}",
                verdict(None),
            ])

    # huge: 100,000 lots
    if "huge" in asked or "plan_huge" in cli:
        label = f"100,000 lots ≤ {HUGE_S:g} s, < {HUGE_MB / 1024:g} GB"
        h = results.get("huge")
        if h:
            total, mb = median_total(h), h["rss_peak_mb"]
            goals.append([
                f"{label}: in process (dict → plan)",
                f"{fmt_s(total)}, {fmt_mb(mb)}",
                verdict(total <= HUGE_S and mb < HUGE_MB),
            ])
        elif "huge" in errors:
            goals.append([f"{label}: in process (dict → plan)", errors["huge"], verdict(False)])
        if "plan_huge" in cli:
            wall, mb = cli_median(cli, "plan_huge"), cli_peak_mb(cli, "plan_huge")
            rc = cli_exit(cli, "plan_huge")
            goals.append([
                f"{label}: `householder plan --json` on YAML",
                f"{fmt_s(wall)}, {fmt_mb(mb)}" + (f"; exit {rc}" if rc else ""),
                verdict(rc == 0 and wall <= HUGE_S and mb < HUGE_MB),
            ])
    return goals


BATCH_1000_S = 300.0
"""1,000 typical households through ``householder batch`` on 2 cores."""
BATCH_10000_S = 1800.0
"""10,000 of them."""


def batch_table(b: dict[str, Any]) -> list[str]:
    """:func:`measure.batch_measurement`'s figures, with the goals of issue 14: 1,000 typical
    households ≤ 5 min on 2 cores, and 10,000 ≤ 30 min extrapolated linearly from the
    measured run (a batch's households are independent: wall time grows with their number)."""
    n, wall = b["n"], b["wall"]
    per = wall / n if n else float("nan")
    hs = b["household_s"]
    rows = [
        [f"`householder batch` on {n:,} {b['size']} households, --jobs {b['jobs']}",
         f"{fmt_s(wall)} ({per * 1000:.0f} ms a household); exit {b['exit']}; "
         f"{b['failed']} failed; parent {fmt_mb(b['rss_mb'])}"],
        ["per household (its own seconds: read, check, solve, report)",
         f"median {fmt_s(hs['median'])}, 90th percentile {fmt_s(hs['p90'])}, "
         f"max {fmt_s(hs['max'])}; sum {fmt_s(hs['sum'])} = {hs['sum'] / wall:.2f} cores busy"
         if wall == wall and wall > 0 else "—"],
        ["load average (1 min) before / after", f"{b['load_before']:.2f} / {b['load_after']:.2f}"],
    ]
    lines = md_table(["batch", "measured"], rows)
    goals = []
    if n:
        at_1000 = per * 1000
        at_10000 = per * 10_000
        goals.append([f"1,000 typical households ≤ {BATCH_1000_S / 60:g} min on 2 cores",
                      f"{fmt_s(at_1000)}" + ("" if n == 1000 else f" (from {n:,})"),
                      verdict(at_1000 <= BATCH_1000_S and b["failed"] == 0)])
        goals.append([f"10,000 typical households ≤ {BATCH_10000_S / 60:g} min",
                      f"{fmt_s(at_10000)}" + ("" if n == 10_000 else f" (extrapolated from "
                                                  f"{n:,})"),
                      verdict(at_10000 <= BATCH_10000_S and b["failed"] == 0)])
    return [*lines, "", *md_table(["goal (issue 14)", "measured", "verdict"], goals)]


def whole_share_table(rows: list[dict[str, Any]]) -> list[str]:
    """:func:`measure.compare_whole_shares`'s rows: one per method."""
    out = []
    for r in rows:
        milp = [s for s in r["solves"] if "MILP" in s["problem"]]
        out.append([
            r["method"],
            fmt_s(r["seconds"]),
            str(len(r["solves"])),
            "; ".join(f"{s['status']}, {fmt_s(s['seconds'])}" for s in milp) or "—",
            str(infeasible_count(r["solves"])),
            "yes" if r["target_reached"] else "no",
            f"{r['remaining_drift'] * 100:.4f} pts",
            fmt_usd(r["cash_left"]),
            fmt_usd(r["objective"]),
        ])
    head = ["method", "solve_household (best)", "solves", "MILP", "infeasible", "on target",
            "drift left", "cash left", "objective"]
    return md_table(head, out)


def render(
    results: dict[str, Any],
    errors: dict[str, str],
    cli: dict[str, Any],
    env: dict[str, Any] | None = None,
) -> str:
    """The whole report: header, stages by size, goals, and the CLI's commands."""
    lines = [*header(env or {}), ""]
    if results or errors:
        lines += [*stage_table(results, errors), ""]
    lines += md_table(["goal (issue 14)", "measured", "verdict"], goal_rows(results, errors, cli))
    if cli:
        lines += ["", *cli_table(cli)]
    return "\n".join(lines)
