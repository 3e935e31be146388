"""Every example's report in a real browser: Debian's chromium driven by playwright (never
playwright's own browser download). Each page is opened from a file with every request routed
through the test: the page itself is the only one, nothing else is asked for; the console stays
free of errors; the DOM shows every trade and every class's before and after exactly as the
plan's JSON has them; the page does not overflow its window; the print stylesheet applies; and
the screenshot is not blank.

The tests skip, saying why, only where chromium is not installed (``.ci/run`` installs it).

``python tests/report/test_browser.py --update`` writes the README's screenshot,
docs/images/report.png, with the same browser and helpers.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

REPO = Path(__file__).resolve().parents[2]
if __name__ == "__main__":  # the --update script: the repository's tests importable
    sys.path.insert(0, str(REPO))

from householder.cli import app  # noqa: E402

EXAMPLES = REPO / "examples"
SCREENSHOT = REPO / "docs" / "images" / "report.png"
SWEEPS = {"three-account.yaml": "retirement_rate=0.12:0.37:0.05",
          "mary.yaml": "retirement_rate=0.1:0.4:0.1"}
"""Examples whose report also charts a locate sweep."""
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
WIDE, NARROW = {"width": 1280, "height": 900}, {"width": 420, "height": 900}
CENT = 0.005


def example_names() -> list[str]:
    return sorted(p.name for p in EXAMPLES.glob("*.yaml"))


def chromium() -> str | None:
    """Debian's chromium: $HOUSEHOLDER_CHROMIUM, else on the PATH, else /usr/bin/chromium."""
    for candidate in (os.environ.get("HOUSEHOLDER_CHROMIUM"), shutil.which("chromium"),
                      shutil.which("chromium-browser"), "/usr/bin/chromium"):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright is not installed: pip install -e '.[test]'")
    path = chromium()
    if path is None:
        pytest.skip("chromium is not installed, so the report's browser tests cannot run: "
                    "apt-get install chromium (.ci/run does), or set HOUSEHOLDER_CHROMIUM")
    with sync_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@dataclass
class Opened:
    """A report open in the browser, with what it asked for and said."""

    page: Any
    context: Any
    url: str
    requests: list[str] = field(default_factory=list)
    """Every request the page made (the page itself included)."""
    refused: list[str] = field(default_factory=list)
    """Requests for anything but the page: refused, and a failure."""
    console_errors: list[str] = field(default_factory=list)


def open_report(browser: Any, path: Path, viewport: dict[str, int] = WIDE) -> Opened:
    # scripts enabled, as in anyone's browser: a script slipped into a report would run (and
    # the page's policy would refuse it, an error on the console)
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    opened = Opened(page, context, path.resolve().as_uri())

    def route(r: Any) -> None:
        if r.request.url == opened.url:
            r.continue_()
        else:
            opened.refused.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page.on("request", lambda request: opened.requests.append(request.url))
    page.on("console", lambda m: opened.console_errors.append(m.text) if m.type == "error"
            else None)
    page.on("pageerror", lambda e: opened.console_errors.append(str(e)))
    page.goto(opened.url, wait_until="load")
    return opened


def distinct_colours(png: bytes) -> tuple[int, float]:
    """How many colours a screenshot has, and the share of its pixels that are not its
    commonest colour (the background)."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 24) or []
    total = image.width * image.height
    background = max(count for count, _ in colours)
    return len(colours), 1.0 - background / total


def write_report(name: str, out: Path) -> dict[str, Any]:
    """``householder report examples/NAME --out OUT --json``: its JSON document."""
    args = ["report", str(EXAMPLES / name), "--out", str(out), "--json", "--force"]
    if name in SWEEPS:
        args += ["--sweep", SWEEPS[name]]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.stderr
    doc: dict[str, Any] = json.loads(result.stdout)
    return doc


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, dict[str, Any]]]:
    """Each example's report, written once (the browser tests read them)."""
    folder = tmp_path_factory.mktemp("reports")
    return {name: (folder / f"{name}.html", write_report(name, folder / f"{name}.html"))
            for name in example_names()}


_NUMBER = re.compile(r"(-?)\$?(-?[\d,]+(?:\.\d+)?)")


def number(text: str) -> float:
    """The first number a cell shows: ``$1,234.56``, ``-$3.05``, ``67.33% (out of band)``."""
    match = _NUMBER.search(text)
    assert match, f"no number in {text!r}"
    value = float(match[2].replace(",", ""))
    return -value if match[1] else value


def test_examples_are_all_there(reports: dict[str, tuple[Path, dict[str, Any]]]) -> None:
    assert len(reports) >= 10 and {"kendra.yaml", "two-earner.yaml", "mary.yaml"} <= set(reports)


@pytest.mark.parametrize("name", example_names())
def test_example_report_in_chromium(
    name: str, browser: Any, reports: dict[str, tuple[Path, dict[str, Any]]], tmp_path: Path
) -> None:
    path, doc = reports[name]
    plan = doc["plan"]
    opened = open_report(browser, path)
    page = opened.page
    try:
        # nothing but the page itself was asked for, and nothing went wrong
        assert opened.requests == [opened.url] and opened.refused == []
        assert opened.console_errors == []
        assert page.title() == f"{plan['household']}: plan on {plan['as_of']}"

        # every class's target, before and after, as the plan's JSON has them
        rows = page.eval_on_selector_all(
            "#allocation-table tbody tr",
            "rows => rows.map(r => ({cls: r.dataset.class, target: r.querySelector('.target')"
            ".textContent, before: r.querySelector('.before').textContent, after: "
            "r.querySelector('.after').textContent}))")
        assert [r["cls"] for r in rows] == [a["class"] for a in plan["allocation"]]
        for shown, row in zip(rows, plan["allocation"], strict=True):
            for key in ("target", "before", "after"):
                assert number(shown[key]) == pytest.approx(100 * row[key], abs=CENT), (key, row)
            assert ("out of band" in shown["after"]) == next(
                r["breached_after"] for r in doc["allocation"] if r["class"] == row["class"])

        # every trade, with its amount, shares, lots and reason
        trades = page.eval_on_selector_all(
            "tr.trade",
            "rows => rows.map(r => ({account: r.dataset.account, fund: r.dataset.fund, action: "
            "r.dataset.action, amount: r.querySelector('.amount').textContent, shares: "
            "r.querySelector('.shares').textContent, lots: r.querySelector('.lots').textContent,"
            " why: r.querySelector('.why').textContent}))")
        expected = [(a["id"], t) for a in plan["accounts"] for t in a["trades"]]
        assert len(trades) == len(expected)
        for shown, (account, t) in zip(trades, expected, strict=True):
            assert (shown["account"], shown["fund"], shown["action"]) == (
                account, t["fund"], t["action"])
            assert number(shown["amount"]) == pytest.approx(t["amount"], abs=CENT)
            if t["shares"] is None:
                assert shown["shares"] == ""
            else:
                assert float(shown["shares"]) == pytest.approx(t["shares"], abs=1e-9)
            assert shown["why"] == t["reason"]
            for lot in t["lots"]:
                assert f"{lot['id']}: " in shown["lots"] and lot["term"] in shown["lots"]
        if not expected:
            assert page.locator("#no-trades").is_visible()

        # the location map: each account's classes in dollars, before → after
        cells = page.eval_on_selector_all(
            "#location-table td[data-class]",
            "cells => cells.map(c => ({account: c.parentElement.dataset.account, cls: "
            "c.dataset.class, before: c.querySelector('.before')?.textContent ?? null, after: "
            "c.querySelector('.after')?.textContent ?? null}))")
        held = {(a["id"], c["class"]): c for a in doc["accounts"] for c in a["classes"]}
        assert {(c["account"], c["cls"]) for c in cells if c["before"] is not None} == set(held)
        for c in cells:
            if c["before"] is not None:
                mine = held[(c["account"], c["cls"])]
                assert number(c["before"]) == pytest.approx(mine["before"], abs=CENT)
                assert number(c["after"]) == pytest.approx(mine["after"], abs=CENT)
        treatments = page.eval_on_selector_all(
            "#location-table tr[data-account]", "rows => rows.map(r => r.dataset.treatment)")
        assert treatments == [a["treatment"] for a in doc["accounts"]]

        # the costs: fees, tax, location value, turnover, trades
        costs = dict(page.eval_on_selector_all(
            "#costs-table tr[data-key]",
            "rows => rows.map(r => [r.dataset.key, r.querySelector('td').textContent])"))
        for key in ("fees_annual_before", "fees_annual_after", "estimated_tax",
                    "location_value_before", "location_value"):
            assert number(costs[key]) == pytest.approx(plan["costs"][key], abs=CENT), key
        if plan.get("economics"):
            assert int(costs["trades"]) == plan["economics"]["trades"] == len(expected)
            assert number(costs["turnover"]) == pytest.approx(plan["economics"]["turnover"],
                                                              abs=CENT)

        # charts: drawn, sized, labelled
        charts = page.eval_on_selector_all(
            "svg.chart", "svgs => svgs.map(s => ({id: s.id, width: s.getBoundingClientRect()"
            ".width, height: s.getBoundingClientRect().height, title: s.querySelector('title')"
            ".textContent, desc: s.querySelector('desc').textContent}))")
        ids = [c["id"] for c in charts]
        assert ids[:3] == ["chart-allocation", "chart-accounts", "chart-location"]
        assert ("chart-trades" in ids) == bool(expected) and "chart-costs" in ids
        assert ("chart-sweep" in ids) == (name in SWEEPS)
        for c in charts:
            assert c["width"] > 300 and c["height"] > 60 and c["title"] and c["desc"]
        if name in SWEEPS:
            assert page.locator("#sweep-table tbody tr").count() == len(doc["sweep"]["points"])

        # fits the window; the screenshot is a picture, not a blank page
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        png = page.screenshot(full_page=True)
        (tmp_path / f"{name}.png").write_bytes(png)
        colours, inked = distinct_colours(png)
        assert colours >= 64 and inked >= 0.03, (colours, inked)
    finally:
        opened.context.close()


def test_narrow_window_and_print(browser: Any, reports: dict[str, tuple[Path, Any]]) -> None:
    """On a phone-sized window nothing overflows the page (wide tables scroll in their own
    region); printed, the section links are hidden and charts and tables stay."""
    path, _ = reports["two-earner.yaml"]
    opened = open_report(browser, path, NARROW)
    page = opened.page
    try:
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert page.locator("nav").is_visible()
        page.emulate_media(media="print")
        assert page.locator("nav").is_hidden()
        assert page.locator("svg.chart").first.is_visible()
        assert page.locator("#allocation-table").is_visible()
        assert page.pdf()[:5] == b"%PDF-"
        assert opened.console_errors == [] and opened.refused == []
    finally:
        opened.context.close()


@pytest.mark.parametrize("csp", [True, False], ids=["with its policy", "without"])
def test_a_request_would_be_caught(
    csp: bool, browser: Any, reports: dict[str, tuple[Path, Any]], tmp_path: Path
) -> None:
    """The control for the checks above: an image from the network slipped into a report is
    seen (blocked by the page's policy, or refused by the test's routing), so a report that
    asked for anything would fail."""
    path, _ = reports["kendra.yaml"]
    html = path.read_text(encoding="utf-8").replace(
        "</body>", '<img src="http://example.invalid/x.png" alt=""></body>')
    if not csp:
        html = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html)
    tampered = tmp_path / "tampered.html"
    tampered.write_text(html, encoding="utf-8")
    opened = open_report(browser, tampered)
    try:
        assert "http://example.invalid/x.png" in opened.requests
        assert opened.console_errors  # a policy violation, or the refused load
        if not csp:
            assert opened.refused == ["http://example.invalid/x.png"]
    finally:
        opened.context.close()


def test_a_blank_page_is_caught(browser: Any, tmp_path: Path) -> None:
    """The control for the screenshot check: an empty page fails it."""
    blank = tmp_path / "blank.html"
    blank.write_text("<!DOCTYPE html><title>blank</title>", encoding="utf-8")
    opened = open_report(browser, blank)
    try:
        colours, inked = distinct_colours(opened.page.screenshot(full_page=True))
        assert colours < 64 and inked < 0.03
    finally:
        opened.context.close()


def test_frontier_hook_renders(browser: Any, tmp_path: Path) -> None:
    """``plan --frontier`` points, when a command gives them, draw as a chart and a table."""
    from householder.io import load_household
    from householder.plan.report import FrontierPoint, build_report
    from householder.report.html import render_html

    points = [FrontierPoint(tax=0.0, remaining_drift=0.0595, trades=0, label="no gain"),
              FrontierPoint(tax=40.0, remaining_drift=0.02, trades=2, turnover=800.0),
              FrontierPoint(tax=95.0, remaining_drift=0.0, trades=2, turnover=1250.0)]
    report = build_report(load_household(EXAMPLES / "kendra.yaml"), locate=False,
                          frontier=points)
    path = tmp_path / "frontier.html"
    path.write_text(render_html(report), encoding="utf-8")
    opened = open_report(browser, path)
    try:
        page = opened.page
        assert page.locator("#chart-frontier").is_visible()
        rows = page.locator("#frontier-table tbody tr")
        assert rows.count() == 3
        assert rows.nth(0).locator("td").nth(0).text_content() == "no gain"
        assert number(rows.nth(1).locator("td").nth(1).text_content() or "") == 40.0
        assert opened.console_errors == [] and opened.refused == []
    finally:
        opened.context.close()


def update_screenshot() -> None:
    """docs/images/report.png: the top of the two-earner example's report, as the tests see
    it (1280 × 900 window, the first 1,600 pixels of the page)."""
    import tempfile

    from playwright.sync_api import sync_playwright

    path = chromium()
    if path is None:
        raise SystemExit("chromium is not installed: apt-get install chromium")
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as p:
        out = Path(folder) / "report.html"
        write_report("two-earner.yaml", out)
        launched = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        opened = open_report(launched, out)
        assert opened.console_errors == [] and opened.refused == []
        png = opened.page.screenshot(full_page=True,
                                     clip={"x": 0, "y": 0, "width": 1280, "height": 1600})
        launched.close()
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    SCREENSHOT.write_bytes(png)
    colours, inked = distinct_colours(png)
    print(f"wrote {SCREENSHOT.relative_to(REPO)} ({len(png):,} bytes, {colours} colours, "
          f"{inked:.0%} inked)")


if __name__ == "__main__":
    if sys.argv[1:] != ["--update"]:
        raise SystemExit("usage: python tests/report/test_browser.py --update")
    update_screenshot()
