"""Cash-flow planning (``householder contribute``): new money that only buys, withdrawals that
only sell, the smallest one-time contribution that restores the target, and the recurring
split. Every mode is the plan's own model with buy-only or sell-only trades and a cash flow.

Where the money goes without ``--account`` (a documented rule, not an optimization, because the
model does not see the tax of contributing itself — a traditional deduction now against Roth
growth later): tax-advantaged room first, in the order HSA (deductible in, untaxed out for
medical costs), IRA, employer plans (401(k)/403(b)/457(b), usually reachable only by payroll),
then taxable (no limit), each up to the least room left in any limit group it counts against for
the ``as_of`` year (:mod:`householder.tax.limits`: a SIMPLE IRA shares the 402(g) limit with a
401(k), spouses share a family HSA limit, ...). No mode puts a dollar above a group's room: the
excess goes to accounts with room (taxable last), or the command refuses with the numbers. The
optimizer then chooses the funds. Withdrawals drain taxable accounts first (losses and
high-basis lots first, by the tax term), then tax-deferred, then Roth and HSA.
"""

from __future__ import annotations

from dataclasses import dataclass

from householder.errors import InputError
from householder.model.book import AccountBook, Book
from householder.model.types import JOINT, AccountType, Treatment
from householder.model.variants import emptied
from householder.optimize import Scenario, solve_household
from householder.plan.build import build_plan
from householder.plan.result import AllocationRow, LimitCheckRow, Plan, Result
from householder.tax.limits import (
    GroupLimit,
    HouseholdLimits,
    LimitAccount,
    LimitCheck,
    age_at_year_end,
    household_limits,
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

GROUP_NAMES = {
    "elective_deferral": "402(g) elective-deferral",
    "simple_ira": "SIMPLE IRA",
    "457b": "457(b)",
    "annual_additions": "415(c) annual-additions",
    "ira": "IRA",
    "roth_ira": "Roth IRA (income-limited)",
    "hsa": "HSA",
    "hsa_spouse": "HSA (own share)",
}
"""How a limit group reads in a sentence."""

GROUP_LABELS = {
    "elective_deferral": "402(g)",
    "simple_ira": "SIMPLE",
    "457b": "457(b)",
    "annual_additions": "415(c)",
    "ira": "IRA",
    "roth_ira": "Roth IRA",
    "hsa": "HSA",
    "hsa_spouse": "HSA share",
}
"""A limit group in a table column."""


UNNAMED = "owner"
"""The person a household without ``people`` is taken to be, for its limits."""


def group_name(group: str) -> str:
    return GROUP_NAMES.get(group, group.replace("_", " "))


@dataclass(frozen=True)
class Room:
    """What one account may still receive this year."""

    account: str
    person: str | None
    group: str | None
    """The group that binds (the least room), None where there is no personal limit."""
    room: float
    """Dollars (inf where there is no personal limit)."""


class LimitContext:
    """The household's limit groups for the ``as_of`` year (:mod:`householder.tax.limits`):
    each person's age on December 31, HSA coverage, the married couple, and what every account
    already holds of its limits this year."""

    def __init__(self, book: Book) -> None:
        self.book = book
        self.year = book.as_of.year
        self.notes: list[str] = []
        household = book.household
        people = {p.id: p for p in household.people}
        self.ages: dict[str, int] = {}
        if not people:
            self.ages[UNNAMED] = 0
            self.notes.append(
                "the file names no people: contribution limits are checked for one person of "
                "unknown age, without catch-ups (add people: with birth dates)"
            )
        for pid, person in people.items():
            born = person.birth_date or person.year_of_birth
            if born is None:
                self.ages[pid] = 0
                self.notes.append(f"{pid} has no birth date: limits assume no catch-up")
            else:
                self.ages[pid] = age_at_year_end(born, self.year)
        tax = household.tax
        self.spouses: tuple[str, str] | None = None
        if tax.filing_status.value.startswith("married") and len(household.people) >= 2:
            first, second = household.people[0].id, household.people[1].id
            self.spouses = (first, second)
            if len(household.people) > 2:
                self.notes.append(
                    f"filing status {tax.filing_status.value}: {first} and {second} (the first "
                    "two people) are taken as the married couple for the HSA limits"
                )
        accounts = []
        for acct in book.accounts:
            contrib = acct.spec.contributions
            accounts.append(
                LimitAccount(
                    acct.id,
                    acct.spec.type.value,
                    self.owner(acct),
                    acct.spec.hsa_coverage,
                    (contrib.this_year or 0.0) if contrib else 0.0,
                    contrib.employer if contrib else 0.0,
                )
            )
        self.limits: HouseholdLimits = household_limits(
            accounts,
            year=self.year,
            ages=self.ages,
            spouses=self.spouses,
            filing_status=tax.filing_status.value,
            magi=tax.magi,
        )
        self.notes.extend(self.limits.notes)

    def owner(self, account: AccountBook) -> str | None:
        """The person whose limits the account's money counts against: its owner; the one
        person of a one-person household; :data:`UNNAMED` when the file names no people."""
        owner = account.spec.owner
        people = self.book.household.people
        if owner is None and len(people) == 1:
            return people[0].id
        if owner is None and not people:
            return UNNAMED
        return None if owner == JOINT else owner

    def groups(self, account: str) -> list[GroupLimit]:
        """The limit groups ``account``'s money counts against."""
        return self.limits.of(account)

    def limit(self, person: str, group: str) -> float:
        """``person``'s limit of ``group`` this year (as the household's groups hold it)."""
        for g in self.limits.groups:
            if g.group == group and g.holder == person:
                return g.limit
        raise KeyError(f"{person} has no {group} limit group")

    def room(self, account: AccountBook, used: dict[str, float] | None = None) -> Room:
        """What ``account`` may still take this year (less ``used``: money already routed to
        accounts by id), and the group that binds."""
        groups = self.groups(account.id)
        person = self.owner(account)
        if not groups:
            return Room(account.id, person, None, float("inf"))
        used = used or {}

        def left(g: GroupLimit) -> float:
            return g.room - sum(used.get(a, 0.0) for a in g.accounts)

        binding = min(groups, key=left)
        return Room(account.id, person, binding.group, max(0.0, left(binding)))

    def binding(self, account: AccountBook, used: dict[str, float] | None = None) -> GroupLimit:
        """The group with the least room left for ``account`` (it must have one)."""
        groups = self.groups(account.id)
        used = used or {}
        return min(groups, key=lambda g: g.room - sum(used.get(a, 0.0) for a in g.accounts))

    def checks(self, amounts: dict[str, float]) -> list[LimitCheck]:
        """One row per limit group that ``amounts`` (dollars by account) put money into."""
        return self.limits.check(amounts)

    def roth_note(self, amounts: dict[str, float]) -> list[str]:
        """A note when money goes to a Roth IRA whose income limit cannot be checked."""
        if self.book.household.tax.magi is not None:
            return []
        roth = [
            a
            for a, amount in amounts.items()
            if amount > 0.005 and self.book.account(a).spec.type is AccountType.ROTH_IRA
        ]
        if not roth:
            return []
        return [
            f"Roth IRA income limit not checked for {', '.join(roth)}: the file gives no "
            "tax.magi (modified AGI); above the phase-out range (IRS Pub 590-A) a Roth IRA "
            "contribution is an excess contribution"
        ]


def _sellable(book: Book, account: AccountBook) -> float:
    return account.cash + sum(p.value for p in account.positions if p.basis_known)


def route_contribution(book: Book, amount: float) -> tuple[dict[str, float], list[str]]:
    """Split new money across accounts by :data:`CONTRIBUTION_ORDER`, each account taking at
    most the least room left in any of its limit groups (money routed earlier counts)."""
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
    for acct in candidates:
        if left <= 0.005:
            break
        room = limits.room(acct, flows)
        take = min(left, room.room)
        if take <= 0.005:
            if room.group:
                binding = limits.binding(acct, flows)
                why.append(
                    f"{acct.id}: no {group_name(room.group)} room left this year "
                    f"({_holder(binding)} limit ${binding.limit:,.2f})"
                )
            continue
        flows[acct.id] = take
        left -= take
        if room.group is None:
            limit_text = "no annual limit"
        else:
            binding = limits.binding(acct, {**flows, acct.id: flows[acct.id] - take})
            limit_text = (
                f"${room.room:,.2f} of {_holder(binding)} {group_name(room.group)} room left"
            )
        why.append(f"{acct.id}: ${take:,.2f} ({acct.spec.type.value}; {limit_text})")
    if left > 0.005:
        raise InputError(
            f"only ${amount - left:,.2f} of the ${amount:,.2f} fits the accounts' "
            f"contribution limits for {limits.year} (${left:,.2f} would be an excess "
            "contribution); add a taxable account, or contribute less"
        )
    return flows, why + limits.notes + limits.roth_note(flows)


def _holder(g: GroupLimit) -> str:
    """``alex's``, ``alex and blair's``."""
    who = " and ".join(g.people) if g.people else "the owner"
    return f"{who}'s"


def refuse_over_limit(
    book: Book, limits: LimitContext, account: AccountBook, amount: float
) -> None:
    """An InputError naming the limit, the numbers and the way out when ``amount`` into the
    named ``account`` is more than its room."""
    room = limits.room(account)
    if room.group is None or amount <= room.room + 0.005:
        return
    binding = limits.binding(account)
    if not binding.people:
        raise InputError(
            f"account {account.id} ({account.spec.type.value}) has a personal contribution "
            f"limit but no owner; set its owner to the person it belongs to"
        )
    others = [
        a.id
        for a in book.accounts
        if a.id != account.id
        and a.spec.type in CONTRIBUTION_ORDER
        and limits.room(a, {account.id: room.room}).room > 0.005
    ]
    hint = (
        f"; leave out --account to send the excess to accounts with room ({', '.join(others)})"
        if others
        else ""
    )
    if binding.group == "hsa" and account.spec.hsa_coverage is None:
        hint += (
            "; the HSA gives no hsa_coverage, so the self-only limit applies (set "
            "hsa_coverage: family if the HDHP covers the family)"
        )
    raise InputError(
        f"--account {account.id}: ${amount:,.2f} is more than the ${room.room:,.2f} left of "
        f"{_holder(binding)} {binding.year} {group_name(binding.group)} limit "
        f"(${binding.limit:,.2f}, ${binding.already:,.2f} already contributed this year, "
        f"shared by {', '.join(binding.accounts)}): the ${amount - room.room:,.2f} over it "
        f"would be an excess contribution. Contribute at most ${room.room:,.2f} there{hint}"
    )


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
        if amount > 0:
            refuse_over_limit(book, LimitContext(book), acct, amount)
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
        limits = LimitContext(book)
        checks = limits.checks(flows)
        if account is not None or len(book.accounts) == 1:
            extra.extend(n for n in limits.notes if n not in notes)
            extra.extend(limits.roth_note(flows))
        for c in checks:
            if not c.within_limit:  # only where this year's money was already over
                extra.append(
                    f"{c.person}'s {group_name(c.group)} contributions would be "
                    f"${c.planned:,.2f} against a {c.year} limit of ${c.limit:,.2f}"
                )
        plan = plan.model_copy(update={"limit_checks": [_check_row(c) for c in checks]})
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
        caps = _flow_groups(limits, free)
        scenario = Scenario(allow_sell=False, free_flow_accounts=free, flow_groups=caps)
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
                list(caps),
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
            checks = limits.checks(_needed_layout(needed, capped))
    total_needed = round(sum(needed.values()), 2)
    return plan.model_copy(
        update={
            "contribution_needed": total_needed,
            "contribution_within_limits": within,
            "contribution_best_within_limits": None
            if best_within is None
            else round(best_within, 2),
            "limit_checks": [_check_row(c) for c in checks],
            "notes": notes + limits.roth_note(needed) + plan.notes,
        }
    )


def _needed_layout(needed: dict[str, float], capped: Plan) -> dict[str, float]:
    """The contribution needed, laid out to be checked against the limits: first where the
    best plan within the limits puts its money (every group it fills, to its room), then the
    excess where the unlimited solve put the money, pro rata. The rows then show each group
    the money can fill and by how much the rest goes over."""
    within = {a.id: a.contribution for a in capped.accounts if a.contribution > 0.005}
    total = sum(needed.values())
    excess = max(0.0, total - sum(within.values()))
    layout = dict(within)
    for account, amount in needed.items():
        layout[account] = layout.get(account, 0.0) + excess * amount / total
    return layout


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
    caps = [(accounts, round(cap, 2)) for accounts, cap in groups]

    def slack(account: str) -> float:
        """What ``account`` may still rise by in every group it is in."""
        return min(
            (cap - sum(out.get(a, 0.0) for a in accounts) for accounts, cap in caps
             if account in accounts),
            default=float("inf"),
        )

    raised = False
    for accounts, room in caps:
        members = [a for a in accounts if a in out]
        total = sum(out[a] for a in members)
        if not members or total <= 0 or abs(room - total) < 0.005 or room - total > tolerance:
            continue
        for member in sorted(members, key=lambda a: -out[a]):
            step = round(min(room - sum(out[a] for a in members), slack(member)), 2)
            if step >= 0.01:
                out[member] = round(out[member] + step, 2)
                raised = True
    if not raised:
        return None
    return {a: f for a, f in out.items() if f > 0}


def _flow_groups(
    limits: LimitContext, free: tuple[str, ...]
) -> tuple[tuple[tuple[str, ...], float], ...]:
    """Every limit group as a cap on the free contributions of its accounts (overlapping
    groups each hold: a SIMPLE IRA is capped by its own limit and by the 402(g) one)."""
    out = []
    for g in limits.limits.groups:
        members = tuple(a for a in g.accounts if a in free)
        if members:
            out.append((members, g.room))
    return tuple(out)


class AccountSplit(Result):
    id: str
    annual: float
    current_split: dict[str, float]
    split: dict[str, float]
    """Fund → percent of the account's contributions for the coming years."""
    then_return_to: dict[str, float]


class ContributionSplit(Result):
    """``contribute --split``: the recurring split that reaches the target without selling."""

    household: str
    as_of: str
    command: str = "contribute"
    years: int
    target_reached: bool
    allocation: list[AllocationRow]
    splits: list[AccountSplit]
    notes: list[str]


def contribution_split(book: Book, years: int = 1) -> ContributionSplit:
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
            AccountSplit(
                id=acct.id,
                annual=recurring[acct.id],
                current_split=dict(spec.split or {}) if spec else {},
                split=split,
                then_return_to=steady.get(acct.id, {}),
            )
        )
    return ContributionSplit(
        household=book.name,
        as_of=book.as_of.isoformat(),
        years=years,
        target_reached=plan.target_reached,
        allocation=list(plan.allocation),
        splits=accounts,
        notes=[
            f"Use this split for {years} year{'s' if years > 1 else ''}, then switch back to "
            "the return split: otherwise the household overshoots the target the other way.",
            *plan.shortfall,
        ],
    )


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


def _check_row(c: LimitCheck) -> LimitCheckRow:
    return LimitCheckRow(
        person=c.person,
        account=c.account,
        year=c.year,
        limit=c.limit,
        planned=round(c.planned, 2),
        within_limit=c.within_limit,
        group=c.group,
        room=round(c.room, 2),
        accounts=list(c.accounts),
        people=list(c.people),
        contribution=round(c.contribution, 2),
        already=round(c.already, 2),
        rule=c.rule,
    )
