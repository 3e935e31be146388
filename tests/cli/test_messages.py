"""The closing message of a plan says the truth about the target."""

from __future__ import annotations

from householder.report.plan import plan_messages
from tests.optimize.households import household, run_plan


def test_no_trades_off_target_does_not_claim_on_target() -> None:
    """A taxable holding without lots or cost has an unknown basis, so the plan may not sell it
    (spec: "the plan does not sell it and says why"): the household stays off target with no
    trades, and the message must not say it is on target."""
    r = run_plan(
        household(
            accounts=[
                {"id": "brokerage", "type": "taxable", "holdings": [{"fund": "VTI", "value": 9000}]}
            ],
            funds=[{"ticker": "VTI"}, {"ticker": "BND"}],
            prices={"VTI": 250.0, "BND": 75.0},
            target={"stocks": 60, "bonds": 40},
        )
    )
    assert r.plan.nothing_to_do and not r.plan.target_reached
    text = "\n".join(map(str, plan_messages(r.plan)))
    assert "already on target" not in text
    assert "No trades: the household is off target" in text


def test_no_trades_on_target_says_nothing_to_do() -> None:
    r = run_plan(
        household(
            accounts=[
                {
                    "id": "ira",
                    "type": "traditional_ira",
                    "holdings": [{"fund": "VTI", "value": 9000}],
                }
            ],
            funds=[{"ticker": "VTI"}],
            prices={"VTI": 250.0},
            target={"stocks": 100},
        )
    )
    assert r.plan.nothing_to_do and r.plan.target_reached
    assert any("already on target" in str(m) for m in plan_messages(r.plan))
