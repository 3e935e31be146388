"""A catalogue of bad invocations (issue 12): every command with a bad argument, option, input
or output path. Each one exits with the spec's code (1 bad input, 2 usage), prints one clear
message naming the argument and the fix on stderr, never a traceback, writes exactly one JSON
document on stdout with ``--json`` (usage errors included), and changes no file.

The bad household *files* are catalogued in ``tests/io/test_bad_inputs.py``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from householder.cli import app

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

COMMANDS = ["validate", "drift", "plan", "contribute", "locate", "glide", "tdf"]
"""The commands that read a household file (``schema`` reads none)."""

MODE = {"contribute": ["--amount", "100"]}
"""What a command needs beside the file to run at all."""


def _household(value: float) -> str:
    return yaml.safe_dump(
        {
            "name": "Small",
            "as_of": "2024-12-31",
            "target": {"stocks": 75, "bonds": 25},
            "accounts": [
                {
                    "id": "ira",
                    "type": "roth_ira",
                    "holdings": [
                        {"fund": "VTSAX", "value": value},
                        {"fund": "VBTLX", "value": 0},
                    ],
                }
            ],
        },
        sort_keys=False,
    )


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """A folder of inputs good and bad; tests run with it as the current directory."""
    shutil.copy(EXAMPLES / "kendra.yaml", tmp_path / "kendra.yaml")
    (tmp_path / "zero.yaml").write_text(_household(0), encoding="utf-8")
    (tmp_path / "cent.yaml").write_text(_household(0.01), encoding="utf-8")
    (tmp_path / "folder.yaml").mkdir()
    (tmp_path / "plain-file").write_text("not a folder\n", encoding="utf-8")
    (tmp_path / "existing.csv").write_text("keep me\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("as_of: 2024-12-31\n", encoding="utf-8")
    os.mkfifo(tmp_path / "pipe.yaml")
    (tmp_path / "zeros.yaml").symlink_to("/dev/zero")
    (tmp_path / "random.yaml").symlink_to("/dev/urandom")
    (tmp_path / "link.yaml").symlink_to(tmp_path / "kendra.yaml")
    (tmp_path / "loop.yaml").symlink_to(tmp_path / "loop.yaml")
    os.link(tmp_path / "kendra.yaml", tmp_path / "hard.yaml")
    with open(tmp_path / "huge.yaml", "wb") as handle:  # sparse: 60 MB on paper, no disk
        handle.truncate(60_000_000)
    return tmp_path


def snapshot(folder: Path) -> dict[str, str]:
    """Every regular file's hash and every other entry's kind (a pipe is never opened)."""
    out: dict[str, str] = {}
    for path in sorted(folder.rglob("*")):
        info = path.lstat()
        if stat.S_ISREG(info.st_mode) and info.st_size < 1_000_000:
            out[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            out[str(path)] = f"{stat.S_IFMT(info.st_mode)}:{info.st_size}"
    return out


@dataclass(frozen=True)
class Bad:
    id: str
    args: list[str]
    code: int
    message: str
    """A fragment of the message: the argument or input it names, and the fix."""


def per_command(
    kind: str, make: Callable[[str], list[str]], code: int, message: str,
    commands: list[str] = COMMANDS,
) -> list[Bad]:
    return [Bad(f"{command}-{kind}", make(command), code, message) for command in commands]


CASES: list[Bad] = [
    # -- the household file argument, for every command ----------------------------------------
    *per_command("no-such-file", lambda c: [c, "nowhere.yaml", *MODE.get(c, [])], 1,
                 "no such file"),
    *per_command("a-folder", lambda c: [c, "folder.yaml", *MODE.get(c, [])], 1,
                 "is a directory, not a file"),
    *per_command("a-pipe", lambda c: [c, "pipe.yaml", *MODE.get(c, [])], 1,
                 "is a pipe, not a regular file"),
    *per_command("dev-zero", lambda c: [c, "zeros.yaml", *MODE.get(c, [])], 1,
                 "is a device, not a regular file"),
    *per_command("dev-urandom", lambda c: [c, "random.yaml", *MODE.get(c, [])], 1,
                 "is a device, not a regular file"),
    *per_command("over-the-size-limit", lambda c: [c, "huge.yaml", *MODE.get(c, [])], 1,
                 "householder reads household files up to 50 MB"),
    *per_command("unknown-extension", lambda c: [c, "notes.txt", *MODE.get(c, [])], 1,
                 "unknown file type '.txt'; use one of"),
    *per_command("symlink-loop", lambda c: [c, "loop.yaml", *MODE.get(c, [])], 1,
                 "cannot be read"),
    *per_command("parent-is-a-file", lambda c: [c, "plain-file/h.yaml", *MODE.get(c, [])], 1,
                 "no such file (a part of the path is a file"),
    *per_command("missing-argument", lambda c: [c, *MODE.get(c, [])], 2,
                 "Missing argument 'FILE'"),
    *per_command("unknown-option", lambda c: [c, "kendra.yaml", "--frobnicate"], 2,
                 "No such option: --frobnicate"),
    Bad("schema-unknown-option", ["schema", "--frobnicate"], 2, "No such option"),
    Bad("schema-extra-argument", ["schema", "kendra.yaml"], 2, "Got unexpected extra argument"),
    Bad("unknown-command", ["rebalance", "kendra.yaml"], 2, "No such command 'rebalance'"),
    Bad("drift-check-value", ["drift", "kendra.yaml", "--check=maybe"], 2, "--check"),
    # -- households too small to plan ------------------------------------------------------------
    Bad("plan-empty-household", ["plan", "zero.yaml"], 1,
        "holds $0.00 in all; plan needs at least $1.00"),
    Bad("plan-a-cent", ["plan", "cent.yaml"], 1, "holds $0.01 in all; plan needs at least $1.00"),
    Bad("locate-a-cent", ["locate", "cent.yaml"], 1, "locate needs at least $1.00"),
    Bad("locate-empty-household", ["locate", "zero.yaml"], 1, "locate needs at least $1.00"),
    Bad("drift-empty-household", ["drift", "zero.yaml"], 1, "no allocation to measure"),
    Bad("to-target-empty-household", ["contribute", "zero.yaml", "--to-target"], 1,
        "contribute needs at least $1.00"),
    Bad("split-empty-household", ["contribute", "zero.yaml", "--split"], 1,
        "contribute needs at least $1.00"),
    Bad("contribute-half-a-dollar-to-nothing",
        ["contribute", "zero.yaml", "--amount", "0.5", "--account", "ira"], 1,
        "$0.50 of new money in all; contribute needs at least $1.00"),
    # -- contribute's options ---------------------------------------------------------------------
    Bad("amount-nan", ["contribute", "kendra.yaml", "--amount", "nan"], 1,
        "--amount nan: give a number of dollars"),
    Bad("amount-inf", ["contribute", "kendra.yaml", "--amount", "inf"], 1,
        "--amount inf: give a number of dollars"),
    Bad("amount-minus-inf", ["contribute", "kendra.yaml", "--amount", "-inf"], 1,
        "--amount -inf: give a number of dollars"),
    Bad("amount-beyond-a-trillion", ["contribute", "kendra.yaml", "--amount", "2e12"], 1,
        "at most $1,000,000,000,000"),
    Bad("amount-1e308", ["contribute", "kendra.yaml", "--amount", "1e308"], 1,
        "at most $1,000,000,000,000"),
    Bad("amount-text", ["contribute", "kendra.yaml", "--amount", "lots"], 2,
        "Invalid value for '--amount'"),
    Bad("amount-zero", ["contribute", "kendra.yaml", "--amount", "0"], 1,
        "--amount is 0: give new money (> 0) or a withdrawal (< 0)"),
    Bad("amount-and-to-target", ["contribute", "kendra.yaml", "--amount", "5", "--to-target"], 2,
        "give exactly one of --amount N, --to-target or --split"),
    Bad("no-mode", ["contribute", "kendra.yaml"], 2, "give exactly one of --amount N"),
    Bad("split-and-to-target", ["contribute", "kendra.yaml", "--split", "--to-target"], 2,
        "give exactly one of"),
    Bad("years-zero", ["contribute", "kendra.yaml", "--split", "--years", "0"], 2,
        "Invalid value for '--years'"),
    Bad("years-text", ["contribute", "kendra.yaml", "--split", "--years", "ten"], 2,
        "Invalid value for '--years'"),
    Bad("account-unknown",
        ["contribute", "kendra.yaml", "--amount", "100", "--account", "kendra-ira"], 1,
        "kendra-ira"),
    Bad("withdrawal-beyond-the-account",
        ["contribute", "kendra.yaml", "--amount", "-50000", "--account", "kendra-401k"], 1,
        "is more than the $21,000.00 it can raise"),
    Bad("amount-missing-value", ["contribute", "kendra.yaml", "--amount"], 2,
        "Option '--amount' requires an argument"),
    # -- locate --sweep ---------------------------------------------------------------------------
    Bad("sweep-nan-start", ["locate", "kendra.yaml", "--sweep", "retirement_rate=nan:0.3:0.1"], 1,
        "start, stop and step must be finite numbers"),
    Bad("sweep-inf-stop", ["locate", "kendra.yaml", "--sweep", "retirement_rate=0.1:inf:0.1"], 1,
        "start, stop and step must be finite numbers"),
    Bad("sweep-inf-step", ["locate", "kendra.yaml", "--sweep", "horizon_years=10:40:inf"], 1,
        "must be finite numbers"),
    Bad("sweep-no-equals", ["locate", "kendra.yaml", "--sweep", "retirement_rate"], 1,
        "write name=start:stop:step"),
    Bad("sweep-two-parts", ["locate", "kendra.yaml", "--sweep", "retirement_rate=0.1:0.2"], 1,
        "write name=start:stop:step"),
    Bad("sweep-step-zero", ["locate", "kendra.yaml", "--sweep", "retirement_rate=0.1:0.2:0"], 1,
        "step must be > 0"),
    Bad("sweep-backwards", ["locate", "kendra.yaml", "--sweep", "retirement_rate=0.3:0.1:0.1"],
        1, "stop ≥ start"),
    Bad("sweep-too-many-points",
        ["locate", "kendra.yaml", "--sweep", "retirement_rate=0:0.8:0.0001"], 1,
        "too many (at most 200)"),
    Bad("sweep-unknown-name", ["locate", "kendra.yaml", "--sweep", "colour=0.1:0.2:0.1"], 1,
        "colour"),
    # -- outputs: --csv never replaces an input, and fails clearly --------------------------------
    Bad("csv-is-the-input", ["plan", "kendra.yaml", "--csv", "kendra.yaml", "--force"], 1,
        "--csv kendra.yaml is the input file kendra.yaml; an output never replaces an input"),
    Bad("csv-is-the-input-without-force", ["plan", "kendra.yaml", "--csv", "kendra.yaml"], 1,
        "is the input file"),
    Bad("csv-is-the-input-by-dot-slash", ["plan", "kendra.yaml", "--csv", "./kendra.yaml",
                                          "--force"], 1, "is the input file"),
    Bad("csv-is-the-input-by-parent", ["plan", "kendra.yaml", "--csv", "folder.yaml/../kendra.yaml",
                                       "--force"], 1, "is the input file"),
    Bad("csv-is-a-symlink-to-the-input", ["plan", "kendra.yaml", "--csv", "link.yaml", "--force"],
        1, "--csv link.yaml is the input file"),
    Bad("csv-is-a-hard-link-to-the-input", ["plan", "kendra.yaml", "--csv", "hard.yaml",
                                            "--force"], 1, "--csv hard.yaml is the input file"),
    Bad("input-by-symlink-csv-the-target", ["plan", "link.yaml", "--csv", "kendra.yaml",
                                            "--force"], 1, "is the input file"),
    Bad("contribute-csv-is-the-input",
        ["contribute", "kendra.yaml", "--amount", "100", "--csv", "kendra.yaml", "--force"], 1,
        "an output never replaces an input"),
    Bad("contribute-csv-is-a-symlink-to-the-input",
        ["contribute", "kendra.yaml", "--to-target", "--csv", "link.yaml", "--force"], 1,
        "an output never replaces an input"),
    Bad("csv-exists", ["plan", "kendra.yaml", "--csv", "existing.csv"], 1,
        "--csv existing.csv exists; choose another name or pass --force to replace it"),
    Bad("contribute-csv-exists", ["contribute", "kendra.yaml", "--amount", "100", "--csv",
                                  "existing.csv"], 1, "pass --force to replace it"),
    Bad("csv-folder-missing", ["plan", "kendra.yaml", "--csv", "no/such/folder/t.csv"], 1,
        "does not exist; create it first"),
    Bad("csv-parent-is-a-file", ["plan", "kendra.yaml", "--csv", "plain-file/t.csv"], 1,
        "is a file, not a folder"),
    Bad("csv-is-a-folder", ["plan", "kendra.yaml", "--csv", "folder.yaml", "--force"], 1,
        "--csv folder.yaml is a folder; give a file name inside it"),
    Bad("csv-into-proc", ["plan", "kendra.yaml", "--csv", "/proc/trades.csv"], 1,
        "--csv /proc/trades.csv cannot be written"),
    Bad("csv-over-proc-file", ["plan", "kendra.yaml", "--csv", "/proc/self/status", "--force"], 1,
        "--csv /proc/self/status"),
    Bad("csv-to-dev-null", ["plan", "kendra.yaml", "--csv", "/dev/null", "--force"], 1,
        "is not a regular file"),
    Bad("csv-to-a-pipe", ["plan", "kendra.yaml", "--csv", "pipe.yaml", "--force"], 1,
        "is not a regular file"),
    Bad("csv-missing-value", ["plan", "kendra.yaml", "--csv"], 2,
        "Option '--csv' requires an argument"),
]


def _ids(cases: list[Bad]) -> list[str]:
    ids = [c.id for c in cases]
    assert len(ids) == len(set(ids)), "case ids repeat"
    return ids


runner = CliRunner()


def _invoke(work: Path, args: list[str]) -> tuple[int, str, str]:
    cwd = os.getcwd()
    os.chdir(work)
    try:
        result = runner.invoke(app, args)
    finally:
        os.chdir(cwd)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        result.exception
    )
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_bad_invocation(case: Bad, work: Path) -> None:
    before = snapshot(work)
    code, stdout, stderr = _invoke(work, case.args)
    assert code == case.code, (stdout, stderr)
    assert "Traceback" not in stderr + stdout
    assert stdout == "", "without --json the message goes to stderr"
    flat = " ".join(stderr.replace("│", " ").split())
    assert " ".join(case.message.split()) in flat, stderr
    code, stdout, stderr = _invoke(work, [case.args[0], "--json", *case.args[1:]])
    assert code == case.code, (stdout, stderr)
    doc = json.loads(stdout)  # exactly one JSON document on stdout
    assert set(doc) >= {"error", "kind"}
    assert (doc["kind"] == "UsageError") == (case.code == 2)
    assert " ".join(case.message.split()) in " ".join(json.dumps(doc, ensure_ascii=False).split())
    assert "Traceback" not in stderr
    assert snapshot(work) == before, "a refused command changed a file"


def test_the_catalogue_covers_every_command() -> None:
    named = {c.args[0] for c in CASES}
    assert set(COMMANDS) | {"schema"} <= named
    assert len(CASES) >= 120


def test_an_unreadable_file_is_bad_input_not_usage(
    work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Exit 1 with the reason (spec: 1 invalid input); click used to call it a usage error
    (exit 2). Root reads any file, so the refusal is simulated at the open."""
    real_open = os.open

    def refuse(path: object, *args: object, **kwargs: object) -> int:
        if str(path).endswith("kendra.yaml"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", refuse)
    for command in COMMANDS:
        code, _, stderr = _invoke(work, [command, "kendra.yaml", *MODE.get(command, [])])
        assert code == 1, (command, stderr)
        assert "cannot be read: Permission denied" in stderr
        assert "Traceback" not in stderr


def test_a_good_csv_is_written_whole_and_replaced_only_with_force(work: Path) -> None:
    code, _, stderr = _invoke(work, ["plan", "kendra.yaml", "--csv", "out/../trades.csv"])
    assert code == 1 and "does not exist" in stderr  # out/ is missing
    code, _, _ = _invoke(work, ["plan", "kendra.yaml", "--csv", "trades.csv"])
    assert code == 0
    first = (work / "trades.csv").read_bytes().decode("utf-8")  # as written: csv's \r\n
    assert first.startswith("account,fund,action,amount,shares,price,lots,reason\r\n")
    assert "kendra-401k,STOCK,sell,1250.00" in first
    assert not [p for p in work.iterdir() if p.name.endswith(".tmp")], "a temporary file stayed"
    code, _, _ = _invoke(work, ["plan", "kendra.yaml", "--csv", "trades.csv"])
    assert code == 1
    code, _, _ = _invoke(work, ["contribute", "kendra.yaml", "--to-target", "--csv",
                                "trades.csv", "--force"])
    assert code == 0
    assert (work / "trades.csv").read_bytes().decode("utf-8") != first
    assert (work / "kendra.yaml").read_bytes() == (EXAMPLES / "kendra.yaml").read_bytes()


def test_a_failed_write_leaves_the_old_file(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Written to a temporary file and renamed: a failure half way changes nothing."""
    from householder.errors import InputError
    from householder.io import export

    target = work / "existing.csv"

    def broken_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export.os, "fsync", broken_fsync)
    with pytest.raises(InputError, match="cannot be written: No space left on device"):
        export.write_output(target, "new", force=True, flag="--csv")
    assert target.read_text(encoding="utf-8") == "keep me\n"
    assert sorted(p.name for p in work.iterdir() if p.name.startswith(".")) == []


def test_output_through_a_symlink_replaces_the_file_it_points_to(work: Path) -> None:
    from householder.io.export import write_output

    (work / "out.csv").write_text("old\n", encoding="utf-8")
    (work / "out-link.csv").symlink_to(work / "out.csv")
    write_output(work / "out-link.csv", "new\n", inputs=[work / "kendra.yaml"], force=True)
    assert (work / "out-link.csv").is_symlink()
    assert (work / "out.csv").read_text(encoding="utf-8") == "new\n"
