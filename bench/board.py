"""`make bench-board`: one live board, a real `python app.py` (gevent) server, N
socket.io clients (Node, bench/board_load.mjs) of which 10 write cards at a total
rate; prints delivery latency percentiles, delivered/expected and the server's CPU,
beside a baseline measured in the same run (the 10 writers alone, same rate).

usage: python -m bench.board [CLIENTS ...] [--rate 50] [--seconds 10]"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def flask(env: dict[str, str], *args: str) -> str:
    command = [sys.executable, "-m", "flask", "--app", "app", *args]
    return subprocess.run(
        command, cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def prepare(env: dict[str, str], clients: int) -> tuple[int, int, str, str]:
    flask(env, "init-db")
    flask(env, "create-pact", "--slug", "bench", "--title", "Bench", "--territory", "B")
    flask(
        env,
        "create-user",
        "--email",
        "f@bench.ro",
        "--name",
        "F",
        "--role",
        "official",
        "--password",
        "bench-password",
        "--pact",
        "bench",
    )
    created = json.loads(
        flask(
            env,
            "create-workshop",
            "--pact",
            "bench",
            "--title",
            "Bench",
            "--starts",
            "2026-01-01T00:00+00:00",
            "--hours",
            "24",
        )
    )
    rows = (
        flask(
            env,
            "bulk-participants",
            "--workshop",
            str(created["workshop"]),
            "--count",
            str(clients),
        )
        .strip()
        .splitlines()
    )
    staff = flask(env, "token", "--email", "f@bench.ro").strip()
    return (
        created["board"],
        created["workshop"],
        staff,
        "\n".join(r.split(",")[2] for r in rows),
    )


def run(clients: int, rate: float, seconds: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
            "SECRET_KEY": "bench",
            "PORT": str(port),
            "HOST": "127.0.0.1",
            "PUBLIC_URL": f"http://127.0.0.1:{port}",
        }
        board, _workshop, staff, tokens = prepare(env, clients)
        tokens_file = Path(folder) / "tokens.txt"
        tokens_file.write_text(tokens)
        server = subprocess.Popen(
            [sys.executable, "app.py"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_until_up(port)
            open_ideas_phase(port, staff, board)
            before = cpu_seconds(server.pid)
            started = time.monotonic()
            output = subprocess.run(
                [
                    "node",
                    "bench/board_load.mjs",
                    f"http://127.0.0.1:{port}",
                    str(tokens_file),
                    str(board),
                    "1",
                    str(rate),
                    str(seconds),
                    str(min(clients, 10)),
                ],
                cwd=ROOT,
                check=True,
                capture_output=True,
                text=True,
                timeout=600,
            ).stdout
            elapsed = time.monotonic() - started
            result: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
            print(f"  {clients} clients: {json.dumps(result)}", file=sys.stderr)
            result["server_cpu_percent"] = (
                100 * (cpu_seconds(server.pid) - before) / elapsed
            )
            return result
        finally:
            server.terminate()
            server.wait(timeout=10)


def wait_until_up(port: int) -> None:
    for _attempt in range(100):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1):  # noqa: S310
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("server did not start")


def open_ideas_phase(port: int, token: str, board: int) -> None:
    import socketio  # the dev requirement python-socketio[client]

    client = socketio.Client()
    client.connect(
        f"http://127.0.0.1:{port}",
        namespaces=["/board"],
        auth={"token": token},
        transports=["websocket"],
    )
    client.call("join", {"board": board}, namespace="/board")
    ack = client.call(
        "board:phase",
        {"board": board, "cid": "bench-phase", "phase": "ideas"},
        namespace="/board",
    )
    client.disconnect()
    if not ack.get("ok"):
        raise RuntimeError(f"could not open the ideas phase: {ack}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("clients", nargs="*", type=int, default=[200])
    parser.add_argument("--rate", type=float, default=50.0, help="edits per second")
    parser.add_argument("--seconds", type=float, default=10.0)
    options = parser.parse_args()
    # Baseline: the same edits with no audience beyond the 10 writers.
    rows = [("baseline (10)", run(10, options.rate, options.seconds))]
    rows += [
        (f"{n} clients", run(n, options.rate, options.seconds)) for n in options.clients
    ]
    print(
        f"{options.rate:g} edits/s for {options.seconds:g} s; send-to-delivery latency"
    )
    columns = [
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "delivered/expected",
        "errors",
        "server CPU",
    ]
    widths = [8, 8, 8, 20, 7, 11]
    print(
        f"{'run':14} "
        + " ".join(f"{c:>{w}}" for c, w in zip(columns, widths, strict=True))
    )
    for name, r in rows:
        ratio = f"{r['delivered']}/{r['expected']}"
        print(
            f"{name:14} {r['p50'] or 0:8.1f} {r['p95'] or 0:8.1f} {r['p99'] or 0:8.1f} "
            f"{ratio:>20} {r['errors']:7d} {r['server_cpu_percent']:10.0f}%"
        )


if __name__ == "__main__":
    main()
