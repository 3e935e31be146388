"""``householder batch INPUTS… --out DIR``: one command on many households, in parallel.

Thin: parse, check the outputs, run (:func:`householder.plan.batch.run_many`), write each
household's JSON and the summary (:mod:`householder.report.batch`) through
:mod:`householder.io.export`, report. Exit 1 when any household failed."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from householder.cli.common import EXIT_INPUT, JsonOpt, Output, handled, require_money

if TYPE_CHECKING:
    from householder.plan.batch import Outcome

SUMMARY_CSV = "summary.csv"
SUMMARY_PARQUET = "summary.parquet"


def batch(
    inputs: Annotated[
        list[str],
        typer.Argument(
            help="Household files, folders of them, glob patterns ('clients/*.yaml') or CSV "
            "files listing them.",
            show_default=False,
            metavar="INPUTS...",
        ),
    ],
    out: Annotated[
        Path,
        typer.Option("--out", help="The folder for one JSON per household and the summary "
                     "(created if missing).", show_default=False),
    ],
    command: Annotated[
        str,
        typer.Option("--command", help="What to run on each household: plan, drift or "
                     "contribute (with --amount or --to-target)."),
    ] = "plan",
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", min=1, help="Worker processes (default: the machine's cores; 1 "
                     "runs in this process).", show_default=False),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", help="Run on a Dask cluster instead: its scheduler's "
                     "address, tcp://HOST:PORT (pip install 'householder\\[dask]').",
                     show_default=False),
    ] = None,
    amount: Annotated[
        float | None,
        typer.Option("--amount", help="contribute: new money (> 0) or a withdrawal (< 0).",
                     show_default=False),
    ] = None,
    to_target: Annotated[
        bool, typer.Option("--to-target", help="contribute: the smallest one-time "
                           "contribution that reaches the target.")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Replace outputs already in the folder.")
    ] = False,
    json: JsonOpt = False,
) -> None:
    """Run plan (or drift, contribute) on many households: one JSON each and a summary table."""
    from householder.plan.batch import COMMANDS, Job, expand_inputs, output_names, run_many

    if command not in COMMANDS:
        raise typer.BadParameter(f"use one of {', '.join(COMMANDS)}", param_hint="--command")
    if command == "contribute" and (amount is None) == (not to_target):
        raise typer.BadParameter("contribute needs exactly one of --amount N or --to-target",
                                 param_hint="--amount / --to-target")
    if command != "contribute" and (amount is not None or to_target):
        raise typer.BadParameter("--amount and --to-target are for --command contribute",
                                 param_hint="--amount / --to-target")
    output = Output(json)
    with handled(output):
        if command == "contribute" and amount is not None:
            from householder.cli.contribute import check_amount

            check_amount(amount)
        paths = expand_inputs(inputs)
        names = output_names(paths)
        targets = _prepare(out, names, paths, force)
        job = Job(command=command, amount=amount, to_target=to_target)
        workers = jobs or os.cpu_count() or 1
        rows: list[dict[str, Any] | None] = [None] * len(paths)
        start = time.perf_counter()
        with _progress(output, len(paths), command) as advance:

            def done(i: int, outcome: Outcome) -> None:
                _write_json(targets[i], outcome.document, paths, force)
                rows[i] = outcome.row()
                advance(outcome.ok)

            run_many(paths, job, done, jobs=workers, scheduler=scheduler,
                     preflight=require_money)
        seconds = time.perf_counter() - start
        table = [r for r in rows if r is not None]
        written = _write_summary(out, table, paths, force)
        from householder.report.batch import batch_document, batch_report

        if json:
            output.document(batch_document(table, str(out), written, seconds, command))
        output.report(batch_report(table, str(out), written, seconds))
    if any(r["status"] != "ok" for r in table):
        raise typer.Exit(EXIT_INPUT)


def _prepare(out: Path, names: list[str], inputs: list[Path], force: bool) -> list[Path]:
    """The output folder (made if missing) and every file the batch will write in it, checked
    before any work: none may be an input, none may exist unless ``force``."""
    from householder.errors import InputError
    from householder.io.export import check_output

    if out.exists() and not out.is_dir():
        raise InputError(f"--out {out} is a file; give a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"--out {out} cannot be made: {exc.strerror or exc}") from None
    targets = [out / name for name in names]
    for target in [*targets, out / SUMMARY_CSV, out / SUMMARY_PARQUET]:
        check_output(target, inputs=inputs, force=force, flag="--out")
    return targets


def _write_json(target: Path, document: dict[str, Any], inputs: list[Path], force: bool) -> None:
    import json

    from householder.io.export import write_output

    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    write_output(target, text, inputs=inputs, force=force, flag="--out")


def _write_summary(
    out: Path, rows: list[dict[str, Any]], inputs: list[Path], force: bool
) -> list[str]:
    """summary.csv, and summary.parquet when pyarrow is installed; the names written."""
    from householder.io.export import write_output
    from householder.report.batch import summary_csv, summary_frame, summary_parquet

    frame = summary_frame(rows)
    write_output(out / SUMMARY_CSV, summary_csv(frame), inputs=inputs, force=force,
                 flag="--out")
    written = [SUMMARY_CSV]
    parquet = summary_parquet(frame)
    if parquet is not None:
        write_output(out / SUMMARY_PARQUET, parquet, inputs=inputs, force=force, flag="--out")
        written.append(SUMMARY_PARQUET)
    return written


class _progress:
    """A rich progress bar with an ETA on stderr (counting failures as it goes); a context
    manager yielding ``advance(ok)``."""

    def __init__(self, output: Output, total: int, command: str) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.progress = Progress(
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[failed]} failed"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=output.errors,
            transient=False,
        )
        self.task = self.progress.add_task(f"{command}", total=total, failed=0)
        self.failed = 0

    def __enter__(self) -> Any:
        self.progress.start()

        def advance(ok: bool) -> None:
            if not ok:
                self.failed += 1
            self.progress.update(self.task, advance=1, failed=self.failed)

        return advance

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()
