"""The progress arithmetic, by tables: the share of the way from baseline to target
(rising and falling targets), what programme indicators add up, the buckets of the
headline figures, and when reports are due."""

from __future__ import annotations

from datetime import date

import pytest

from pacts.progress import (
    IndicatorPart,
    add_months,
    count_buckets,
    indicator_total,
    next_due,
    percent_of_way,
    reminder_kind,
)


@pytest.mark.parametrize(
    ("baseline", "target", "value", "percent"),
    [
        (0, 10, 0, 0),
        (0, 10, 5, 50),
        (0, 10, 10, 100),
        (0, 10, 12, 120),  # past the target
        (20, 40, 10, -50),  # moved away
        (100, 60, 80, 50),  # a cut: falling is progress
        (100, 60, 60, 100),
        (100, 60, 110, -25),
        (1, 4, 2, 33),
        (1, 4, 3, 67),  # rounded half away from zero
        (0, 8, 1, 13),  # 12.5 → 13
        (0, -8, -1, 13),
        (5, 5, 5, None),  # no way to go
        (0, 10, None, None),  # nothing reported
    ],
)
def test_percent_of_way_from_baseline_to_target(
    baseline: float, target: float, value: float | None, percent: int | None
) -> None:
    assert percent_of_way(baseline, target, value) == percent


def test_programme_indicator_sums_the_change_achieved_towards_each_target() -> None:
    parts = [
        IndicatorPart(0, 10, 4),  # 4 jobs of 10
        IndicatorPart(2, 7, 7),  # 5 of 5
        IndicatorPart(120, 80, 100),  # 20 t cut of 40
        IndicatorPart(0, 3, None),  # nothing reported yet
    ]
    assert indicator_total(parts) == (29, 58)


def test_commitments_count_in_one_bucket_each() -> None:
    statuses = ["signed", "in progress", "at risk", "done", "done", "dropped"]
    assert count_buckets(statuses) == {
        "on track": 2,
        "at risk": 1,
        "done": 2,
        "dropped": 1,
    }


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2027, 1, 31), 1, date(2027, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2027, 11, 15), 3, date(2028, 2, 15)),
        (date(2027, 6, 30), 12, date(2028, 6, 30)),
    ],
)
def test_add_months_clips_to_the_end_of_the_month(
    day: date, months: int, expected: date
) -> None:
    assert add_months(day, months) == expected


PUBLISHED = date(2027, 1, 10)


@pytest.mark.parametrize(
    ("months", "last_report", "due"),
    [
        (12, None, date(2028, 1, 10)),  # first report a year after publication
        (3, None, date(2027, 4, 10)),
        (3, date(2027, 4, 12), date(2027, 7, 10)),  # late report covers its period
        (3, date(2027, 3, 30), date(2027, 7, 10)),  # sent when the reminder came
        (3, date(2027, 2, 1), date(2027, 4, 10)),  # too early: still owed
        (3, date(2027, 9, 1), date(2027, 10, 10)),
        (12, date(2026, 12, 1), date(2028, 1, 10)),  # before publication
    ],
)
def test_next_report_due_date(months: int, last_report: date | None, due: date) -> None:
    assert next_due(PUBLISHED, months, last_report) == due


@pytest.mark.parametrize(
    ("today", "kind"),
    [
        (date(2027, 3, 26), None),
        (date(2027, 3, 27), "due"),  # a fortnight before
        (date(2027, 4, 10), "due"),
        (date(2027, 4, 11), "overdue"),
    ],
)
def test_reminder_kind_by_day(today: date, kind: str | None) -> None:
    assert reminder_kind(date(2027, 4, 10), today) == kind
