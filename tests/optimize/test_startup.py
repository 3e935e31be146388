"""``import cvxpy`` without ``scipy.stats`` (householder/optimize/_startup.py): the stand-in
forwards to scipy's own objects, cvxpy solves with it, and it steps aside when asked. Each check
runs in a fresh interpreter, since the stand-in is set before cvxpy's first import."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def run(code: str, **env: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False,
        env={**os.environ, **env}, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_cvxpy_is_imported_without_scipy_stats_and_plans() -> None:
    out = run(f"""
import sys
from householder.io import load_household
from householder.optimize import solve_household
from householder.plan.build import build_plan
plan = build_plan(solve_household(load_household({str(EXAMPLES / 'kendra.yaml')!r})))
print(type(sys.modules['scipy.stats']).__name__, len(plan.accounts[0].trades))
""")
    assert out == "_Deferred 2"


def test_the_stand_in_gives_scipys_own_objects() -> None:
    out = run("""
import sys
import householder.optimize
import scipy.stats as early
from householder.optimize._startup import _entropy
print(round(float(_entropy([0.5, 0.5])), 6))  # loads the real module
from scipy.stats import entropy, norm
import scipy.stats as late
print(type(sys.modules['scipy.stats']).__name__, late is sys.modules['scipy.stats'])
print(early.norm is norm, round(float(entropy([0.5, 0.5])), 6), norm.cdf(0.0))
""")
    assert out.splitlines() == ["0.693147", "module True", "True 0.693147 0.5"]


def test_eager_when_asked_or_already_loaded() -> None:
    assert run("""
import sys, householder.optimize
print(type(sys.modules['scipy.stats']).__name__)
""", HOUSEHOLDER_EAGER_SCIPY="1") == "module"
    assert run("""
import sys, scipy.stats, householder.optimize
print(type(sys.modules['scipy.stats']).__name__)
""") == "module"
