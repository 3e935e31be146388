"""householder: plan a whole household's investments at once."""

from __future__ import annotations

__version__ = "0.1.0"
