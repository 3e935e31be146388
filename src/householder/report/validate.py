"""The validation report, read from the :class:`~householder.plan.validate.Validation`."""

from __future__ import annotations

from householder.plan.validate import Validation
from householder.report.common import Block, Message, money, note


def validate_report(result: Validation) -> list[Block]:
    summary = (
        f"{result.household}, {result.accounts} accounts, {len(result.funds)} funds, "
        f"{money(result.total_value)} on {result.as_of}"
    )
    return [Message(summary, lead="valid: ", style="good"), *(note(n) for n in result.notes)]
