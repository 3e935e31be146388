"""``householder tdf FILE``: the target-date fund alternative, person by person."""

from __future__ import annotations

from householder.cli.common import FileArg, JsonOpt, Output, handled, load


def tdf(file: FileArg, json: JsonOpt = False) -> None:
    """For each person: the target-date vintage nearest their retirement among the funds their
    accounts offer, its mix against target, and the yearly fee of holding it instead."""
    from householder.plan.tdf import tdf as alternative
    from householder.report.tdf import tdf_report

    out = Output(json)
    with handled(out):
        result = alternative(load(file))
        out.emit(result, tdf_report(result))
