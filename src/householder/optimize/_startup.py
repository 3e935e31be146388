"""``import cvxpy`` without ``scipy.stats`` (0.37 s of a 1 s start-up on the benchmark machine).

cvxpy imports ``scipy.stats`` at import time for one function, ``entropy``, used only to
evaluate its quantum relative-entropy atoms numerically, which householder never builds. Until
something asks for it, :func:`defer_scipy_stats` puts a stand-in module in ``sys.modules``: its
``entropy`` and any other attribute load the real ``scipy.stats`` (which then replaces the
stand-in), so every caller still gets scipy's own objects. It does nothing when ``scipy.stats``
is already loaded, or when ``HOUSEHOLDER_EAGER_SCIPY=1``.

tests/optimize/test_startup.py checks that the stand-in forwards to scipy's objects and that
cvxpy solves with it; benchmarks/ measure the start-up (docs/performance.md).
"""

from __future__ import annotations

import importlib
import os
import sys
import types
from typing import Any

NAME = "scipy.stats"


class _Deferred(types.ModuleType):
    """``scipy.stats`` until first used."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return getattr(load_scipy_stats(), name)


def load_scipy_stats() -> types.ModuleType:
    """The real ``scipy.stats``, replacing the stand-in wherever it stands."""
    current = sys.modules.get(NAME)
    if current is not None and not isinstance(current, _Deferred):
        return current
    sys.modules.pop(NAME, None)
    scipy = sys.modules.get("scipy")
    if scipy is not None and isinstance(scipy.__dict__.get("stats"), _Deferred):
        del scipy.__dict__["stats"]
    return importlib.import_module(NAME)


def _entropy(*args: Any, **kwargs: Any) -> Any:
    return load_scipy_stats().entropy(*args, **kwargs)


def defer_scipy_stats() -> None:
    """Put the stand-in in place before cvxpy is imported (see the module's docstring)."""
    if NAME in sys.modules or "cvxpy" in sys.modules:
        return
    if os.environ.get("HOUSEHOLDER_EAGER_SCIPY") == "1":
        return
    stand_in = _Deferred(NAME, "scipy.stats, loaded when first used (householder)")
    stand_in.__dict__["entropy"] = _entropy
    sys.modules[NAME] = stand_in
