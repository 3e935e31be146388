#!/usr/bin/env python3
"""Every command's ``--json`` output on a fixed set of households, captured and compared.

A refactoring must not change an answer by accident. Capture the outputs before the change,
capture them after, and compare:

    python scripts/compare_outputs.py capture before/      # with the old code installed
    python scripts/compare_outputs.py capture after/
    python scripts/compare_outputs.py diff before/ after/  # a summary, then every difference

The households: every file directly in ``examples/``, the household of every worked example in
``tests/cases/``, and generated households (``benchmarks/generate.py``: the typical size for
several seeds, and small ones with few accounts). The commands: validate, drift, plan,
contribute (new money, a withdrawal, ``--to-target``, ``--split``), locate, glide and tdf, each
with ``--json``, run in process through the CLI. Timing fields (``solver``) are dropped.

``diff`` compares numbers to a cent (0.005 absolute) or 1e-6 relative, whichever is looser, and
prints per (household, command): same, or the JSON paths that differ with both values. Exit 0
when nothing differs, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate import household as generated  # noqa: E402

COMMANDS: dict[str, list[str]] = {
    "validate": ["validate"],
    "drift": ["drift"],
    "plan": ["plan"],
    "contribute-10000": ["contribute", "--amount", "10000"],
    "withdraw-5000": ["contribute", "--amount", "-5000"],
    "to-target": ["contribute", "--to-target"],
    "split": ["contribute", "--split"],
    "locate": ["locate"],
    "glide": ["glide"],
    "tdf": ["tdf"],
}
VOLATILE = {"solver"}
"""Top-level keys that hold timings, not answers."""
GENERATED: dict[str, tuple[dict[str, int], dict[str, Any]]] = {
    "gen-typical-0": ({"seed": 0}, {}),
    "gen-typical-1": ({"seed": 1}, {}),
    "gen-typical-2": ({"seed": 2}, {}),
    "gen-fractional-0": ({"seed": 0}, {"whole_shares": "never"}),
    "gen-fractional-1": ({"seed": 1}, {"whole_shares": "never"}),
    "gen-small-3": ({"accounts": 3, "funds": 8, "lots": 20, "seed": 3}, {}),
    "gen-small-4": ({"accounts": 5, "funds": 12, "lots": 40, "seed": 4}, {}),
}
"""Name → (generator arguments, policy). With whole shares a time-limited integer solve can make
two runs differ; the fractional variants compare the continuous model alone."""


def households(workdir: Path) -> dict[str, Path]:
    """Name → household file."""
    out = {f"example-{p.stem}": p for p in sorted((ROOT / "examples").glob("*.yaml"))}
    for case in sorted((ROOT / "tests" / "cases").glob("*.yaml")):
        doc = yaml.safe_load(case.read_text(encoding="utf-8"))
        if isinstance(doc, dict) and "household" in doc:
            path = workdir / f"case-{case.stem}.yaml"
            path.write_text(yaml.safe_dump(doc["household"], sort_keys=False), encoding="utf-8")
            out[f"case-{case.stem}"] = path
    for name, (kwargs, policy) in GENERATED.items():
        data = generated(**kwargs)
        if policy:
            data["policy"] = policy
        path = workdir / f"{name}.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        out[name] = path
    return out


def capture(outdir: Path, only: set[str] | None = None) -> None:
    from typer.testing import CliRunner

    from householder.cli import app

    runner = CliRunner()
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name, path in households(Path(tmp)).items():
            if only and name not in only:
                continue
            for label, args in COMMANDS.items():
                result = runner.invoke(app, [*args, str(path), "--json"])
                try:
                    doc: Any = json.loads(result.stdout) if result.stdout.strip() else None
                except json.JSONDecodeError:
                    doc = {"unparsable stdout": result.stdout[:2000]}
                if isinstance(doc, dict):
                    for key in VOLATILE:
                        doc.pop(key, None)
                record = {"exit_code": result.exit_code, "output": doc}
                if result.exception and not isinstance(result.exception, SystemExit):
                    record["exception"] = repr(result.exception)
                (outdir / f"{name}--{label}.json").write_text(
                    json.dumps(record, indent=1, sort_keys=True), encoding="utf-8"
                )
            print(f"captured {name}", file=sys.stderr)


def _differences(a: Any, b: Any, path: str = "") -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        out: list[str] = []
        for key in sorted(set(a) | set(b)):
            where = f"{path}.{key}" if path else str(key)
            if key not in a:
                out.append(f"{where}: added {_short(b[key])}")
            elif key not in b:
                out.append(f"{where}: removed (was {_short(a[key])})")
            else:
                out += _differences(a[key], b[key], where)
        return out
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{path}: {len(a)} items -> {len(b)} items"]
        out = []
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            out += _differences(x, y, f"{path}[{i}]")
        return out
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
        tol = max(0.005, 1e-6 * max(abs(a), abs(b)))
        same = (math.isnan(a) and math.isnan(b)) or abs(a - b) <= tol
        return [] if same else [f"{path}: {a} -> {b}"]
    return [] if a == b else [f"{path}: {_short(a)} -> {_short(b)}"]


def _short(x: Any) -> str:
    text = json.dumps(x, sort_keys=True)
    return text if len(text) <= 160 else text[:157] + "..."


def diff(old: Path, new: Path) -> int:
    names = sorted({p.name for p in old.glob("*.json")} | {p.name for p in new.glob("*.json")})
    changed = 0
    report: list[str] = []
    for name in names:
        a, b = old / name, new / name
        if not a.exists() or not b.exists():
            report.append(f"{name}: only in {'new' if not a.exists() else 'old'}")
            changed += 1
            continue
        lines = _differences(
            json.loads(a.read_text(encoding="utf-8")), json.loads(b.read_text(encoding="utf-8"))
        )
        if lines:
            changed += 1
            report.append(f"{name}: {len(lines)} difference(s)")
            report += [f"    {line}" for line in lines[:40]]
            if len(lines) > 40:
                report.append(f"    ... {len(lines) - 40} more")
    print(f"{len(names)} outputs compared, {len(names) - changed} the same, {changed} differ")
    print("\n".join(report))
    return 1 if changed else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    cap = sub.add_parser("capture", help="run every command on every household")
    cap.add_argument("outdir", type=Path)
    cap.add_argument("--only", default="", help="comma-separated household names")
    dif = sub.add_parser("diff", help="compare two captures")
    dif.add_argument("old", type=Path)
    dif.add_argument("new", type=Path)
    ns = ap.parse_args()
    if ns.cmd == "capture":
        capture(ns.outdir, set(filter(None, ns.only.split(","))) or None)
        return 0
    return diff(ns.old, ns.new)


if __name__ == "__main__":
    sys.exit(main())
