"""Where the worked examples from public sources live.

The contract's cases are kept in ``../shared/cases`` beside the repository; ``tests/cases`` holds
a copy of them so that a clean clone (CI) runs every case test too. The shared directory wins when
it is present, and ``tests/test_casefiles.py`` fails when the copy falls out of date.
"""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "cases"
VENDORED = Path(__file__).resolve().parent / "cases"
CASES = SHARED if SHARED.is_dir() else VENDORED
