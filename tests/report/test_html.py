"""The HTML report without a browser: one self-contained document (no script, nothing
fetched), inline SVG charts labelled for screen readers with unique ids, the same bytes for
the same household, user text escaped, and matplotlib and jinja2 loaded only by the commands
that write a report."""

from __future__ import annotations

import copy
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from householder.io import build_book, load_household
from householder.plan.report import FrontierPoint, Report, build_report
from householder.report.html import charts, render_html

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
SVG = re.compile(r"<svg\b.*?</svg>", re.DOTALL)


@pytest.fixture(scope="module")
def mary() -> Report:
    return build_report(load_household(EXAMPLES / "mary.yaml"),
                        sweep="retirement_rate=0.1:0.4:0.1",
                        frontier=[FrontierPoint(tax=0.0, remaining_drift=0.07, trades=0),
                                  FrontierPoint(tax=12.5, remaining_drift=0.0, trades=2)])


@pytest.fixture(scope="module")
def mary_html(mary: Report) -> str:
    return render_html(mary)


def test_every_chart_is_inline_svg_with_a_title_and_a_description(mary_html: str) -> None:
    svgs = SVG.findall(mary_html)
    ids = ["chart-allocation", "chart-accounts", "chart-location", "chart-trades",
           "chart-costs", "chart-sweep", "chart-frontier"]
    assert len(svgs) == len(ids)
    for chart_id, svg in zip(ids, svgs, strict=True):
        head = svg[: svg.index(">")]
        assert 'role="img"' in head
        assert f'aria-labelledby="{chart_id}-title {chart_id}-desc"' in head
        title = re.search(rf'<title id="{chart_id}-title">([^<]+)</title>', svg)
        desc = re.search(rf'<desc id="{chart_id}-desc">([^<]+)</desc>', svg)
        assert title and desc and len(desc[1]) > 40
        assert "<metadata" not in svg and "dc:date" not in svg  # no date, no version


def test_a_table_beside_every_chart(mary_html: str) -> None:
    for table in ["allocation-table", "accounts-table", "location-table", "costs-table",
                  "sweep-table", "frontier-table"]:
        assert f'<table id="{table}">' in mary_html
    assert mary_html.count('<table class="trades"') == 1


def test_ids_are_unique_and_every_reference_resolves(mary_html: str) -> None:
    ids = re.findall(r'\bid="([^"]+)"', mary_html)
    assert len(ids) == len(set(ids)), [i for i in ids if ids.count(i) > 1][:5]
    refs = re.findall(r'(?:url\(#|href="#)([^)"]+)', mary_html)
    assert refs and set(refs) <= set(ids)


def test_self_contained_no_script_nothing_fetched(mary_html: str) -> None:
    """No script, no stylesheet or image from elsewhere; the only URLs are the SVG namespaces
    (names, never fetched) and the page's own anchors; the page forbids every fetch."""
    lowered = mary_html.lower()
    assert "<script" not in lowered and "javascript:" not in lowered
    assert "<link" not in lowered and "<img" not in lowered and "@import" not in lowered
    assert "<iframe" not in lowered and "<object" not in lowered
    urls = set(re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)""", mary_html))
    assert all(u.startswith("#") for u in urls), urls
    assert set(re.findall(r"https?://[^\s\"'<>)]+", mary_html)) <= {
        "http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}
    assert "default-src 'none'" in mary_html


def test_same_report_same_bytes(mary: Report) -> None:
    """Rendered twice in one process: identical. Without the fixed hash salt matplotlib names
    its clip paths from a fresh uuid each time, so this is what the salt buys."""
    assert render_html(mary) == render_html(mary)


def test_salt_is_what_makes_the_bytes(mary: Report, monkeypatch: pytest.MonkeyPatch) -> None:
    """The control: without the salt the same charts come out different."""
    from householder.report import html

    monkeypatch.setitem(html.RC, "svg.hashsalt", None)
    first = [c.svg for c in charts(mary).values()]
    second = [c.svg for c in charts(mary).values()]
    assert first != second


def _svgs(path: Path) -> list[str]:
    return SVG.findall(path.read_text(encoding="utf-8"))


def test_same_household_twice_gives_identical_svg(tmp_path: Path) -> None:
    """The whole command run twice, in two processes with different hash seeds: byte for byte
    the same charts (and the same page), the sweep's included."""
    args = ["mary.yaml", "--sweep", "retirement_rate=0.1:0.4:0.1"]
    outs = []
    for run, seed in enumerate(("1", "2")):
        out = tmp_path / f"run{run}.html"
        subprocess.run(
            [sys.executable, "-m", "householder", "report", str(EXAMPLES / args[0]),
             *args[1:], "--out", str(out)],
            check=True, capture_output=True, env={**_env(), "PYTHONHASHSEED": seed},
        )
        outs.append(out)
    first, second = (_svgs(p) for p in outs)
    assert len(first) == 6 and first == second
    assert outs[0].read_bytes() == outs[1].read_bytes()


def _env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k != "PYTHONHASHSEED"}


def test_user_text_is_text(kendra_data: dict[str, Any]) -> None:
    """Names from the file (an account, a fund, the household) are escaped in the page and
    in the charts; a '$' pair is a dollar sign in a chart, never TeX."""
    data = copy.deepcopy(kendra_data)
    data["name"] = "<script>alert(1)</script> & $x$"
    data["accounts"][0]["id"] = "<b>401k</b> $a$"
    html = render_html(build_report(build_book(data)))
    assert "<script>alert" not in html and "<b>401k" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; $x$" in html
    assert "&lt;b&gt;401k&lt;/b&gt; $a$" in html
    for svg in SVG.findall(html):
        assert "<b>" not in svg


def test_no_trades_says_so(kendra_data: dict[str, Any]) -> None:
    data = copy.deepcopy(kendra_data)
    data["accounts"][0]["holdings"] = [{"fund": "STOCK", "value": 15750},
                                       {"fund": "BOND", "value": 5250}]
    report = build_report(build_book(data), locate=False)
    html = render_html(report)
    assert 'id="no-trades"' in html and "already on target" in html
    assert "chart-trades" not in html
    assert report.plan.nothing_to_do


def test_print_stylesheet(mary_html: str) -> None:
    style = mary_html[mary_html.index("<style>"): mary_html.index("</style>")]
    assert "@media print" in style and "@page" in style
    printed = style[style.index("@media print"):]
    assert "nav { display: none; }" in printed and "break-inside: avoid" in printed


def _loaded_after(args: list[str], modules: tuple[str, ...]) -> list[str]:
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from householder.cli import app\n"
        f"assert CliRunner().invoke(app, {args!r}).exit_code == 0\n"
        f"print(','.join(m for m in {modules!r} if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    return [m for m in done.stdout.strip().split(",") if m]


def test_help_and_plan_never_load_the_report_libraries() -> None:
    """``householder --help`` imports neither matplotlib nor jinja2, and ``plan`` does not
    import matplotlib or the renderer: only the commands that write a report do (cvxpy's OSQP
    brings jinja2 into every solve of its own accord)."""
    report_modules = ("matplotlib", "jinja2", "householder.report.html")
    assert _loaded_after(["--help"], report_modules) == []
    kendra = str(EXAMPLES / "kendra.yaml")
    assert _loaded_after(["plan", kendra], ("matplotlib", "householder.report.html")) == []
    assert _loaded_after(["drift", kendra], report_modules) == []
