"""Why a target cannot be reached, or why no plan exists, in the user's words."""

from __future__ import annotations

import numpy as np

from householder.optimize.data import ProblemData
from householder.valuation.restrictions import NONE


def _money(x: float) -> str:
    return f"${x:,.2f}"


def explain_infeasible(data: ProblemData) -> str:
    """The constraint that binds when not even the closest plan exists."""
    book = data.book
    reasons: list[str] = []
    sellable = _sellable(data)
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
    reasons += _restrictions_that_bind(data, sellable)
    if not reasons:
        rules = data.facts.restrictions
        also = (
            "; or the restrictions together: "
            + ", ".join(rules.describe(i) for i in range(len(rules.rules)))
            if rules.any else ""
        )
        reasons.append(
            "the trade bounds, gain cap and cash flows cannot all hold; check "
            f"policy.max_realized_gain and the accounts' cash flows{also}"
        )
    return "no feasible plan: " + "; ".join(reasons)


def _sellable(data: ProblemData) -> np.ndarray:
    """Per account: the dollars it may sell (holdings of known basis, less what a restriction
    keeps: ``do_not_sell``, ``no_short_term_gains``, a one-account ``hold_at_least``)."""
    rules = data.facts.restrictions
    sellable = np.zeros(len(data.accounts))
    plain = np.zeros(data.n_pairs)
    plain[data.sell_pairs] = data.x0[data.sell_pairs]
    if len(rules.no_sell) == data.n_pairs:
        plain[rules.no_sell != NONE] = 0.0
    by_pair = plain
    if data.n_lots:
        lot_value = data.lot_value
        if len(rules.lot_no_sell) == data.n_lots:
            lot_value = np.where(rules.lot_no_sell != NONE, 0.0, lot_value)
        by_pair = by_pair + np.bincount(data.lot_pair, weights=lot_value, minlength=data.n_pairs)
    for floor in rules.holds:
        if len(floor.pairs) == 1:
            p = int(floor.pairs[0])
            by_pair[p] = min(by_pair[p], max(data.x0[p] - floor.amount, 0.0))
    np.add.at(sellable, data.pair_account, by_pair)
    return sellable


def _restrictions_that_bind(data: ProblemData, sellable: np.ndarray) -> list[str]:
    """The restrictions no plan can keep, each with the arithmetic that shows it: a cash floor
    above what its account can raise, a holding floor its accounts cannot buy up to or pay
    for."""
    rules = data.facts.restrictions
    out: list[str] = []
    buyable = np.zeros(data.n_pairs, dtype=bool)
    buyable[data.buy_pairs] = True
    if len(rules.no_buy) == data.n_pairs:
        buyable &= rules.no_buy == NONE
    buyable &= ~data.facts.wash_no_buy
    cash_kept = np.zeros(len(data.accounts))
    for floor in rules.cash:
        accounts = floor.accounts
        money = float(np.sum(data.cash0[accounts] + data.flow[accounts] + sellable[accounts]))
        if floor.amount > money + 0.005:
            where = ", ".join(data.accounts[a] for a in accounts)
            out.append(
                f"{rules.describe(floor.restriction)}: {where} can hold at most {_money(money)} "
                f"of cash (cash {_money(float(data.cash0[accounts].sum()))}"
                + (f", cash flow {_money(float(data.flow[accounts].sum()))}"
                   if data.flow[accounts].any() else "")
                + f", sellable holdings {_money(float(sellable[accounts].sum()))}), less than "
                f"the {_money(floor.amount)} it must keep"
            )
        if len(accounts) == 1:
            cash_kept[accounts[0]] += floor.amount
    for hold in rules.holds:
        pairs = hold.pairs
        held = float(data.x0[pairs].sum())
        need = hold.amount - held
        if need <= 0.005:
            continue
        fund = data.pair_fund[int(pairs[0])] if len(pairs) else "the fund"
        can_buy = [int(p) for p in pairs if buyable[p]]
        why = rules.describe(hold.restriction)
        if not can_buy:
            blockers = sorted({rules.describe(int(rules.no_buy[p])) for p in pairs
                               if len(rules.no_buy) == data.n_pairs and rules.no_buy[p] != NONE})
            stop = f" ({', '.join(blockers)})" if blockers else ""
            out.append(f"{why}: the household holds {_money(held)} of {fund}, less than the "
                       f"{_money(hold.amount)} it must keep, and no account may buy more{stop}")
            continue
        buyers = sorted({int(data.pair_account[p]) for p in can_buy})
        money = sum(
            float(data.cash0[a] + data.flow[a] + sellable[a]) - cash_kept[a] for a in buyers
        )
        if need > money + 0.005:
            names = ", ".join(data.accounts[a] for a in buyers)
            out.append(f"{why}: {fund} needs {_money(need)} more, and {names} can spend at most "
                       f"{_money(max(money, 0.0))} on it")
    return out


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
    wash_kept = _kept_for_wash(data)
    for k, cls in enumerate(data.classes):
        dev = float(deviation[k])
        if abs(dev) <= tol + 0.01:
            continue
        if dev < 0:
            holders = [
                int(p) for p in data.buy_pairs
                if book.fund_exposure[data.pair_fund[p]].get(cls, 0.0) > 0
            ]
            restricted = [p for p in holders if _no_buy(data, p) is not None]
            recent = [p for p in holders if data.facts.wash_no_buy[p]]
            held_back = set(restricted) | set(recent)
            buyers = sorted(
                {data.accounts[data.pair_account[p]] for p in holders
                 if not forbidden[p] and p not in held_back}
            )
            washed = sorted({data.pair_fund[p] for p in holders if forbidden[p]})
            if not data.scenario.allow_buy:
                why = "a withdrawal only sells; nothing is bought"
            elif not buyers and (restricted or recent):
                why = "; ".join(_buy_blockers(data, restricted, recent))
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
                floors = [c for c in data.facts.restrictions.cash if c.amount > 0]
                if floors:
                    why = (
                        "; ".join(f"{data.facts.restrictions.describe(c.restriction)} keeps "
                                  f"{_money(c.amount)} in cash" for c in floors)
                        + f"; only {', '.join(buyers)} can buy {cls}"
                    )
                elif capped:
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
                if restricted or recent:
                    why += f" ({'; '.join(_buy_blockers(data, restricted, recent))})"
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
                kept = _kept_by_restrictions(data, cls)
                washing = [f for f in wash_kept if book.fund_exposure[f].get(cls, 0.0) > 0]
                if locked:
                    why = f"holdings of unknown basis are not sold ({', '.join(locked)})"
                elif kept:
                    why = "; ".join(kept)
                elif washing:
                    why = (
                        f"the lots at a loss of {', '.join(washing)} are kept: a tax-advantaged "
                        "account bought it or a substantially identical fund in the last 30 days, "
                        "so their sale would "
                        "lose the loss for good (Rev. Rul. 2008-5; see the calendar)"
                    )
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


def _kept_for_wash(data: ProblemData) -> list[str]:
    """The funds whose taxable lots at a loss the plan keeps because a tax-advantaged account
    bought them in the window before ``as_of``
    (:attr:`~householder.valuation.facts.Facts.committed_groups`); once per shortfall, by
    arrays (a direct-indexing household has 100,000 lots)."""
    committed = data.committed_buy_groups
    if not committed or not data.n_lots:
        return []
    groups = np.asarray(data.lot_group, dtype=object)
    kept = (data.lot_true_gain_ratio < 0) & np.isin(groups, list(committed))
    pairs = np.unique(np.asarray(data.lot_pair)[kept])
    return sorted({data.pair_fund[int(p)] for p in pairs})


def _no_buy(data: ProblemData, p: int) -> int | None:
    """The restriction that forbids buying pair ``p``, if one does."""
    rules = data.facts.restrictions
    if len(rules.no_buy) != data.n_pairs or rules.no_buy[p] == NONE:
        return None
    return int(rules.no_buy[p])


def _buy_blockers(data: ProblemData, restricted: list[int], recent: list[int]) -> list[str]:
    """Why the pairs ``restricted`` (by a restriction) and ``recent`` (a loss sold before
    ``as_of``) are not bought, one clause each."""
    rules = data.facts.restrictions
    out: list[str] = []
    by_rule: dict[int, list[str]] = {}
    for p in restricted:
        i = _no_buy(data, p)
        assert i is not None
        name = f"{data.pair_fund[p]} in {data.accounts[data.pair_account[p]]}"
        by_rule.setdefault(i, []).append(name)
    for i, names in by_rule.items():
        out.append(f"{rules.describe(i)} forbids buying {', '.join(names)}")
    until = data.facts.no_buy_until
    groups = sorted({data.facts.group_of(data.pair_fund[p]) for p in recent})
    for group in groups:
        out.append(
            f"buying {group.replace('+', ' or ')} would wash the loss sold before as_of "
            f"(transactions): not before {until[group].isoformat()}"
        )
    return out


def _kept_by_restrictions(data: ProblemData, cls: str) -> list[str]:
    """The restrictions that keep money in ``cls``: a holding that may not be sold (or only
    down to a floor), lots kept by ``no_short_term_gains``, a cash floor."""
    rules = data.facts.restrictions
    if not rules.any:
        return []
    exposure = data.book.fund_exposure
    out: dict[int, set[str]] = {}

    def holds_cls(p: int) -> bool:
        return exposure[data.pair_fund[p]].get(cls, 0.0) > 0 and data.x0[p] > 0

    def name(p: int) -> str:
        return f"{data.pair_fund[p]} in {data.accounts[data.pair_account[p]]}"

    if len(rules.no_sell) == data.n_pairs:
        for p in np.flatnonzero(rules.no_sell != NONE).tolist():
            if holds_cls(p):
                out.setdefault(int(rules.no_sell[p]), set()).add(name(p))
    if data.n_lots and len(rules.lot_no_sell) == data.n_lots:
        for i in np.flatnonzero(rules.lot_no_sell != NONE).tolist():
            p = int(data.lot_pair[i])
            if holds_cls(p):
                out.setdefault(int(rules.lot_no_sell[i]), set()).add(name(p))
    for floor in rules.holds:
        for p in floor.pairs.tolist():
            if holds_cls(int(p)):
                out.setdefault(floor.restriction, set()).add(name(int(p)))
    if cls == data.book.cash_class:
        for cash in rules.cash:
            out.setdefault(cash.restriction, set()).add(
                ", ".join(data.accounts[a] for a in cash.accounts))
    return [
        f"{rules.describe(i)} keeps {', '.join(sorted(names))}"
        for i, names in sorted(out.items())
    ]
