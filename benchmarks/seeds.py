"""Many seeds of one size, in process: how each household's whole-share MILPs end, and the
spread of its time (``solve_household`` + ``build_plan``). Issue 14's MILP goal is "for any
seed"; one household's timing (bench_plan.py) cannot show the tail.

    python benchmarks/seeds.py --from 0 --to 1000 --jobs 2
    python benchmarks/seeds.py --size direct --from 0 --to 5

Prints a markdown table of the MILP statuses by problem (the nearest share counts, the wider
neighborhood, the unrestricted MILP) and the time distribution, and the slowest seeds.
"""

from __future__ import annotations

import argparse
import collections
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate


def run_seeds(size: str, seeds: list[int]) -> dict[str, Any]:
    """Plan each seed's household of ``size``; the MILPs' statuses and each one's seconds."""
    from householder.io.loader import build_book
    from householder.optimize import solve_household
    from householder.plan.build import build_plan

    tally: collections.Counter[str] = collections.Counter()
    times: list[tuple[float, int]] = []
    for seed in seeds:
        doc = generate.household(**generate.SIZES[size], seed=seed)
        start = time.perf_counter()
        sol = solve_household(build_book(doc))
        build_plan(sol)
        times.append((time.perf_counter() - start, seed))
        for record in sol.log:
            if "MILP" in record.problem:
                tally[f"{record.problem}: {record.status}"] += 1
    return {"tally": dict(tally), "times": times}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="typical", choices=sorted(generate.SIZES))
    parser.add_argument("--from", dest="start", type=int, default=0)
    parser.add_argument("--to", dest="stop", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args()
    seeds = list(range(args.start, args.stop))
    chunks = [seeds[i :: args.jobs] for i in range(args.jobs)]
    wall = time.perf_counter()
    with ProcessPoolExecutor(args.jobs) as pool:
        parts = list(pool.map(run_seeds, [args.size] * len(chunks), chunks))
    wall = time.perf_counter() - wall
    tally: collections.Counter[str] = collections.Counter()
    times: list[tuple[float, int]] = []
    for part in parts:
        tally.update(part["tally"])
        times += part["times"]
    seconds = sorted(t for t, _ in times)
    print(f"{args.size}, seeds {args.start}–{args.stop - 1}, {args.jobs} processes, "
          f"{wall:.1f} s wall\n")
    print("| MILP: status | solves |\n|---|---|")
    for key, count in sorted(tally.items()):
        print(f"| {key} | {count:,} |")
    print("\n| per household | seconds |\n|---|---|")
    print(f"| median | {statistics.median(seconds):.3f} |")
    print(f"| 90th percentile | {seconds[int(0.9 * (len(seconds) - 1))]:.3f} |")
    print(f"| max | {seconds[-1]:.3f} |")
    print(f"| sum | {sum(seconds):.1f} |")
    slowest = sorted(times, reverse=True)[:5]
    print("\nslowest: " + ", ".join(f"seed {s} {t:.2f} s" for t, s in slowest))


if __name__ == "__main__":
    main()
