"""The drift report, read from the :class:`~householder.plan.drift.DriftResult`."""

from __future__ import annotations

from householder.plan.drift import DriftResult
from householder.report.common import Block, Message, Styled, Table, money, note, pct, points


def drift_report(result: DriftResult) -> list[Block]:
    basis = result.allocation_basis.replace("_", "-")
    main = Table(
        title=f"{result.household}: allocation on {result.as_of} ({basis}, "
        f"{money(result.total_value)})",
        headers=["class", "target", "now", "drift", "band", "status"],
    )
    for r in result.allocation:
        main.rows.append(
            [
                r.cls,
                pct(r.target),
                pct(r.before),
                points(r.drift),
                f"{pct(r.band_low)} – {pct(r.band_high)}",
                Styled("OUT OF BAND", "bad") if r.breached else "ok",
            ]
        )
    main.caption = (
        "A class is out of band past the policy's bands (default 5/25: 5 points, or 25 % of "
        "its target for classes under 20 %)."
    )
    if result.allocation_pre_tax is not None:
        pre_tax = ", ".join(f"{r.cls} {pct(r.before)}" for r in result.allocation_pre_tax)
        main.caption += f"\nPre-tax allocation (for reference): {pre_tax}"
    classes = result.classes
    per_account = Table(title="Per account", headers=["account", "type", "value", *classes])
    for a in result.accounts:
        fraction = {c.cls: c.fraction for c in a.allocation}
        per_account.rows.append(
            [a.id, a.type, money(a.value), *[pct(fraction.get(c, 0.0)) for c in classes]]
        )
    blocks: list[Block] = [main, per_account]
    breached = [r.cls for r in result.allocation if r.breached]
    if breached:
        blocks.append(
            Message(f"{', '.join(breached)}. `householder plan` proposes trades.",
                    lead="Out of band: ", style="warn")
        )
    else:
        blocks.append(Message("Every class is inside its band: nothing to do.", style="good"))
    blocks += [note(n) for n in result.notes or []]
    return blocks
