"""The public page's progress charts as data: pure functions that turn a
commitment's baseline, reports and target, a set of headline counts, or a
percentage into plain dicts of coordinates and labels. The Jinja macros in
templates/pacts/_charts.html only draw what these return (inline SVG that prints
without JavaScript), so the geometry is tested here, without a template: points
ordered by date, a target below the baseline drawn below it, no division by zero
when baseline and target, or every date, are the same."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from pacts.progress import BUCKETS, add_months

# The line chart's canvas in SVG user units (its viewBox; the page scales it).
WIDTH = 760
HEIGHT = 300
LEFT, RIGHT, TOP, BOTTOM = 64, 24, 36, 40
# About this many labelled ticks on each axis.
Y_TICKS = 5
X_TICKS_MOST = 6
# Months between two date ticks, the smallest that keeps their number down.
MONTH_STEPS = (1, 2, 3, 6, 12, 24, 60, 120)

Scale = Callable[[float], float]


def linear_scale(lo: float, hi: float, out_lo: float, out_hi: float) -> Scale:
    """Maps [lo, hi] onto [out_lo, out_hi]; an empty domain maps to the middle."""
    if hi == lo:
        middle = (out_lo + out_hi) / 2
        return lambda _value: middle
    factor = (out_hi - out_lo) / (hi - lo)
    return lambda value: out_lo + (value - lo) * factor


def nice_step(span: float, count: int) -> float:
    """A round step (1, 2 or 5 times a power of ten) that cuts `span` into
    about `count` - 1 parts."""
    raw = span / max(count - 1, 1)
    magnitude = 10.0 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 5):
        if multiple * magnitude >= raw:
            return multiple * magnitude
    return 10 * magnitude


def value_ticks(values: Sequence[float], count: int = Y_TICKS) -> list[float]:
    """Round tick values that cover every value; one value is given room around
    it, since a line needs a span to sit in."""
    lo, hi = min(values), max(values)
    if hi == lo:
        pad = abs(lo) / 10 or 1.0
        lo, hi = lo - pad, hi + pad
    step = nice_step(hi - lo, count)
    first = math.floor(lo / step) * step
    ticks = [first]
    while ticks[-1] < hi - step / 1e6:
        ticks.append(first + len(ticks) * step)
    return [_clean(tick) for tick in ticks]


def _clean(value: float) -> float:
    """Drops the float noise of repeated steps (0.30000000000000004)."""
    rounded = round(value, 9)
    return 0.0 if rounded == 0 else rounded


def date_ticks(lo: date, hi: date, most: int = X_TICKS_MOST) -> tuple[list[date], int]:
    """First days of months between `lo` and `hi`, every so many months (a
    multiple of the step, so years start in January); with the step used. A
    span shorter than a month gets `lo` as its only tick."""
    months = (hi.year - lo.year) * 12 + hi.month - lo.month
    step = next((s for s in MONTH_STEPS if months / s <= most - 1), MONTH_STEPS[-1])
    tick = date(lo.year, lo.month, 1)
    if tick < lo:
        tick = add_months(tick, 1)
    while (tick.month - 1) % step:
        tick = add_months(tick, 1)
    ticks = []
    while tick <= hi:
        ticks.append(tick)
        tick = add_months(tick, step)
    return (ticks or [lo]), step


def _point(x: Scale, y: Scale, day: date, value: float) -> dict[str, Any]:
    return {
        "x": round(x(day.toordinal()), 1),
        "y": round(y(value), 1),
        "date": day,
        "value": value,
    }


def progress_line(
    baseline: float,
    target: float,
    start: date,
    deadline: date,
    reports: Sequence[tuple[date, float]],
) -> dict[str, Any]:
    """A commitment's progress over time: the baseline on `start`, each reported
    value in date order (reports of one day keep the order they came in), and the
    target on the deadline (the baseline moves back to the first report when that
    is older). `actual` joins the baseline to the reports; the way
    to go is the straight line from `baseline` to `target`. Higher values are
    drawn higher, so a cut (target below the baseline) points down."""
    reports = sorted(reports, key=lambda report: report[0])
    if reports and reports[0][0] < start:
        # Progress measured before the signing: the baseline is where it started.
        start = reports[0][0]
    values = [
        v for v in (baseline, target, *(r[1] for r in reports)) if math.isfinite(v)
    ]
    y_ticks = value_ticks(values or [0.0])
    days = [start, deadline, *(r[0] for r in reports)]
    first, last = min(days), max(days)
    x_tick_days, step = date_ticks(first, last)
    x = linear_scale(first.toordinal(), last.toordinal(), LEFT, WIDTH - RIGHT)
    y = linear_scale(y_ticks[0], y_ticks[-1], HEIGHT - BOTTOM, TOP)
    start_point = _point(x, y, start, baseline)
    points = [_point(x, y, day, value) for day, value in reports]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "plot": {
            "left": LEFT,
            "right": WIDTH - RIGHT,
            "top": TOP,
            "bottom": HEIGHT - BOTTOM,
        },
        "baseline": start_point,
        "target": _point(x, y, deadline, target),
        "reports": points,
        "actual": " ".join(f"{p['x']},{p['y']}" for p in [start_point, *points]),
        "x_ticks": [{"x": round(x(d.toordinal()), 1), "date": d} for d in x_tick_days],
        # Yearly ticks are labelled with the year; others with month and year.
        "x_format": "y" if step >= 12 else "MMM y",
        "y_ticks": [{"y": round(y(v), 1), "value": v} for v in y_ticks],
    }


def bucket_bar(counts: Mapping[str, int]) -> dict[str, Any]:
    """The headline counts (on track, at risk, done, dropped) as one stacked bar:
    each bucket's segment with its start and width in percent of the bar. Empty
    buckets keep a zero-width segment, so the legend always lists all four."""
    total = sum(counts.get(key, 0) for key in BUCKETS)
    segments = []
    start = 0.0
    for key in BUCKETS:
        count = counts.get(key, 0)
        width = 100 * count / total if total else 0.0
        segments.append(
            {"key": key, "count": count, "x": round(start, 2), "width": round(width, 2)}
        )
        start += width
    return {"total": total, "segments": segments}


def meter(percent: float | None) -> dict[str, Any]:
    """A progress bar for a percentage (of the way to a target, or of a
    programme indicator's target): the filled share is kept within 0–100, while
    `percent` itself says how far it really is (past the target, or behind the
    start). None when there is nothing to measure yet."""
    if percent is None:
        return {"percent": None, "fill": 0.0}
    return {"percent": percent, "fill": round(min(max(percent, 0.0), 100.0), 1)}
