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


def _gain_cap_binds(data: ProblemData, over: set[str]) -> bool:
    """Whether ``policy.max_realized_gain`` can be what keeps the classes ``over`` target: it is
    set, and selling every taxable lot at a gain that holds one of them would realize more
    than it allows (the realized ratios: a washed loss offsets nothing):

    .. math:: \\sum_{\\ell:\\, f(\\ell) \\ni k \\in \\text{over}} \\max(\\gamma_\\ell, 0)\\, m_\\ell
        > G^{max}
    """
    cap = data.book.household.policy.max_realized_gain
    if cap is None or not data.n_lots or not data.scenario.allow_sell:
        return False
    exposure = data.book.fund_exposure
    potential = sum(
        max(float(data.lot_gain_ratio[i]), 0.0) * float(data.lot_value[i])
        for i in range(data.n_lots)
        if any(exposure[data.pair_fund[data.lot_pair[i]]].get(c, 0.0) > 0 for c in over)
    )
    return potential > cap + 0.005


def explain_shortfall(
    data: ProblemData,
    deviation: np.ndarray,
    forbidden_buy: np.ndarray | None = None,
    total: float | None = None,
) -> list[str]:
    """One sentence per class left off target: by how much, and what stands in the way (the
    binding constraint where one can be named: a menu, unknown basis, the gain cap, whole
    shares, a cash flow). ``total``: the plan's post-trade total on the allocation basis in
    dollars (free contributions included; default ``data.allocation_total``, without them)."""
    forbidden = np.zeros(data.n_pairs, dtype=bool) if forbidden_buy is None else forbidden_buy
    book = data.book
    out: list[str] = []
    # points of the total the allocation's fractions are of (after tax: the after-tax total)
    if total is None:
        total = data.allocation_total
    tol = book.household.policy.tolerance / 100.0 * max(total, 0.0)
    over = {cls for k, cls in enumerate(data.classes) if float(deviation[k]) > tol + 0.01}
    cap = book.household.policy.max_realized_gain
    capped = _gain_cap_binds(data, over)
    cap_note = f"the gain cap (policy.max_realized_gain, {_money(cap or 0.0)})"
    whole = bool(data.whole.any())
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
                if capped:
                    why = (
                        f"{cap_note} limits the sales that would pay for it; only "
                        f"{', '.join(buyers)} can buy {cls}"
                    )
                elif whole:
                    why = f"whole shares leave cash over; only {', '.join(buyers)} can buy {cls}"
                else:
                    why = (
                        f"only {', '.join(buyers)} can buy {cls}, and not enough can be sold "
                        "there to pay for it (money does not move between accounts)"
                    )
                if washed:
                    why += f" ({', '.join(washed)} is not bought, to avoid a wash sale)"
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
                if locked:
                    why = f"holdings of unknown basis are not sold ({', '.join(locked)})"
                elif cls == book.cash_class:
                    why = (
                        "uninvested cash left by whole shares"
                        if whole
                        else "uninvested cash its account's menu cannot invest"
                    )
                elif _gain_cap_binds(data, {cls}):
                    why = f"{cap_note} keeps the gains its sale would realize down"
                elif whole:
                    why = "whole shares or menus keep it there"
                else:
                    why = (
                        "the accounts that hold it cannot trade it for what is under target "
                        "(menus, the minimum trade or the wash-sale rules)"
                    )
            out.append(f"{cls} is {_money(dev)} over target: {why}")
    return out
