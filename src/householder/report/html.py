"""The HTML report: one self-contained file, readable offline, that a person would rather look at
than a terminal's tables (``householder report``, ``plan --report``).

It reads a :class:`~householder.plan.report.Report` only (the plan, the drift it starts from,
``locate``'s placement, each account's mix, the sweep and the frontier where asked for) and
recomputes nothing. Every chart is inline SVG drawn by matplotlib (the Agg backend, no
display), with a table of its numbers beside it, a title and a description; the page is a
jinja2 template (``templates/report.html.j2``) with its stylesheet (print included) inline,
no script and no request to any network (its Content-Security-Policy forbids one).

The same report gives the same bytes: matplotlib writes its SVG with a fixed hash salt
(``svg.hashsalt``, which names the clip paths) and without its date and version metadata, text
as text (``svg.fonttype: none``), and every id in a chart is prefixed with the chart's own, so
charts never share an id in one page.

matplotlib and jinja2 are imported here, and this module only by the commands that write a
report, so the CLI's start-up does not pay for them.
"""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from householder import __version__
from householder.plan.report import Report
from householder.plan.rounding import number_text
from householder.report.common import money, pct, points

if TYPE_CHECKING:
    from markupsafe import Markup
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

HASH_SALT = "householder"
"""matplotlib's ``svg.hashsalt``: the ids of clip paths and markers are hashes of it and the
content, so a chart's bytes depend on its content only."""

RC: dict[str, Any] = {
    "svg.hashsalt": HASH_SALT,
    "svg.fonttype": "none",  # text stays text: selectable, searchable, small
    "text.parse_math": False,  # a '$' in an account's name is a dollar sign, never TeX
    "font.family": "sans-serif",
    "font.size": 9.0,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 10.0,
    "axes.titleweight": "bold",
    "legend.frameon": False,
    "legend.fontsize": 8.0,
    "figure.dpi": 72.0,
}

CLASS_COLORS = [
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999",
    "#332288", "#88CCEE", "#117733", "#DDCC77", "#AA4499", "#44AA99", "#882255", "#661100",
]
"""Colours of the classes, in the target's order: the Okabe–Ito palette (distinguishable with
the common colour-vision deficiencies), then Tol's muted palette."""

TREATMENT_COLORS = {"taxable": "#C8553D", "tax_deferred": "#2D6A9F", "tax_exempt": "#3A8F5C"}
TREATMENT_NAMES = {"taxable": "taxable", "tax_deferred": "tax-deferred (traditional)",
                   "tax_exempt": "tax-exempt (Roth, HSA)"}
BEFORE_COLOR, AFTER_COLOR, BAND_COLOR = "#A9C4DE", "#1F4E79", "#E4E4E4"
SELL_COLOR, BUY_COLOR = "#B2402F", "#2F7D4A"

LABEL_LIMIT = 40
"""Characters of a user's name (an account, a fund) a chart's label shows; tables show all."""


# -- charts --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Chart:
    """One inline SVG chart with what a screen reader says for it."""

    id: str
    title: str
    description: str
    svg: str

    def markup(self) -> Markup:
        from markupsafe import Markup

        return Markup(self.svg)


@contextmanager
def _style() -> Iterator[None]:
    import matplotlib

    matplotlib.use("Agg")  # no display, ever
    with matplotlib.rc_context(RC):  # type: ignore[arg-type]
        yield


def _figure(width: float, height: float) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


_ID = re.compile(r'\bid="([^"]+)"')
_REF = re.compile(r'(url\(#|xlink:href="#|href="#)([^)"]+)')
_SIZE = re.compile(r'^<svg ([^>]*?)width="([0-9.]+)pt" height="[^"]*"', re.MULTILINE)


def svg_of(fig: Figure, chart_id: str, title: str, description: str) -> Chart:
    """``fig`` as inline SVG: no XML prolog or metadata, ids prefixed with ``chart_id``, sized
    by the page (its viewBox kept), a ``<title>`` and ``<desc>`` that label it for screen
    readers."""
    from markupsafe import escape

    buffer = io.StringIO()
    fig.savefig(buffer, format="svg",
                metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    text = buffer.getvalue()
    text = text[text.index("<svg"):]
    text = _ID.sub(lambda m: f'id="{chart_id}-{m[1]}"', text)
    text = _REF.sub(lambda m: f"{m[1]}{chart_id}-{m[2]}", text)
    # the page sets the width, up to the drawn one (a small chart is not blown up)
    text = _SIZE.sub(lambda m: f'<svg {m[1]}style="max-width: {m[2]}pt"', text, count=1)
    head_end = text.index(">") + 1
    label = (
        f' id="{chart_id}" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc"'
        ' class="chart"'
    )
    text = (
        text[: head_end - 1]
        + label
        + ">\n"
        + f' <title id="{chart_id}-title">{escape(title)}</title>\n'
        + f' <desc id="{chart_id}-desc">{escape(description)}</desc>'
        + text[head_end:]
    )
    return Chart(chart_id, title, description, text.rstrip() + "\n")


def _short(text: str) -> str:
    return text if len(text) <= LABEL_LIMIT else text[: LABEL_LIMIT - 1] + "…"


def _class_colors(classes: Sequence[str]) -> dict[str, str]:
    return {c: CLASS_COLORS[i % len(CLASS_COLORS)] for i, c in enumerate(classes)}


def _percent_axis(ax: Axes, axis: str = "x") -> None:
    from matplotlib.ticker import PercentFormatter

    (ax.xaxis if axis == "x" else ax.yaxis).set_major_formatter(PercentFormatter(1.0, decimals=0))


def _dollar_axis(ax: Axes, axis: str = "x") -> None:
    from matplotlib.ticker import FuncFormatter

    def fmt(x: float, _pos: int | None = None) -> str:
        lo, hi = ax.get_xlim() if axis == "x" else ax.get_ylim()
        sign = "-" if x < -1e-9 else ""
        if abs(x) >= 1e6:
            return f"{sign}${abs(x) / 1e6:,.1f}M"
        if abs(x) >= 1e4:
            return f"{sign}${abs(x) / 1e3:,.0f}k"
        return f"{sign}${abs(x):,.2f}" if abs(hi - lo) < 10 else f"{sign}${abs(x):,.0f}"

    (ax.xaxis if axis == "x" else ax.yaxis).set_major_formatter(FuncFormatter(fmt))


def allocation_chart(report: Report) -> Chart:
    """The household's classes before and after, against the target and its band."""
    rows = report.allocation
    fig = _figure(7.0, 0.9 + 0.55 * len(rows))
    ax = fig.add_subplot()
    ys = list(range(len(rows)))[::-1]
    for y, r in zip(ys, rows, strict=True):
        ax.barh(y, r.band_high - r.band_low, left=r.band_low, height=0.86, color=BAND_COLOR,
                label="band" if y == ys[0] else None)
        ax.barh(y + 0.19, r.before, height=0.36, color=BEFORE_COLOR,
                label="before" if y == ys[0] else None)
        ax.barh(y - 0.19, r.after, height=0.36, color=AFTER_COLOR,
                label="after" if y == ys[0] else None)
        ax.plot([r.target, r.target], [y - 0.43, y + 0.43], color="#000000", linewidth=1.6,
                label="target" if y == ys[0] else None)
    ax.set_yticks(ys, [_short(r.cls) for r in rows])
    top = max([0.05, *(max(r.before, r.after, r.band_high) for r in rows)])
    ax.set_xlim(0, min(1.0, top * 1.08) if top < 0.95 else 1.0)
    _percent_axis(ax)
    ax.set_xlabel(f"share of the household ({report.allocation_basis.replace('_', '-')})")
    ax.legend(loc="lower right", ncols=4, bbox_to_anchor=(1.0, 1.0))
    title = "Allocation before and after, against the target"
    description = (
        "For each class, the share of the household before and after the plan, with the "
        "target marked and its tolerance band shaded. "
        + "; ".join(
            f"{r.cls}: target {pct(r.target)} (band {pct(r.band_low)} to {pct(r.band_high)}), "
            f"before {pct(r.before)}, after {pct(r.after)}"
            for r in rows
        )
        + "."
    )
    return svg_of(fig, "chart-allocation", title, description)


def accounts_chart(report: Report) -> Chart:
    """Each account's mix by class, before and after, beside the household's target."""
    classes = report.classes
    colors = _class_colors(classes)
    bars: list[tuple[str, dict[str, float]]] = [
        ("household target", {r.cls: r.target for r in report.allocation})
    ]
    for a in report.accounts:
        for when in ("before", "after"):
            total = a.value_before if when == "before" else a.value_after
            bars.append((
                f"{_short(a.id)} {when}",
                {c.cls: (getattr(c, when) / total if total > 0 else 0.0) for c in a.classes},
            ))
    fig = _figure(7.0, 1.0 + 0.32 * len(bars))
    ax = fig.add_subplot()
    ys = list(range(len(bars)))[::-1]
    shown = [c for c in classes if any(b.get(c, 0.0) > 0 for _, b in bars)]
    shown += [c for _, b in bars for c in b if c not in shown and b[c] > 0]
    colors.update({c: CLASS_COLORS[(len(classes) + i) % len(CLASS_COLORS)]
                   for i, c in enumerate(c for c in shown if c not in colors)})
    for k, cls in enumerate(shown):
        lefts = [sum(max(b.get(c, 0.0), 0.0) for c in shown[:k]) for _, b in bars]
        widths = [max(b.get(cls, 0.0), 0.0) for _, b in bars]
        ax.barh(ys, widths, left=lefts, height=0.7, color=colors[cls], label=_short(cls))
    ax.set_yticks(ys, [name for name, _ in bars])
    ax.set_xlim(0, 1)
    _percent_axis(ax)
    ax.set_xlabel("share of the account (market value)")
    ax.legend(loc="lower left", ncols=min(6, max(1, len(shown))), bbox_to_anchor=(0.0, 1.0))
    title = "Each account's mix, before and after"
    description = (
        "Stacked bars of each account's classes as shares of the account, before and after the "
        "plan, under a bar of the household's target. "
        + "; ".join(
            f"{name}: " + ", ".join(f"{c} {pct(v)}" for c, v in b.items() if v > 0)
            for name, b in bars
        )
        + "."
    )
    return svg_of(fig, "chart-accounts", title, description)


def location_chart(report: Report) -> Chart:
    """Where each class sits, by tax treatment: before, after, and ``locate``'s placement."""
    treatments = {a.id: a.treatment for a in report.accounts}
    order = [t for t in TREATMENT_COLORS if t in treatments.values()]
    held = {x.cls for a in report.accounts for x in a.classes if x.before or x.after}
    if report.location is not None:
        held |= {c for v in report.location.placement.values() for c in v}
    classes = [c for c in report.classes if c in held] + sorted(held - set(report.classes))
    whens = ["before", "after"] + (["locate"] if report.location is not None else [])

    def dollars(cls: str, when: str, treatment: str) -> float:
        if when == "locate":
            assert report.location is not None
            return sum(v.get(cls, 0.0) for a, v in report.location.placement.items()
                       if treatments.get(a) == treatment)
        return sum(float(getattr(x, when)) for a in report.accounts
                   if a.treatment == treatment for x in a.classes if x.cls == cls)

    bars = [(c, w) for c in classes for w in whens]
    fig = _figure(7.0, 1.0 + 0.3 * len(bars) + 0.15 * len(classes))
    ax = fig.add_subplot()
    ys: list[float] = []
    y = 0.0
    for _ in classes:
        for _ in whens:
            ys.append(y)
            y -= 1.0
        y -= 0.6
    for t in order:
        lefts = [sum(max(dollars(c, w, s), 0.0) for s in order[: order.index(t)]) for c, w in bars]
        widths = [max(dollars(c, w, t), 0.0) for c, w in bars]
        ax.barh(ys, widths, left=lefts, height=0.8, color=TREATMENT_COLORS[t],
                label=TREATMENT_NAMES[t])
    ax.set_yticks(ys, [f"{_short(c)} {w}" for c, w in bars])
    _dollar_axis(ax)
    ax.set_xlabel("market value (dollars)")
    ax.legend(loc="lower left", ncols=3, bbox_to_anchor=(0.0, 1.0))
    title = "Where each class sits, by tax treatment"
    parts = []
    for c in classes:
        for w in whens:
            where = ", ".join(f"{TREATMENT_NAMES[t]} {money(dollars(c, w, t))}" for t in order
                              if abs(dollars(c, w, t)) >= 0.005)
            parts.append(f"{c} {w}: {where or 'none'}")
    description = (
        "Stacked bars of each class's dollars by the tax treatment of the accounts that hold "
        "it, before and after the plan"
        + (", and where locate would place it starting from cash" if "locate" in whens else "")
        + ". " + "; ".join(parts) + "."
    )
    return svg_of(fig, "chart-location", title, description)


def trades_chart(report: Report) -> Chart | None:
    """Every trade as a bar: sells to the left, buys to the right; None without trades."""
    trades = [(a.id, t) for a in report.plan.accounts for t in a.trades]
    if not trades:
        return None
    fig = _figure(7.0, 0.9 + 0.28 * len(trades))
    ax = fig.add_subplot()
    ys = list(range(len(trades)))[::-1]
    amounts = [(-t.amount if t.action == "sell" else t.amount) for _, t in trades]
    colors = [SELL_COLOR if t.action == "sell" else BUY_COLOR for _, t in trades]
    ax.barh(ys, amounts, height=0.7, color=colors)
    ax.axvline(0, color="#333333", linewidth=0.8)
    ax.set_yticks(ys, [f"{_short(a)}: {_short(t.fund)}" for a, t in trades])
    _dollar_axis(ax)
    ax.set_xlabel("dollars: sells to the left, buys to the right")
    title = "The trades, account by account"
    description = (
        "Bars of each trade's dollars, sells to the left and buys to the right. "
        + "; ".join(f"{a}: {t.action} {t.fund} {money(t.amount)}" for a, t in trades) + "."
    )
    return svg_of(fig, "chart-trades", title, description)


def costs_chart(report: Report) -> Chart:
    """Fees a year and the location value at the horizon, before and after."""
    costs = report.plan.costs
    fig = _figure(7.0, 2.2)
    left, right = fig.subplots(1, 2)
    panels = [
        (left, "fees a year", costs.fees_annual_before, costs.fees_annual_after),
        (right, "location value at the horizon", costs.location_value_before,
         costs.location_value),
    ]
    for ax, name, before, after in panels:
        ax.barh([1, 0], [before, after], height=0.6, color=[BEFORE_COLOR, AFTER_COLOR])
        ax.set_yticks([1, 0], ["before", "after"])
        ax.set_title(name, loc="left")
        ax.axvline(0, color="#333333", linewidth=0.8)
        _dollar_axis(ax)
        for y, v in ((1, before), (0, after)):
            ax.annotate(money(v), (max(v, 0.0), y), xytext=(3, 0), textcoords="offset points",
                        va="center", fontsize=8)
        hi = max(before, after, 0.0)
        lo = min(before, after, 0.0)
        ax.set_xlim(lo * 1.1 if lo < 0 else 0.0, hi * 1.35 if hi > 0 else 1.0)
    title = "Fees and location value, before and after"
    description = (
        f"Fees a year: before {money(costs.fees_annual_before)}, after "
        f"{money(costs.fees_annual_after)}. Location value at the horizon (after-tax dollars "
        f"beyond every account holding the household's mix): before "
        f"{money(costs.location_value_before)}, after {money(costs.location_value)}."
    )
    return svg_of(fig, "chart-costs", title, description)


def sweep_chart(report: Report) -> Chart | None:
    """``locate --sweep``: the yearly benefit of location, and each treatment's classes, as the
    assumption varies."""
    sweep = report.sweep
    if sweep is None or not sweep.points:
        return None
    values = [p.value for p in sweep.points]
    treatment_of = {a.id: a.treatment for a in report.accounts}
    order = [t for t in TREATMENT_COLORS if t in treatment_of.values()]
    classes = list(dict.fromkeys(
        [*report.classes, *(c for p in sweep.points for v in p.placement.values() for c in v)]))
    colors = _class_colors(classes)
    fig = _figure(7.0, 2.0 + 1.7 * len(order))
    axes = fig.subplots(1 + len(order), 1, sharex=True, squeeze=False)[:, 0]
    top = axes[0]
    top.plot(values, [p.annual_benefit_bps for p in sweep.points], marker="o", color="#1F4E79")
    top.set_ylabel("bp a year")
    top.set_title("benefit of location", loc="left")
    width = (min(b - a for a, b in itertools.pairwise(values)) * 0.7
             if len(values) > 1 else 0.5)

    def held(p: Any, t: str, c: str) -> float:
        return float(sum(v.get(c, 0.0) for a, v in p.placement.items()
                         if treatment_of.get(a, "") == t))

    for ax, t in zip(axes[1:], order, strict=True):
        bottoms = [0.0] * len(values)
        for c in classes:
            heights = [held(p, t, c) for p in sweep.points]
            if not any(h > 0 for h in heights):
                continue
            ax.bar(values, heights, width=width, bottom=bottoms, color=colors[c],
                   label=_short(c))
            bottoms = [b + h for b, h in zip(bottoms, heights, strict=True)]
        ax.set_title(f"in {TREATMENT_NAMES[t]} accounts", loc="left")
        _dollar_axis(ax, "y")
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    axes[-1].set_xlabel(sweep.sweep)
    axes[-1].set_xticks(values, [f"{v:g}" for v in values])
    title = f"Asset location as {sweep.sweep} varies"
    description = (
        f"The yearly benefit of location in basis points, and the dollars of each class in "
        f"each kind of account, for each value of {sweep.sweep}. "
        + "; ".join(
            f"{p.value:g}: {p.annual_benefit_bps:.1f} bp a year, "
            + ", ".join(f"{a} holds " + ", ".join(f"{c} {money(d)}" for c, d in v.items())
                        for a, v in p.placement.items())
            for p in sweep.points
        )
        + "."
    )
    return svg_of(fig, "chart-sweep", title, description)


def frontier_chart(report: Report) -> Chart | None:
    """``plan --frontier``: tax realized against the drift left, one point per plan."""
    points = report.frontier
    if not points:
        return None
    fig = _figure(7.0, 3.2)
    ax = fig.add_subplot()
    ax.plot([p.tax for p in points], [p.remaining_drift for p in points], marker="o",
            color="#1F4E79")
    for p in points:
        ax.annotate(f"{p.trades} trades", (p.tax, p.remaining_drift), xytext=(4, 4),
                    textcoords="offset points", fontsize=7)
    _dollar_axis(ax)
    _percent_axis(ax, "y")
    ax.set_xlabel("tax realized")
    ax.set_ylabel("largest drift left")
    title = "The trade-off between tax and drift"
    description = (
        "Each point is a plan: the tax it realizes against the largest distance of any class "
        "from target that it leaves. "
        + "; ".join(f"tax {money(p.tax)}, drift {pct(p.remaining_drift)}, {p.trades} trades"
                    for p in points)
        + "."
    )
    return svg_of(fig, "chart-frontier", title, description)


CHARTS: list[Callable[[Report], Chart | None]] = [
    allocation_chart, accounts_chart, location_chart, trades_chart, costs_chart, sweep_chart,
    frontier_chart,
]
"""Every chart of the report, in page order; each declines (None) when it has nothing to show."""


def charts(report: Report) -> dict[str, Chart]:
    """The report's charts by id."""
    out: dict[str, Chart] = {}
    with _style():
        for make in CHARTS:
            chart = make(report)
            if chart is not None:
                out[chart.id] = chart
    return out


# -- the page ------------------------------------------------------------------------------------


@dataclass
class Page:
    """What the template reads besides the report: its charts and text already formatted."""

    report: Report
    charts: dict[str, Chart]
    summary: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    version: str = __version__


def _summary(report: Report) -> list[str]:
    """The plan in a few sentences, as the terminal's closing lines say it."""
    from householder.report.plan import plan_messages

    # the shortfalls and notes have a section of their own
    return [str(m) for m in plan_messages(report.plan)
            if m.lead not in ("note: ", "Closest possible: ")]


def _lots(trade: Any) -> list[str]:
    out = []
    for lot in trade.lots:
        shares = f"{number_text(lot.shares)} sh, " if lot.shares is not None else ""
        gain = f"{'+' if lot.gain >= 0 else '-'}{money(abs(lot.gain))}"
        washed = (f", wash sale disallows {money(lot.wash_sale_disallowed)}"
                  if lot.wash_sale_disallowed else "")
        out.append(f"{lot.id}: {shares}{lot.term}-term, cost {money(lot.cost)}, "
                   f"gain {gain}{washed}")
    return out


def render_html(report: Report) -> str:
    """The report as one HTML document (text, UTF-8)."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("householder.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(money=money, pct=pct, points=points, number=number_text,
                       words=lambda s: str(s).replace("_", " "))
    env.globals.update(lots=_lots, treatment_names=TREATMENT_NAMES)
    page = Page(
        report=report,
        charts=charts(report),
        summary=_summary(report),
        notes=[n for n in report.plan.notes if not n.startswith("Nothing to do")],
    )
    return env.get_template("report.html.j2").render(page=page, r=report, plan=report.plan)
