"""Exact tax arithmetic: the judge the optimizer's convex stand-in is checked against.

Holding periods (:mod:`.holding`), lot selection (:mod:`.lots`), gain/loss netting with the
$3,000 limit and carryovers and the tax of a year's nets (:mod:`.netting`), wash sales across a
household's accounts (:mod:`.wash`), and contribution limits by year and age (:mod:`.limits`).
Plain Python: nothing here imports cvxpy or pandas.
"""

from __future__ import annotations

from householder.model.types import FilingStatus
from householder.tax.holding import (
    Term,
    days_held,
    holding_term,
    long_term_from,
    one_year_after,
)
from householder.tax.limits import (
    ACCOUNT_LIMIT_GROUPS,
    GroupLimit,
    HouseholdLimits,
    HsaCoverage,
    LimitAccount,
    LimitCheck,
    LimitGroup,
    LimitTable,
    PlannedContribution,
    age_at_year_end,
    annual_limit,
    check_limits,
    household_limits,
    limit_group,
    limit_groups_of,
    limit_tables,
    roth_ira_limit,
)
from householder.tax.lots import Lot, LotMethod, LotSale, gains_by_term, sell_lots
from householder.tax.netting import (
    Netting,
    TaxResult,
    capital_gains_tax,
    capital_loss_limit,
    carryover_used,
    carryover_value_rate,
    convex_tax_bound,
    net_capital_gains,
)
from householder.tax.wash import Purchase, Sale, WashSale, allowed_loss, detect_wash_sales

__all__ = [
    "ACCOUNT_LIMIT_GROUPS",
    "FilingStatus",
    "GroupLimit",
    "HouseholdLimits",
    "HsaCoverage",
    "LimitAccount",
    "LimitCheck",
    "LimitGroup",
    "LimitTable",
    "Lot",
    "LotMethod",
    "LotSale",
    "Netting",
    "PlannedContribution",
    "Purchase",
    "Sale",
    "TaxResult",
    "Term",
    "WashSale",
    "age_at_year_end",
    "allowed_loss",
    "annual_limit",
    "capital_gains_tax",
    "capital_loss_limit",
    "carryover_used",
    "carryover_value_rate",
    "check_limits",
    "convex_tax_bound",
    "days_held",
    "detect_wash_sales",
    "gains_by_term",
    "holding_term",
    "household_limits",
    "limit_group",
    "limit_groups_of",
    "limit_tables",
    "long_term_from",
    "net_capital_gains",
    "one_year_after",
    "roth_ira_limit",
    "sell_lots",
]
