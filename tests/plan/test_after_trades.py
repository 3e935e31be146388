"""The household after the trades (issue 13, item 2): ``plan --write-after NEXT`` and
``contribute … --write-after NEXT`` write the household with the plan's trades made, and
planning NEXT at once finds nothing to do; ``drift NEXT`` shows the plan's allocation after.

Round trips: every example, broker exports imported into a household (``householder import``),
a plan with a wash sale's replacement lot, and contributions. The derivation itself
(:func:`householder.model.variants.after_trades`) is checked lot by lot on small households."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from typer.testing import CliRunner

from householder.cli import app
from householder.io import load_household
from householder.io.loader import build_book
from householder.model.variants import after_trades
from householder.optimize import solve_household
from householder.plan.build import build_plan
from householder.valuation.facts import wash_groups
from tests.optimize.households import (
    AS_OF,
    LONG_AGO,
    RECENT,
    fund,
    household,
    households,
    lot,
    run_plan,
)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
DATA = ROOT / "tests" / "data" / "import"
runner = CliRunner()


def flat(text: str) -> str:
    return " ".join(text.split())


def run(*args: str) -> dict[str, Any]:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    doc: dict[str, Any] = json.loads(result.stdout)
    return doc


def round_trip(
    source: Path, tmp_path: Path, *command: str, settled: bool = True
) -> tuple[dict[str, Any], Path]:
    """``command`` (plan, or contribute with its flags) on ``source`` with ``--write-after``;
    then NEXT planned at once finds nothing to do (where the first reached its target:
    ``settled``), and its drift is the first's allocation after. The first JSON, and NEXT."""
    command = command or ("plan",)
    out = tmp_path / f"{source.stem}-next{source.suffix}"
    first = run(command[0], str(source), *command[1:], "--write-after", str(out))
    assert out.exists()
    second = run("plan", str(out))
    leftover = [(a["id"], t["action"], t["fund"], t["amount"])
                for a in second["accounts"] for t in a["trades"]]
    assert second["nothing_to_do"] == settled, leftover
    drift = run("drift", str(out))
    after = {row["class"]: row["after"] for row in first["allocation"]}
    for row in drift["allocation"]:
        assert row["before"] == pytest.approx(after.get(row["class"], 0.0), abs=2e-6), row
    assert drift["total_value"] == pytest.approx(first["total_value"], abs=0.01)
    return first, out


def comments(text: str) -> list[str]:
    return [line.split("#", 1)[1] for line in text.splitlines() if "#" in line]


# -- round trips ------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["two-earner.yaml", "three-account.yaml"])
def test_examples_round_trip_and_keep_their_comments(name: str, tmp_path: Path) -> None:
    source = EXAMPLES / name
    first, out = round_trip(source, tmp_path)
    assert not first["nothing_to_do"]
    before, after = source.read_text(), out.read_text()
    # every comment stays but those on the line of a lot or holding the trades removed
    removed = {c for c in comments(before) if c not in comments(after)}
    for line in before.splitlines():
        if "#" in line and line.split("#", 1)[1] in removed:
            assert re.match(r"\s*- \{?(id|fund):", line), line
    # what the plan left alone is the file's own text, line for line (its spelling: 24%)
    untouched = [line for line in before.splitlines() if "value:" not in line
                 and "cash:" not in line and "{id:" not in line and "fund:" not in line]
    for line in untouched:
        assert line in after.splitlines(), line


def test_two_earner_after_the_trades(tmp_path: Path) -> None:
    """What the file says after two-earner's plan: lots sold whole are gone, the rest keep
    their ids, dates and basis; each purchase in the joint account is a lot dated as_of at its
    cost; cash is the plan's cash after; the realized gains are in realized_this_year."""
    source = EXAMPLES / "two-earner.yaml"
    first, out = round_trip(source, tmp_path)
    data = yaml.safe_load(out.read_text())
    joint = next(a for a in first["accounts"] if a["id"] == "joint-brokerage")
    written = next(a for a in data["accounts"] if a["id"] == "joint-brokerage")
    assert written["cash"] == joint["cash_after"]
    original = {(h["fund"], lt["id"]): lt
                for a in yaml.safe_load(source.read_text())["accounts"]
                if a["id"] == "joint-brokerage" for h in a["holdings"] for lt in h["lots"]}
    sold = {(t["fund"], line["id"]): Decimal(str(line["shares"]))
            for t in joint["trades"] if t["action"] == "sell" for line in t["lots"]}
    lots = {(h["fund"], lt["id"]): lt for h in written["holdings"] for lt in h.get("lots", [])}
    for key, lt in original.items():
        left = Decimal(str(lt["shares"])) - sold.get(key, Decimal(0))
        if left == 0:
            assert key not in lots
        else:
            assert Decimal(str(lots[key]["shares"])) == left
            assert lots[key]["acquired"] == lt["acquired"]
    for t in joint["trades"]:
        if t["action"] == "buy" and t["shares"]:
            new = lots[(t["fund"], f"{t['fund']}-20261127")]
            assert (new["shares"], new["cost"], new["acquired"]) == (
                t["shares"], t["amount"], date(2026, 11, 27))
    realized = data["tax"]["realized_this_year"]
    assert realized == {"short_term": first["tax"]["short_term_gain"],
                        "long_term": first["tax"]["long_term_gain"]}


def test_a_contribution_round_trips_and_raises_this_year(tmp_path: Path) -> None:
    """kendra's $10,000 into her 401(k) reaches the target without selling: NEXT has it
    invested (nothing to do) and the 401(k)'s ``this_year`` raised by it, so the next
    ``--to-target`` has $10,000 less room."""
    source = EXAMPLES / "kendra.yaml"
    first, out = round_trip(source, tmp_path, "contribute", "--amount", "10000")
    assert first["target_reached"]
    (acct,) = [a for a in first["accounts"] if a["contribution"]]
    assert acct["contribution"] == 10000.0
    before = yaml.safe_load(source.read_text())
    after = yaml.safe_load(out.read_text())
    (old,) = [a for a in before["accounts"] if a["id"] == acct["id"]]
    (new,) = [a for a in after["accounts"] if a["id"] == acct["id"]]
    assert new["contributions"]["this_year"] == old["contributions"].get("this_year", 0) + 10000
    assert new.get("cash", 0) == acct["cash_after"]


def test_a_withdrawal_round_trips_without_touching_this_year(tmp_path: Path) -> None:
    """A withdrawal only sells, so the household stays off target (plan NEXT rebalances):
    NEXT is the withdrawal's allocation after, and no contribution changed."""
    source = EXAMPLES / "two-earner.yaml"
    first, out = round_trip(source, tmp_path, "contribute", "--amount", "-2000",
                            "--account", "joint-brokerage", settled=False)
    before = yaml.safe_load(source.read_text())
    after = yaml.safe_load(out.read_text())
    assert [a.get("contributions") for a in after["accounts"]] == [
        a.get("contributions") for a in before["accounts"]]
    (joint,) = [a for a in first["accounts"] if a["id"] == "joint-brokerage"]
    assert joint["contribution"] == -2000.0


def test_to_target_round_trip(tmp_path: Path) -> None:
    """kendra's --to-target is $1,666.67 of bonds (for 1,666.666…: to the cent, up), and
    NEXT is on target. Its own --to-target asks a cent more: the cent rounded up leaves stocks
    a third of a cent under 75 %, and contribute reaches a target exactly (to the cent)."""
    first, out = round_trip(EXAMPLES / "kendra.yaml", tmp_path, "contribute", "--to-target")
    assert first["contribution_needed"] == 1666.67
    again = run("contribute", str(out), "--to-target")
    assert again["contribution_needed"] <= 0.01
    (acct,) = yaml.safe_load(out.read_text())["accounts"]
    assert acct["contributions"]["this_year"] == 1666.67


BASE: dict[str, Any] = {
    "name": "Alex", "as_of": "2026-06-30",
    "people": [{"id": "alex", "birth_year": 1984}],
    "tax": {"ordinary_rate": "24%", "long_term_rate": "15%"},
    "target": {"stocks": 70, "bonds": 30},
    "accounts": [
        {"id": "alex-401k", "owner": "alex", "type": "traditional_401k",
         "menu": ["FXAIX", "FXNAX"],
         "holdings": [{"fund": "FXAIX", "value": 30000}, {"fund": "FXNAX", "value": 9000}]},
    ],
}
STOCK = {"classes": {"us_large": 100}, "expense_ratio": 0, "kind": "stock"}

IMPORTS = {
    "fidelity": (["fidelity", "Portfolio_Positions_Aug-29-2026.csv", "--account", "Z12345678",
                  "--type", "taxable", "--account", "238765432", "--type", "roth"],
                 [{"ticker": "BRK.B", **STOCK}]),
    "schwab lots": (["schwab", "Individual-Positions-2025-05-04-123456.csv",
                     "SCHB_Lot_Details.csv", "AAPL_Lot_Details.csv", "--type", "taxable"],
                    [{"ticker": "AAPL", **STOCK}]),
    "vanguard": (["vanguard", "OfxDownload.csv", "--as-of", "2026-10-02", "--account",
                  "12345678", "--type", "taxable", "--account", "87654321", "--type",
                  "roth_ira"], []),
    "ofx 401k": (["ofx", "Fidelity-401k-2026-11-27.qfx", "--type", "401k"],
                 [{"ticker": "31617E471", "classes": {"us_mid": 100},
                   "expense_ratio": "0.5%", "kind": "mutual_fund"}]),
    "ofx brokerage": (["ofx", "brokerage-2026-09-30.ofx", "--type", "taxable"], []),
    "csv lots": (["csv", "lots-export.csv", "--map", "account=Acct,ticker=Ticker,shares=Units,"
                  "price=Last,value=Value,acquired=Open Date,cost=Cost", "--type", "taxable"],
                 []),
}


@pytest.mark.parametrize("case", list(IMPORTS))
def test_import_then_plan_round_trips(case: str, tmp_path: Path) -> None:
    """import → plan --write-after → plan: nothing to do."""
    args, funds = IMPORTS[case]
    base = tmp_path / "alex.yaml"
    base.write_text(yaml.safe_dump({**BASE, "funds": funds}, sort_keys=False))
    imported = tmp_path / "imported.yaml"
    files = [str(DATA / a) if (DATA / a).exists() else a for a in args[1:]]
    result = runner.invoke(app, ["import", args[0], *files, "--into", str(base),
                                 "-o", str(imported)])
    assert result.exit_code == 0, result.output
    assert runner.invoke(app, ["validate", str(imported)]).exit_code == 0
    first, out = round_trip(imported, tmp_path)
    assert not first["nothing_to_do"]
    # the import's comments (what to supply) stay where the trades left their lines
    kept = set(comments(out.read_text()))
    assert any(c in kept for c in comments(imported.read_text()))


@pytest.mark.parametrize("suffix", [".toml", ".json"])
def test_toml_and_json_round_trip_in_their_own_format(suffix: str, tmp_path: Path) -> None:
    """A TOML file keeps its comments and layout (tomlkit) and a JSON file its keys' order."""
    import tomlkit

    data = yaml.safe_load((EXAMPLES / "two-earner.yaml").read_text())
    source = tmp_path / f"two-earner{suffix}"
    if suffix == ".toml":
        text = "# my household\n" + tomlkit.dumps(data).replace(
            'cash = 1500', 'cash = 1500  # the custodian\'s minimum')
    else:
        text = json.dumps(data, indent=2, default=str) + "\n"
    source.write_text(text)
    _, out = round_trip(source, tmp_path)
    written = out.read_text()
    if suffix == ".toml":
        import tomllib

        assert written.startswith("# my household\n")
        assert "# the custodian's minimum" in written
        assert list(tomllib.loads(written)) == list(tomllib.loads(text))
    else:
        assert list(json.loads(written)) == list(json.loads(text))
        keys, given = list(json.loads(written)["accounts"][7]), list(data["accounts"][7])
        # the file's keys in its order; what the trades add (a loss sold: transactions) after
        assert keys[: len(given)] == given and set(keys[len(given):]) <= {"transactions"}


def test_another_format_than_the_source(tmp_path: Path) -> None:
    """NEXT's format follows its name: YAML in, JSON out (the data, comments cannot follow)."""
    out = tmp_path / "next.json"
    run("plan", str(EXAMPLES / "three-account.yaml"), "--write-after", str(out))
    assert run("plan", str(out))["nothing_to_do"]


def test_wash_sale_replacement_lot_is_written_with_its_basis_and_date(tmp_path: Path) -> None:
    """tests/plan/test_wash_replacement.py's plan: OLD sold at a loss that NEW's 20 recent
    shares wash. NEXT holds NEW's shares as NEW-W1, at $140 + the disallowed $50 and dated
    from OLD (IRC 1091(d), 1223(3)); what OLD keeps is its shares less those sold, its basis
    less theirs; and NEXT plans nothing."""
    data = household(
        accounts=[{"id": "brokerage", "type": "taxable", "holdings": [
            {"fund": "XYZ", "lots": [lot("OLD", 100, 1000.0, LONG_AGO),
                                     lot("NEW", 20, 140.0, RECENT)]},
            {"fund": "BND", "lots": [lot("B1", 10, 100.0, LONG_AGO)]}]}],
        funds=[fund("XYZ", {"stocks": 100}), fund("BND", {"bonds": 100})],
        prices={"XYZ": 7.5, "BND": 10.0},
        target={"stocks": 50, "bonds": 50},
        policy={"whole_shares": "never"},
    )
    source = tmp_path / "wash.yaml"
    source.write_text(yaml.safe_dump(data, sort_keys=False))
    first, out = round_trip(source, tmp_path)
    (adjusted,) = first["tax"]["adjusted_lots"]
    (sale,) = [t for a in first["accounts"] for t in a["trades"] if t["fund"] == "XYZ"]
    (line,) = sale["lots"]
    lots = {lt["id"]: lt for h in yaml.safe_load(out.read_text())["accounts"][0]["holdings"]
            for lt in h["lots"]}
    assert set(lots) == {"OLD", "NEW-W1", "B1", f"BND-{AS_OF:%Y%m%d}"}
    assert lots["NEW-W1"] == {"id": "NEW-W1", "shares": 20, "cost": adjusted["cost"],
                              "acquired": LONG_AGO}
    assert adjusted["cost"] == pytest.approx(190.0, abs=0.01)
    assert Decimal(str(lots["OLD"]["shares"])) == Decimal(100) - Decimal(str(line["shares"]))
    assert lots["OLD"]["cost"] == pytest.approx(1000.0 - line["cost"], abs=1e-9)


# -- the derivation on small households -------------------------------------------------------

def taxable(holdings: list[dict[str, Any]], cash: float = 0.0, **extra: Any) -> dict[str, Any]:
    return {"id": "brokerage", "type": "taxable", "cash": cash, "holdings": holdings, **extra}


def test_partial_lot_sales_are_exact_in_shares() -> None:
    """A lot of 245.454545 shares sold in part keeps exactly the shares not sold (decimals,
    not floats: 245.454545 - 121.2 is not 124.25454500000001); lots without ids keep the
    names the plan gave them."""
    data = household(
        accounts=[taxable([{"fund": "VTI", "lots": [
            {"shares": 245.454545, "cost": 5500.0, "acquired": LONG_AGO.isoformat()},
            {"shares": 0.333333, "cost": 100.0, "acquired": LAST_YEAR.isoformat()}]},
            {"fund": "BND", "lots": [lot("B1", 1, 74.0, LONG_AGO)]}])],
        funds=[fund("VTI", {"stocks": 100}), fund("BND", {"bonds": 100})],
        prices={"VTI": 330.0, "BND": 74.0},
        policy={"whole_shares": "never"},
    )
    r = run_plan(data)
    after = after_trades(r.book, r.plan).household
    (vti_sale,) = [t for t in r.plan.accounts[0].trades if t.fund == "VTI"]
    held = {"VTI-1": Decimal("245.454545"), "VTI-2": Decimal("0.333333")}
    sold = {line.id: Decimal(repr(line.shares)) for line in vti_sale.lots}
    vti = next(h for h in after.accounts[0].holdings if h.fund == "VTI")
    assert vti.lots is not None
    written = {lt.id: Decimal(repr(lt.shares)) for lt in vti.lots}
    assert written == {k: held[k] - sold.get(k, Decimal(0)) for k in held
                       if held[k] != sold.get(k, Decimal(0))}
    for k, v in written.items():
        assert v == v.quantize(Decimal("0.000001")), k  # six decimals, no float noise


LAST_YEAR = date(2023, 12, 1)


def test_buys_in_dollars_get_their_shares_and_non_taxable_lots_go_oldest_first() -> None:
    """A mutual fund with a price bought for dollars gets its shares at the price to 10^-6
    (the plan's holdings_after count them too); an IRA's holding given by lots sells its
    oldest lots first (no tax there; the dates matter only for the wash-sale window)."""
    data = household(
        accounts=[
            taxable([{"fund": "VTSAX", "lots": [lot("A", 10.123, 1300.0, LONG_AGO)]},
                     {"fund": "VBTLX", "lots": [lot("B", 500, 4855.0, LONG_AGO)]}],
                    cash=1000.0),
            {"id": "ira", "type": "traditional_ira", "holdings": [
                {"fund": "VTSAX", "lots": [lot("I2", 20.5, 2000.0, LAST_YEAR),
                                           lot("I1", 20, 1500.0, LONG_AGO)]},
                {"fund": "VBTLX", "shares": 100}]},
        ],
        funds=[fund("VTSAX", {"stocks": 100}), fund("VBTLX", {"bonds": 100})],
        prices={"VTSAX": 130.37, "VBTLX": 9.71},
    )
    r = run_plan(data)
    plan = r.plan
    holdings = {(a.id, h.fund): h for a in plan.accounts for h in a.holdings_after}
    bought = {(a.id, t.fund): t.amount for a in plan.accounts for t in a.trades
              if t.action == "buy"}
    assert ("brokerage", "VTSAX") in bought
    vtsax = holdings[("brokerage", "VTSAX")]
    new_shares = (Decimal(str(bought[("brokerage", "VTSAX")])) / Decimal("130.37")).quantize(
        Decimal("0.000001"))
    assert Decimal(repr(vtsax.shares)) == Decimal("10.123") + new_shares
    after = after_trades(r.book, plan).household
    lots = {lt.id: lt for lt in after.accounts[0].holdings[0].lots or []}
    assert lots[f"VTSAX-{AS_OF:%Y%m%d}"].shares == float(new_shares)
    assert lots[f"VTSAX-{AS_OF:%Y%m%d}"].cost == bought[("brokerage", "VTSAX")]
    (ira_sale,) = [t for t in plan.accounts[1].trades if t.action == "sell"]
    assert ira_sale.fund == "VTSAX"
    ira = {h.fund: h for h in after.accounts[1].holdings}
    ira_lots = {lt.id: lt for lt in ira["VTSAX"].lots or []}
    sold = Decimal("40.5") - Decimal(repr(holdings[("ira", "VTSAX")].shares))
    if sold < 20:  # the oldest lot, I1, gives first
        assert ira_lots["I1"].shares == float(Decimal(20) - sold)
        assert ira_lots["I2"] == data_lot(data, 1, "I2")
    else:
        assert "I1" not in ira_lots
    assert Decimal(repr(ira["VBTLX"].shares)) == Decimal(repr(holdings[("ira", "VBTLX")].shares))


def data_lot(data: dict[str, Any], account: int, lot_id: str) -> Any:
    book = build_book(data)
    for hold in book.household.accounts[account].holdings:
        for lt in hold.lots or []:
            if lt.id == lot_id:
                return lt
    raise KeyError(lot_id)


def test_a_holding_of_one_lot_given_by_cost_becomes_lots_when_bought_into() -> None:
    data = household(
        accounts=[taxable([{"fund": "VTI", "shares": 10, "cost": 2000.0,
                            "acquired": LONG_AGO.isoformat()},
                           {"fund": "BND", "shares": 100, "cost": 9000.0,
                            "acquired": LONG_AGO.isoformat()}], cash=5000.0)],
        funds=[fund("VTI", {"stocks": 100}, kind="etf"), fund("BND", {"bonds": 100}, kind="etf")],
        prices={"VTI": 300.0, "BND": 70.0},
    )
    r = run_plan(data)
    after = after_trades(r.book, r.plan).household
    for hold in after.accounts[0].holdings:
        bought = [t for t in r.plan.accounts[0].trades
                  if t.fund == hold.fund and t.action == "buy"]
        if bought:
            assert hold.cost is None and hold.acquired is None and hold.lots is not None
            (old, new) = hold.lots
            assert (old.id, old.cost, old.acquired) == (f"{hold.fund}-1", {"VTI": 2000.0,
                                                        "BND": 9000.0}[hold.fund], LONG_AGO)
            assert (new.acquired, new.cost, new.shares) == (
                AS_OF, bought[0].amount, bought[0].shares)
            assert hold.shares == old.shares + new.shares
    assert after.accounts[0].cash == r.plan.accounts[0].cash_after


def test_a_fund_sold_whole_keeps_its_price_and_its_place_in_the_universe() -> None:
    """VTI's price comes from its holding alone and the household names it only there (a
    bundled fund): sold whole, NEXT keeps its price in ``prices:`` and the fund in ``funds:``,
    so the household may still buy it."""
    data = household(
        accounts=[taxable([{"fund": "VTI", "price": 300.0,
                            "lots": [lot("V1", 10, 2000.0, LONG_AGO)]},
                           {"fund": "BND", "lots": [lot("B1", 100, 7000.0, LONG_AGO)]}])],
        funds=[fund("BND", {"bonds": 100}, kind="etf")],
        target={"bonds": 100},
        prices={"BND": 70.0},
    )
    book = build_book(data)
    plan = build_plan(solve_household(book))
    (sale,) = [t for t in plan.accounts[0].trades if t.fund == "VTI"]
    assert sale.action == "sell" and sale.shares == 10
    after = after_trades(book, plan).household
    assert [h.fund for h in after.accounts[0].holdings] == ["BND"]
    assert after.prices["VTI"] == 300.0
    assert "VTI" in [f.ticker for f in after.funds]
    again = build_book(after.model_dump(by_alias=True, exclude_unset=True))
    assert again.prices["VTI"] == 300.0 and "VTI" in again.funds


def test_an_unknown_basis_holding_bought_into_says_what_is_not_recorded() -> None:
    data = household(
        accounts=[taxable([{"fund": "VTI", "shares": 10},
                           {"fund": "BND", "lots": [lot("B1", 100, 7000.0, LONG_AGO)]}],
                          cash=3000.0)],
        funds=[fund("VTI", {"stocks": 100}, kind="etf"), fund("BND", {"bonds": 100}, kind="etf")],
        prices={"VTI": 300.0, "BND": 70.0},
    )
    r = run_plan(data)
    assert any(t.fund == "VTI" and t.action == "buy" for t in r.plan.accounts[0].trades)
    result = after_trades(r.book, r.plan)
    (note,) = result.notes
    assert "VTI in brokerage: its basis is unknown" in note and "add lots" in note
    vti = next(h for h in result.household.accounts[0].holdings if h.fund == "VTI")
    assert vti.shares == next(h.shares for h in r.plan.accounts[0].holdings_after
                              if h.fund == "VTI")


def test_nothing_to_do_writes_the_same_household(tmp_path: Path) -> None:
    source = EXAMPLES / "joe.yaml"
    out = tmp_path / "joe-next.yaml"
    doc = run("plan", str(source), "--write-after", str(out))
    assert doc["nothing_to_do"]
    assert out.read_text() == source.read_text()


def test_every_example_reads_back_unchanged_when_nothing_changes() -> None:
    """The editor leaves a file alone where the household is the same: every example,
    byte for byte (ruamel.yaml's round trip with the file's own indents)."""
    from householder.io.export import household_text

    for path in sorted(EXAMPLES.glob("*.yaml")):
        h = load_household(path).household
        assert household_text(path, h, h, "yaml") == path.read_text(), path.name


# -- the command line ---------------------------------------------------------------------------

def test_write_after_refuses_before_any_work(tmp_path: Path) -> None:
    source = tmp_path / "k.yaml"
    source.write_text((EXAMPLES / "kendra.yaml").read_text())
    cases = [
        (["--write-after", str(source), "--force"], "an output never replaces an input"),
        (["--write-after", str(tmp_path / "next.txt")], "ends in .yaml, .yml, .toml or .json"),
        (["--write-after", str(tmp_path / "no" / "next.yaml")], "does not exist"),
        (["--write-after", str(tmp_path / "same.csv.yaml"), "--csv",
          str(tmp_path / "same.csv.yaml")], "name the same file"),
    ]
    before = source.read_text()
    for args, message in cases:
        result = runner.invoke(app, ["plan", str(source), *args])
        assert result.exit_code == 1, result.output
        assert message in flat(result.output), result.output
    assert source.read_text() == before
    existing = tmp_path / "next.yaml"
    existing.write_text("mine\n")
    result = runner.invoke(app, ["plan", str(source), "--write-after", str(existing)])
    assert result.exit_code == 1 and "pass --force" in flat(result.output)
    assert existing.read_text() == "mine\n"
    assert runner.invoke(app, ["plan", str(source), "--write-after", str(existing),
                               "--force"]).exit_code == 0
    assert load_household(existing).household != load_household(source).household
    result = runner.invoke(app, ["contribute", str(source), "--split", "--write-after",
                                 str(tmp_path / "s.yaml")])
    assert result.exit_code == 2 and "--amount or --to-target" in flat(result.output)


def test_json_stays_one_document_and_the_message_goes_to_stderr(tmp_path: Path) -> None:
    out = tmp_path / "next.yaml"
    result = runner.invoke(app, ["plan", str(EXAMPLES / "kendra.yaml"), "--json",
                                 "--write-after", str(out)])
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert isinstance(doc, dict) and doc["command"] == "plan"
    assert f"household after the trades written to {out}" in flat(result.stderr)




# -- generated households, and what keeps a round trip from coming back to nothing ---------------

MIN_TRADE_TIE: dict[str, Any] = {
    # a hypothesis find: F0 and F3 tie (one class, one fee), so each minimum-trade round moved
    # money into another small trade, and after three rounds NEXT sold $0.08 of F1 for F3
    "name": "Generated", "as_of": "2024-12-31",
    "tax": {"filing_status": "single", "ordinary_rate": "24%", "long_term_rate": "15%",
            "retirement_rate": "22%", "niit": False},
    "target": {"us_stocks": 45, "intl_stocks": 25, "bonds": 30},
    "funds": [fund("F0", {"us_stocks": 100.0}, "0.02%"),
              fund("F1", {"intl_stocks": 100.0}, "0.02%"),
              fund("F2", {"bonds": 100.0}, "0.02%"),
              fund("F3", {"us_stocks": 100.0}, "0.02%")],
    "accounts": [
        {"id": "taxable", "type": "taxable", "cash": 0.0, "holdings": [
            {"fund": "F0", "lots": [lot("L1", 1.0, 3.8, date(2019, 3, 15))]}]},
        {"id": "acct0", "type": "traditional_401k", "cash": 40.0, "holdings": [],
         "menu": ["F0", "F2", "F3"]},
        {"id": "acct1", "type": "roth_ira", "cash": 0.0, "holdings": [
            {"fund": "F0", "value": 0.0}, {"fund": "F1", "value": 0.0},
            {"fund": "F2", "value": 22000.0}]}],
    "policy": {"tolerance": 0, "whole_shares": "never", "min_trade": 50},
    "prices": {"F0": 9.5, "F1": 9.5, "F2": 9.5, "F3": 9.5},
}


# derandomized: the same households every run (CI repeats itself); MIN_TRADE_TIE, found by an
# earlier random run, is always among them
@settings(max_examples=20, deadline=None, database=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
@given(households(allow_after_tax=False, allow_whole=False))
@example(data=MIN_TRADE_TIE)
def test_generated_households_round_trip(data: dict[str, Any]) -> None:
    """Random households (tests/optimize/households.py) on the pre-tax basis, in fractional
    shares, without a tolerance band or a gain cap, trades under a dollar (solver noise, a
    millionth of the household) left out: planning NEXT finds nothing to do. What else keeps
    a round trip from nothing (a whole-share rounding, a band's edge, a gain cap, the after-tax
    basis, a loss sold today) is in docs/plan.md and the tests below."""
    data["policy"].pop("max_realized_gain", None)
    data["policy"].update(tolerance=0, min_trade=max(1, data["policy"].get("min_trade", 0)))
    book = build_book(data)
    plan = build_plan(solve_household(book))
    after = after_trades(book, plan, wash_groups(book)).household
    again = build_plan(solve_household(build_book(
        after.model_dump(by_alias=True, exclude_unset=True))))
    assert again.nothing_to_do, [(a.id, t.action, t.fund, t.amount)
                                 for a in again.accounts for t in a.trades]


def after_tax_household() -> dict[str, Any]:
    """A household (after one hypothesis found) on the after-tax basis: its plan sells lots of
    F0 at a gain and at a loss."""
    return household(
        accounts=[taxable([
            {"fund": "F0", "lots": [lot("L1", 248, 11395.97, date(2023, 6, 1)),
                                    lot("L2", 28, 541.74, date(2023, 6, 1)),
                                    lot("L3", 62, 3898.62, date(2023, 6, 1)),
                                    lot("L4", 92, 1780.02, date(2023, 6, 1))]},
            {"fund": "F1", "lots": [lot("L5", 249, 1655.85, date(2024, 5, 1))]},
            {"fund": "F3", "lots": [lot("L6", 2, 222.2, date(2023, 6, 1))]}], cash=3000.0,
            menu=["F2", "F0", "F1", "F3"])],
        funds=[fund("F0", {"stocks": 100}, "0.35%"), fund("F1", {"stocks": 100}, "0.35%"),
               fund("F2", {"bonds": 100}, "0.10%"), fund("F3", {"bonds": 100}, "0.10%")],
        prices={"F0": 48.37, "F1": 9.5, "F2": 101.0, "F3": 101.0},
        policy={"whole_shares": "never", "allocation_basis": "after_tax"},
    )


def test_after_tax_basis_the_plan_keeps_the_embedded_tax_it_started_with() -> None:
    """On the after-tax basis the plan's allocation after keeps the household's embedded tax
    as it was before the trades (optimize: y = E x + C c − g, g fixed), while NEXT measures it
    on the lots left: the lots sold carried a net loss, so NEXT's stocks are worth the
    long-term rate (15 %) of it less after tax than the plan said, to the cent, and NEXT trades
    to close that. The optimizer's model, not the file: stated in docs/plan.md. On the pre-tax
    basis the same household comes back to nothing to do."""
    book = build_book(after_tax_household())
    plan = build_plan(solve_household(book))
    sold = [line for a in plan.accounts for t in a.trades for line in t.lots]
    net = sum(line.gain for line in sold)
    assert {line.id for line in sold} >= {"L1", "L3"} and net < -100
    after = after_trades(book, plan).household
    next_book = build_book(after.model_dump(by_alias=True, exclude_unset=True))
    again = build_plan(solve_household(next_book))
    said = {row.cls: row.value_after for row in plan.allocation}
    found = {row.cls: row.value_before for row in again.allocation}
    assert said["stocks"] - found["stocks"] == pytest.approx(-0.15 * net, abs=0.01)
    assert said["bonds"] == pytest.approx(found["bonds"], abs=0.01)
    assert not again.nothing_to_do
    with_pre_tax = after_tax_household()
    with_pre_tax["policy"]["allocation_basis"] = "pre_tax"
    book = build_book(with_pre_tax)
    plan = build_plan(solve_household(book))
    after = after_trades(book, plan).household
    assert build_plan(solve_household(build_book(
        after.model_dump(by_alias=True, exclude_unset=True)))).nothing_to_do


def test_a_gain_cap_is_per_plan_so_next_may_realize_it_again() -> None:
    """``policy.max_realized_gain`` caps what one plan realizes, not the year: a plan held back
    by the cap realizes it; NEXT (its gains in realized_this_year) may realize it once more."""
    data = household(
        accounts=[taxable([{"fund": "F1", "lots": [lot("L1", 400, 2000.0, LONG_AGO)]},
                           {"fund": "F2", "lots": [lot("L2", 10, 1000.0, LONG_AGO)]}])],
        funds=[fund("F1", {"stocks": 100}), fund("F2", {"bonds": 100})],
        prices={"F1": 25.0, "F2": 100.0},
        policy={"whole_shares": "never", "max_realized_gain": 500.0},
    )
    book = build_book(data)
    plan = build_plan(solve_household(book))
    realized = plan.tax.short_term_gain + plan.tax.long_term_gain
    assert realized == pytest.approx(500.0, abs=0.01) and not plan.target_reached
    after = after_trades(book, plan).household
    assert after.tax.realized_this_year.long_term == pytest.approx(500.0, abs=0.01)
    again = build_plan(solve_household(build_book(
        after.model_dump(by_alias=True, exclude_unset=True))))
    assert again.tax.short_term_gain + again.tax.long_term_gain == pytest.approx(500.0, abs=0.01)


def test_a_loss_sold_opens_the_window_for_the_next_plan(tmp_path: Path) -> None:
    """A taxable loss the plan realizes is written as a ``sell`` of NEXT's ``transactions``
    (what the wash-sale rule left of it), so a plan of NEXT within 30 days buys nothing of its
    group in any account and its calendar says until when (IRC 1091(a))."""
    source = EXAMPLES / "harvest.yaml"
    first, out = round_trip(source, tmp_path)
    losses = {}
    for account in first["accounts"]:
        for trade in account["trades"]:
            for line in trade.get("lots") or []:
                left = round(-line["gain"] - line["wash_sale_disallowed"], 2)
                if left >= 0.01:
                    losses.setdefault(trade["fund"], []).append(
                        (line["shares"], line["proceeds"], left))
    assert losses, "the example's plan realizes a loss"
    written = yaml.safe_load(out.read_text())
    sells = [(a["id"], tx) for a in written["accounts"] for tx in a.get("transactions", [])
             if tx["action"] == "sell"]
    got: dict[str, list[tuple[float, float, float]]] = {}
    for _, tx in sells:
        assert str(tx["date"]) == first["as_of"]
        got.setdefault(tx["fund"], []).append(
            (tx["shares"], tx["amount"], round(tx["cost"] - tx["amount"], 2)))
    assert {f: sorted(v) for f, v in got.items()} == {
        f: sorted((s, p, pytest.approx(x, abs=0.011)) for s, p, x in v)
        for f, v in losses.items()}
    second = run("plan", str(out))
    blocked = {f for row in second["wash_sale_calendar"] for f in row["funds"]}
    assert set(losses) <= blocked
    until = date.fromisoformat(first["as_of"]).toordinal() + 31
    for row in second["wash_sale_calendar"]:
        if set(row["funds"]) & set(losses):
            assert date.fromisoformat(row["do_not_buy_before"]).toordinal() == until
    bought = {t["fund"] for a in second["accounts"] for t in a["trades"] if t["action"] == "buy"}
    assert not bought & blocked
