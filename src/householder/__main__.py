"""``python -m householder``: the same command line as ``householder``."""

from __future__ import annotations

from householder.cli import app


def main() -> None:
    app(prog_name="householder")


if __name__ == "__main__":
    main()
