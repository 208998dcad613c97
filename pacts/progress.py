"""Progress arithmetic, as pure functions of plain values (no database): how far a
commitment has come from its baseline towards its target (also when the target is
below the baseline, as in an emissions cut), which bucket it counts in for the
headline figures, what a programme indicator adds up to, and when the next progress
report is due. Tested by tables in tests/pacts/test_progress.py."""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

# Buckets of the headline figures, in display order.
ON_TRACK = "on track"
AT_RISK = "at risk"
DONE = "done"
DROPPED = "dropped"
BUCKETS = (ON_TRACK, AT_RISK, DONE, DROPPED)

# A reminder goes out this many days before a report is due.
DUE_SOON_DAYS = 14


def share_of_way(baseline: float, target: float, value: float | None) -> float | None:
    """How far `value` has come from `baseline` towards `target`: 0.0 at the
    baseline, 1.0 at the target, negative when it moved away, above 1.0 past the
    target. The direction comes from the target, so a cut (target below baseline)
    counts a fall as progress. None when there is no value, or when baseline and
    target are the same (there is no way to go)."""
    if value is None or target == baseline:
        return None
    return (value - baseline) / (target - baseline)


def percent_of_way(baseline: float, target: float, value: float | None) -> int | None:
    """`share_of_way` as a whole percentage (rounded half away from zero)."""
    share = share_of_way(baseline, target, value)
    if share is None:
        return None
    scaled = share * 100
    return int(scaled + 0.5) if scaled >= 0 else -int(-scaled + 0.5)


def achieved_change(baseline: float, target: float, value: float | None) -> float:
    """The change achieved towards the target, in the indicator's unit (positive
    when it went the right way): what a programme indicator sums."""
    if value is None or target == baseline:
        return 0.0
    direction = 1.0 if target > baseline else -1.0
    return (value - baseline) * direction


def bucket(status: str) -> str:
    """The headline bucket of a commitment that is part of the pact."""
    if status in (AT_RISK, DONE, DROPPED):
        return status
    return ON_TRACK


def count_buckets(statuses: Iterable[str]) -> dict[str, int]:
    counts = dict.fromkeys(BUCKETS, 0)
    for status in statuses:
        counts[bucket(status)] += 1
    return counts


@dataclass(frozen=True)
class IndicatorPart:
    """One commitment's contribution to a programme indicator."""

    baseline: float
    target: float
    latest: float | None


def indicator_total(parts: Sequence[IndicatorPart]) -> tuple[float, float]:
    """(achieved so far, aimed at) summed over the commitments of an indicator."""
    achieved = sum(achieved_change(p.baseline, p.target, p.latest) for p in parts)
    aimed = sum(abs(p.target - p.baseline) for p in parts)
    return achieved, aimed


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clipped to the month's end (31 Jan + 1 → 28/29
    Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_due(anchor: date, months: int, last_report: date | None) -> date:
    """The next report's due date. Reports are due every `months` from `anchor`
    (the pact's publication); a report counts for the first due date after it, or
    for one at most DUE_SOON_DAYS after it (a report sent when the reminder came)."""
    covered = (
        anchor if last_report is None else last_report + timedelta(days=DUE_SOON_DAYS)
    )
    k = 1
    while add_months(anchor, months * k) <= covered:
        k += 1
    return add_months(anchor, months * k)


def reminder_kind(due: date, today: date) -> str | None:
    """`overdue` after the due date, `due` in the fortnight before it, else None."""
    if today > due:
        return "overdue"
    if today >= due - timedelta(days=DUE_SOON_DAYS):
        return "due"
    return None
