"""``householder.io.export``: the one way an output is written (issue 12). The command-line
cases are in tests/cli/test_bad_invocations.py; these reach what root cannot show there."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from householder.errors import InputError
from householder.io import export


def test_a_folder_that_cannot_be_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(export.os, "access", lambda path, mode: False)
    with pytest.raises(InputError, match=r"--csv .*: cannot write in the folder .* \(permission "
                       r"denied\)"):
        export.write_output(tmp_path / "t.csv", "x", flag="--csv")
    assert list(tmp_path.iterdir()) == []


def test_a_temporary_file_that_cannot_be_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(**kwargs: object) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(InputError, match=r"cannot be written in .*: Permission denied"):
        export.write_output(tmp_path / "t.csv", "x", flag="--csv")


def test_a_file_that_appears_meanwhile_is_not_replaced_without_force(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "t.csv"
    real = export.check_output

    def then_someone_writes(*args: object, **kwargs: object) -> Path:
        out = real(*args, **kwargs)  # type: ignore[arg-type]
        target.write_text("theirs\n", encoding="utf-8")
        return out

    monkeypatch.setattr(export, "check_output", then_someone_writes)
    with pytest.raises(InputError, match="exists; choose another name or pass --force"):
        export.write_output(target, "ours\n")
    assert target.read_text(encoding="utf-8") == "theirs\n"
    assert [p.name for p in tmp_path.iterdir()] == ["t.csv"]


def test_permissions_of_a_replaced_file_are_kept(tmp_path: Path) -> None:
    target = tmp_path / "t.csv"
    target.write_text("old\n", encoding="utf-8")
    os.chmod(target, 0o640)
    export.write_output(target, "new\n", force=True)
    assert target.read_text(encoding="utf-8") == "new\n"
    assert target.stat().st_mode & 0o777 == 0o640


def test_every_input_is_protected(tmp_path: Path) -> None:
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    first.write_text("a\n", encoding="utf-8")
    second.write_text("b\n", encoding="utf-8")
    with pytest.raises(InputError, match="is the input file"):
        export.write_output(second, "x", inputs=[first, second], force=True, flag="-o")
    assert second.read_text(encoding="utf-8") == "b\n"
