"""Writing results to files the user names: never over an existing file without ``force``."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from householder.errors import InputError


def write_csv(path: str | Path, headers: Sequence[str], rows: Sequence[Sequence[str]],
              *, force: bool = False) -> Path:
    """Write a CSV file; refuse to replace an existing file unless ``force``."""
    target = Path(path)
    if target.exists() and not force:
        raise InputError(f"{target} exists; choose another name or pass --force to replace it")
    if not target.parent.exists():
        raise InputError(f"{target.parent} does not exist; create the folder first")
    mode = "w" if force else "x"
    with target.open(mode, newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        writer.writerows(rows)
    return target
