"""Cash-flow planning (``householder contribute``): new money that only buys, withdrawals that
only sell, the smallest one-time contribution that restores the target, and the recurring
split. Every mode is the plan's own model with buy-only or sell-only trades and a cash flow.

Where the money goes without ``--account`` (a documented rule, not an optimization, because the
model does not see the tax of contributing itself — a traditional deduction now against Roth
growth later): tax-advantaged room first, in the order HSA (deductible in, untaxed out for
medical costs), IRA, employer plans (401(k)/403(b)/457(b), usually reachable only by payroll),
then taxable (no limit), each up to the owner's remaining room for the ``as_of`` year. The
optimizer then chooses the funds. Withdrawals drain taxable accounts first (losses and
high-basis lots first, by the tax term), then tax-deferred, then Roth and HSA.
"""

from __future__ import annotations

from dataclasses import dataclass

from householder.errors import InputError
from householder.model.book import AccountBook, Book
from householder.model.types import AccountType, Treatment
from householder.model.variants import emptied
from householder.optimize import Scenario, solve_household
from householder.plan.build import build_plan
from householder.plan.result import Plan
from householder.tax.limits import (
    HsaCoverage,
    LimitCheck,
    PlannedContribution,
    age_at_year_end,
    annual_limit,
    check_limits,
    limit_group,
)

CONTRIBUTION_ORDER: dict[AccountType, int] = {
    AccountType.HSA: 0,
    AccountType.ROTH_IRA: 1,
    AccountType.TRADITIONAL_IRA: 1,
    AccountType.ROTH_401K: 2,
    AccountType.TRADITIONAL_401K: 2,
    AccountType.B403: 2,
    AccountType.ROTH_403B: 2,
    AccountType.B457: 2,
    AccountType.SIMPLE_IRA: 2,
    AccountType.TAXABLE: 3,
}
"""Where new money goes first when no account is named. SEP IRAs (employer money) and 529s
(education) are never chosen automatically."""

WITHDRAWAL_ORDER = {Treatment.TAXABLE: 0, Treatment.TAX_DEFERRED: 1, Treatment.TAX_EXEMPT: 2}


@dataclass(frozen=True)
class Room:
    """What one account may still receive this year."""

    account: str
    person: str | None
    group: str | None
    room: float
    """Dollars (inf where there is no personal limit)."""


class LimitContext:
    """Each person's limits and what they already contributed this year, by limit group."""

    def __init__(self, book: Book) -> None:
        self.book = book
        self.year = book.as_of.year
        self.notes: list[str] = []
        people = {p.id: p for p in book.household.people}
        self.ages: dict[str, int] = {}
        for pid, person in people.items():
            born = person.birth_date or person.year_of_birth
            if born is None:
                self.ages[pid] = 0
                self.notes.append(f"{pid} has no birth date: limits assume no catch-up")
            else:
                self.ages[pid] = age_at_year_end(born, self.year)
        self.coverage: dict[str, HsaCoverage] = {}
        for acct in book.accounts:
            owner = self.owner(acct)
            if acct.spec.type is AccountType.HSA and acct.spec.hsa_coverage and owner:
                self.coverage[owner] = acct.spec.hsa_coverage

    def owner(self, account: AccountBook) -> str | None:
        owner = account.spec.owner
        if owner is None and len(self.book.household.people) == 1:
            return self.book.household.people[0].id
        return None if owner == "joint" else owner

    def already(self, person: str, group: str) -> float:
        total = 0.0
        for acct in self.book.accounts:
            if self.owner(acct) == person and limit_group(acct.spec.type.value) == group:
                contrib = acct.spec.contributions
                total += (contrib.this_year or 0.0) if contrib else 0.0
        return total

    def limit(self, person: str, group: str) -> float:
        coverage: HsaCoverage = self.coverage.get(person, "self")
        return annual_limit(group, self.year, self.ages.get(person, 0), hsa_coverage=coverage)

    def room(self, account: AccountBook) -> Room:
        group = limit_group(account.spec.type.value)
        person = self.owner(account)
        if group is None:
            return Room(account.id, person, None, float("inf"))
        if person is None:
            return Room(account.id, None, group, 0.0)
        room = max(0.0, self.limit(person, group) - self.already(person, group))
        return Room(account.id, person, group, room)

    def checks(self, amounts: dict[str, float]) -> list[LimitCheck]:
        planned = []
        for acct_id, amount in amounts.items():
            acct = self.book.account(acct_id)
            person = self.owner(acct)
            if person is None or limit_group(acct.spec.type.value) is None:
                continue
            planned.append(PlannedContribution(person, acct.id, acct.spec.type.value, amount))
        # what was already contributed counts once per person and group
        seen: set[tuple[str, str]] = set()
        with_already = []
        for pc in planned:
            group = limit_group(pc.account_type)
            assert group is not None
            key = (pc.person, group)
            already = 0.0 if key in seen else self.already(pc.person, group)
            seen.add(key)
            with_already.append(
                PlannedContribution(pc.person, pc.account_id, pc.account_type, pc.amount, already)
            )
        if not with_already:
            return []
        return check_limits(
            with_already, year=self.year, ages=self.ages, hsa_coverage=self.coverage
        )


def _sellable(book: Book, account: AccountBook) -> float:
    return account.cash + sum(p.value for p in account.positions if p.basis_known)


def route_contribution(book: Book, amount: float) -> tuple[dict[str, float], list[str]]:
    """Split new money across accounts by :data:`CONTRIBUTION_ORDER` within each person's room."""
    limits = LimitContext(book)
    candidates = sorted(
        (a for a in book.accounts if a.spec.type in CONTRIBUTION_ORDER),
        key=lambda a: (CONTRIBUTION_ORDER[a.spec.type], book.accounts.index(a)),
    )
    if not candidates:
        raise InputError("no account can take a contribution; name one with --account")
    left = amount
    flows: dict[str, float] = {}
    why: list[str] = []
    used: dict[tuple[str, str], float] = {}
    for acct in candidates:
        if left <= 0.005:
            break
        room = limits.room(acct)
        key = (room.person or "", room.group or "")
        available = room.room - used.get(key, 0.0)
        take = min(left, available)
        if take <= 0.005:
            if room.group:
                why.append(f"{acct.id}: no {room.group.replace('_', ' ')} room left this year")
            continue
        flows[acct.id] = take
        used[key] = used.get(key, 0.0) + take
        left -= take
        limit_text = (
            "no annual limit"
            if room.group is None
            else f"${available:,.2f} of {room.person}'s {room.group.replace('_', ' ')} room left"
        )
        why.append(f"{acct.id}: ${take:,.2f} ({acct.spec.type.value}; {limit_text})")
    if left > 0.005:
        raise InputError(
            f"only ${amount - left:,.2f} of the ${amount:,.2f} fits the accounts' "
            "contribution room this year; add a taxable account or name one with "
            "--account"
        )
    return flows, why + limits.notes


def route_withdrawal(book: Book, amount: float) -> tuple[dict[str, float], list[str]]:
    """Take a withdrawal from taxable, then tax-deferred, then Roth/HSA accounts."""
    ordered = sorted(
        book.accounts, key=lambda a: (WITHDRAWAL_ORDER[a.treatment], a.spec.type is AccountType.HSA)
    )
    total = sum(_sellable(book, a) for a in ordered)
    if amount > total + 0.005:
        raise InputError(
            f"the withdrawal of ${amount:,.2f} is more than the ${total:,.2f} the "
            "household can raise (holdings of unknown basis are not sold)"
        )
    left = amount
    flows: dict[str, float] = {}
    why = []
    for acct in ordered:
        if left <= 0.005:
            break
        take = min(left, _sellable(book, acct))
        if take <= 0.005:
            continue
        flows[acct.id] = -take
        left -= take
        why.append(f"{acct.id}: ${take:,.2f} ({acct.treatment.value.replace('_', '-')})")
    return flows, why


def contribute_amount(book: Book, amount: float, account: str | None = None) -> Plan:
    """New money (buys only) or a withdrawal (sells only) of ``amount`` dollars."""
    if amount == 0:
        raise InputError("--amount is 0: give new money (> 0) or a withdrawal (< 0)")
    notes: list[str] = []
    if account is not None or len(book.accounts) == 1:
        # a single account is the named one: the same check, so too large a withdrawal is an
        # input error that says what is available, not an infeasible plan
        acct = _account(book, account) if account is not None else book.accounts[0]
        if amount < 0 and -amount > _sellable(book, acct) + 0.005:
            raise InputError(
                f"account {acct.id}: the withdrawal of ${-amount:,.2f} is more than "
                f"the ${_sellable(book, acct):,.2f} it can raise"
            )
        flows = {acct.id: amount}
    elif amount > 0:
        flows, notes = route_contribution(book, amount)
        notes.insert(
            0,
            "no --account given; new money goes to tax-advantaged room first "
            "(HSA, IRA, employer plan), then taxable:",
        )
    else:
        flows, notes = route_withdrawal(book, -amount)
        notes.insert(
            0,
            "no --account given; the withdrawal comes from taxable accounts first, "
            "then tax-deferred, then Roth/HSA:",
        )
    scenario = Scenario(flows=flows, allow_buy=amount > 0, allow_sell=amount < 0)
    plan = build_plan(solve_household(book, scenario), command="contribute")
    extra = []
    if amount < 0:
        deferred = sum(
            -f for a, f in flows.items() if book.account(a).treatment is Treatment.TAX_DEFERRED
        )
        if deferred > 0:
            rate = book.household.tax.ordinary_rate
            extra.append(
                f"the ${deferred:,.2f} from tax-deferred accounts is ordinary income: "
                f"about ${deferred * rate:,.2f} of income tax at {rate:.0%} (plus a 10 % "
                "penalty before age 59½ unless an exception applies)"
            )
    else:
        checks = LimitContext(book).checks(flows)
        over = [c for c in checks if not c.within_limit]
        for c in over:
            extra.append(
                f"{c.person}'s {c.group.replace('_', ' ')} contributions would be "
                f"${c.planned:,.2f} against a {c.year} limit of ${c.limit:,.2f}"
            )
        plan = plan.model_copy(update={"limit_checks": [_check_json(c) for c in checks]})
    return plan.model_copy(update={"notes": notes + extra + plan.notes})


def contribute_to_target(book: Book) -> Plan:
    """The smallest one-time contribution that reaches the target without selling, where it
    goes, and whether each person's limits allow it (else the best the limits allow)."""
    limits = LimitContext(book)
    eligible = [a for a in book.accounts if a.spec.type in CONTRIBUTION_ORDER]
    if not eligible:
        raise InputError("no account can take a contribution")
    free = tuple(a.id for a in eligible)
    scenario = Scenario(allow_sell=False, free_flow_accounts=free)
    solution = solve_household(book, scenario)
    needed = {
        a: float(solution.contributions[i])
        for i, a in enumerate(solution.data.accounts)
        if solution.data.free_flow[i] and solution.contributions[i] > 0.005
    }
    plan = build_plan(solution, command="contribute")
    checks = limits.checks(needed)
    notes = list(limits.notes)
    within = all(c.within_limit for c in checks)
    best_within = None
    if not within:
        groups: dict[tuple[str, str], list[str]] = {}
        caps: dict[tuple[str, str], float] = {}
        for acct in eligible:
            room = limits.room(acct)
            if room.group is not None:
                key = (room.person or acct.id, room.group)
                groups.setdefault(key, []).append(acct.id)
                caps[key] = room.room
        scenario = Scenario(
            allow_sell=False,
            free_flow_accounts=free,
            flow_groups=tuple((tuple(v), caps[k]) for k, v in groups.items()),
        )
        capped_solution = solve_household(book, scenario)
        capped = build_plan(capped_solution, command="contribute")
        if not capped.target_reached:
            filled = _fill_binding_rooms(
                book,
                {
                    a: float(capped_solution.contributions[i])
                    for i, a in enumerate(capped_solution.data.accounts)
                    if capped_solution.data.free_flow[i]
                },
                [(tuple(v), caps[k]) for k, v in groups.items()],
            )
            if filled is not None:
                fixed = Scenario(flows=filled, allow_buy=True, allow_sell=False)
                capped = build_plan(solve_household(book, fixed), command="contribute")
        best_within = round(sum(a.contribution for a in capped.accounts), 2)
        plan = capped
        if capped.target_reached and best_within <= sum(needed.values()) + 0.01:
            # the unlimited solve put the money in one account of several equal ones; spread
            # over the accounts' room, the same amount fits: it is within the limits
            within, best_within = True, None
            checks = limits.checks(
                {a.id: a.contribution for a in capped.accounts if a.contribution > 0.005}
            )
        else:
            notes.append(
                f"the contribution does not fit this year's limits; the best within them is "
                f"${best_within:,.2f}"
                + ("" if capped.target_reached else ", which does not reach the target")
            )
    total_needed = round(sum(needed.values()), 2)
    return plan.model_copy(
        update={
            "contribution_needed": total_needed,
            "contribution_within_limits": within,
            "contribution_best_within_limits": None
            if best_within is None
            else round(best_within, 2),
            "limit_checks": [_check_json(c) for c in checks],
            "notes": notes + plan.notes,
        }
    )


def _fill_binding_rooms(
    book: Book, flows: dict[str, float], groups: list[tuple[tuple[str, ...], float]]
) -> dict[str, float] | None:
    """The capped solve's contributions with every limit group it (nearly) filled raised to
    exactly its room, to the cent; None when there is nothing to raise.

    When buy-only money cannot reach the target, every dollar of room that can buy an
    underweight class is worth using, so a group the solve left a few cents (up to about
    1e-7 of the household per class: the cost LP's slack after the tracking QP) short of its
    room is really a group whose limit binds. A group left clearly short (its accounts can buy
    only what is already over target) keeps its amount.
    """
    tolerance = max(0.05, 1e-6 * book.total_value)
    out = {a: round(max(f, 0.0), 2) for a, f in flows.items()}
    raised = False
    for accounts, cap in groups:
        room = round(cap, 2)
        members = [a for a in accounts if a in out]
        total = sum(out[a] for a in members)
        if not members or total <= 0 or abs(room - total) < 0.005 or room - total > tolerance:
            continue
        largest = max(members, key=lambda a: out[a])
        out[largest] = round(out[largest] + room - total, 2)
        raised = True
    if not raised:
        return None
    return {a: f for a, f in out.items() if f > 0}


def contribution_split(book: Book, years: int = 1) -> dict[str, object]:
    """For accounts with recurring contributions: the split of future contributions that
    reaches the target in ``years`` without selling, and the split to return to once there."""
    if years < 1:
        raise InputError("--years must be 1 or more")
    recurring = {
        a.id: a.spec.contributions.annual
        for a in book.accounts
        if a.spec.contributions and a.spec.contributions.annual > 0
    }
    if not recurring:
        raise InputError("no account has contributions: {annual: …}; add them to plan a split")
    flows = {a: amount * years for a, amount in recurring.items()}
    solution = solve_household(book, Scenario(flows=flows, allow_sell=False))
    plan = build_plan(solution, command="contribute")
    steady = _steady_split(book, recurring)
    accounts = []
    for acct in plan.accounts:
        if acct.id not in recurring:
            continue
        total = flows[acct.id]
        split = {t.fund: round(100 * t.amount / total, 4) for t in acct.trades if t.action == "buy"}
        spec = book.account(acct.id).spec.contributions
        accounts.append(
            {
                "id": acct.id,
                "annual": recurring[acct.id],
                "current_split": dict(spec.split or {}) if spec else {},
                "split": split,
                "then_return_to": steady.get(acct.id, {}),
            }
        )
    return {
        "household": book.name,
        "as_of": book.as_of.isoformat(),
        "command": "contribute",
        "years": years,
        "target_reached": plan.target_reached,
        "allocation": [r.model_dump(by_alias=True) for r in plan.allocation],
        "splits": accounts,
        "notes": [
            f"Use this split for {years} year{'s' if years > 1 else ''}, then switch back to "
            "the return split: otherwise the household overshoots the target the other way.",
            *plan.shortfall,
        ],
    }


def _steady_split(book: Book, recurring: dict[str, float]) -> dict[str, dict[str, float]]:
    """The split that keeps a household at target: contributions alone in the target mix,
    placed by the same model (as if every account started from cash)."""
    empty = emptied(book)
    flows = {a: v for a, v in recurring.items()}
    plan = build_plan(
        solve_household(empty, Scenario(flows=flows, allow_sell=False)), command="contribute"
    )
    out: dict[str, dict[str, float]] = {}
    for acct in plan.accounts:
        if acct.id in recurring:
            out[acct.id] = {
                t.fund: round(100 * t.amount / recurring[acct.id], 4)
                for t in acct.trades
                if t.action == "buy"
            }
    return out


def _account(book: Book, account: str) -> AccountBook:
    try:
        return book.account(account)
    except KeyError:
        from householder.io.errors import suggest

        hint = suggest(account, [a.id for a in book.accounts])
        raise InputError(
            f"--account {account!r} is not an account of the household{hint}; "
            f"accounts: {', '.join(a.id for a in book.accounts)}"
        ) from None


def _check_json(c: LimitCheck) -> dict[str, object]:
    return {
        "person": c.person,
        "account": c.account,
        "year": c.year,
        "limit": c.limit,
        "planned": round(c.planned, 2),
        "within_limit": c.within_limit,
        "group": c.group,
        "room": round(c.room, 2),
    }
