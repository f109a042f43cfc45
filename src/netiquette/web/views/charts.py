"""Bar charts as plain geometry for server-rendered SVG (no chart library, no CDN).

A chart is computed here — bar rectangles, axis ticks, labels — and drawn by the
``_charts.html`` template, which escapes every label like any other text.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

WIDTH, HEIGHT = 640, 180
PAD_LEFT, PAD_BOTTOM, PAD_TOP = 40, 22, 8


@dataclass(frozen=True, slots=True)
class Bar:
    """One rectangle of one series."""

    x: float
    y: float
    width: float
    height: float
    series: int
    value: int
    label: str


@dataclass(frozen=True, slots=True)
class Tick:
    """A labelled position on an axis."""

    position: float
    label: str


@dataclass(slots=True)
class Chart:
    """A (possibly stacked) bar chart ready to draw."""

    title: str
    series_names: list[str]
    bars: list[Bar] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    width: int = WIDTH
    height: int = HEIGHT
    plot_bottom: float = HEIGHT - PAD_BOTTOM
    plot_left: float = PAD_LEFT


def nice_max(value: int) -> int:
    """A round axis maximum at or above ``value`` (1, 2, 5 × 10^k)."""
    if value <= 0:
        return 1
    magnitude = int(10 ** math.floor(math.log10(value)))
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def per_day(hourly: list[int], days: list[slice]) -> list[int]:
    """Sum hourly counts into daily counts (``days``: each day's hours, 23 to 25 of them)."""
    return [sum(hourly[day]) for day in days]


def stacked_bars(
    title: str, series_names: list[str], series: list[list[int]], labels: list[str]
) -> Chart:
    """A stacked bar chart: one bar per label, one stacked segment per series."""
    chart = Chart(title=title, series_names=series_names)
    n = max((len(s) for s in series), default=0)
    if n == 0:
        return chart
    totals = [sum(s[i] for s in series) for i in range(n)]
    top = max(5, nice_max(max(totals)))  # 5 grid steps of whole numbers
    plot_w = WIDTH - PAD_LEFT - 4
    plot_h = HEIGHT - PAD_BOTTOM - PAD_TOP
    slot = plot_w / n
    gap = min(2.0, slot * 0.2)
    for i in range(n):
        base = chart.plot_bottom
        for k, values in enumerate(series):
            value = values[i]
            if value <= 0:
                continue
            h = plot_h * value / top
            base -= h
            chart.bars.append(
                Bar(PAD_LEFT + i * slot + gap / 2, base, slot - gap, h, k, value, labels[i])
            )
    for j in range(6):
        chart.y_ticks.append(Tick(chart.plot_bottom - plot_h * j / 5, str(top * j // 5)))
    every = max(1, math.ceil(n / 12))
    for i in range(0, n, every):
        chart.x_ticks.append(Tick(PAD_LEFT + (i + 0.5) * slot, labels[i]))
    return chart


def bars(title: str, values: list[int], labels: list[str]) -> Chart:
    """A single-series bar chart."""
    return stacked_bars(title, [title], [values], labels)
