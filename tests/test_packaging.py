"""What a Python CLI user expects: ``python -m householder``, ``-h``, shell completion, a
LICENSE matching pyproject's, ``py.typed``, and project metadata."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from householder.cli import app

REPO = Path(__file__).resolve().parents[1]
runner = CliRunner()


def test_python_dash_m() -> None:
    result = subprocess.run([sys.executable, "-m", "householder", "--version"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0 and result.stdout.startswith("householder ")
    helped = subprocess.run([sys.executable, "-m", "householder", "-h"], capture_output=True,
                            text=True, check=False, env={**os.environ, "COLUMNS": "100"})
    assert helped.returncode == 0 and "Usage: householder" in helped.stdout


@pytest.mark.parametrize("args", [["-h"], ["--help"], ["import", "-h"], ["init", "-h"],
                                  ["plan", "-h"]])
def test_short_help(args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 0 and "Usage:" in result.output


def test_completion_script_and_completing(tmp_path: Path) -> None:
    shown = runner.invoke(app, ["--show-completion", "bash"], prog_name="householder")
    assert shown.exit_code == 0 and "_HOUSEHOLDER_COMPLETE=complete_bash" in shown.output
    completed = runner.invoke(app, [], prog_name="householder", env={
        "_HOUSEHOLDER_COMPLETE": "complete_bash", "COMP_WORDS": "householder imp",
        "COMP_CWORD": "1"})
    assert completed.output.split() == ["import"]
    brokers = runner.invoke(app, [], prog_name="householder", env={
        "_HOUSEHOLDER_COMPLETE": "complete_bash", "COMP_WORDS": "householder import ",
        "COMP_CWORD": "2"})
    assert brokers.output.split() == ["fidelity", "schwab", "vanguard", "ofx", "csv"]


def test_install_completion(tmp_path: Path) -> None:
    env = {**os.environ, "HOME": str(tmp_path), "SHELL": "/bin/bash"}
    exe = Path(sys.executable).with_name("householder")
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "householder"]
    result = subprocess.run([*command, "--install-completion", "bash"], env=env,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    script = tmp_path / ".bash_completions" / "householder.sh"
    assert script.is_file() and "_HOUSEHOLDER_COMPLETE" in script.read_text()
    assert "householder.sh" in (tmp_path / ".bashrc").read_text()


def test_license_matches_pyproject() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert project["license"] == {"text": "MIT"}
    text = (REPO / "LICENSE").read_text()
    assert text.startswith("MIT License\n")
    assert "Permission is hereby granted, free of charge" in text
    assert "License :: OSI Approved :: MIT License" in project["classifiers"]


def test_metadata_and_py_typed() -> None:
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    project = pyproject["project"]
    assert project["authors"] and project["classifiers"]
    assert set(project["urls"]) >= {"Homepage", "Repository", "Issues"}
    assert "Typing :: Typed" in project["classifiers"]
    assert "py.typed" in pyproject["tool"]["setuptools"]["package-data"]["householder"]
    assert (REPO / "src" / "householder" / "py.typed").is_file()
    assert (REPO / "src" / "householder" / "__main__.py").is_file()
