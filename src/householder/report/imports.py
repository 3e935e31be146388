"""The import and init reports, read from their typed results."""

from __future__ import annotations

from householder.plan.imports import Imported, Started
from householder.report.common import Block, Message, note


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def import_report(result: Imported) -> list[Block]:
    holdings = sum(a.holdings for a in result.accounts)
    lots = sum(a.lots for a in result.accounts)
    blocks: list[Block] = [
        Message(
            f"wrote {result.written}: {_plural(len(result.accounts), 'account')}, "
            f"{_plural(holdings, 'holding')}, {_plural(lots, 'lot')} from {result.broker}"
            + (f", merged into {result.into}" if result.into else "")
        )
    ]
    for a in result.accounts:
        matched = f" (updates {a.matched})" if a.matched else ""
        blocks.append(
            Message(f"  {a.imported_as}{matched}: {a.type}, {_plural(a.holdings, 'holding')}, "
                    f"cash ${a.cash:,.2f}")
        )
    if result.todo:
        blocks.append(Message(f"still to do ({len(result.todo)}):"))
        blocks += [Message(f"  {item}") for item in result.todo]
    blocks += [note(n) for n in result.notes]
    if result.problems:
        blocks.append(
            Message(f"`householder validate {result.written}` reports "
                    f"{_plural(len(result.problems), 'problem')} until the list is done")
        )
    else:
        blocks.append(Message(f"`householder plan {result.written}` can run now", lead="valid: ",
                              style="good"))
    return blocks


def init_report(result: Started) -> list[Block]:
    n_people = len(result.people)
    blocks: list[Block] = [
        Message(
            f"wrote {result.written}: {n_people} {'person' if n_people == 1 else 'people'}, "
            f"{_plural(len(result.accounts), 'account')}"
            + ("; the target is a placeholder: set yours" if result.placeholder_target else "")
        )
    ]
    if result.problems:
        blocks.append(Message(f"still to do before it validates ({len(result.problems)}):"))
        blocks += [Message(f"  {p}") for p in result.problems]
    else:
        blocks.append(Message(f"edit it, then `householder drift {result.written}`",
                              lead="valid: ", style="good"))
    return blocks
