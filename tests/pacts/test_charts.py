"""The charts' geometry (pacts/charts.py), without a template: where a commitment's
baseline, reports and target land on its line chart, the ticks of its axes, the
segments of the headline bar and the fill of a progress bar."""

from __future__ import annotations

from datetime import date

import pytest

from pacts.charts import (
    HEIGHT,
    bucket_bar,
    date_ticks,
    meter,
    progress_line,
    value_ticks,
)

START = date(2025, 1, 1)
DEADLINE = date(2027, 12, 31)


def test_reports_are_drawn_in_date_order_between_baseline_and_target():
    chart = progress_line(
        0,
        20,
        START,
        DEADLINE,
        [(date(2026, 6, 1), 12), (date(2025, 6, 1), 5), (date(2026, 1, 1), 8)],
    )

    dates = [point["date"] for point in chart["reports"]]
    xs = [point["x"] for point in chart["reports"]]
    assert dates == [date(2025, 6, 1), date(2026, 1, 1), date(2026, 6, 1)]
    assert chart["baseline"]["x"] < xs[0] < xs[1] < xs[2] < chart["target"]["x"]
    assert chart["actual"].split() == [
        f"{p['x']},{p['y']}" for p in [chart["baseline"], *chart["reports"]]
    ]
    plot = chart["plot"]
    assert chart["baseline"]["x"] == plot["left"]
    assert chart["target"]["x"] == plot["right"]


def test_a_report_older_than_the_signing_moves_the_baseline_back_to_it():
    chart = progress_line(
        40, 220, date(2026, 11, 30), DEADLINE, [(date(2026, 9, 21), 95)]
    )

    assert chart["baseline"]["date"] == date(2026, 9, 21)
    assert chart["baseline"]["x"] == chart["plot"]["left"]
    assert chart["baseline"]["x"] <= chart["reports"][0]["x"]


def test_higher_values_are_drawn_higher():
    chart = progress_line(0, 20, START, DEADLINE, [(date(2026, 1, 1), 10)])

    assert chart["target"]["y"] < chart["reports"][0]["y"] < chart["baseline"]["y"]


def test_a_target_below_the_baseline_is_drawn_below_it():
    chart = progress_line(100, 60, START, DEADLINE, [(date(2026, 1, 1), 80)])

    baseline, target = chart["baseline"], chart["target"]
    (halfway,) = chart["reports"]
    # SVG's y grows downwards: the cut goes down the chart.
    assert baseline["y"] < halfway["y"] < target["y"]
    assert halfway["y"] == pytest.approx((baseline["y"] + target["y"]) / 2, abs=0.1)
    assert chart["y_ticks"][0]["value"] <= 60
    assert chart["y_ticks"][-1]["value"] >= 100


@pytest.mark.parametrize("reports", [[], [(date(2025, 3, 1), 4.0)]])
def test_no_report_or_one_report_draws_a_line_from_the_baseline(reports):
    chart = progress_line(0, 10, START, DEADLINE, reports)

    assert len(chart["reports"]) == len(reports)
    assert len(chart["actual"].split()) == 1 + len(reports)
    assert chart["actual"].split()[0] == (
        f"{chart['baseline']['x']},{chart['baseline']['y']}"
    )


def test_baseline_equal_to_target_gets_a_span_around_the_value():
    chart = progress_line(50, 50, START, DEADLINE, [])

    ticks = [tick["value"] for tick in chart["y_ticks"]]
    assert ticks[0] < 50 < ticks[-1]
    assert chart["baseline"]["y"] == chart["target"]["y"]
    assert 0 < chart["baseline"]["y"] < HEIGHT


def test_all_values_zero_and_all_dates_equal_still_draw():
    day = date(2026, 5, 17)

    chart = progress_line(0, 0, day, day, [(day, 0), (day, 0)])

    points = [chart["baseline"], chart["target"], *chart["reports"]]
    (x,) = {point["x"] for point in points}
    assert chart["plot"]["left"] < x < chart["plot"]["right"]
    assert [tick["date"] for tick in chart["x_ticks"]] == [day]
    assert [tick["value"] for tick in chart["y_ticks"]][0] < 0


def test_reports_of_the_same_day_keep_the_order_they_came_in():
    day = date(2026, 1, 1)

    chart = progress_line(0, 10, START, DEADLINE, [(day, 3), (day, 4)])

    assert [point["value"] for point in chart["reports"]] == [3, 4]


def test_points_stay_inside_the_plot():
    chart = progress_line(
        -5, 1234.5, date(2024, 2, 10), date(2030, 7, 1), [(date(2025, 5, 5), 2000)]
    )

    plot = chart["plot"]
    for point in [chart["baseline"], chart["target"], *chart["reports"]]:
        assert plot["left"] <= point["x"] <= plot["right"]
        assert plot["top"] <= point["y"] <= plot["bottom"]
    for tick in chart["x_ticks"]:
        assert plot["left"] <= tick["x"] <= plot["right"]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([0, 20], [0, 5, 10, 15, 20]),
        ([60, 100], [60, 70, 80, 90, 100]),
        ([0, 0.3], [0, 0.1, 0.2, 0.3]),
        ([-3, 7], [-5, 0, 5, 10]),
        ([50], [45, 50, 55]),
        ([0], [-1, -0.5, 0, 0.5, 1]),
    ],
)
def test_value_ticks_are_round_and_cover_every_value(values, expected):
    assert value_ticks(values) == expected


def test_long_spans_tick_each_january_and_are_labelled_by_year():
    ticks, step = date_ticks(date(2025, 3, 14), date(2029, 12, 31))

    assert ticks == [date(year, 1, 1) for year in range(2026, 2030)]
    assert step == 12
    chart = progress_line(0, 1, date(2025, 3, 14), date(2029, 12, 31), [])
    assert chart["x_format"] == "y"


def test_short_spans_tick_months_and_are_labelled_by_month():
    ticks, step = date_ticks(date(2025, 1, 15), date(2025, 6, 30))

    assert ticks == [date(2025, month, 1) for month in range(2, 7)]
    assert step == 1
    chart = progress_line(0, 1, date(2025, 1, 15), date(2025, 6, 30), [])
    assert chart["x_format"] == "MMM y"


def test_bucket_bar_stacks_the_counts_in_bucket_order():
    bar = bucket_bar({"done": 1, "on track": 2, "dropped": 0, "at risk": 1})

    assert bar["total"] == 4
    assert [(s["key"], s["count"], s["x"], s["width"]) for s in bar["segments"]] == [
        ("on track", 2, 0.0, 50.0),
        ("at risk", 1, 50.0, 25.0),
        ("done", 1, 75.0, 25.0),
        ("dropped", 0, 100.0, 0.0),
    ]


def test_bucket_bar_of_nothing_has_empty_segments():
    bar = bucket_bar(dict.fromkeys(("on track", "at risk", "done", "dropped"), 0))

    assert bar["total"] == 0
    assert [s["width"] for s in bar["segments"]] == [0, 0, 0, 0]


@pytest.mark.parametrize(
    ("percent", "fill"),
    [(None, 0.0), (0, 0.0), (42, 42.0), (100, 100.0), (150, 100.0), (-20, 0.0)],
)
def test_meter_fills_within_the_bar_but_keeps_the_real_percent(percent, fill):
    bar = meter(percent)

    assert bar == {"percent": percent, "fill": fill}
