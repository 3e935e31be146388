"""Valuation: exposure by class, pre- and after-tax, and drift against target and bands."""

from __future__ import annotations

from householder.valuation.drift import Band, Drift, band, measure_drift
from householder.valuation.exposure import account_exposure, household_exposure, tree_exposure

__all__ = [
    "Band",
    "Drift",
    "account_exposure",
    "band",
    "household_exposure",
    "measure_drift",
    "tree_exposure",
]
