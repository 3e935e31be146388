"""The benchmark's pieces (benchmarks/) and a rule for the whole tree. Nothing here times
anything or asserts on speed: the benchmark measures, these tests check its plumbing.

- No tracked text file names an absolute path of one machine. The rule: a path that starts at
  the root in a home, scratch or work directory (``work``, ``root``, ``home``, ``Users`` or
  ``tmp`` right after the leading slash, also inside a ``file://`` URL) belongs to one machine,
  so the repository must not depend on it: use a path relative to the repository (``examples/``,
  ``tests/cases``, ``../shared`` beside it). A slash inside a word, a relative path or a URL's
  host is not the root (``https://example.com/home/x``, ``src/work/x``). System paths that
  exist on every Unix (``/proc``, ``/dev``, ``/usr/bin/env`` in a shebang, ``/etc``) are
  allowed: tests and docs use ``/proc`` and ``/dev/zero`` as examples of bad inputs.
- ``benchmarks/generate.py`` writes the same YAML as the workplace's shared generator
  (``../shared/tools/gen_household.py`` beside the repository, when it is there).
- ``benchmarks/report.py`` turns made-up figures into its tables and goal verdicts.
- ``benchmarks/bench_plan.py`` offers its flags and refuses an unknown size.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "benchmarks"
SHARED_GENERATOR = REPO.parent / "shared" / "tools" / "gen_household.py"

MACHINE_PATH = re.compile(r"(?:(?<![\w.~/-])|(?<=file://))/(?:work|root|home|Users|tmp)/")
"""An absolute path into one machine's home, scratch or work directories (module docstring)."""


def _load(name: str) -> ModuleType:
    """A module of benchmarks/ (not a package) under a name of its own, sys.path untouched."""
    spec = importlib.util.spec_from_file_location(f"benchmarks_{name}", BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ------------------------------------------------------------------------------------------------
# No path of one machine in the tree
# ------------------------------------------------------------------------------------------------


def _tracked_files() -> list[str]:
    try:
        out = subprocess.run(
            ["git", "-C", str(REPO), "ls-files", "-z"], capture_output=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"not a git checkout, no list of tracked files ({exc})")
    return [p for p in out.decode().split("\0") if p]


def test_no_tracked_file_names_a_path_of_this_machine() -> None:
    found = []
    for rel in _tracked_files():
        path = REPO / rel
        if not path.is_file():  # deleted in the working tree, not yet committed
            continue
        data = path.read_bytes()
        if b"\0" in data:  # binary
            continue
        for n, line in enumerate(data.decode("utf-8", errors="replace").splitlines(), 1):
            if MACHINE_PATH.search(line):
                found.append(f"{rel}:{n}: {line.strip()}")
    assert not found, "absolute paths of one machine (use a path relative to the repository):\n" \
        + "\n".join(found)


# The samples are built from pieces so that this file does not itself hold what it forbids.
S = "/"


@pytest.mark.parametrize(
    "text",
    [
        f'SHARED = Path("{S}work{S}shared{S}cases{S}kendra.yaml")',
        f"see {S}home{S}ann{S}plan.yaml",
        f"`{S}tmp{S}out.json`",
        f"open('{S}root{S}x')",
        f"file://{S}Users{S}ann{S}x.yaml",
        f"({S}work{S}shared{S}spec{S}household-format.md)",
    ],
)
def test_machine_paths_are_flagged(text: str) -> None:
    assert MACHINE_PATH.search(text)


@pytest.mark.parametrize(
    "text",
    [
        "householder plan /proc/self/mem",
        "householder validate /dev/zero",
        "#!/usr/bin/env python3",
        f"https://example.com{S}home{S}x",
        f"src{S}work{S}x.py",
        f"..{S}shared{S}tools{S}gen_household.py",
        f"~{S}work{S}notes",
    ],
)
def test_system_and_relative_paths_pass(text: str) -> None:
    assert not MACHINE_PATH.search(text)


# ------------------------------------------------------------------------------------------------
# The generator, seed for seed
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("size", "seed"), [("typical", 0), ("typical", 7), ("direct", 3)])
def test_generator_writes_the_shared_generators_yaml(
    size: str, seed: int, tmp_path: Path
) -> None:
    if not SHARED_GENERATOR.exists():
        pytest.skip("the shared generator (../shared/tools/gen_household.py beside the "
                    "repository) is not on this machine")
    generate = _load("generate")
    flags = [x for k, v in generate.SIZES[size].items() for x in (f"--{k}", str(v))]
    theirs = tmp_path / "theirs.yaml"
    subprocess.run(
        [sys.executable, str(SHARED_GENERATOR), str(theirs), *flags, "--seed", str(seed)],
        check=True,
        capture_output=True,
    )
    ours = generate.write(tmp_path / "ours.yaml",
                          generate.household(**generate.SIZES[size], seed=seed))
    assert ours.read_bytes() == theirs.read_bytes()


def test_generator_seeds_name_different_households() -> None:
    generate = _load("generate")
    a, b = (generate.household(**generate.SIZES["typical"], seed=s) for s in (0, 1))
    assert a != b
    assert a == generate.household(**generate.SIZES["typical"], seed=0)


# ------------------------------------------------------------------------------------------------
# The report, from made-up figures
# ------------------------------------------------------------------------------------------------


def _solves(*statuses: tuple[str, str]) -> list[dict[str, Any]]:
    return [{"problem": p, "solver": "HIGHS", "status": s, "seconds": 0.01} for p, s in statuses]


def _run(total: float, solves: list[dict[str, Any]]) -> dict[str, Any]:
    stages = ["load", "assemble", "model", "solve", "compile", "compile_first", "solver",
              "cvxpy_rest", "phases_py", "result", "solve_household", "plan", "json"]
    return {**dict.fromkeys(stages, total / 10), "total": total, "solves": solves,
            "pairs": 176, "lots": 200, "trades": 54, "lots_sold": 162,
            "target_reached": True, "remaining_drift": 0.0, "json_bytes": 1000}


MILP_OK = ("whole shares (MILP)", "optimal")
MILP_LIMIT = ("whole shares (MILP)", "user_limit (incumbent kept)")


def _fake() -> tuple[dict[str, Any], dict[str, str], dict[str, Any]]:
    """Figures in the shape measure.py writes: typical fast but one MILP at its time limit,
    direct with infeasible solves in one run, huge timed out; the CLI's commands."""
    typical = {
        "size": "typical", "seed": 0, "stats": {"accounts": 8, "funds": 30, "lots": 200},
        "rss_peak_mb": 159.0, "rss_imports_mb": 132.0, "tracemalloc_peak_mb": 5.0,
        "cold": _run(0.120, _solves(("cost", "optimal"), ("cost", "optimal"), MILP_OK)),
        "warm": [_run(0.040, _solves(("cost", "optimal"), MILP_OK)),
                 _run(0.050, _solves(("cost", "optimal"), MILP_LIMIT)),
                 _run(0.060, _solves(("cost", "optimal"), MILP_OK))],
    }
    direct = {
        "size": "direct", "seed": 0, "stats": {"accounts": 8, "funds": 540, "lots": 10_000},
        "rss_peak_mb": 300.0, "rss_imports_mb": 132.0,
        "cold": _run(3.0, _solves(("cost", "infeasible"), ("cost", "optimal"))),
        "warm": [_run(2.5, _solves(("cost", "optimal")))],
    }
    cli = {
        "import_cvxpy": {"runs": [{"wall": 1.0, "rss_mb": 118.0, "exit": 0}] * 3},
        "plan_typical": {"runs": [{"wall": 1.2, "rss_mb": 160.0, "exit": 0,
                                   "solves": _solves(MILP_OK)}] * 3, "file_mb": 0.04},
        "plan_direct": {"runs": [{"wall": 6.0, "rss_mb": 290.0, "exit": 0,
                                  "solves": _solves(("cost", "optimal"))}], "file_mb": 1.0},
    }
    return {"typical": typical, "direct": direct}, {"huge": "timed out after 900 s"}, cli


def _goal(text: str, goal: str) -> list[str]:
    """The cells of the goal row that starts with ``goal``."""
    rows = [line for line in text.splitlines() if line.startswith(f"| {goal}")]
    assert len(rows) == 1, (goal, text)
    return [c.strip() for c in rows[0].strip("|").split("|")]


def test_report_formats_the_tables_and_verdicts() -> None:
    report = _load("report")
    results, errors, cli = _fake()
    env = {"system": "Linux", "machine": "x86_64", "cores": 2, "mem_gb": 24.0,
           "python": "3.11.7", "versions": {"cvxpy": "1.9.3"}, "commit": "abc1234",
           "load": 0.5, "load_end": 0.7, "seed": 0, "whole_share_method": None}
    text = report.render(results, errors, cli, env)

    assert "generator seed 0" in text and "cvxpy 1.9.3" in text
    tables = [block for block in text.split("\n\n") if block.startswith("|")]
    assert len(tables) == 3  # stages, goals, commands
    for block in tables:
        lines = block.splitlines()
        assert len({len(line) for line in lines}) == 1  # columns padded to one width
        assert set(lines[1]) <= {"|", "-"}
    stages = tables[0].splitlines()
    assert [c.strip() for c in stages[0].strip("|").split("|")] == [
        "stage", "typical", "direct", "huge"]
    median = next(line for line in stages if line.startswith("| total, median"))
    assert "50.0 ms (3 runs)" in median and "2.50 s (1 run)" in median
    assert "timed out after 900 s" in median  # huge's error in its column
    milp = next(line for line in stages if line.startswith("| MILP status"))
    assert "optimal ×3, user_limit (incumbent kept) ×1" in milp

    assert _goal(text, "typical: in process") == [
        "typical: in process ≤ 100 ms median", "50.0 ms median of 3 warm runs (best 40.0 ms)",
        "met"]
    assert _goal(text, "typical: `householder plan")[1:] == [
        "1.20 s vs 1.00 s = 1.20× (medians)", "met"]
    assert _goal(text, "typical: the MILP")[1:] == [
        "in process: optimal ×3, user_limit (incumbent kept) ×1; CLI: optimal ×3",
        "**missed**"]
    assert _goal(text, "10,000 lots from YAML")[1:] == ["6.00 s, 290 MB", "**missed**"]
    assert _goal(text, "10,000 lots: no run of infeasible")[1:] == [
        "in process: 1, 0; CLI: 0 (one run)", "**missed**"]
    assert _goal(text, "100,000 lots")[1:] == ["timed out after 900 s", "**missed**"]
    commands = tables[2]
    assert "`householder plan typical.yaml --json` (41 KB YAML)" in commands
    assert "1.20×" in commands


def test_report_goals_met_and_not_measured() -> None:
    report = _load("report")
    typical = _fake()[0]["typical"]
    typical["cold"] = _run(0.3, _solves(("cost", "optimal")))
    typical["warm"] = [_run(0.2, _solves(("cost", "optimal"))) for _ in range(2)]
    text = report.render({"typical": typical}, {}, {})
    assert _goal(text, "typical: in process")[1:] == [
        "200.0 ms median of 2 warm runs (best 200.0 ms)", "**missed**"]
    assert _goal(text, "typical: `householder plan")[1:] == ["not measured (--no-cli)", "—"]
    # no MILP at all (whole_share_method: repair, say): none ended at its time limit
    assert _goal(text, "typical: the MILP")[1:] == ["in process: none (no MILP solve)", "met"]
    assert "10,000 lots" not in text and "100,000 lots" not in text  # sizes not asked for
    # the CLI alone (--sizes direct): the MILP's status from the typical household's CLI runs
    limit = {"runs": [{"wall": 3.0, "rss_mb": 160.0, "exit": 0, "solves": _solves(MILP_LIMIT)}]}
    text = report.render({}, {}, {"plan_typical": limit})
    assert _goal(text, "typical: the MILP")[1:] == [
        "in process: not measured; CLI: user_limit (incumbent kept) ×1", "**missed**"]
    # huge only: its error is the in-process verdict; typical's goals are not shown
    text = report.render({}, {"huge": "exit 1: MemoryError"}, {})
    assert _goal(text, "100,000 lots")[1:] == ["exit 1: MemoryError", "**missed**"]
    assert "typical" not in text


def test_whole_share_table() -> None:
    report = _load("report")
    rows = [
        {"method": "exact", "seconds": 0.5, "runs": 3, "target_reached": True,
         "solves": _solves(("cost", "optimal"), MILP_OK), "remaining_drift": 0.0,
         "cash_left": 12.5, "objective": -105586.03},
        {"method": "repair", "seconds": 0.2, "runs": 3, "target_reached": False,
         "solves": _solves(("cost", "infeasible"), ("cost", "optimal")),
         "remaining_drift": 0.000023, "cash_left": 0.0, "objective": -105579.25},
    ]
    lines = report.whole_share_table(rows)
    cells = [[c.strip() for c in line.strip("|").split("|")] for line in lines[2:]]
    assert cells[0] == ["exact", "500.0 ms", "2", "optimal, 10.0 ms", "0", "yes", "0.0000 pts",
                        "$12.50", "−$105,586.03"]
    assert cells[1][:6] == ["repair", "200.0 ms", "2", "—", "1", "no"]
    assert cells[1][6] == "0.0023 pts"


# ------------------------------------------------------------------------------------------------
# The command line
# ------------------------------------------------------------------------------------------------


def test_batch_table_extrapolates_and_judges() -> None:
    """1,000 households in 240 s: the 1,000 goal met; 10,000 extrapolated to 2,400 s, missed.
    A failed household fails both."""
    report = _load("report")
    b = {"n": 1000, "jobs": 2, "size": "typical", "wall": 240.0, "exit": 0, "rss_mb": 80.0,
         "rows": 1000, "failed": 0, "not_on_target": 3,
         "household_s": {"median": 0.4, "p90": 0.6, "max": 2.0, "sum": 460.0},
         "load_before": 1.0, "load_after": 1.5}
    text = "\n".join(report.batch_table(b))
    assert "240 ms a household" in text and "1.92 cores busy" in text
    assert _goal(text, "1,000 typical households")[1:] == ["240.00 s", "met"]
    assert _goal(text, "10,000 typical households")[1:] == [
        "2400.00 s (extrapolated from 1,000)", "**missed**"]
    failing = "\n".join(report.batch_table({**b, "failed": 1}))
    assert _goal(failing, "1,000 typical households")[2] == "**missed**"


def test_bench_plan_offers_its_flags() -> None:
    out = subprocess.run(
        [sys.executable, str(BENCH / "bench_plan.py"), "--help"],
        capture_output=True, text=True, check=True,
    ).stdout
    for flag in ("--sizes", "--seed", "--repeat", "--budget", "--timeout", "--no-cli",
                 "--cli-sizes", "--whole-shares", "--no-trace", "--profile", "--profile-out",
                 "--compare-whole-shares", "--batch", "--jobs", "--json"):
        assert flag in out, flag
    bad = subprocess.run(
        [sys.executable, str(BENCH / "bench_plan.py"), "--sizes", "typical,enormous"],
        capture_output=True, text=True,
    )
    assert bad.returncode == 2 and "unknown sizes ['enormous']" in bad.stderr
