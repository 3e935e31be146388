#!/usr/bin/env python3
"""Speed and memory of ``householder plan`` on the generator's households, against the goals of
issue 14.

    python benchmarks/bench_plan.py [--sizes typical,direct,huge] [--seed S] [--repeat N]
                                    [--budget S] [--timeout S] [--whole-shares auto|repair|exact]
                                    [--no-cli] [--cli-sizes direct,huge] [--no-trace]
                                    [--json FILE]
    python benchmarks/bench_plan.py --profile typical|direct|huge [--profile-out FILE]
    python benchmarks/bench_plan.py --compare-whole-shares typical
    python benchmarks/bench_plan.py --batch 1000 [--jobs 2]

The command line only; the work is in three modules beside it:

- ``generate.py``: the households, seed for seed the workplace's shared generator
  (``SIZES``: typical = 8 accounts, 30 funds, 200 lots; direct = 500 stocks and 40 funds in
  10,000 lots; huge = 100,000 lots). ``--seed`` picks the household; the goals hold for any.
- ``measure.py``: each size in a fresh process (stage timings with cvxpy's compile / solver
  split, every run's solves, peak RSS, and a tracemalloc peak in a second process); the CLI's
  wall time and peak RSS against ``python -c "import cvxpy"`` (Kendra and typical up to 5 runs,
  direct once; huge with ``--cli-sizes direct,huge``); whole shares exact against repair;
  cProfile.
- ``report.py``: the markdown tables and the goals' verdicts.

The in-process total is load + solve_household + build_plan + JSON: one cold run, then up to
``--repeat`` warm runs within ``--budget`` seconds (defaults: typical 30, direct 3, huge the cold
run only). ``--whole-shares`` sets ``policy.whole_share_method`` in every generated household.
``--profile SIZE`` prints one warm cProfile of that size; ``--compare-whole-shares SIZE`` solves
it with ``whole_share_method: exact`` and with ``repair`` (the measurement behind
``EXACT_WHOLE_LIMIT``). ``--sizes typical`` takes a minute or two and little memory.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import measure

import report


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--sizes", default="typical,direct,huge",
                    help=f"comma-separated, from {', '.join(measure.SIZES)} (default: all)")
    ap.add_argument("--seed", type=int, default=0,
                    help="the generator's seed: which household of each size (default 0)")
    ap.add_argument(
        "--repeat",
        type=int,
        default=None,
        help="warm runs per size after one cold run, within --budget seconds "
        "(default: typical 30, direct 3, huge 0: the cold run only)",
    )
    ap.add_argument("--budget", type=float, default=60.0,
                    help="seconds of warm runs per size at most (default 60)")
    ap.add_argument("--timeout", type=float, default=900,
                    help="seconds per size and per large CLI run (default 900)")
    ap.add_argument("--no-cli", action="store_true", help="skip the CLI wall-time runs")
    ap.add_argument(
        "--cli-sizes",
        default="direct",
        help="large sizes also timed through the CLI on a YAML file (default: direct; "
        "'direct,huge' adds the slow huge run)",
    )
    ap.add_argument("--whole-shares", choices=["auto", "repair", "exact"], default=None,
                    help="set policy.whole_share_method in the generated households")
    ap.add_argument("--no-trace", action="store_true", help="skip the tracemalloc runs")
    ap.add_argument("--profile", metavar="SIZE", choices=list(measure.SIZES),
                    help="cProfile one warm run of SIZE instead")
    ap.add_argument("--profile-out", type=Path, default=None, help="write the pstats file here")
    ap.add_argument("--compare-whole-shares", metavar="SIZE", choices=list(measure.SIZES),
                    help="time whole_share_method exact against repair on SIZE instead "
                    "(in process)")
    ap.add_argument("--batch", metavar="N", type=int, default=None,
                    help="instead: `householder batch` on N generated typical households "
                    "(--jobs workers) against the goals for 1,000 and 10,000")
    ap.add_argument("--jobs", type=int, default=2, help="--batch's workers (default 2)")
    ap.add_argument("--json", type=Path, default=None, help="also write the raw figures here")
    return ap


def main(argv: list[str] | None = None) -> int:
    ap = parser()
    args = ap.parse_args(argv)
    method = args.whole_shares

    if args.profile:
        print(measure.profile(args.profile, args.seed, args.profile_out, method))
        return 0
    if args.batch:
        env = measure.environment()
        with tempfile.TemporaryDirectory() as tmp:
            b = measure.batch_measurement(args.batch, Path(tmp), jobs=args.jobs,
                                          timeout=args.timeout * 10)
        if args.json:
            args.json.write_text(json.dumps({"env": env, "batch": b}, indent=2, default=str))
        print("\n".join(report.header(env)))
        print()
        print("\n".join(report.batch_table(b)))
        return 0
    if args.compare_whole_shares:
        rows = measure.compare_whole_shares(args.compare_whole_shares, args.seed)
        if args.json:
            args.json.write_text(json.dumps({"compare_whole_shares": rows}, indent=2))
        print(f"{args.compare_whole_shares} household, seed {args.seed}:")
        print("\n".join(report.whole_share_table(rows)))
        return 0

    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    unknown = sorted(set(sizes) - set(measure.SIZES))
    if unknown:
        ap.error(f"unknown sizes {unknown}; choose from {', '.join(measure.SIZES)}")
    cli_sizes = tuple(s.strip() for s in args.cli_sizes.split(",") if s.strip())
    env = measure.environment()
    env.update(seed=args.seed, whole_share_method=method)
    results, errors = measure.measure_in_process(
        sizes,
        args.seed,
        repeat=args.repeat,
        budget=args.budget,
        trace=not args.no_trace,
        whole_share_method=method,
        timeout=args.timeout,
    )
    cli: dict[str, object] = {}
    if not args.no_cli:
        with tempfile.TemporaryDirectory() as tmp:
            cli = measure.cli_measurements(
                [s for s in sizes if s in results],
                Path(tmp),
                args.seed,
                big_timeout=args.timeout,
                cli_sizes=cli_sizes,
                whole_share_method=method,
            )
    env["load_end"] = measure.load_average()
    if args.json:
        raw = {"env": env, "results": results, "errors": errors, "cli": cli}
        args.json.write_text(json.dumps(raw, indent=2, default=str))
    print(report.render(results, errors, cli, env))
    return 0


if __name__ == "__main__":
    sys.exit(main())
