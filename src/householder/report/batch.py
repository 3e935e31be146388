"""The batch's report: the summary table (one row per household, written by pandas as CSV, and
Parquet when pyarrow is installed) and, for people, the failures and the counts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from householder.report.common import Block, Message, Table, money

if TYPE_CHECKING:
    import pandas as pd

SUMMARY_COLUMNS = (
    "household",
    "file",
    "status",
    "trades",
    "turnover",
    "tax",
    "fees_before",
    "fees_after",
    "drift_after",
    "target_reached",
    "seconds",
    "error",
)
"""The summary table's columns, in order (``Outcome.row()``): fees are annual dollars, drift
after the largest distance of any class from target in fraction points (for ``drift``, today's),
seconds each household's own (reading, checking, solving, reporting)."""


def summary_frame(rows: Sequence[dict[str, Any]]) -> pd.DataFrame:
    """The summary table as a DataFrame, columns in :data:`SUMMARY_COLUMNS` order."""
    import pandas as pd

    frame = pd.DataFrame(list(rows), columns=list(SUMMARY_COLUMNS))
    return frame.astype({"trades": "int64", "target_reached": "boolean"})


def summary_csv(frame: pd.DataFrame) -> str:
    out: str = frame.to_csv(index=False)
    return out


def summary_parquet(frame: pd.DataFrame) -> bytes | None:
    """The table as Parquet bytes, or None when no Parquet engine (pyarrow) is installed."""
    import io

    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return None
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


MAX_FAILURES_SHOWN = 50


def batch_report(
    rows: Sequence[dict[str, Any]], out_dir: str, written: Sequence[str], seconds: float
) -> list[Block]:
    """The failures (up to :data:`MAX_FAILURES_SHOWN`), the totals and where the files are."""
    blocks: list[Block] = []
    failed = [r for r in rows if r["status"] != "ok"]
    ok = len(rows) - len(failed)
    if failed:
        table = Table(title=f"{len(failed):,} of {_households(len(rows))} failed",
                      headers=["file", "error"], justify=["left", "left"])
        for r in failed[:MAX_FAILURES_SHOWN]:
            table.rows.append([r["file"], r["error"]])
        if len(failed) > MAX_FAILURES_SHOWN:
            table.caption = f"… and {len(failed) - MAX_FAILURES_SHOWN:,} more in the summary"
        blocks.append(table)
    done = [r for r in rows if r["status"] == "ok"]
    trades = sum(int(r["trades"]) for r in done)
    tax = sum(float(r["tax"]) for r in done)
    blocks.append(Message(
        f"{_households(len(rows))} in {seconds:,.1f} s: {ok:,} ok, {len(failed):,} failed; "
        f"{trades:,} trades, {money(tax)} estimated tax"
    ))
    blocks.append(Message(f"one JSON per household and {', '.join(written)} in {out_dir}"))
    if failed:
        blocks.append(Message(f"{_households(len(failed))} failed (exit 1)", lead="error: ",
                              style="bad"))
    return blocks


def _households(n: int) -> str:
    return f"{n:,} household{'' if n == 1 else 's'}"


def batch_document(
    rows: Sequence[dict[str, Any]], out_dir: str, written: Sequence[str], seconds: float,
    command: str,
) -> dict[str, Any]:
    """``batch --json``: the counts, where the files are, and the summary's rows."""
    failed = sum(1 for r in rows if r["status"] != "ok")
    return {
        "command": "batch",
        "batch_command": command,
        "households": len(rows),
        "ok": len(rows) - failed,
        "failed": failed,
        "seconds": round(seconds, 3),
        "out": out_dir,
        "files": list(written),
        "summary": [_plain(r) for r in rows],
    }


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    """A row for JSON: NaN (no fees for drift) as null."""
    return {k: (None if isinstance(v, float) and v != v else v) for k, v in row.items()}
