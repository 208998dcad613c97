"""`make bench-board` (issue 15, part 5): the live board against two bare baselines
in the same run, with the same load generator (bench/board_load.mjs), and the
product's other promises; one table with the ratios and the targets, and the raw
results in bench/results/board-<timestamp>.json.

The servers: the product (`python app.py`, gevent, SQLite), a broadcast-only
Flask-SocketIO server on the product's server stack (bench/bare_flask.py) and a
broadcast-only Node socket.io 4.8 server (bench/bare_node.mjs). Each runs alone, on
core 1, and the load generator on core 0 (`taskset`, on two cores or more).

1. One board, N=1000 clients, 50 edits/s for 20 s from 50 writers: latency over
   every delivery to every client, lost deliveries, a growing backlog, the server's
   RSS with N joined and its CPU; all three servers.
2. The same with N=200.
3. The most deliveries/s one process sustains at p99 ≤ 250 ms with none lost, on the
   N=1000 board: the edit rate doubles from 10/s until a step fails, then two
   steps refine between the best pass and the first failure; deliveries/s = the
   best passing rate × N. All three servers (same connections as scenario 1).
4. Reconnect storm (the product): after the ramp, the N clients drop, 200 cards are
   written, and all rejoin at once with `since`: time until all have resynced.
5. The product's join on a 2,000-card board (snapshot) and with a 1,000-event
   `since` replay: server time, in-process (bench/board_joins.py).
6. Registration POST on the SQLite default at 300 req/s and up (rate limits off,
   bench/registration_server.py and registration_load.mjs).
7. The production cluster (nginx, 2 app processes, Redis, PostgreSQL) with 4,000
   clients over 40 boards at 5 edits/s each, when `deploy.cluster` exists.
8. A flood (the product): a bystander board of 200 clients at 20 edits/s, first
   alone (the baseline), then while one connection on another board sends 500
   `card:create` a second (rate-limited to 20): the bystanders' latency both times,
   on the same server and connections.

`--quick` runs every scenario smaller and shorter (under 2 minutes): its verdicts are
indicative only. `--only flask,node,product,joins,registration,cluster,flood` runs a
part.

usage: python -m bench.board [--quick] [--only PARTS]"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.report import (
    Row,
    at_least,
    at_most,
    best_passing,
    deliveries_per_second,
    errors,
    first_failing,
    format_table,
    growing_backlog,
    next_ramp_rate,
    number,
    ratio,
    registration_passes,
    step_passes,
    verdict,
)
from bench.servers import (
    CLUSTER_INTERFACE,
    LOAD_CORE,
    PRODUCT,
    ROOT,
    SERVER_CORE,
    ClusterUnavailable,
    LoadGenerator,
    Server,
    bare_flask,
    bare_node,
    can_pin,
    cluster,
    free_port,
    load_generator,
    measured,
    pinned,
    product_env,
    rss_mb,
    serving,
)

RESULTS = ROOT / "bench" / "results"
LOGS = "logs"  # the servers' output, in the run's folder, then beside the results
FLASK, NODE, GREENPACT = "bare Flask-SocketIO", "bare Node socket.io", "GreenPact"

# Issue 15's targets.
P99_LIMIT_MS = 250.0
N200_FACTOR = 1.5
RSS_LIMIT_MB = 150.0
RAMP_FACTOR = 2.0
STORM_LIMIT_S = 5.0
JOIN_LIMIT_MS = 200.0
REGISTRATION_RATE = 300.0
REGISTRATION_P99_MS = 100.0
# A flood on another board may at most double the bystanders' p99 (or keep it
# within P99_LIMIT_MS, when the baseline is a few milliseconds of jitter).
FLOOD_FACTOR = 2.0

# No writer sends more than this many edits a second (the product allows 20).
MAX_PER_WRITER = 10
QUIET = {"cmd": "quiet", "ms": 1000, "max_ms": 30000}
# A load generator whose event loop is this busy (in % of the time) measures its own
# queueing too: its latencies are an upper bound.
LOADGEN_BUSY_PERCENT = 80.0

# What a session runs once its clients joined: named steps with the load generator.
Phases = list[tuple[str, Callable[[LoadGenerator], Any]]]


@dataclass(frozen=True)
class Settings:
    name: str
    big: int  # clients on the board of scenarios 1, 3 and 4
    small: int  # clients of scenario 2
    rate: float  # edits/s of scenarios 1 and 2
    seconds: float
    drain_seconds: float
    join_deadline: float  # seconds to join a board's clients; the late ones leave
    ramp_start: float
    ramp_limit: float
    ramp_seconds: float
    ramp_refinements: int
    behind: int  # events missed before the storm
    cards: int  # scenario 5's board
    replay: int
    registration_rates: tuple[float, ...]
    registration_seconds: float
    cluster_boards: int
    cluster_clients: int  # per board
    cluster_rate: float  # per board
    cluster_seconds: float
    flood_clients: int  # on the bystanders' board
    flood_rate: float  # the bystanders' edits/s
    flood_sends: float  # the flooding connection's card:create a second
    flood_seconds: float


FULL = Settings(
    name="full",
    big=1000,
    small=200,
    rate=50,
    seconds=20,
    drain_seconds=15,
    join_deadline=300,
    ramp_start=10,
    ramp_limit=1280,
    ramp_seconds=10,
    ramp_refinements=2,
    behind=200,
    cards=2000,
    replay=1000,
    registration_rates=(300, 450, 600, 900),
    registration_seconds=10,
    cluster_boards=40,
    cluster_clients=100,
    cluster_rate=5,
    cluster_seconds=20,
    flood_clients=200,
    flood_rate=20,
    flood_sends=500,
    flood_seconds=20,
)
QUICK = Settings(
    name="quick",
    big=200,
    small=50,
    rate=50,
    seconds=3,
    drain_seconds=3,
    join_deadline=60,
    ramp_start=50,
    ramp_limit=200,
    ramp_seconds=2,
    ramp_refinements=0,
    behind=50,
    cards=300,
    replay=150,
    registration_rates=(300,),
    registration_seconds=0.5,
    cluster_boards=4,
    cluster_clients=25,
    cluster_rate=5,
    cluster_seconds=3,
    flood_clients=50,
    flood_rate=20,
    flood_sends=500,
    flood_seconds=3,
)


def progress(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def writers_for(rate: float) -> int:
    """Writers per board: one edit a second each up to 50 writers (as in the issue's
    measurements), and more above 500 edits/s so that none sends over 10 a second."""
    return max(math.ceil(rate / MAX_PER_WRITER), min(50, math.ceil(rate)))


def steady(name: str, rate: float, seconds: float, drain: float) -> dict[str, Any]:
    return {
        "cmd": "steady",
        "name": name,
        "rate": rate,
        "seconds": seconds,
        "writers": writers_for(rate),
        "drain_seconds": drain,
    }


# The board sessions: one server, one load generator, N clients joined once.


def ramp(generator: LoadGenerator, server: Server, s: Settings) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = []
    while True:
        history = [(step["rate"], step_passes(step, P99_LIMIT_MS)) for step in steps]
        rate = next_ramp_rate(history, s.ramp_start, s.ramp_limit, s.ramp_refinements)
        if rate is None:
            return steps
        if generator.request(QUIET)["waited_ms"] >= QUIET["max_ms"]:
            return steps  # still busy with the last step's backlog
        progress(f"  {server.name}: ramp step {rate:g} edits/s")
        command = steady(f"ramp {rate:g}/s", rate, s.ramp_seconds, s.drain_seconds)
        steps.append(measured(generator, server, command))
        if steps[-1]["dropped"]:
            return steps  # connections lost: later steps would measure fewer


def board_session(
    server: Server,
    plan: dict[str, Any],
    folder: Path,
    phases: Phases,
    core: int | None = LOAD_CORE,
) -> dict[str, Any]:
    """Join every client of the plan, then run the phases in order; each phase's
    result under its name."""
    with load_generator(
        "board_load.mjs", {"url": server.url, **plan}, folder, core
    ) as generator:
        result: dict[str, Any] = {"joined": generator.first}
        progress(f"  {server.name}: {generator.first}")
        generator.request(QUIET)
        result["rss_joined_mb"] = rss_mb(server.pids)
        for name, phase in phases:
            progress(f"  {server.name}: {name}")
            result[name] = attempt(lambda: phase(generator))  # noqa: B023
    return result


def steady_phase(
    server: Server, rate: float, seconds: float, drain: float
) -> Callable[[LoadGenerator], Any]:
    name = f"{rate:g} edits/s"
    return lambda g: measured(g, server, steady(name, rate, seconds, drain))


def storm_phase(server: Server, behind: int) -> Callable[[LoadGenerator], Any]:
    def run(generator: LoadGenerator) -> dict[str, Any]:
        waited = generator.request({**QUIET, "max_ms": 60000})["waited_ms"]
        result = measured(generator, server, {"cmd": "storm", "behind": behind})
        return {**result, "quiet_wait_ms": waited}

    return run


def big_board_phases(server: Server, s: Settings) -> Phases:
    """Scenarios 1 and 3 on the big board, on the same connections."""
    return [
        ("steady", steady_phase(server, s.rate, s.seconds, s.drain_seconds)),
        ("ramp", lambda g: ramp(g, server, s)),
    ]


def big_board_phases_and_storm(server: Server, s: Settings) -> Phases:
    """... and the reconnect storm (scenario 4: the product's `since`)."""
    return [*big_board_phases(server, s), ("storm", storm_phase(server, s.behind))]


def sessions(
    start: Callable[[], Any],
    plans: tuple[dict[str, Any], dict[str, Any]],
    folder: Path,
    s: Settings,
    big_phases: Callable[[Server, Settings], Phases],
) -> dict[str, Any]:
    """The big board's phases, then scenario 2 on the small board, each with a
    fresh server."""
    deadline = {"join_deadline_seconds": s.join_deadline}
    big, small = ({**plan, **deadline} for plan in plans)

    def big_session() -> dict[str, Any]:
        with start() as server:
            return board_session(server, big, folder, big_phases(server, s))

    def small_session() -> dict[str, Any]:
        with start() as server:
            phase = steady_phase(server, s.rate, s.seconds, s.drain_seconds)
            return board_session(server, small, folder, [("steady", phase)])

    return {"big": attempt(big_session), "small": attempt(small_session)}


def log_file(folder: Path, name: str, port: int) -> Path:
    """Where a server's output goes; kept with the results (see `run`)."""
    slug = re.sub(r"\W+", "-", name.lower()).strip("-")
    return folder / LOGS / f"{slug}-{port}.log"


def anonymous(clients: int) -> dict[str, Any]:
    return {"clients": [{"board": 1, "token": None}] * clients}


def run_bare(name: str, command: Callable[[int], list[str]]) -> Any:
    def run(folder: Path, s: Settings) -> dict[str, Any]:
        def start() -> Any:
            port = free_port()
            log = log_file(folder, name, port)
            return serving(name, command(port), port, log=log)

        plans = (anonymous(s.big), anonymous(s.small))
        return sessions(start, plans, folder, s, big_board_phases)

    return run


def setup_boards(env: dict[str, str], sizes: list[int]) -> dict[str, Any]:
    """The product's boards, participants and tokens (bench/board_setup.py)."""
    command = [sys.executable, "-m", "bench.board_setup", *map(str, sizes)]
    done = subprocess.run(
        command, cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    made: dict[str, Any] = json.loads(done.stdout)
    return made


def board_plan(made: dict[str, Any], boards: list[dict[str, Any]]) -> dict[str, Any]:
    clients = [
        {"board": board["board"], "token": person["token"]}
        for board in boards
        for person in board["participants"]
    ]
    facilitator = {"token": made["staff"]["token"], "phase": "ideas"}
    return {"clients": clients, "facilitator": facilitator}


def run_product(folder: Path, s: Settings) -> dict[str, Any]:
    made = setup_boards(product_env(folder, 0), [s.big, s.small])
    big, small = made["boards"]

    def start() -> Any:
        port = free_port()
        env = product_env(folder, port)
        log = log_file(folder, GREENPACT, port)
        return serving(GREENPACT, PRODUCT, port, env, log=log)

    plans = (board_plan(made, [big]), board_plan(made, [small]))
    return sessions(start, plans, folder, s, big_board_phases_and_storm)


def run_joins(folder: Path, s: Settings) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.board_joins"]
    command += ["--cards", str(s.cards), "--replay", str(s.replay)]
    done = subprocess.run(
        pinned(command, SERVER_CORE),
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
        timeout=900,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def run_registration(folder: Path, s: Settings) -> dict[str, Any]:
    slug = "bench-registration"
    port = free_port()
    (folder / "registration").mkdir(exist_ok=True)
    env = product_env(folder / "registration", port)
    command = [sys.executable, "-m", "bench.registration_server", str(port), slug]
    steps: list[dict[str, Any]] = []
    log = log_file(folder, "registration", port)
    with serving(GREENPACT, command, port, env, log=log) as server:
        plan = {"url": server.url, "slug": slug, "sessions": 50}
        with load_generator("registration_load.mjs", plan, folder) as generator:
            for rate in s.registration_rates:
                progress(f"  registration: {rate:g} POST/s")
                post = {"cmd": "post", "rate": rate, "seconds": s.registration_seconds}
                steps.append(measured(generator, server, post))
                if not registration_passes(steps[-1], REGISTRATION_P99_MS):
                    break
    return {"steps": steps}


def run_cluster(folder: Path, s: Settings) -> dict[str, Any]:
    try:
        with cluster(folder / "cluster", processes=2) as (server, env):
            sizes = [s.cluster_clients] * s.cluster_boards
            made = setup_boards(env, sizes)
            plan = board_plan(made, made["boards"])
            plan["join_deadline_seconds"] = s.join_deadline
            rate = s.cluster_rate
            phase = steady_phase(server, rate, s.cluster_seconds, s.drain_seconds)
            # The cluster spreads over every core: nothing is pinned.
            return board_session(server, plan, folder, [("steady", phase)], None)
    except ClusterUnavailable as exc:
        return {"unavailable": str(exc), "expected": CLUSTER_INTERFACE}


def flood_phases(server: Server, bystanders: int, flooded: int, s: Settings) -> Phases:
    """The bystanders' board alone (the baseline), then while the first client of
    the flooded board floods it: the same rate, sent to the bystanders' board only."""
    rate, seconds = s.flood_rate, s.flood_seconds

    def phase(name: str, flood: dict[str, Any] | None) -> Callable[..., Any]:
        command = steady(name, rate, seconds, s.drain_seconds)
        command["boards"] = [bystanders]
        if flood:
            command["flood"] = flood
        return lambda g: measured(g, server, command)

    flood = {"board": flooded, "rate": s.flood_sends}
    return [("alone", phase("no flood", None)), ("flood", phase("flood", flood))]


def run_flood(folder: Path, s: Settings) -> dict[str, Any]:
    """Scenario 8: a board of bystanders and a board of two (a flooder and an
    observer), on one product server."""
    (folder / "flood").mkdir(exist_ok=True)
    made = setup_boards(product_env(folder / "flood", 0), [s.flood_clients, 2])
    bystanders, flooded = made["boards"]
    plan = board_plan(made, [bystanders, flooded])
    plan["join_deadline_seconds"] = s.join_deadline
    port = free_port()
    env = product_env(folder / "flood", port)
    log = log_file(folder, f"{GREENPACT} flood", port)
    with serving(GREENPACT, PRODUCT, port, env, log=log) as server:
        phases = flood_phases(server, bystanders["board"], flooded["board"], s)
        return board_session(server, plan, folder, phases)


RUNNERS: dict[str, Callable[[Path, Settings], dict[str, Any]]] = {
    "flask": run_bare(FLASK, bare_flask),
    "node": run_bare(NODE, bare_node),
    "product": run_product,
    "joins": run_joins,
    "registration": run_registration,
    "cluster": run_cluster,
    "flood": run_flood,
}


def attempt(action: Callable[[], Any]) -> Any:
    """The results of a part, session or phase, or the error that stopped it (the
    others go on)."""
    try:
        return action()
    except Exception as exc:  # noqa: BLE001 - one broken part must not lose the rest
        traceback.print_exc()
        return {"error": f"{type(exc).__name__}: {exc}"}


def run(s: Settings, parts: list[str], logs: Path) -> dict[str, Any]:
    """Every part's results; the servers' output is copied to `logs`."""
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="bench-board-") as name:
        for part in parts:
            progress(f"{part} ...")
            started = time.monotonic()
            results[part] = attempt(lambda: RUNNERS[part](Path(name), s))  # noqa: B023
            results[part]["elapsed_seconds"] = round(time.monotonic() - started, 1)
        if (Path(name) / LOGS).is_dir():
            shutil.copytree(Path(name) / LOGS, logs)
    return results


# The table.


def load_note(phase: dict[str, Any]) -> str:
    notes = []
    busy = phase.get("loadgen_busy_percent") or 0
    if busy >= LOADGEN_BUSY_PERCENT:
        notes.append(
            f"load generator saturated: event loop {busy:.0f}% busy, "
            f"{phase['loadgen_cpu_percent']:.0f}% CPU"
        )
    failed = [f"{n} {code}" for code, n in phase["errors"].items()]
    if phase["unanswered"]:
        failed.append(f"{phase['unanswered']} unanswered")
    if failed:
        notes.append(f"of {phase['sent']} cards sent: {', '.join(failed)}")
    for key in ("dropped", "repeated"):
        if phase.get(key):
            notes.append(f"{phase[key]} {key}")
    return "; ".join(notes)


def phase_row(
    scenario: str, server: str, phase: dict[str, Any], rss: float | None
) -> Row:
    latency = phase["latency"]
    return Row(
        scenario,
        server,
        p50=latency["p50"],
        p99=latency["p99"],
        lost=phase["lost"],
        backlog=growing_backlog(phase),
        rss_mb=rss,
        cpu=phase["server_cpu_percent"],
        result=latency["p99"],
        unit="ms",
        target="baseline",
        note=load_note(phase),
    )


def first_error(found: Any) -> str | None:
    """The first `error` in nested results (a part's, a session's or a phase's)."""
    if isinstance(found, dict):
        if isinstance(found.get("error"), str):
            return str(found["error"])
        found = list(found.values())
    if isinstance(found, list):
        for item in found:
            if (error := first_error(item)) is not None:
                return error
    return None


def all_joined(session: dict[str, Any]) -> bool:
    joined = session["joined"]
    return bool(joined["clients"] == joined.get("planned", joined["clients"]))


def complete(session: dict[str, Any]) -> tuple[bool, bool]:
    """Every client joined, and every card sent was acknowledged (a card never
    acknowledged is not expected anywhere, so it counts in no `lost`)."""
    return all_joined(session), errors(session["steady"]) == 0


def session_row(session: dict[str, Any]) -> Row:
    """The row of a session's steady phase, saying if some clients never joined."""
    row = phase_row("", "", session["steady"], session["rss_joined_mb"])
    joined = session["joined"]
    if not all_joined(session):
        missing = f"{joined['clients']} of {joined['planned']} joined"
        row.note = "; ".join(
            filter(None, [f"{missing} {joined['failures']}", row.note])
        )
    return row


def failed_row(scenario: str, server: str, part: dict[str, Any]) -> Row:
    note = first_error(part) or "no result"
    return Row(scenario, server, verdict="ERROR", note=note)


def add_ratios(rows: dict[str, Row]) -> None:
    flask, node = rows.get("flask"), rows.get("node")
    for key, row in rows.items():
        if key != "flask" and flask:
            row.vs_flask = ratio(row.result, flask.result)
        if key != "node" and node:
            row.vs_node = ratio(row.result, node.result)


SERVERS = (("flask", FLASK), ("node", NODE), ("product", GREENPACT))


def per_server(
    results: dict[str, Any], scenario: str, make: Callable[[dict[str, Any]], Row]
) -> dict[str, Row]:
    """One row per server that ran, made from its results (or its error)."""
    rows = {}
    for key, name in SERVERS:
        part = results.get(key)
        if part is None:
            continue
        try:
            rows[key] = make(part)
            rows[key].scenario, rows[key].server = scenario, name
        except (KeyError, TypeError, IndexError):
            rows[key] = failed_row(scenario, name, part)
    add_ratios(rows)
    return rows


def latency_rows(results: dict[str, Any], s: Settings) -> list[Row]:
    def of(size: str) -> Callable[[dict[str, Any]], Row]:
        return lambda part: session_row(part[size])

    big = per_server(results, f"1 board, N={s.big}, {s.rate:g}/s", of("big"))
    small = per_server(results, f"1 board, N={s.small}, {s.rate:g}/s", of("small"))
    flask_big, flask_small = big.get("flask"), small.get("flask")
    if (product := big.get("product")) and product.verdict != "ERROR":
        product.target = "p99 ≤ Flask's, ≤ 250 ms; 0 lost; no backlog"
        product.verdict = verdict(
            *complete(results["product"]["big"]),
            at_most(product.p99, flask_big.p99 if flask_big else None),
            at_most(product.p99, P99_LIMIT_MS),
            product.lost == 0,
            not product.backlog,
        )
    if (product := small.get("product")) and product.verdict != "ERROR":
        product.target = "p99 ≤ 1.5 × Flask's"
        limit = (
            flask_small.p99 * N200_FACTOR if flask_small and flask_small.p99 else None
        )
        product.verdict = verdict(
            *complete(results["product"]["small"]), at_most(product.p99, limit)
        )
    return [*big.values(), *memory_rows(big, s), *small.values()]


def memory_rows(big: dict[str, Row], s: Settings) -> list[Row]:
    product = big.get("product")
    if not product or product.verdict == "ERROR":
        return []
    flask, node = big.get("flask"), big.get("node")
    return [
        Row(
            f"memory, N={s.big} joined",
            GREENPACT,
            rss_mb=product.rss_mb,
            result=product.rss_mb,
            unit="MB",
            vs_flask=ratio(product.rss_mb, flask.rss_mb if flask else None),
            vs_node=ratio(product.rss_mb, node.rss_mb if node else None),
            target="≤ 150 MB RSS",
            verdict=verdict(at_most(product.rss_mb, RSS_LIMIT_MB)),
        )
    ]


def ramp_row(part: dict[str, Any]) -> Row:
    """The best passing step's figures; with none, a bound from the first step."""
    steps = part["big"]["ramp"]
    best = best_passing(steps, P99_LIMIT_MS)
    failure = first_failing(steps, P99_LIMIT_MS)
    shown = best or steps[0]
    row = phase_row("", "", shown, None)
    row.unit = "deliveries/s"
    notes = []
    if best:
        row.result = deliveries_per_second(best)
        notes.append(f"best {best['rate']:g} edits/s × {best['clients']}")
    else:
        row.result = None
        row.result_text = f"< {deliveries_per_second(shown):,.0f} deliveries/s"
        notes.append(f"no step passed; p50/p99 of the first, {shown['rate']:g}/s")
    if failure:
        notes.append(
            f"failed at {failure['rate']:g}/s: p99 "
            f"{number(failure['latency']['p99'], 1)} ms, {failure['lost']} lost"
        )
    else:
        notes.append("no step failed: the ramp's highest rate passed")
    row.note = "; ".join(note for note in [*notes, load_note(shown)] if note)
    return row


def ramp_rows(results: dict[str, Any], s: Settings) -> list[Row]:
    rows = per_server(results, f"max sustained, N={s.big}", ramp_row)
    flask = rows.get("flask")
    if (product := rows.get("product")) and product.verdict != "ERROR":
        product.target = "≥ 2 × Flask's (p99 ≤ 250 ms, 0 lost)"
        limit = flask.result * RAMP_FACTOR if flask and flask.result else None
        if flask and flask.result is None:
            product.note += "; bare Flask-SocketIO passed no step either: no ratio"
        # No step passed: below the first step, short of any target.
        sustained = product.result if product.result_text == "" else 0.0
        product.verdict = verdict(at_least(sustained, limit))
    return list(rows.values())


def storm_rows(results: dict[str, Any], s: Settings) -> list[Row]:
    part = results.get("product")
    scenario = f"reconnect storm, N={s.big}, {s.behind} behind"
    if part is None:
        return []
    try:
        storm = part["big"]["storm"]
    except (KeyError, TypeError):
        return [failed_row(scenario, GREENPACT, part)]
    complete = storm["resynced"] == storm["clients"]
    seconds = storm["all_resynced_seconds"]
    note = f"{storm['resynced']}/{storm['clients']} resynced, modes {storm['modes']}"
    if storm["failures"]:
        note += f", failures {storm['failures']}"
    return [
        Row(
            scenario,
            GREENPACT,
            p50=storm["resync"]["p50"],
            p99=storm["resync"]["p99"],
            cpu=storm["server_cpu_percent"],
            result=seconds if complete else None,
            unit="s",
            target="all resynced ≤ 5 s",
            verdict=verdict(complete, at_most(seconds, STORM_LIMIT_S)),
            note=note,
        )
    ]


def join_rows(results: dict[str, Any], s: Settings) -> list[Row]:
    part = results.get("joins")
    if part is None:
        return []
    scenarios = (
        ("snapshot", f"snapshot, {s.cards} cards"),
        ("replay_join", f"since replay, {s.replay} events"),
    )
    if "error" in part:
        return [failed_row(name, GREENPACT, part) for _key, name in scenarios]
    rows = []
    for key, scenario in scenarios:
        join = part[key]
        size = join["cards"] if join["cards"] is not None else join["events"]
        rows.append(
            Row(
                scenario,
                GREENPACT,
                result=join["median_ms"],
                unit="ms",
                target="≤ 200 ms server time",
                verdict=verdict(
                    at_most(join["median_ms"], JOIN_LIMIT_MS),
                    join["mode"] == ("snapshot" if key == "snapshot" else "events"),
                ),
                note=(
                    f"in-process join: median of {part['rounds']}, first "
                    f"{join['first_ms']:.0f} ms; {size} in a "
                    f"{join['ack_bytes'] / 1024:.0f} KB ack ({join['mode']})"
                ),
            )
        )
    return rows


def registration_row(results: dict[str, Any]) -> list[Row]:
    part = results.get("registration")
    scenario = "registration POST"
    if part is None:
        return []
    if "error" in part or not part.get("steps"):
        return [failed_row(scenario, GREENPACT, part)]
    steps = part["steps"]
    passing = [
        step["rate"] for step in steps if registration_passes(step, REGISTRATION_P99_MS)
    ]
    first = steps[0]
    return [
        Row(
            scenario,
            GREENPACT,
            p50=first["latency"]["p50"],
            p99=first["latency"]["p99"],
            cpu=first["server_cpu_percent"],
            rss_mb=first["server_rss_mb"],
            result=max(passing) if passing else first["accepted_per_second"],
            unit="req/s",
            target="≥ 300 req/s at p99 ≤ 100 ms",
            verdict=verdict(bool(passing) and max(passing) >= REGISTRATION_RATE),
            note=(
                f"p50/p99 at {first['rate']:g}/s; "
                + ("passed up to the rate shown" if passing else "rate shown: served")
                + f"; answers {first['statuses']}"
            ),
        )
    ]


def cluster_rows(results: dict[str, Any], s: Settings) -> list[Row]:
    part = results.get("cluster")
    server = "GreenPact cluster (2 processes)"
    scenario = (
        f"cluster, {s.cluster_boards * s.cluster_clients} over "
        f"{s.cluster_boards} boards, {s.cluster_rate:g}/s each"
    )
    if part is None:
        return []
    if "unavailable" in part:
        note = f"not available: {part['unavailable']}"
        return [
            Row(
                scenario,
                server,
                target="p99 ≤ 250 ms, 0 lost",
                verdict="n/a",
                note=note,
            )
        ]
    try:
        row = session_row(part)
    except (KeyError, TypeError):
        return [failed_row(scenario, server, part)]
    row.scenario, row.server = scenario, server
    row.target = "p99 ≤ 250 ms, 0 lost"
    row.verdict = verdict(
        *complete(part), at_most(row.p99, P99_LIMIT_MS), row.lost == 0
    )
    return [row]


def flood_note(flood: dict[str, Any]) -> str:
    acks = dict(flood["acks"])
    unanswered = flood["sent"] - sum(acks.values())
    answers = ", ".join(f"{n} {code}" for code, n in sorted(acks.items()))
    return (
        f"meanwhile one connection sent {flood['sent']} cards at "
        f"{flood['rate']:g}/s to another board: {answers}"
        + (f", {unanswered} unanswered" if unanswered else "")
        + ("; the server cut it off" if flood.get("dropped") else "")
    )


def flood_limited(flood: dict[str, Any]) -> bool:
    """The flooder was refused (rate_limited) beyond its burst, and got nothing
    else but accepted cards; every send answered, unless the server cut the
    flooder off (a client too far behind its events: the product's own defence)."""
    acks = flood["acks"]
    return (
        acks.get("rate_limited", 0) > 0
        and set(acks) <= {"ok", "rate_limited", "cut off"}
        and (bool(flood.get("dropped")) or sum(acks.values()) == flood["sent"])
    )


def flood_rows(results: dict[str, Any], s: Settings) -> list[Row]:
    part = results.get("flood")
    alone = f"bystanders, N={s.flood_clients}, {s.flood_rate:g}/s, no flood"
    during = f"bystanders, N={s.flood_clients}, {s.flood_rate:g}/s, flood beside"
    if part is None:
        return []
    try:
        baseline = phase_row(alone, GREENPACT, part["alone"], part["rss_joined_mb"])
        flooded = phase_row(during, GREENPACT, part["flood"], None)
        flood = part["flood"]["flood"]
    except (KeyError, TypeError):
        return [failed_row(alone, GREENPACT, part), failed_row(during, GREENPACT, part)]
    baseline.target = "baseline"
    flooded.target = "p99 ≤ 2 × no flood's or ≤ 250 ms; 0 lost; flood rate-limited"
    limit = max(FLOOD_FACTOR * baseline.p99, P99_LIMIT_MS) if baseline.p99 else None
    flooded.verdict = verdict(
        all_joined(part),
        errors(part["flood"]) == 0,
        at_most(flooded.p99, limit),
        flooded.lost == 0,
        flood_limited(flood),
    )
    ratio_note = ratio(flooded.p99, baseline.p99)
    flooded.note = "; ".join(
        note
        for note in (
            f"p99 {ratio_note:.2f} × no flood's" if ratio_note is not None else "",
            flood_note(flood),
            flooded.note,
        )
        if note
    )
    return [baseline, flooded]


def table_rows(results: dict[str, Any], s: Settings) -> list[Row]:
    return [
        *latency_rows(results, s),
        *ramp_rows(results, s),
        *storm_rows(results, s),
        *join_rows(results, s),
        *registration_row(results),
        *cluster_rows(results, s),
        *flood_rows(results, s),
    ]


def header(
    s: Settings, started: datetime, before: tuple[float, ...], after: tuple[float, ...]
) -> str:
    cores = os.cpu_count() or 1
    pinning = (
        "servers on core 1, load generators on core 0"
        if can_pin()
        else "not pinned (no taskset, or one core)"
    )
    minutes = (datetime.now(UTC) - started).total_seconds() / 60
    busy = max(before[0], after[0]) > cores
    return (
        f"make bench-board ({s.name}), {started:%Y-%m-%d %H:%M} UTC, {minutes:.1f} "
        f"min; {cores} cores, {pinning}; load average {before[0]:.1f} before, "
        f"{after[0]:.1f} after"
        + (" (over the cores: other work shared the machine)" if busy else "")
    )


def reprint(path: Path) -> None:
    """The table of a stored run, judged again (`--table FILE`)."""
    document = json.loads(path.read_text())
    stored: dict[str, Any] = {
        key: tuple(value) if isinstance(value, list) else value
        for key, value in document["settings"].items()
        if key in Settings.__dataclass_fields__
    }
    settings = replace(FULL, **stored)
    print(f"make bench-board ({settings.name}), {document['started']}: {path.name}")
    print(format_table(table_rows(document["results"], settings)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", default=",".join(RUNNERS))
    parser.add_argument("--table", type=Path, help="reprint a stored run's table")
    options = parser.parse_args()
    if options.table:
        reprint(options.table)
        return
    settings = QUICK if options.quick else FULL
    parts = [part for part in options.only.split(",") if part]
    unknown = set(parts) - set(RUNNERS)
    if unknown:
        parser.error(f"unknown parts {sorted(unknown)}; known: {','.join(RUNNERS)}")
    started = datetime.now(UTC)
    load_before = os.getloadavg()
    path = RESULTS / f"board-{started:%Y%m%d-%H%M%S}.json"
    logs = path.with_name(f"{path.stem}-logs")
    results = run(settings, parts, logs)
    load_after = os.getloadavg()
    rows = table_rows(results, settings)
    print(header(settings, started, load_before, load_after))
    if settings is QUICK:
        print("quick: smaller boards and shorter runs; the verdicts are indicative")
    print(format_table(rows))
    RESULTS.mkdir(exist_ok=True)
    document = {
        "settings": asdict(settings),
        "started": started.isoformat(),
        "cores": os.cpu_count(),
        "pinned": can_pin(),
        "load_average": {"before": load_before, "after": load_after},
        "results": results,
        "table": [asdict(row) for row in rows],
    }
    path.write_text(json.dumps(document, indent=1))
    print(f"raw results: {path.relative_to(ROOT)}; servers' output: {logs.name}/")


if __name__ == "__main__":
    main()
