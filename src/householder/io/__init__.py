"""Reading household files and writing results."""

from __future__ import annotations

from householder.io.loader import build_book, load_household, parse_household
from householder.io.reader import parse_text, read_file

__all__ = ["build_book", "load_household", "parse_household", "parse_text", "read_file"]
