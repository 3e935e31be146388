"""The loader's rules for what a household says about its trading: recent ``transactions``,
scheduled purchases (a payroll ``contributions.schedule``, a holding's dividend ``reinvest``),
``restrictions`` and ``substitutes``. Each rule is a plain function
``check_*(household, funds, prices) -> list[Problem]``; :func:`check` runs them all.

The funds a rule may name: the household's universe (``funds``, resolved) and, where a fund need
not be one the household may buy (a trade of the recent past, a substitute), any fund of the
bundled catalog or of ``funds:``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from householder.errors import Problem
from householder.io.errors import problem, suggest
from householder.model.bundled import bundled_funds, bundled_identical
from householder.model.catalog import FundInfo
from householder.model.household import Household
from householder.model.types import AccountType

Rule = Callable[[Household, Mapping[str, FundInfo], Mapping[str, float]], list[Problem]]


def _known_anywhere(h: Household, funds: Mapping[str, FundInfo]) -> set[str]:
    return set(funds) | set(bundled_funds()) | {f.ticker for f in h.funds}


def _unknown(ticker: str, path: str, choices: set[str]) -> Problem:
    return problem(path, f"{ticker!r} is not a known fund{suggest(ticker, choices)}; list it "
                   "under funds: with its classes and expense_ratio")


def check_transactions(
    h: Household, funds: Mapping[str, FundInfo], prices: Mapping[str, float]
) -> list[Problem]:
    """A transaction names a known fund and is not after ``as_of``."""
    out: list[Problem] = []
    known = _known_anywhere(h, funds)
    for i, acct in enumerate(h.accounts):
        for j, tx in enumerate(acct.transactions):
            path = f"accounts[{i}].transactions[{j}]"
            if tx.fund not in known:
                out.append(_unknown(tx.fund, f"{path}.fund", known))
            if tx.traded > h.as_of:
                out.append(problem(f"{path}.date", f"{tx.traded} is after as_of ({h.as_of}); "
                                   "a planned purchase goes under contributions.schedule or a "
                                   "holding's reinvest"))
    return out


def check_schedules(
    h: Household, funds: Mapping[str, FundInfo], prices: Mapping[str, float]
) -> list[Problem]:
    """A payroll schedule has a split to buy and an amount to buy with."""
    out: list[Problem] = []
    for i, acct in enumerate(h.accounts):
        contrib = acct.contributions
        if contrib is None or contrib.schedule is None:
            continue
        path = f"accounts[{i}].contributions"
        if not contrib.split:
            out.append(problem(f"{path}.split", "a schedule buys the split; give split: "
                               "{FUND: percent, ...}"))
        schedule = contrib.schedule
        if schedule.amount is None and schedule.dates is not None:
            out.append(problem(f"{path}.schedule.amount", "required with dates: the dollars "
                               "bought on each date"))
        elif schedule.amount is None and contrib.annual + contrib.employer <= 0:
            out.append(problem(f"{path}.schedule.amount", "give amount (dollars a paycheck) or "
                               "contributions.annual"))
    return out


def check_restrictions(
    h: Household, funds: Mapping[str, FundInfo], prices: Mapping[str, float]
) -> list[Problem]:
    """A restriction names an account of the household and a fund of its universe; one that
    names both applies to something (the account holds or may buy the fund); a floor in shares
    has a price."""
    out: list[Problem] = []
    accounts = {a.id: a for a in h.accounts}
    for i, r in enumerate(h.restrictions):
        path = f"restrictions[{i}]"
        acct = accounts.get(r.account) if r.account is not None else None
        if r.account is not None and acct is None:
            hint = suggest(r.account, accounts)
            out.append(problem(f"{path}.account", f"{r.account!r} is not an account of the "
                               f"household{hint}"))
        if r.fund is not None and r.fund not in funds:
            if r.fund in _known_anywhere(h, funds):
                out.append(problem(f"{path}.fund", f"{r.fund} is not a fund of the household "
                                   "(held, on a menu or under funds:); the restriction would "
                                   "apply to nothing"))
            else:
                out.append(_unknown(r.fund, f"{path}.fund", set(funds) | set(bundled_funds())))
            continue
        if acct is not None and r.fund is not None:
            held = any(hold.fund == r.fund for hold in acct.holdings)
            buyable = acct.menu is None or r.fund in acct.menu
            if not held and not (buyable and r.rule in ("do_not_buy", "hold_at_least")):
                out.append(problem(f"{path}.fund", f"{acct.id} does not hold {r.fund}"
                                   + ("" if r.rule != "do_not_buy" else " nor may it buy it")
                                   + "; the restriction would apply to nothing"))
        if r.rule == "hold_at_least" and r.shares is not None and r.fund not in prices:
            out.append(problem(f"{path}.shares", f"{r.fund} has no price to value "
                               f"{r.shares:g} shares; give amount (dollars) or a price"))
        if r.rule == "no_short_term_gains" and acct is not None and (
            acct.type is not AccountType.TAXABLE
        ):
            out.append(problem(f"{path}.account", f"{acct.id} is a {acct.type.value} account, "
                               "where a sale realizes no gain; the restriction applies only "
                               "to taxable accounts"))
    return out


def check_substitutes(
    h: Household, funds: Mapping[str, FundInfo], prices: Mapping[str, float]
) -> list[Problem]:
    """Substitutes are known funds, and no two of a group are substantially identical (share
    classes of one fund, or a ``policy.substantially_identical`` group): they could not
    replace each other in a harvest."""
    out: list[Problem] = []
    known = _known_anywhere(h, funds)
    identical = [set(g) for g in [*bundled_identical(), *h.policy.substantially_identical]]
    for g, group in enumerate(h.substitutes):
        for j, ticker in enumerate(group):
            if ticker not in known:
                out.append(_unknown(ticker, f"substitutes[{g}][{j}]", known))
        for same in identical:
            both = [t for t in dict.fromkeys(group) if t in same]
            if len(both) > 1:
                out.append(problem(f"substitutes[{g}]", f"{' and '.join(both)} are "
                                   "substantially identical (one fund, or a "
                                   "policy.substantially_identical group), so neither can "
                                   "replace the other in a harvest; keep one of them"))
        if len(set(group)) < len(group):
            out.append(problem(f"substitutes[{g}]", "a fund is listed twice; list it once"))
    return out


RULES: tuple[Rule, ...] = (
    check_transactions,
    check_schedules,
    check_restrictions,
    check_substitutes,
)


def check(
    h: Household, funds: Mapping[str, FundInfo], prices: Mapping[str, float]
) -> list[Problem]:
    """Every problem of the trading rules (:data:`RULES`)."""
    return [p for rule in RULES for p in rule(h, funds, prices)]
