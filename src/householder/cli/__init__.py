"""The command line. Thin: parse, call, print. cvxpy and pandas are imported lazily inside the
commands that need them, so ``--help``, ``validate`` and ``drift`` start fast."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any

import typer
from typer.core import TyperGroup

from householder import __version__
from householder.cli.batch import batch
from householder.cli.contribute import contribute
from householder.cli.drift import drift
from householder.cli.glide import glide
from householder.cli.harvest import harvest
from householder.cli.import_ import import_
from householder.cli.init import init
from householder.cli.locate import locate
from householder.cli.plan import plan
from householder.cli.report import report
from householder.cli.schema import schema
from householder.cli.tdf import tdf
from householder.cli.validate import validate


class JsonUsageGroup(TyperGroup):
    """The command group: with ``--json`` anywhere on the command line, a usage error (an
    unknown option, a bad value, a missing argument) also writes one JSON document to stdout,
    ``{"error": message, "kind": "UsageError"}``, beside the usual message on stderr; exit 2
    (spec: every command takes ``--json``, and then stdout carries exactly one document)."""

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        if "--json" not in argv[: argv.index("--") if "--" in argv else len(argv)]:
            return super().main(argv, prog_name, complete_var, standalone_mode, **extra)
        try:
            rv = super().main(argv, prog_name, complete_var, False, **extra)
        except typer.TyperException as exc:  # click's ClickException: a usage error
            message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
            doc = {"error": message, "kind": "UsageError"}
            sys.stdout.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
            sys.stdout.flush()
            from typer import rich_utils

            rich_utils.rich_format_error(exc)  # type: ignore[arg-type]
            if not standalone_mode:
                raise
            sys.exit(exc.exit_code)
        except typer.Abort:
            if not standalone_mode:
                raise
            typer.echo("Aborted!", err=True)
            sys.exit(1)
        if not standalone_mode:
            return rv
        # non-standalone click returns an Exit's code (typer.Exit(1) from a command) or the
        # command's own return value (None)
        sys.exit(rv if isinstance(rv, int) else 0)


app = typer.Typer(
    name="householder",
    cls=JsonUsageGroup,
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    add_completion=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    help=(
        "Plan a whole household's investments at once: drift, plan, contribute, locate, "
        "harvest, glide, tdf, report."
    ),
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"householder {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """householder: one plan for all of a household's accounts."""


app.command()(validate)
app.command()(drift)
app.command()(plan)
app.command()(contribute)
app.command()(locate)
app.command()(harvest)
app.command()(glide)
app.command()(tdf)
app.command()(report)
app.command()(schema)
app.command(name="import")(import_)
app.command()(batch)
app.command()(init)


def main() -> None:
    app()
