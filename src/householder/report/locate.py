"""The asset-location reports, read from :class:`~householder.plan.locate.Location` and
:class:`~householder.plan.locate.LocateSweep`."""

from __future__ import annotations

from householder.plan.locate import LocateSweep, Location
from householder.report.common import Block, Message, Table, money, note


def locate_report(result: Location) -> list[Block]:
    classes = list(dict.fromkeys(k for v in result.placement.values() for k in v))
    table = Table(
        title=f"{result.household}: asset location ({result.allocation_basis.replace('_', '-')}, "
        f"{result.horizon_years} years)",
        headers=["account", "type", *classes],
    )
    for acct, by_class in result.placement.items():
        table.rows.append(
            [
                acct,
                result.account_types[acct],
                *[money(by_class[k]) if k in by_class else "" for k in classes],
            ]
        )
    value = Table(
        title="After-tax value at the horizon", headers=["", ""], justify=["left", "right"]
    )
    value.rows += [
        ["every account holding the household mix", money(result.after_tax_value_uniform)],
        ["located as above", money(result.after_tax_value_located)],
        ["difference", money(result.after_tax_value_located - result.after_tax_value_uniform)],
        ["benefit per year", f"{result.annual_benefit_bps:.1f} bp"],
    ]
    return [
        table,
        value,
        *(Message(why, lead="• ") for why in result.why.values()),
        *(note(n) for n in result.notes),
    ]


def sweep_report(result: LocateSweep) -> list[Block]:
    table = Table(
        title=f"Asset location as {result.sweep} varies",
        headers=[result.sweep, "placement", "located", "uniform", "bp/yr"],
        justify=["right", "left", "right", "right", "right"],
    )
    for p in result.points:
        placement = "; ".join(
            f"{acct}: " + ", ".join(k for k, _ in sorted(v.items(), key=lambda kv: -kv[1]))
            for acct, v in p.placement.items()
        )
        table.rows.append(
            [
                f"{p.value:g}",
                placement,
                money(p.after_tax_value_located),
                money(p.after_tax_value_uniform),
                f"{p.annual_benefit_bps:.1f}",
            ]
        )
    return [table]
