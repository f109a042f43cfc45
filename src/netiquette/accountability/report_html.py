"""The transparency report as HTML: words in German or English, charts as inline SVG.

Charts are plain geometry computed here and drawn by ``accountability/_chart.html`` with SVG
presentation attributes only (no script, no inline style, no CDN), so they work in a saved file
and under the workspace's Content-Security-Policy alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from babel.dates import format_date, format_skeleton
from jinja2 import Environment, FileSystemLoader, select_autoescape

from netiquette.accountability.transparency import TransparencyReport
from netiquette.i18n import N_, format_when, gettext

TEMPLATES = Path(__file__).resolve().parent.parent / "web" / "templates"
COLORS = ("#3b6ea5", "#e0a030", "#9a9a9a")
WIDTH, ROW, LEFT = 640, 22, 200

#: The report's words (English message ids; :func:`words` translates them).
WORDS: dict[str, str] = {
    "title": N_("Transparency report"),
    "period": N_("Period"),
    "generated": N_("generated"),
    "received": N_("Comments received"),
    "decisions": N_("Decisions"),
    "automatic": N_("automatic"),
    "human": N_("by people"),
    "approve": N_("published"),
    "reject": N_("rejected"),
    "by_rule": N_("Rejections by house rule"),
    "per_day": N_("Decisions per day"),
    "time": N_("Time to decision"),
    "median": N_("median"),
    "p90": N_("90th percentile"),
    "all": N_("all"),
    "appeals": N_("Appeals"),
    "appeals_received": N_("received"),
    "upheld": N_("upheld"),
    "reversed": N_("reversed"),
    "open": N_("open"),
    "reports": N_("Readers' reports"),
    "reports_received": N_("received"),
    "illegal": N_("of which about illegal content (DSA Art. 16)"),
    "removed": N_("removed"),
    "kept": N_("kept"),
    "statements": N_("Statements of reasons (DSA Art. 17)"),
    "issued": N_("issued"),
    "ground_illegal": N_("illegal content"),
    "ground_incompatible": N_("against house rules"),
    "precision": N_("Measured precision of automatic decisions (spot checks)"),
    "policy": N_("policy"),
    "action": N_("decision"),
    "checked": N_("checked"),
    "correct": N_("correct"),
    "wrong": N_("wrong"),
    "none": N_("none"),
    "wait": N_("Accuracy of wait estimates"),
    "mae": N_("median absolute error"),
    "median_wait": N_("actual wait (median)"),
    "within": N_("share within ±25%"),
    "long": N_("waited over 5 minutes"),
    "outcomes": N_("Outcomes of appeals and reports"),
    "comments": N_("comments"),
    "show": N_("Show"),
    "from": N_("from"),
    "to": N_("to"),
}


def words(lang: str) -> dict[str, str]:
    """The report's words in ``lang``."""
    _ = gettext(lang)
    return {key: _(text) for key, text in WORDS.items()}


def rule_labels(report: TransparencyReport, lang: str) -> dict[str, str]:
    """Each counted rule's label in ``lang`` (from the site's rule specs; else German, else key)."""
    return {
        rule: (labels := report.rule_labels.get(rule, {})).get(lang) or labels.get("de") or rule
        for rule in report.rejections_by_rule
    }


@dataclass(frozen=True, slots=True)
class Rect:
    """One bar segment."""

    x: float
    y: float
    width: float
    height: float
    color: str
    title: str


@dataclass(frozen=True, slots=True)
class Label:
    """A piece of text in the chart."""

    x: float
    y: float
    text: str
    anchor: str = "start"


@dataclass(slots=True)
class SvgChart:
    """A chart ready to draw."""

    title: str
    height: int
    legend: list[tuple[str, str]]
    rects: list[Rect] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    width: int = WIDTH


def horizontal_bars(title: str, series: list[str], rows: list[tuple[str, list[int]]]) -> SvgChart:
    """One stacked horizontal bar per row, labelled with the row's total."""
    legend = list(zip(series, COLORS, strict=False))
    chart = SvgChart(title, ROW * len(rows) + 8, legend)
    top = max((sum(values) for _, values in rows), default=0) or 1
    scale = (WIDTH - LEFT - 60) / top
    for i, (label, values) in enumerate(rows):
        y = 4 + i * ROW
        chart.labels.append(Label(LEFT - 6, y + 14, label, "end"))
        x = float(LEFT)
        for k, value in enumerate(values):
            if value > 0:
                chart.rects.append(
                    Rect(x, y + 2, value * scale, ROW - 6, COLORS[k % 3], f"{series[k]}: {value}")
                )
                x += value * scale
        chart.labels.append(Label(x + 4, y + 14, str(sum(values))))
    return chart


def vertical_bars(
    title: str, series: list[str], labels: list[str], values: list[list[int]]
) -> SvgChart:
    """One stacked column per label (e.g. per day)."""
    height, bottom = 180, 160
    chart = SvgChart(title, height, list(zip(series, COLORS, strict=False)))
    n = len(labels) or 1
    top = max((sum(v) for v in values), default=0) or 1
    slot = (WIDTH - 50) / n
    chart.labels.append(Label(44, 12, str(top), "end"))
    chart.labels.append(Label(44, bottom, "0", "end"))
    every = max(1, n // 10)
    for i, (label, stack) in enumerate(zip(labels, values, strict=True)):
        x, base = 50 + i * slot, float(bottom)
        for k, value in enumerate(stack):
            if value > 0:
                h = (bottom - 8) * value / top
                base -= h
                tip = f"{label} {series[k]}: {value}"
                chart.rects.append(Rect(x + 1, base, max(slot - 2, 1), h, COLORS[k % 3], tip))
        if i % every == 0:
            chart.labels.append(Label(x + slot / 2, bottom + 14, label, "middle"))
    return chart


def charts(report: TransparencyReport, lang: str) -> list[SvgChart]:
    """The report's charts in ``lang``."""
    w = words(lang)
    rule_names = rule_labels(report, lang)
    days = report.per_day
    by_rule = report.rejections_by_rule
    return [
        vertical_bars(
            w["per_day"],
            [w["automatic"], w["human"]],
            [format_skeleton("Md", date.fromisoformat(d["date"]), locale=lang) for d in days],
            [[d["automatic"], d["human"]] for d in days],
        ),
        horizontal_bars(
            w["by_rule"],
            [w["automatic"], w["human"]],
            [(rule_names[r], [by_rule[r]["automatic"], by_rule[r]["human"]]) for r in by_rule],
        ),
        horizontal_bars(
            w["outcomes"],
            [w["upheld"] + " / " + w["kept"], w["reversed"] + " / " + w["removed"], w["open"]],
            [
                (
                    w["appeals"],
                    [
                        int(report.appeals["upheld"] or 0),
                        int(report.appeals["reversed"] or 0),
                        int(report.appeals["open"] or 0),
                    ],
                ),
                (
                    w["reports"],
                    [report.reports["kept"], report.reports["removed"], report.reports["open"]],
                ),
            ],
        ),
    ]


def duration(seconds: float | int | None) -> str:
    """``1 h 05 min``, ``3 min 07 s``, ``12 s``, or ``–``."""
    if seconds is None:
        return "–"
    s = int(seconds)
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60:02d} s"
    return f"{s // 3600} h {s % 3600 // 60:02d} min"


def percent(value: float | None) -> str:
    """``97.5 %`` or ``–``."""
    return "–" if value is None else f"{100 * value:.1f} %"


def template_values(report: TransparencyReport, lang: str) -> dict[str, Any]:
    """What ``accountability/_report.html`` needs."""
    period = report.period
    return {
        "r": report.to_dict(),
        "charts": charts(report, lang),
        "w": words(lang),
        "period_from": format_date(period.first, "medium", locale=lang),
        "period_to": format_date(period.last, "medium", locale=lang),
        "generated": format_when(report.generated_at, lang, period.timezone),
        "rule_names": rule_labels(report, lang),
        "rule_order": list(report.rejections_by_rule),
        "duration": duration,
        "percent": percent,
    }


_env = Environment(
    loader=FileSystemLoader(str(TEMPLATES)),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def render_standalone(report: TransparencyReport, lang: str = "de") -> str:
    """A self-contained HTML page (styles inline, no external resources)."""
    template = _env.get_template("accountability/report_standalone.html")
    return template.render(lang=lang, **template_values(report, lang))
