"""Why a target cannot be reached, or why no plan exists, in the user's words."""

from __future__ import annotations

import numpy as np

from householder.optimize.data import ProblemData


def _money(x: float) -> str:
    return f"${x:,.2f}"


def explain_infeasible(data: ProblemData) -> str:
    """The constraint that binds when not even the closest plan exists."""
    book = data.book
    reasons: list[str] = []
    sellable = np.zeros(len(data.accounts))
    for p in data.sell_pairs:
        sellable[data.pair_account[p]] += data.x0[p]
    if data.n_lots:
        np.add.at(sellable, data.pair_account[data.lot_pair], data.lot_value)
    for a, acct_id in enumerate(data.accounts):
        flow = data.flow[a]
        available = data.cash0[a] + sellable[a]
        if flow < 0 and -flow > available + 0.005:
            acct = book.account(acct_id)
            locked = sum(p.value for p in acct.positions if not p.basis_known)
            extra = f" ({_money(locked)} more has unknown basis and is not sold)" if locked else ""
            reasons.append(
                f"account {acct_id}: the withdrawal of {_money(-flow)} is more than the "
                f"{_money(available)} it can raise (cash {_money(data.cash0[a])} + "
                f"sellable holdings {_money(sellable[a])}){extra}"
            )
    cap = book.household.policy.max_realized_gain
    if cap is not None and cap < 0:
        reasons.append(
            f"policy.max_realized_gain is {_money(cap)}: the plan would have to realize "
            "losses it may not have; set it to 0 or more"
        )
    if not reasons:
        reasons.append(
            "the trade bounds, gain cap and cash flows cannot all hold; check "
            "policy.max_realized_gain and the accounts' cash flows"
        )
    return "no feasible plan: " + "; ".join(reasons)


def explain_shortfall(
    data: ProblemData, deviation: np.ndarray, forbidden_buy: np.ndarray | None = None
) -> list[str]:
    """One sentence per class left off target: by how much, and what stands in the way."""
    forbidden = np.zeros(data.n_pairs, dtype=bool) if forbidden_buy is None else forbidden_buy
    book = data.book
    out: list[str] = []
    tol = book.household.policy.tolerance / 100.0 * data.scale
    for k, cls in enumerate(data.classes):
        dev = float(deviation[k])
        if abs(dev) <= tol + 0.01:
            continue
        if dev < 0:
            holders = [
                p for p in data.buy_pairs if book.fund_exposure[data.pair_fund[p]].get(cls, 0.0) > 0
            ]
            buyers = sorted(
                {data.accounts[data.pair_account[p]] for p in holders if not forbidden[p]}
            )
            washed = sorted({data.pair_fund[p] for p in holders if forbidden[p]})
            if not data.scenario.allow_buy:
                why = "a withdrawal only sells; nothing is bought"
            elif not buyers and washed:
                why = (
                    f"buying {', '.join(washed)} would wash a loss sold in taxable, and no "
                    "other fund holds it"
                )
            elif not buyers:
                why = f"no account can buy a fund holding {cls} (add one to a menu or funds:)"
            elif not data.scenario.allow_sell:
                why = (
                    "buying only, the money available is not enough "
                    f"({', '.join(buyers)} can buy it)"
                )
            else:
                why = f"whole shares leave cash over; only {', '.join(buyers)} can buy {cls}" + (
                    f" ({', '.join(washed)} is not bought, to avoid a wash sale)" if washed else ""
                )
            out.append(f"{cls} is {_money(-dev)} under target: {why}")
        else:
            if not data.scenario.allow_sell:
                why = "the plan may not sell (buying only)"
            elif not data.scenario.allow_buy:
                why = "a withdrawal sells only what it needs"
            else:
                locked = [
                    f"{p.fund} in {a.id}"
                    for a in book.accounts
                    for p in a.positions
                    if not p.basis_known and book.fund_exposure[p.fund].get(cls, 0.0) > 0
                ]
                cash_note = (
                    "uninvested cash left by whole shares"
                    if cls == book.cash_class
                    else "whole shares, menus or the gain cap keep it there"
                )
                why = (
                    f"holdings of unknown basis are not sold ({', '.join(locked)})"
                    if locked
                    else cash_note
                )
            out.append(f"{cls} is {_money(dev)} over target: {why}")
    return out
