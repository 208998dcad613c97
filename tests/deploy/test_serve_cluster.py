"""`make serve-cluster` as an operator runs it (`python -m deploy.cluster`): it creates
and migrates its database, starts the processes and nginx, serves through nginx, and
on SIGTERM stops every process it started."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg
import pytest
import requests

from tests.board.conftest import REPO, server_env
from tests.conftest import (
    TEST_DATABASE_URL,
    TEST_REDIS_URL,
    postgres_available,
    redis_available,
    require_service,
)
from tests.deploy.conftest import forget_limits, nginx_available

STARTUP_TIMEOUT = 90.0


def free_ports(count: int) -> int:
    """The first of `count` consecutive free ports (nginx's, then each node's)."""
    for _attempt in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            first = int(probe.getsockname()[1])
        if first + count > 65535:
            continue
        try:
            for port in range(first, first + count):
                with socket.socket() as sock:
                    sock.bind(("127.0.0.1", port))
        except OSError:
            continue
        return first
    pytest.fail(f"no {count} consecutive free ports")


def wait_for_line(log: Path, text: str, process: subprocess.Popen[bytes]) -> str:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        output = log.read_text(errors="replace") if log.exists() else ""
        for line in output.splitlines():
            if text in line:
                return line
        if process.poll() is not None:
            pytest.fail(f"deploy.cluster exited early:\n{output}")
        time.sleep(0.2)
    pytest.fail(f"deploy.cluster did not start within {STARTUP_TIMEOUT:g} s")


def group_alive(pid: int) -> bool:
    try:
        os.killpg(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_serve_cluster_serves_through_nginx_and_sigterm_stops_every_process(
    tmp_path: Path,
):
    require_service(nginx_available(), "Debian's nginx (apt-get install nginx)")
    require_service(redis_available(), "Redis (TEST_REDIS_URL)")
    require_service(postgres_available(), "PostgreSQL (TEST_DATABASE_URL)")
    admin = TEST_DATABASE_URL.replace("postgresql+psycopg://", "postgresql://")
    name = f"greenpact_test_{uuid.uuid4().hex[:12]}"
    port = free_ports(3)
    prefix = f"greenpact-test-{uuid.uuid4().hex}"
    env = server_env(
        admin.rsplit("/", 1)[0] + f"/{name}",
        SOCKETIO_MESSAGE_QUEUE=TEST_REDIS_URL,
        RATELIMIT_KEY_PREFIX=prefix,
        PORT=str(port),
        CLUSTER_PROCESSES="2",
        CLUSTER_FOLDER=str(tmp_path / "cluster"),
    )
    log = tmp_path / "serve-cluster.log"
    pids: list[int] = []
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "deploy.cluster"],
            cwd=REPO,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        started = wait_for_line(log, "is serving on", process)
        pids = [int(pid) for pid in re.findall(r"pid (\d+)", started)]
        with requests.Session() as http:
            http.trust_env = False
            handshake = http.get(
                f"http://127.0.0.1:{port}/socket.io/?EIO=4&transport=polling",
                timeout=10,
            )
        assert re.search(r'"sid":"app[12]\.', handshake.text), handshake.text

        process.send_signal(signal.SIGTERM)

        assert process.wait(timeout=60) == 0, log.read_text()
        assert len(pids) == 3, started
        assert [pid for pid in pids if group_alive(pid)] == []
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
        for pid in pids:
            if group_alive(pid):
                os.killpg(pid, signal.SIGKILL)
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        forget_limits(prefix)
