"""Many households, one command each: the per-household function of ``householder batch``.

:func:`run_household` is pure: the household's text in, an :class:`Outcome` out (the command's
``--json`` document and the summary row), nothing read or written, every failure caught and
returned as data. So any pool can run it, a local process pool or a Dask cluster
(``householder batch --scheduler``), and one household's failure never stops another's. The
CLI reads the files (:func:`read_household`) and writes the outputs (``cli/batch.py``).

Inputs (:func:`expand_inputs`): household files, folders (their household files, sorted), glob
patterns the shell left unexpanded (``'clients/*.yaml'``), and CSV files listing households (a
``file`` or ``path`` column, else the first; relative paths are relative to the CSV).
"""

from __future__ import annotations

import csv
import glob
import io
import math
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from householder.errors import HouseholderError, HouseholdFileError, InputError
from householder.io.reader import SUFFIXES, parse_text, read_bytes

if TYPE_CHECKING:
    from householder.model.book import Book

Command = Literal["plan", "drift", "contribute"]
COMMANDS: tuple[str, ...] = ("plan", "drift", "contribute")
LIST_SUFFIXES = {".csv"}
"""A CSV file among the inputs lists households."""
LIST_COLUMNS = ("file", "path", "household")
"""The column of a list CSV that names the files (else its first column)."""

Preflight = Callable[[Any, str, float], None]
"""A check on the loaded book before the command (the CLI's ``require_money``): the book, the
command, the new money."""


@dataclass(frozen=True)
class Job:
    """What to run on each household: the command and its options."""

    command: str = "plan"
    amount: float | None = None
    """``contribute``: new money (> 0) or a withdrawal (< 0)."""
    to_target: bool = False
    """``contribute``: the smallest one-time contribution that reaches the target."""


@dataclass(frozen=True)
class Source:
    """One household to run: where it came from (a path, for messages and output names) and
    its text, read by the caller."""

    name: str
    text: str
    fmt: str


@dataclass
class Outcome:
    """One household's result: ``status`` ok or failed; the command's JSON document (or the
    error document, as the CLI's ``--json`` gives it); the summary's numbers; seconds."""

    source: str
    status: Literal["ok", "failed"]
    document: dict[str, Any]
    seconds: float
    household: str = ""
    error: str = ""
    kind: str = ""
    trades: int = 0
    turnover: float = 0.0
    tax: float = 0.0
    fees_before: float = math.nan
    fees_after: float = math.nan
    drift_after: float = math.nan
    target_reached: bool | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def row(self) -> dict[str, Any]:
        """The summary table's row (report/batch.py: ``SUMMARY_COLUMNS``)."""
        return {
            "household": self.household,
            "file": self.source,
            "status": self.status,
            "trades": self.trades,
            "turnover": self.turnover,
            "tax": self.tax,
            "fees_before": self.fees_before,
            "fees_after": self.fees_after,
            "drift_after": self.drift_after,
            "target_reached": self.target_reached,
            "seconds": round(self.seconds, 3),
            "error": self.error,
        }


def run_household(source: Source, job: Job, preflight: Preflight | None = None) -> Outcome:
    """Run ``job`` on one household; never raises: a failure is an :class:`Outcome` with
    status ``failed``, its message and kind (the error's class; a bug's traceback's last line
    is kept too, so it can be reported)."""
    start = time.perf_counter()
    try:
        return _run(source, job, preflight, start)
    except HouseholderError as exc:
        problems = [str(p) for p in exc.problems] if isinstance(exc, HouseholdFileError) else []
        return _failed(source, exc, start, problems)
    except Exception as exc:  # a bug: isolated and reported, never the whole batch
        last = traceback.format_exception_only(type(exc), exc)[-1].strip()
        return _failed(source, exc, start, [], detail=last)


def _failed(
    source: Source, exc: BaseException, start: float, problems: list[str], detail: str = ""
) -> Outcome:
    message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if detail and detail not in message:
        message = f"{message} ({detail})" if message != type(exc).__name__ else detail
    doc: dict[str, Any] = {"error": message, "kind": type(exc).__name__}
    if problems:
        doc["problems"] = problems
    # the summary's one line: the message and the file's problems, cut short
    line = message + (": " + "; ".join(problems) if problems else "")
    return Outcome(
        source=source.name,
        status="failed",
        document=doc,
        seconds=time.perf_counter() - start,
        error=line if len(line) <= ERROR_CHARS else line[: ERROR_CHARS - 1] + "…",
        kind=type(exc).__name__,
    )


ERROR_CHARS = 300
"""The summary's error column at most (the household's JSON holds the whole of it)."""


def _run(source: Source, job: Job, preflight: Preflight | None, start: float) -> Outcome:
    from householder.io.loader import build_book

    book = build_book(parse_text(source.text, source.fmt, source.name), source=source.name)
    try:
        return _run_book(book, source, job, preflight, start)
    except HouseholderError as exc:  # the file was read: its row names the household
        failed = _failed(source, exc, start, [])
        failed.household = book.name
        return failed


def _run_book(
    book: Book, source: Source, job: Job, preflight: Preflight | None, start: float
) -> Outcome:
    if job.command == "drift":
        from householder.plan.drift import drift

        if preflight is not None:
            preflight(book, "drift", 0.0)
        result = drift(book)
        worst = max((abs(r.drift) for r in result.allocation), default=0.0)
        return Outcome(
            source=source.name,
            status="ok",
            document=result.to_json(),
            seconds=time.perf_counter() - start,
            household=result.household,
            drift_after=worst,
            target_reached=not result.breached,
        )
    if job.command == "plan":
        from householder.optimize import solve_household
        from householder.plan.build import build_plan

        if preflight is not None:
            preflight(book, "plan", 0.0)
        plan = build_plan(solve_household(book))
    elif job.command == "contribute":
        from householder.plan import contribute as cf

        new_money = job.amount if job.amount is not None and job.amount > 0 else 0.0
        if preflight is not None and (job.amount is None or job.amount > 0):
            preflight(book, "contribute", new_money)
        if job.to_target:
            plan = cf.contribute_to_target(book)
        elif job.amount is not None:
            plan = cf.contribute_amount(book, float(job.amount))
        else:
            raise InputError("contribute in a batch needs --amount N or --to-target")
    else:
        raise InputError(f"unknown command {job.command!r}; use one of {', '.join(COMMANDS)}")
    trades = [t for a in plan.accounts for t in a.trades]
    return Outcome(
        source=source.name,
        status="ok",
        document=plan.to_json(),
        seconds=time.perf_counter() - start,
        household=plan.household,
        trades=len(trades),
        turnover=round(sum(t.amount for t in trades), 2),
        tax=plan.tax.estimated_tax,
        fees_before=plan.costs.fees_annual_before,
        fees_after=plan.costs.fees_annual_after,
        drift_after=plan.costs.remaining_drift,
        target_reached=plan.target_reached,
    )


# ------------------------------------------------------------------------------------------------
# Inputs
# ------------------------------------------------------------------------------------------------


def expand_inputs(inputs: Iterable[str | Path]) -> list[Path]:
    """The household files the inputs name, in order, each once: a file as given, a folder's
    household files (sorted; not its subfolders), a glob pattern's matches (sorted), a CSV
    list's files. Raises :class:`InputError` naming every input that names nothing."""
    out: list[Path] = []
    seen: set[str] = set()
    missing: list[str] = []

    def add(path: Path) -> None:
        key = str(path.resolve()) if path.exists() else str(path)
        if key not in seen:
            seen.add(key)
            out.append(path)

    for raw in inputs:
        given = Path(raw)
        text = str(raw)
        if given.is_dir():
            found = sorted(p for p in given.iterdir()
                           if p.is_file() and p.suffix.lower() in SUFFIXES)
            if not found:
                missing.append(f"{text}: the folder holds no household file "
                               f"({', '.join(sorted(SUFFIXES))})")
            for p in found:
                add(p)
        elif given.suffix.lower() in LIST_SUFFIXES and given.is_file():
            for p in _listed(given):
                add(p)
        elif given.exists():
            add(given)
        elif glob.has_magic(text):
            matches = sorted(Path(m) for m in glob.glob(text) if Path(m).is_file())
            if not matches:
                missing.append(f"{text}: the pattern matches no file")
            for p in matches:
                add(p)
        else:
            missing.append(f"{text}: no such file or folder")
    if missing:
        raise InputError("batch inputs: " + "; ".join(missing))
    if not out:
        raise InputError("batch inputs: no household file given")
    return out


def _listed(path: Path) -> list[Path]:
    """The files a CSV list names: its ``file`` (or ``path``, ``household``) column, else its
    first; blank cells skipped; relative paths from the CSV's folder."""
    try:
        text = read_bytes(path).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{path}: the list is not UTF-8 text; save it as UTF-8") from None
    except HouseholdFileError as exc:
        raise InputError(str(exc).replace("\n", " ")) from None
    rows = [r for r in csv.reader(io.StringIO(text)) if any(c.strip() for c in r)]
    if not rows:
        raise InputError(f"{path}: the list is empty; give one household file per line")
    header = [c.strip().lower() for c in rows[0]]
    column = next((header.index(c) for c in LIST_COLUMNS if c in header), None)
    body = rows[1:] if column is not None else rows
    if column is None:
        column = 0
        # a first line that names no household file is a header all the same
        if Path(rows[0][0].strip()).suffix.lower() not in SUFFIXES:
            body = rows[1:]
    out: list[Path] = []
    for r in body:
        cell = r[column].strip() if column < len(r) else ""
        if cell:
            p = Path(cell)
            out.append(p if p.is_absolute() else path.parent / p)
    return out


def read_household(path: Path) -> Source | Outcome:
    """The household file's text (the reader's checks: a regular file, its size, UTF-8), or a
    failed :class:`Outcome` saying why it cannot be read."""
    start = time.perf_counter()
    source = Source(str(path), "", "")
    fmt = SUFFIXES.get(path.suffix.lower())
    try:
        if fmt is None:
            known = ", ".join(sorted(SUFFIXES))
            raise InputError(f"{path}: unknown file type {path.suffix!r}; use one of {known}")
        raw = read_bytes(path)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{path}: is not UTF-8 text (byte {exc.start + 1}); save it as UTF-8"
            ) from None
    except HouseholderError as exc:
        problems = [str(p) for p in exc.problems] if isinstance(exc, HouseholdFileError) else []
        return _failed(source, exc, start, problems)
    return Source(str(path), text.replace("\r\n", "\n").replace("\r", "\n"), fmt)


def output_names(paths: list[Path]) -> list[str]:
    """Each household's JSON file name in the output folder: its file's stem, made unique
    (``a.json``, ``a-2.json``) where two inputs share one (case aside)."""
    used: set[str] = set()
    names = []
    for p in paths:
        stem = p.stem or "household"
        name, n = f"{stem}.json", 1
        while name.lower() in used or name.lower() in RESERVED:
            n += 1
            name = f"{stem}-{n}.json"
        used.add(name.lower())
        names.append(name)
    return names


RESERVED = {"summary.json"}
"""Output names the batch keeps for itself."""


# ------------------------------------------------------------------------------------------------
# Running many: a local process pool, or a Dask cluster
# ------------------------------------------------------------------------------------------------

Done = Callable[[int, Outcome], None]
"""Called in the caller's process as each household finishes: its index among the inputs and
its outcome (in the order they finish)."""

WINDOW_PER_WORKER = 4
"""Households in flight per worker at most: the texts are read as the pool takes them, so a
batch of 10,000 never holds every file in memory at once."""


def run_many(
    paths: list[Path],
    job: Job,
    done: Done,
    *,
    jobs: int = 1,
    scheduler: str | None = None,
    preflight: Preflight | None = None,
) -> None:
    """Run ``job`` on every household of ``paths``, calling ``done`` as each finishes: in this
    process (``jobs`` 1), in a local process pool of ``jobs`` workers, or on the Dask cluster
    at ``scheduler`` (``tcp://HOST:PORT``; needs ``pip install householder[dask]``). The
    files are read here and their text sent to the workers, so a cluster needs no shared
    folder. A worker that dies takes only its households with it (each reported failed)."""
    if scheduler is not None:
        _run_dask(paths, job, done, scheduler, preflight)
    elif jobs <= 1:
        for i, path in enumerate(paths):
            source = read_household(path)
            done(i, source if isinstance(source, Outcome) else
                 run_household(source, job, preflight))
    else:
        _run_pool(paths, job, done, jobs, preflight)


def _sources(paths: list[Path], done: Done) -> Iterable[tuple[int, Source]]:
    """The readable households, in order; an unreadable one is reported at once."""
    for i, path in enumerate(paths):
        source = read_household(path)
        if isinstance(source, Outcome):
            done(i, source)
        else:
            yield i, source


def _lost(source: Source, exc: BaseException) -> Outcome:
    """A household whose worker failed (it died, or the cluster lost it)."""
    reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return Outcome(
        source=source.name,
        status="failed",
        document={"error": f"the worker running it failed: {reason}",
                  "kind": type(exc).__name__},
        seconds=0.0,
        error=f"the worker running it failed: {reason}",
        kind=type(exc).__name__,
    )


def _run_pool(
    paths: list[Path], job: Job, done: Done, jobs: int, preflight: Preflight | None
) -> None:
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    # spawn: a fresh interpreter per worker, whatever threads this process has started
    context = multiprocessing.get_context("spawn")
    pending = iter(_sources(paths, done))
    window = max(1, jobs * WINDOW_PER_WORKER)
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context)
    running: dict[Future[Outcome], tuple[int, Source]] = {}
    try:
        while True:
            while len(running) < window:
                item = next(pending, None)
                if item is None:
                    break
                try:
                    running[pool.submit(run_household, item[1], job, preflight)] = item
                except BrokenProcessPool:  # a worker died: a new pool for the rest
                    pool.shutdown(wait=False, cancel_futures=True)
                    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context)
                    running[pool.submit(run_household, item[1], job, preflight)] = item
            if not running:
                break
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                i, source = running.pop(future)
                try:
                    outcome = future.result()
                except Exception as exc:  # the worker died under this household
                    outcome = _lost(source, exc)
                done(i, outcome)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _run_dask(
    paths: list[Path], job: Job, done: Done, scheduler: str, preflight: Preflight | None
) -> None:
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise InputError(
            "--scheduler needs Dask's distributed scheduler: pip install 'householder[dask]'"
        ) from None
    try:
        client = Client(scheduler, timeout="10s", set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise InputError(f"--scheduler {scheduler}: cannot connect ({exc})") from None
    try:
        n_workers = max(1, sum(client.nthreads().values()))
        window = n_workers * WINDOW_PER_WORKER
        pending = iter(_sources(paths, done))
        running: dict[Any, tuple[int, Source]] = {}

        def submit() -> Any:
            item = next(pending, None)
            if item is None:
                return None
            future = client.submit(run_household, item[1], job, preflight, pure=False)
            running[future] = item
            return future

        first = [f for f in (submit() for _ in range(window)) if f is not None]
        queue = as_completed(first, loop=client.loop)
        for future in queue:
            i, source = running.pop(future)
            try:
                outcome = future.result()
            except Exception as exc:  # the cluster lost it (a worker killed, say)
                outcome = _lost(source, exc)
            done(i, outcome)
            nxt = submit()
            if nxt is not None:
                queue.add(nxt)
    finally:
        client.close()
