"""The board benchmark's judgement and table, pure: what counts as a growing backlog
or a passing ramp step, the ratios to the baselines, PASS or MISS against issue 15's
targets, and the one table `make bench-board` prints. Everything here works on the
load generators' answers (plain dicts), so it is tested without a server."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

# A run whose last quarter's median latency is over twice its first quarter's (plus
# this much, so that 2 ms against 5 ms is no backlog) is falling behind.
BACKLOG_SLACK_MS = 20.0
# ... and so is one whose deliveries still arrive this long after the last send.
BACKLOG_TAIL_MS = 1000.0
# A ramp step counts only if the generator really sent at (nearly) the asked rate.
SEND_RATE_TOLERANCE = 0.95


def ratio(value: float | None, baseline: float | None) -> float | None:
    """value ÷ baseline, or None when either is missing or the baseline is 0."""
    if value is None or baseline is None or baseline == 0:
        return None
    return value / baseline


def growing_backlog(phase: dict[str, Any]) -> bool:
    """Latency grows over the run (last quarter against first, by send time), or
    deliveries keep arriving long after the last card was sent."""
    quarters = phase["quarters"]
    first, last = quarters[0]["p50"], quarters[-1]["p50"]
    if first is not None and last is not None and last > 2 * first + BACKLOG_SLACK_MS:
        return True
    tail = phase.get("tail_ms")
    return tail is not None and float(tail) > BACKLOG_TAIL_MS


def errors(phase: dict[str, Any]) -> int:
    """Refused or unanswered sends."""
    return int(sum(phase["errors"].values())) + int(phase["unanswered"])


def kept_rate(phase: dict[str, Any]) -> bool:
    """The generator sent (nearly) all it was asked to, in (nearly) the time."""
    asked = float(phase["rate"] * phase["boards"] * phase["seconds"])
    in_time = float(phase["send_seconds"]) <= phase["seconds"] / SEND_RATE_TOLERANCE
    return in_time and int(phase["sent"]) >= SEND_RATE_TOLERANCE * asked


def step_passes(phase: dict[str, Any], p99_limit_ms: float) -> bool:
    """A sustained rate: p99 within the limit, nothing lost or refused, no growing
    backlog, and the rate really sent."""
    p99 = phase["latency"]["p99"]
    return (
        p99 is not None
        and p99 <= p99_limit_ms
        and phase["lost"] == 0
        and errors(phase) == 0
        and not growing_backlog(phase)
        and kept_rate(phase)
    )


def deliveries_per_second(phase: dict[str, Any]) -> float:
    """The step's edit rate (per board) × the clients that receive each edit."""
    return float(phase["rate"] * phase["clients"])


def best_passing(steps: Sequence[dict[str, Any]], p99_limit_ms: float) -> Any:
    """The fastest passing step below the slowest failing one; None if none
    passed."""
    failing = [s["rate"] for s in steps if not step_passes(s, p99_limit_ms)]
    ceiling = min(failing, default=math.inf)
    passing = [s for s in steps if s["rate"] < ceiling and step_passes(s, p99_limit_ms)]
    return max(passing, key=lambda s: s["rate"], default=None)


def first_failing(steps: Sequence[dict[str, Any]], p99_limit_ms: float) -> Any:
    failing = [s for s in steps if not step_passes(s, p99_limit_ms)]
    return min(failing, key=lambda s: s["rate"], default=None)


def next_ramp_rate(
    steps: Sequence[tuple[float, bool]],
    start: float,
    limit: float,
    refinements: int = 2,
) -> float | None:
    """The ramp's next edit rate, given the (rate, passed) of the steps so far: from
    `start`, double while steps pass (up to `limit`); after the first failure, up to
    `refinements` steps halfway (geometrically) between the best pass and the
    lowest failure; None when done. A first step that fails ends the ramp."""
    if not steps:
        return start
    failed = [rate for rate, passed in steps if not passed]
    if not failed:
        doubled = steps[-1][0] * 2
        return doubled if doubled <= limit else None
    lowest_failure = min(failed)
    below = [rate for rate, passed in steps if passed and rate < lowest_failure]
    first_failure = next(i for i, (_rate, passed) in enumerate(steps) if not passed)
    if not below or len(steps) - first_failure - 1 >= refinements:
        return None
    return round(math.sqrt(max(below) * lowest_failure), 1)


def verdict(*conditions: bool | None) -> str:
    """MISS when a condition fails, else n/a when one is unknown (a measurement is
    missing), else PASS."""
    if any(condition is False for condition in conditions):
        return "MISS"
    return "n/a" if any(condition is None for condition in conditions) else "PASS"


def at_most(value: float | None, limit: float | None) -> bool | None:
    if value is None or limit is None:
        return None
    return value <= limit


def at_least(value: float | None, limit: float | None) -> bool | None:
    if value is None or limit is None:
        return None
    return value >= limit


@dataclass
class Row:
    """One line of the table: a scenario on one server. `result` is the scenario's
    headline figure (the one the ratios compare), in `unit`."""

    scenario: str
    server: str
    p50: float | None = None
    p99: float | None = None
    lost: int | None = None
    backlog: bool | None = None
    rss_mb: float | None = None
    cpu: float | None = None
    result: float | None = None
    unit: str = ""
    # Shown instead of `result` when set (a bound: "< 10,000 deliveries/s").
    result_text: str = ""
    vs_flask: float | None = None
    vs_node: float | None = None
    target: str = ""
    verdict: str = ""
    note: str = ""


def number(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "-"
    return f"{value:,.{digits}f}"


def times(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"


def figure(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    digits = 1 if unit in {"s", "ms"} and value < 100 else 0
    return f"{number(value, digits)} {unit}".strip()


def backlog_mark(value: bool | None) -> str:
    return "-" if value is None else ("GROWING" if value else "no")


COLUMNS = (
    ("scenario", "<"),
    ("server", "<"),
    ("p50 ms", ">"),
    ("p99 ms", ">"),
    ("lost", ">"),
    ("backlog", ">"),
    ("RSS MB", ">"),
    ("CPU %", ">"),
    ("result", ">"),
    ("÷Flask", ">"),
    ("÷Node", ">"),
    ("target", "<"),
    ("verdict", "<"),
)


def cells(row: Row) -> list[str]:
    return [
        row.scenario,
        row.server,
        number(row.p50, 1),
        number(row.p99, 1),
        number(row.lost),
        backlog_mark(row.backlog),
        number(row.rss_mb),
        number(row.cpu),
        row.result_text or figure(row.result, row.unit),
        times(row.vs_flask),
        times(row.vs_node),
        row.target,
        row.verdict,
    ]


def format_table(rows: Iterable[Row]) -> str:
    """A plain-text table, columns padded to their widest cell; each row's note, if
    any, on the line below it."""
    rows = list(rows)
    table = [[name for name, _align in COLUMNS], *(cells(row) for row in rows)]
    widths = [max(len(line[i]) for line in table) for i in range(len(COLUMNS))]

    def line(values: list[str]) -> str:
        padded = (
            value.ljust(width) if align == "<" else value.rjust(width)
            for value, width, (_name, align) in zip(
                values, widths, COLUMNS, strict=True
            )
        )
        return "  ".join(padded).rstrip()

    out = [line(table[0]), "  ".join("-" * width for width in widths)]
    for row, values in zip(rows, table[1:], strict=True):
        out.append(line(values))
        if row.note:
            out.append(f"    ({row.note})")
    return "\n".join(out)


def registration_passes(step: dict[str, Any], p99_limit_ms: float) -> bool:
    """A registration rate sustained: every POST accepted, p99 within the limit, the
    rate really sent."""
    p99 = step["latency"]["p99"]
    return (
        p99 is not None
        and p99 <= p99_limit_ms
        and step["accepted"] == step["sent"]
        and step["send_seconds"] <= step["seconds"] / SEND_RATE_TOLERANCE
    )
