"""``householder glide FILE``: the glide path's target year by year to retirement."""

from __future__ import annotations

from householder.cli.common import FileArg, JsonOpt, Output, handled, load


def glide(file: FileArg, json: JsonOpt = False) -> None:
    """The target year by year from as_of to retirement (a fixed target says it has none)."""
    from householder.plan.glide import glide as path
    from householder.report.glide import glide_report

    out = Output(json)
    with handled(out):
        result = path(load(file))
        out.emit(result, glide_report(result))
