"""Text from the household file prints as given (issue 10): a lot id ``[blink]A``, an account
``[tlh-2]``, a household name with brackets. Reports are plain data and the CLI renders them as
text, never as markup, in one place (``cli/common.render``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from householder.cli import app

runner = CliRunner()


def bracketed() -> dict[str, Any]:
    return {
        "name": "[bold]Pat[/bold] & [red]Sam[/red]",
        "as_of": "2025-06-30",
        "people": [{"id": "pat", "birth_year": 1980}],
        "tax": {"ordinary_rate": "24%", "long_term_rate": "15%"},
        "target": {"stocks": 50, "bonds": 50},
        "funds": [
            {"ticker": "STK", "expense_ratio": "0.04%", "classes": {"stocks": 100},
             "kind": "mutual_fund"},
            {"ticker": "BND", "expense_ratio": "0.05%", "classes": {"bonds": 100},
             "kind": "mutual_fund"},
        ],
        "accounts": [
            {
                "id": "[tlh-2]",
                "owner": "pat",
                "type": "taxable",
                "holdings": [
                    {"fund": "STK", "price": 100.0, "lots": [
                        {"id": "[blink]A", "shares": 100, "cost": 9000.0,
                         "acquired": "2020-01-02"},
                        {"id": "[tlh-2]B", "shares": 50, "cost": 4000.0,
                         "acquired": "2021-01-04"},
                    ]},
                ],
            },
        ],
    }


@pytest.mark.parametrize("command", [["plan"], ["drift"], ["validate"], ["locate"],
                                     ["contribute", "--amount", "1000"]])
def test_bracketed_ids_and_names_print_as_given(
    household_file: Callable[..., Path], command: list[str]
) -> None:
    path = household_file(bracketed())
    result = runner.invoke(app, [*command, str(path)], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    text = result.output
    assert "[bold]Pat[/bold] & [red]Sam[/red]" in text
    if command != ["validate"]:
        assert "[tlh-2]" in text
    if command == ["plan"]:
        assert "[blink]A" in text  # the lot sold, in the trade's lots and in its reason
