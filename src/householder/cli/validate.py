"""``householder validate FILE``: load and check the file; every problem at once."""

from __future__ import annotations

from householder.cli.common import FileArg, JsonOpt, Output, handled, load


def validate(file: FileArg, json: JsonOpt = False) -> None:
    """Check a household file: exit 0 when valid, 1 with every problem listed."""
    from householder.plan.validate import validate as check
    from householder.report.validate import validate_report

    out = Output(json)
    with handled(out):
        result = check(load(file))
        out.emit(result, validate_report(result))
