"""The benchmarks keep working as the code they measure changes: `make bench` and
`make bench-board` are not part of the suite (their timings are no test), so their
data builders, their judgement and table, and their load generators run here, small,
with no assertion on any timing."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from app import create_app
from bench.__main__ import build, published_pact
from bench.board import (
    QUICK,
    flood_rows,
    load_note,
    reprint,
    run_cluster,
    run_flood,
    table_rows,
    writers_for,
)
from bench.board_joins import measure
from bench.board_setup import create_boards
from bench.clusters import bench_clusters, board_cards
from bench.imports import bench_import_preview
from bench.report import (
    best_passing,
    format_table,
    growing_backlog,
    next_ramp_rate,
    ratio,
    step_passes,
    verdict,
)
from bench.servers import (
    PRODUCT,
    ROOT,
    bare_flask,
    free_port,
    load_generator,
    product_env,
    serving,
)
from extensions import db
from pacts.documents import pact_pdf
from pacts.queries import published_commitments
from tests.conftest import require_service
from tests.pacts.factories import load_pact


def test_the_clusters_benchmark_writes_near_duplicate_cards_and_times_both() -> None:
    cards = board_cards(500)
    assert len(cards) == len({card_id for card_id, _text in cards}) == 500
    assert len({text for _id, text in cards}) == 500  # each written differently

    measured, baseline = bench_clusters(60)
    assert measured > 0
    assert baseline > 0


def test_the_pdf_benchmark_builds_a_published_pact_with_reports(tmp_path: Path):
    app = build(tmp_path)
    with app.app_context():
        try:
            published_pact("bench-smoke", 3)
            pact = load_pact("bench-smoke")
            commitments = published_commitments(pact.id)
            assert len(commitments) == 3
            assert all(len(c.reports) == 2 for c in commitments)
            assert pact_pdf(pact).startswith(b"%PDF-")
        finally:
            db.session.remove()
            db.engine.dispose()


def test_the_import_benchmark_previews_a_workbook_whose_rows_are_all_valid(
    tmp_path: Path,
):
    app = build(tmp_path)
    try:
        # It refuses to time a preview that found any row bad or duplicate.
        measured, baseline = bench_import_preview(app, rows=5, rounds=1)
    finally:
        with app.app_context():
            db.engine.dispose()
    assert measured > 0
    assert baseline > 0


# bench-board: the pure pieces.


def latency(p50: float | None, p99: float | None) -> dict[str, Any]:
    return {"count": 100, "p50": p50, "p90": p99, "p99": p99, "max": p99}


def phase(rate: float = 50, p99: float = 100.0, **changes: Any) -> dict[str, Any]:
    """A load generator's answer to `steady`, as board_load.mjs prints it."""
    sent = int(rate * 10)
    answer = {
        "type": "phase",
        "name": f"{rate:g}/s",
        "rate": rate,
        "seconds": 10,
        "boards": 1,
        "clients": 1000,
        "writers": writers_for(rate),
        "sent": sent,
        "send_seconds": 10.0,
        "acked": sent,
        "errors": {},
        "unanswered": 0,
        "expected": sent * 1000,
        "delivered": sent * 1000,
        "lost": 0,
        "latency": latency(p99 / 2, p99),
        "quarters": [latency(p99 / 2, p99)] * 4,
        "ack": latency(5, 10),
        "tail_ms": 30,
        "after_end": 0,
        "frames": {"event": sent * 1000, "events": 0},
        "repeated": 0,
        "dropped": 0,
        "loadgen_cpu_percent": 40.0,
        "loadgen_busy_percent": 50.0,
        "server_cpu_percent": 60.0,
        "server_rss_mb": 100.0,
    }
    return answer | changes


def test_a_backlog_is_latency_growing_over_the_run_or_deliveries_after_the_end():
    assert not growing_backlog(phase())
    rising = [latency(10, 20), latency(30, 40), latency(50, 60), latency(90, 99)]
    assert growing_backlog(phase(quarters=rising))
    assert growing_backlog(phase(tail_ms=1500))
    # 5 ms against 2 ms is jitter, not a backlog.
    small = [latency(2, 3), latency(2, 3), latency(3, 4), latency(5, 6)]
    assert not growing_backlog(phase(quarters=small))


def test_a_ramp_step_passes_within_the_p99_with_nothing_lost_refused_or_unsent():
    assert step_passes(phase(p99=250), 250)
    assert not step_passes(phase(p99=251), 250)
    assert not step_passes(phase(lost=1), 250)
    assert not step_passes(phase(errors={"rate_limited": 1}), 250)
    assert not step_passes(phase(unanswered=3), 250)
    assert not step_passes(phase(send_seconds=12.0), 250)
    assert not step_passes(phase(tail_ms=5000), 250)


def test_the_ramp_doubles_then_refines_between_the_best_pass_and_the_first_failure():
    assert next_ramp_rate([], 10, 1000) == 10
    assert next_ramp_rate([(10, True), (20, True)], 10, 1000) == 40
    assert next_ramp_rate([(10, True), (20, True)], 10, 30) is None
    assert next_ramp_rate([(10, True), (20, False)], 10, 1000) == 14.1
    assert next_ramp_rate([(10, True), (20, False), (14.1, True)], 10, 1000) == 16.8
    assert next_ramp_rate([(10, True), (20, False), (14.1, False)], 10, 1000) == 11.9
    done = [(10, True), (20, False), (14.1, True), (16.8, True)]
    assert next_ramp_rate(done, 10, 1000) is None
    assert next_ramp_rate([(10, False)], 10, 1000) is None
    assert next_ramp_rate([(10, True), (20, False)], 10, 1000, refinements=0) is None


def test_the_best_passing_step_is_below_the_lowest_failure():
    steps = [phase(10), phase(20), phase(40, p99=900), phase(28.3, lost=2)]
    assert best_passing(steps, 250)["rate"] == 20
    assert best_passing([phase(10, p99=300)], 250) is None


def test_a_saturated_load_generator_or_refused_sends_are_noted():
    assert load_note(phase()) == ""
    assert "load generator saturated" in load_note(phase(loadgen_busy_percent=95.0))
    assert load_note(phase(errors={"rate_limited": 3}, unanswered=2)) == (
        "of 500 cards sent: 3 rate_limited, 2 unanswered"
    )
    assert "2 dropped" in load_note(phase(dropped=2))


def test_ratios_and_verdicts():
    assert ratio(3.0, 2.0) == 1.5
    assert ratio(3.0, 0) is None
    assert ratio(None, 2.0) is None
    assert verdict(True, True) == "PASS"
    assert verdict(True, False) == "MISS"
    assert verdict(True, None) == "n/a"
    assert verdict(None, False) == "MISS"
    assert writers_for(50) == 50
    assert writers_for(5) == 5
    assert writers_for(800) == 80


def session(p99: float, ramp: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "joined": {"type": "joined", "clients": 1000, "failures": {}},
        "rss_joined_mb": 120.0,
        "steady": phase(p99=p99),
        "ramp": ramp,
    }


def bare(p99: float, best: float) -> dict[str, Any]:
    ramp = [phase(best / 2), phase(best), phase(best * 2, p99=400)]
    return {"big": session(p99, ramp), "small": session(p99 / 2, [])}


def test_the_table_has_each_scenario_per_server_with_ratios_and_verdicts():
    product = bare(120.0, 20)
    product["big"]["storm"] = {
        "clients": 1000,
        "resynced": 1000,
        "failures": {},
        "modes": {"events": 1000},
        "all_resynced_seconds": 3.2,
        "resync": latency(1500, 3100),
        "server_cpu_percent": 95.0,
    }
    results = {
        "flask": bare(100.0, 40),
        "node": bare(50.0, 160),
        "product": product,
        "joins": {"error": "RuntimeError: flask init-db failed"},
        "cluster": {"unavailable": "deploy.cluster cannot be imported"},
    }
    rows = {(row.scenario, row.server): row for row in table_rows(results, QUICK)}
    big = f"1 board, N={QUICK.big}, 50/s"
    product_big = rows[(big, "GreenPact")]
    assert product_big.vs_flask == pytest.approx(1.2)
    assert product_big.vs_node == pytest.approx(2.4)
    assert product_big.verdict == "MISS"  # slower than bare Flask-SocketIO
    assert rows[(big, "bare Flask-SocketIO")].verdict == ""
    small = rows[(f"1 board, N={QUICK.small}, 50/s", "GreenPact")]
    assert small.verdict == "PASS"  # 60 ms against 1.5 × 50 ms
    ramp = rows[(f"max sustained, N={QUICK.big}", "GreenPact")]
    assert ramp.result == 20 * 1000
    assert ramp.vs_flask == pytest.approx(0.5)
    assert ramp.verdict == "MISS"
    storm = next(row for row in rows.values() if row.scenario.startswith("reconnect"))
    assert (storm.result, storm.verdict) == (3.2, "PASS")
    assert rows[(f"memory, N={QUICK.big} joined", "GreenPact")].verdict == "PASS"
    assert [row.verdict for row in rows.values() if "events" in row.scenario] == [
        "ERROR"
    ]
    cluster = next(row for row in rows.values() if row.scenario.startswith("cluster"))
    assert cluster.verdict == "n/a"
    assert "not available" in cluster.note
    table = format_table(rows.values())
    assert table.splitlines()[0].split()[:4] == ["scenario", "server", "p50", "ms"]
    assert "(not available: deploy.cluster cannot be imported)" in table


def test_a_stored_run_is_judged_again_from_its_raw_results(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    stored = tmp_path / "board.json"
    document = {
        "settings": asdict(QUICK),
        "started": "2026-12-06T14:00:00+00:00",
        "results": {"flask": bare(100.0, 40), "product": bare(60.0, 20)},
    }
    stored.write_text(json.dumps(document))
    reprint(stored)
    printed = capsys.readouterr().out
    assert printed.startswith("make bench-board (quick), 2026-12-06T14:00:00+00:00")
    assert "max sustained, N=200" in printed


def test_clients_that_never_joined_are_said_and_miss_the_target():
    product = bare(60.0, 20)
    product["small"]["joined"] = {"planned": 50, "clients": 45, "failures": {"x": 5}}
    rows = table_rows({"flask": bare(100.0, 40), "product": product}, QUICK)
    scenario = f"1 board, N={QUICK.small}, 50/s"
    small = next(r for r in rows if (r.scenario, r.server) == (scenario, "GreenPact"))
    assert small.verdict == "MISS"
    assert small.note.startswith("45 of 50 joined")


def test_cards_never_acknowledged_miss_the_target_though_nothing_is_lost():
    product = bare(60.0, 20)
    unanswered = phase(acked=0, unanswered=500, expected=0, delivered=0)
    product["big"]["steady"] = unanswered | {"latency": latency(None, None)}
    rows = table_rows({"flask": bare(100.0, 40), "product": product}, QUICK)
    scenario = f"1 board, N={QUICK.big}, 50/s"
    big = next(r for r in rows if (r.scenario, r.server) == (scenario, "GreenPact"))
    assert (big.lost, big.verdict) == (0, "MISS")
    assert "500 unanswered" in big.note


def test_a_ramp_where_no_step_passed_shows_a_bound_and_misses():
    product = bare(120.0, 20)
    product["big"]["ramp"] = [phase(10, p99=400)]
    rows = table_rows({"flask": bare(100.0, 40), "product": product}, QUICK)
    ramp = next(
        r for r in rows if r.scenario.startswith("max") and r.server == "GreenPact"
    )
    assert ramp.result_text == "< 10,000 deliveries/s"
    assert ramp.verdict == "MISS"


def flooded(p99: float, acks: dict[str, int]) -> dict[str, Any]:
    """The flood scenario's results: the bystanders' phases alone and beside a
    flood, as run_flood returns them."""
    sent = sum(acks.values())
    flood = {"board": 2, "rate": 500, "sent": sent, "acks": acks}
    return {
        "joined": {"type": "joined", "planned": 52, "clients": 52, "failures": {}},
        "rss_joined_mb": 110.0,
        "alone": phase(20, p99=80.0),
        "flood": phase(20, p99=p99, flood=flood),
    }


def test_the_flood_rows_judge_the_bystanders_p99_against_the_same_run_without():
    limited = {"ok": 100, "rate_limited": 1400}
    scenario = f"bystanders, N={QUICK.flood_clients}, 20/s"

    alone, beside = flood_rows({"flood": flooded(150.0, limited)}, QUICK)

    assert (alone.scenario, alone.p99, alone.target) == (
        f"{scenario}, no flood",
        80.0,
        "baseline",
    )
    assert (beside.scenario, beside.p99) == (f"{scenario}, flood beside", 150.0)
    assert beside.verdict == "PASS"  # under 2 × 80 ms
    assert "1.88 × no flood's" in beside.note
    assert "1500 cards at 500/s to another board: 100 ok, 1400 rate_limited" in (
        beside.note
    )
    # Over 2 × the baseline but within 250 ms: still served promptly.
    assert flood_rows({"flood": flooded(240.0, limited)}, QUICK)[1].verdict == "PASS"
    assert flood_rows({"flood": flooded(260.0, limited)}, QUICK)[1].verdict == "MISS"
    # A flood nobody limited, or left unanswered, misses whatever the latency.
    unlimited = flooded(90.0, {"ok": 1500})
    assert flood_rows({"flood": unlimited}, QUICK)[1].verdict == "MISS"
    unanswered = flooded(90.0, limited)
    unanswered["flood"]["flood"]["sent"] += 7
    rows = flood_rows({"flood": unanswered}, QUICK)
    assert rows[1].verdict == "MISS"
    assert "7 unanswered" in rows[1].note
    cut_off = flooded(90.0, limited | {"cut off": 30})
    cut_off["flood"]["flood"] |= {"sent": 1600, "dropped": True}
    rows = flood_rows({"flood": cut_off}, QUICK)
    assert rows[1].verdict == "PASS"  # the product's defence, not a failure
    assert rows[1].note.endswith("70 unanswered; the server cut it off")
    lost = flooded(90.0, limited)
    lost["flood"]["lost"] = 3
    assert flood_rows({"flood": lost}, QUICK)[1].verdict == "MISS"
    assert [row.verdict for row in flood_rows({"flood": {"error": "x"}}, QUICK)] == [
        "ERROR",
        "ERROR",
    ]
    assert flood_rows({}, QUICK) == []


# bench-board: the load generators and the product's data, against real servers.


def require_node() -> None:
    installed = (ROOT / "node_modules" / "socket.io-client").is_dir()
    require_service(
        bool(shutil.which("node")) and installed, "Node with node_modules (make vendor)"
    )


def node_module(script: str) -> Any:
    done = subprocess.run(
        ["node", "--input-type=module", "-e", script],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout)


def test_the_load_generators_percentiles_are_nearest_rank():
    require_node()
    result = node_module(
        'import { percentile, summarise } from "./bench/load_common.mjs";'
        "const values = Float64Array.from({ length: 100 }, (_, i) => i + 1);"
        "console.log(JSON.stringify({"
        "  p50: percentile(values, 0.5), p99: percentile(values, 0.99),"
        "  p100: percentile(values, 1), none: percentile([], 0.5),"
        "  one: summarise(Float64Array.from([7.25])) }));"
    )
    assert result["p50"] == 50
    assert result["p99"] == 99
    assert result["p100"] == 100
    assert result["none"] is None
    assert result["one"] == {"count": 1, "p50": 7.3, "p90": 7.3, "p99": 7.3, "max": 7.3}


def test_the_board_load_generator_counts_each_event_of_an_events_frame(
    tmp_path: Path,
):
    require_node()
    port = free_port()
    # The bare server batches each board's events of 100 ms into one `events` frame.
    with serving("bare", bare_flask(port, batch_ms=100), port, core=None) as server:
        clients = [{"board": 1, "token": None}] * 3 + [{"board": 2, "token": None}] * 2
        plan = {"url": server.url, "clients": clients}
        with load_generator("board_load.mjs", plan, tmp_path, core=None) as generator:
            assert generator.first["failures"] == {}
            command = {"rate": 20, "seconds": 1, "writers": 2, "drain_seconds": 10}
            answer = generator.request({"cmd": "steady", "name": "t", **command})
    assert answer["sent"] == answer["acked"] == 40
    assert answer["expected"] == 20 * 3 + 20 * 2
    assert answer["delivered"] == answer["expected"]
    assert answer["lost"] == 0
    assert answer["latency"]["count"] == answer["delivered"]
    assert answer["frames"]["event"] == 0
    # Several events a frame, each counted.
    assert 0 < answer["frames"]["events"] < answer["delivered"]


def test_the_registration_load_generator_registers_through_the_form(tmp_path: Path):
    require_node()
    port = free_port()
    command = [sys.executable, "-m", "bench.registration_server", str(port), "reg"]
    env = product_env(tmp_path, port)
    with serving("registration", command, port, env, core=None) as server:
        plan = {"url": server.url, "slug": "reg", "sessions": 2}
        with load_generator("registration_load.mjs", plan, tmp_path, None) as load:
            answer = load.request({"cmd": "post", "rate": 10, "seconds": 0.5})
    assert answer["sent"] == 5
    assert answer["statuses"] == {"accepted": 5}


@contextmanager
def one_process_cluster(workdir: Path, processes: int = 2) -> Iterator[Any]:
    """A stand-in for deploy.cluster.running: one `python app.py` on SQLite."""
    workdir.mkdir()
    port = free_port()
    env = product_env(workdir, port)
    with serving("cluster", PRODUCT, port, env, core=None) as server:
        settings = ("DATABASE_URL", "SECRET_KEY", "PUBLIC_URL")
        yield SimpleNamespace(
            url=server.url,
            env={key: env[key] for key in settings},
            app_pids=server.pids,
        )


def test_the_cluster_scenario_drives_many_boards_through_deploy_cluster(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    require_node()
    monkeypatch.setitem(sys.modules, "deploy.cluster", SimpleNamespace())
    assert "has no running()" in run_cluster(tmp_path, QUICK)["unavailable"]
    monkeypatch.setitem(
        sys.modules, "deploy.cluster", SimpleNamespace(running=one_process_cluster)
    )
    small = replace(QUICK, cluster_boards=2, cluster_clients=3, cluster_seconds=1)
    result = run_cluster(tmp_path, small)
    assert result["joined"]["failures"] == {}
    steady = result["steady"]
    assert (steady["boards"], steady["clients"], steady["sent"]) == (2, 6, 10)
    assert steady["errors"] == {}
    assert steady["delivered"] == steady["expected"] == 10 * 3


def test_the_flood_scenario_floods_one_board_while_the_bystanders_write_another(
    tmp_path: Path,
):
    require_node()
    small = replace(
        QUICK,
        flood_clients=3,
        flood_rate=10,
        flood_sends=200,
        flood_seconds=1,
        drain_seconds=30,
    )

    result = run_flood(tmp_path, small)

    assert result["joined"]["failures"] == {}
    for name in ("alone", "flood"):
        bystanders = result[name]
        assert (bystanders["boards"], bystanders["sent"]) == (1, 10), name
        assert bystanders["errors"] == {}, name
        assert bystanders["delivered"] == bystanders["expected"] == 10 * 3, name
    assert "flood" not in result["alone"]
    flood = result["flood"]["flood"]
    assert flood["sent"] == sum(flood["acks"].values())
    assert set(flood["acks"]) == {"ok", "rate_limited"}
    assert flood["dropped"] is False


def test_the_board_data_comes_from_the_operator_commands(tmp_path: Path):
    database = f"sqlite:///{tmp_path / 'setup.sqlite3'}"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database})
    try:
        made = create_boards(app, [2, 3], "test")
    finally:
        with app.app_context():
            db.engine.dispose()
    assert [len(board["participants"]) for board in made["boards"]] == [2, 3]
    assert all(p["token"] for board in made["boards"] for p in board["participants"])
    assert made["staff"]["token"]


def test_the_join_benchmark_times_a_snapshot_and_a_replay():
    result = measure(cards=4, replay=2, rounds=1)
    assert (result["snapshot"]["mode"], result["snapshot"]["cards"]) == ("snapshot", 4)
    replay = result["replay_join"]
    assert (replay["mode"], replay["events"]) == ("events", 2)
