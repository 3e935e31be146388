"""``python -m householder``: the same command line as ``householder``."""

from __future__ import annotations

from householder.cli import main

if __name__ == "__main__":
    main()
