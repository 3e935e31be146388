"""The command line. Thin: parse, call, print. cvxpy and pandas are imported lazily inside the
commands that need them, so ``--help``, ``validate`` and ``drift`` start fast."""

from __future__ import annotations

import typer

from householder import __version__
from householder.cli.contribute import contribute
from householder.cli.drift import drift
from householder.cli.glide import glide
from householder.cli.import_ import import_
from householder.cli.init import init
from householder.cli.locate import locate
from householder.cli.plan import plan
from householder.cli.schema import schema
from householder.cli.tdf import tdf
from householder.cli.validate import validate

app = typer.Typer(
    name="householder",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    add_completion=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    help=(
        "Plan a whole household's investments at once: drift, plan, contribute, locate, "
        "glide, tdf."
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
app.command()(glide)
app.command()(tdf)
app.command()(schema)
app.command(name="import")(import_)
app.command()(init)


def main() -> None:
    app()
