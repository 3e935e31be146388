"""Every ``householder …`` command shown in README.md and docs/*.md runs, exits as documented and
prints what the page shows, so the docs cannot rot.

docs/plan.md and docs/performance.md are left out: they are maintained with the optimizer.

- A ```` ```console ```` block holds ``$ householder …`` lines, each followed by its output. The
  output is compared line by line (trailing spaces ignored) with what the command prints at 80
  columns (rich's width when the output is not a terminal): every shown line must appear, in
  order. A page may leave lines out (a long table cut to its rows); a shown line holding ``…``
  that the command did not print marks such a cut. Exit code: 1 when the shown output has an
  ``error:`` line, else 0 (``drift --check``: 0 or 3).
- A ```` ```sh ```` block's lines that start with ``householder`` are run as well and must exit
  0 after their shell tail (``|| echo …``).

The commands run in process (typer's CliRunner), in a temporary directory where ``examples/`` is
the repository's, with the little shell they use: ``2>/dev/null``, ``> FILE``, ``; echo "exit
$?"``, ``|| echo TEXT`` and ``| jq FILTER`` (jq runs when installed).

After a change to the output, rewrite the shown output of every block that no longer matches
(then read the diff, and cut long tables again where a page had cut them):

    .venv/bin/python tests/test_docs.py --update
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from typer.testing import CliRunner

from householder.cli import app

REPO = Path(__file__).resolve().parents[1]
SKIPPED = {"plan.md", "performance.md"}
DOCS = [
    REPO / "README.md",
    *sorted(p for p in (REPO / "docs").glob("*.md") if p.name not in SKIPPED),
]
WIDTH = "80"
SHELLS = {"sh", "bash", "shell"}


@dataclass
class Example:
    doc: Path
    line: int
    """1-based line of the command in the page."""
    command: str
    shown: list[str] | None = None
    """The output the page shows (console blocks), None for a sh block."""
    output_lines: tuple[int, int] = (0, 0)
    """0-based [start, end) of the shown output in the page's lines."""

    @property
    def id(self) -> str:
        return f"{self.doc.name}:{self.line}"


def examples() -> list[Example]:
    found: list[Example] = []
    for doc in DOCS:
        lines = doc.read_text(encoding="utf-8").splitlines()
        fence: str | None = None
        current: Example | None = None
        for i, line in enumerate(lines):
            if line.startswith("```"):
                if fence is None:
                    fence = line[3:].strip()
                else:
                    if current is not None:
                        current.output_lines = (current.output_lines[0], i)
                    fence, current = None, None
                continue
            if fence == "console":
                if line.startswith("$ "):
                    if current is not None:
                        current.output_lines = (current.output_lines[0], i)
                    current = Example(doc, i + 1, line[2:], [], (i + 1, i + 1))
                    found.append(current)
                elif current is not None and current.shown is not None:
                    current.shown.append(line)
            elif fence in SHELLS and line.startswith("householder "):
                found.append(Example(doc, i + 1, line))
    return found


# -- a little shell --------------------------------------------------------------------------------


@dataclass
class Run:
    exit_code: int
    """The shell's: after ``; echo`` or ``|| echo``."""
    householder_exit: int
    output: str
    args: list[str] = field(default_factory=list)


def tokens(command: str) -> list[str]:
    lex = shlex.shlex(command, posix=True, punctuation_chars=True)
    lex.whitespace_split = True
    lex.commenters = "#"
    return list(lex)


def run(command: str, runner: CliRunner) -> Run:
    parts = tokens(command)
    assert parts and parts[0] == "householder", command
    ops = {";", "||", "|", "&&"}
    end = next((i for i, t in enumerate(parts) if t in ops), len(parts))
    words, tail = parts[1:end], parts[end:]
    args: list[str] = []
    stdout_to: str | None = None
    quiet_stderr = False
    i = 0
    while i < len(words):
        if words[i] == "2" and words[i + 1 : i + 3] == [">", "/dev/null"]:
            quiet_stderr, i = True, i + 3
        elif words[i] == ">":
            stdout_to, i = words[i + 1], i + 2
        else:
            args.append(words[i])
            i += 1
    result = runner.invoke(app, args)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    if stdout_to is not None:
        Path(stdout_to).write_text(result.stdout, encoding="utf-8")
        text = result.stderr
    elif quiet_stderr:
        text = result.stdout
    else:
        text = result.output
    code = result.exit_code
    raw = code
    while tail:
        op, rest = tail[0], tail[1:]
        nxt = next((i for i, t in enumerate(rest) if t in ops), len(rest))
        step, tail = rest[:nxt], rest[nxt:]
        if op == "|" and step[:1] == ["jq"]:
            jq = shutil.which("jq")
            if jq is None:
                json.loads(result.stdout)  # at least: one JSON document
                text = ""
            else:
                proc = subprocess.run([jq, *step[1:]], input=result.stdout, text=True,
                                      capture_output=True, check=False)
                text, code = proc.stdout, proc.returncode
        elif op == ";" and step[:1] == ["echo"]:
            text += " ".join(step[1:]).replace("$?", str(code)) + "\n"
            code = 0
        elif op == "||" and step[:1] == ["echo"]:
            if code != 0:
                text += " ".join(step[1:]) + "\n"
                code = 0
        else:
            raise AssertionError(f"unsupported shell in the docs: {op} {step}")
    return Run(code, raw, text, args)


@contextmanager
def in_scratch_directory() -> Iterator[None]:
    """Run where ``examples/`` is the repository's and files the commands write go nowhere."""
    old = Path.cwd()
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "examples").symlink_to(REPO / "examples")
        os.chdir(tmp)
        try:
            yield
        finally:
            os.chdir(old)


def make_runner() -> CliRunner:
    return CliRunner(env={"COLUMNS": WIDTH, "LINES": "10000", "NO_COLOR": "1", "TERM": "dumb"})


# -- comparison ------------------------------------------------------------------------------------


def missing_lines(shown: list[str], printed: str) -> list[str]:
    """Shown lines that the command did not print, in order (``…`` lines are cuts)."""
    actual = [line.rstrip() for line in printed.splitlines()]
    missing: list[str] = []
    at = 0
    for line in (s.rstrip() for s in shown):
        if not line:
            continue
        try:
            at = actual.index(line, at) + 1
        except ValueError:
            if "…" not in line:
                missing.append(line)
    return missing


def _compact_json(text: str) -> str:
    """JSON text without the whitespace between tokens (strings kept as they are)."""
    return "".join(
        part if part.startswith('"') else re.sub(r"\s+", "", part)
        for part in re.split(r'("(?:[^"\\]|\\.)*")', text)
    )


def missing_json(shown: list[str], printed: str) -> list[str]:
    """For a JSON document shown laid out by hand (rows on one line, ``…`` for cuts): the
    pieces between the cuts must appear in the printed document, in order."""
    actual = _compact_json(json.dumps(json.loads(printed), ensure_ascii=False))
    missing: list[str] = []
    at = 0
    for piece in _compact_json("\n".join(shown)).split("…"):
        piece = piece.strip(",")
        if not piece:
            continue
        found = actual.find(piece, at)
        if found < 0:
            missing.append(piece)
        else:
            at = found + len(piece)
    return missing


def differences(example: Example, result: Run) -> list[str]:
    shown = example.shown or []
    if "--json" in result.args and shown and shown[0].lstrip().startswith("{"):
        try:
            return missing_json(shown, result.output)
        except json.JSONDecodeError:
            pass
    return missing_lines(shown, result.output)


def expected_exit(example: Example, result: Run) -> set[int]:
    shown = example.shown or []
    if any(line.startswith("error:") for line in shown):
        return {1}
    if "--check" in result.args:
        return {0, 3}
    return {0}


EXAMPLES = examples()


def test_the_docs_show_commands() -> None:
    docs = {e.doc.name for e in EXAMPLES}
    assert {"README.md", "getting-started.md", "contribute.md", "locate.md"} <= docs
    assert all(e.shown for e in EXAMPLES if e.shown is not None), [
        e.id for e in EXAMPLES if e.shown == []
    ]


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.id for e in EXAMPLES])
def test_documented_command(example: Example) -> None:
    with in_scratch_directory():
        result = run(example.command, make_runner())
    if example.shown is None:
        assert result.exit_code == 0, (example.command, result.output)
        allowed = {0, 3} if "--check" in result.args else {0}
        assert result.householder_exit in allowed, (example.command, result.output)
        return
    assert result.householder_exit in expected_exit(example, result), (
        example.command, result.householder_exit, result.output
    )
    missing = differences(example, result)
    assert not missing, (
        f"{example.id}: `{example.command}` no longer prints these shown lines:\n"
        + "\n".join(missing)
        + "\n--- it prints:\n"
        + result.output
    )


def test_the_shell_reader_understands_the_docs() -> None:
    assert tokens('householder drift x --check; echo "exit $?"') == [
        "householder", "drift", "x", "--check", ";", "echo", "exit $?"
    ]
    assert tokens("householder contribute x --to-target   # a comment") == [
        "householder", "contribute", "x", "--to-target"
    ]
    assert missing_lines(["a", "│ … │", "c"], "a\nb\nc\n") == []
    assert missing_lines(["c", "a"], "a\nb\nc\n") == ["a"]


# -- rewriting the docs ----------------------------------------------------------------------------


def update() -> int:
    """Rewrite the shown output of every console example that no longer matches."""
    changed = 0
    by_doc: dict[Path, list[tuple[Example, str]]] = {}
    for example in EXAMPLES:
        if example.shown is None:
            continue
        with in_scratch_directory():
            result = run(example.command, make_runner())
        if differences(example, result):
            by_doc.setdefault(example.doc, []).append((example, result.output))
    for doc, fixes in by_doc.items():
        lines = doc.read_text(encoding="utf-8").splitlines()
        for example, output in sorted(fixes, key=lambda f: -f[0].line):
            start, end = example.output_lines
            new = [re.sub(r"\s+$", "", line) for line in output.rstrip("\n").splitlines()]
            lines[start:end] = new
            changed += 1
            print(f"updated {example.id}: {example.command}")
        doc.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return changed


if __name__ == "__main__":
    if sys.argv[1:] != ["--update"]:
        sys.exit(__doc__)
    print(f"{update()} examples updated")
