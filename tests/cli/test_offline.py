"""Every command works with the network blocked (issue 12): householder never reaches out,
its data ships inside the package. ``socket.socket`` and ``socket.create_connection`` raise, in
process, through typer's CliRunner."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner

from householder.cli import app

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


class NetworkUsed(AssertionError):
    pass


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    attempts: list[str] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(repr(args))
        raise NetworkUsed(f"householder tried the network: {args!r}")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


INVOCATIONS = [
    (["validate", "kendra.yaml"], 0),
    (["drift", "kendra.yaml"], 0),
    (["drift", "kendra.yaml", "--check"], 3),
    (["plan", "two-earner.yaml"], 0),
    (["plan", "kendra.yaml", "--csv", "{tmp}/trades.csv", "--force"], 0),
    (["contribute", "kendra.yaml", "--amount", "5000"], 0),
    (["contribute", "two-earner.yaml", "--amount", "-2000"], 0),
    (["contribute", "kendra.yaml", "--to-target"], 0),
    (["contribute", "kendra.yaml", "--split", "--years", "2"], 0),
    (["locate", "three-account.yaml"], 0),
    (["locate", "three-account.yaml", "--sweep", "retirement_rate=0.12:0.32:0.1"], 0),
    (["glide", "kendra-glide.yaml"], 0),
    (["tdf", "kendra-tdf.yaml"], 0),
    (["schema"], 0),
    (["--version"], 0),
]


@pytest.mark.parametrize(("args", "code"), INVOCATIONS, ids=[" ".join(a) for a, _ in INVOCATIONS])
def test_every_command_runs_offline(
    args: list[str], code: int, offline: list[str], tmp_path: Path
) -> None:
    argv = [str(EXAMPLES / a) if a.endswith(".yaml") else a.format(tmp=tmp_path) for a in args]
    result = CliRunner().invoke(app, argv)
    assert not isinstance(result.exception, NetworkUsed), result.exception
    assert offline == []
    assert result.exit_code == code, (result.stdout, result.stderr)
    if args[0] not in {"schema", "--version"}:
        doc = CliRunner().invoke(app, [*argv, "--json"])
        assert doc.exit_code == code
        json.loads(doc.stdout)
    assert offline == []
