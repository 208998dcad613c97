"""The processes of `make bench-board`: the servers measured (the product's `python
app.py`, the bare Flask-SocketIO and Node socket.io baselines, the registration
server), each pinned to core 1 and the load generators to core 0 when `taskset`
exists and there are two cores; their CPU and memory read from /proc; and the
driver of a load generator, which answers one JSON line per command."""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
TICKS = os.sysconf("SC_CLK_TCK")
SERVER_CORE = 1
LOAD_CORE = 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def can_pin() -> bool:
    return shutil.which("taskset") is not None and (os.cpu_count() or 1) >= 2


def pinned(command: Sequence[str], core: int | None) -> list[str]:
    """The command, on one core when that is possible (and a core is given)."""
    if core is None or not can_pin():
        return list(command)
    return ["taskset", "-c", str(core), *command]


def cpu_seconds(pids: Sequence[int]) -> float:
    """User + system CPU seconds of the processes so far."""
    total = 0.0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / TICKS
    return total


def rss_mb(pids: Sequence[int]) -> float:
    """Resident memory of the processes, in MB (VmRSS from /proc)."""
    total_kb = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total_kb += int(line.split()[1])
    return total_kb / 1024


@dataclass
class Server:
    """A server being measured: its URL and the processes whose CPU and memory
    count."""

    name: str
    url: str
    pids: list[int] = field(default_factory=list)


def wait_for_port(port: int, process: subprocess.Popen[bytes], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port} after {seconds:g} s")


@contextmanager
def serving(
    name: str,
    command: Sequence[str],
    port: int,
    env: Mapping[str, str] | None = None,
    core: int | None = SERVER_CORE,
    log: Path | None = None,
) -> Iterator[Server]:
    """Run a server (on the server core, unless told otherwise) until the block
    ends; its output goes to `log`, if given."""
    with contextlib.ExitStack() as stack:
        output: Any = subprocess.DEVNULL
        if log is not None:
            log.parent.mkdir(parents=True, exist_ok=True)
            output = stack.enter_context(log.open("w"))
        yield from _serve(name, command, port, env, core, output)


def _serve(
    name: str,
    command: Sequence[str],
    port: int,
    env: Mapping[str, str] | None,
    core: int | None,
    output: Any,
) -> Iterator[Server]:
    process = subprocess.Popen(
        pinned(command, core),
        cwd=ROOT,
        env=dict(env or os.environ),
        stdout=output,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_port(port, process, 60)
        yield Server(name, f"http://127.0.0.1:{port}", [process.pid])
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def bare_flask(port: int, batch_ms: float = 0) -> list[str]:
    command = [sys.executable, "-m", "bench.bare_flask", str(port)]
    return [*command, "--batch-ms", str(batch_ms)] if batch_ms else command


def bare_node(port: int) -> list[str]:
    return ["node", str(BENCH / "bare_node.mjs"), str(port)]


PRODUCT = [sys.executable, "app.py"]


def product_env(folder: Path, port: int) -> dict[str, str]:
    """The environment of `python app.py` (and of its operator commands) on a SQLite
    file in `folder`, served on `port`."""
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
        "SECRET_KEY": "bench-secret-key",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "PUBLIC_URL": f"http://127.0.0.1:{port}",
    }


class LoadGenerator:
    """A Node load generator (board_load.mjs or registration_load.mjs) started with a
    plan; `first` is its first answer, `request` sends one command and returns its
    answer. Its progress goes to stderr."""

    def __init__(
        self, script: str, plan: dict[str, Any], folder: Path, core: int | None
    ) -> None:
        plan_file = folder / f"plan-{time.monotonic_ns()}.json"
        plan_file.write_text(json.dumps(plan))
        self.process = subprocess.Popen(
            pinned(["node", str(BENCH / script), str(plan_file)], core),
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.first = self._answer()

    def _pipes(self) -> tuple[IO[str], IO[str]]:
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        return self.process.stdin, self.process.stdout

    def _answer(self) -> dict[str, Any]:
        line = self._pipes()[1].readline()
        if not line:
            raise RuntimeError(f"the load generator exited ({self.process.wait()})")
        answer: dict[str, Any] = json.loads(line)
        if "error" in answer:
            raise RuntimeError(f"the load generator: {answer['error']}")
        return answer

    def request(self, command: dict[str, Any]) -> dict[str, Any]:
        stdin = self._pipes()[0]
        stdin.write(json.dumps(command) + "\n")
        stdin.flush()
        return self._answer()

    def close(self) -> None:
        stdin, stdout = self._pipes()
        try:
            if self.process.poll() is None:
                stdin.write('{"cmd": "quit"}\n')
                stdin.flush()
            self.process.wait(timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()
        finally:
            for pipe in (stdin, stdout):
                with contextlib.suppress(OSError):
                    pipe.close()


@contextmanager
def load_generator(
    script: str, plan: dict[str, Any], folder: Path, core: int | None = LOAD_CORE
) -> Iterator[LoadGenerator]:
    """A load generator on the load core (or unpinned with `core=None`)."""
    generator = LoadGenerator(script, plan, folder, core)
    try:
        yield generator
    finally:
        generator.close()


def measured(
    generator: LoadGenerator, server: Server, command: dict[str, Any]
) -> dict[str, Any]:
    """The generator's answer to `command`, with the server's CPU use meanwhile (in
    % of one core) and its memory afterwards (None if the server is gone)."""
    before = _or_none(cpu_seconds, server.pids)
    started = time.monotonic()
    answer = generator.request(command)
    elapsed = time.monotonic() - started
    after = _or_none(cpu_seconds, server.pids)
    answer["server_cpu_percent"] = (
        None if before is None or after is None else 100 * (after - before) / elapsed
    )
    answer["server_rss_mb"] = _or_none(rss_mb, server.pids)
    return answer


def _or_none(read: Callable[[Sequence[int]], float], pids: Sequence[int]) -> Any:
    try:
        return read(pids)
    except FileNotFoundError:  # the process exited
        return None


class ClusterUnavailable(Exception):
    """`deploy.cluster` is not there (yet), or not in the shape expected."""


# What the benchmark expects of the production cluster's module (issue 15, part 2).
CLUSTER_INTERFACE = (
    "deploy.cluster.running(workdir: Path, processes: int = 2), a context manager "
    "that starts nginx, the app processes, Redis and PostgreSQL (schema migrated), "
    "stops them on exit, and yields an object with `url` (nginx's public URL), "
    "`env` (the app's environment: DATABASE_URL, SECRET_KEY, SOCKETIO_MESSAGE_QUEUE, "
    "PUBLIC_URL) and `app_pids` (the app processes, for RSS and CPU)"
)


@contextmanager
def cluster(
    workdir: Path, processes: int = 2
) -> Iterator[tuple[Server, dict[str, str]]]:
    """The production cluster, running, and the environment its operator commands
    need (the same database and signing key)."""
    try:
        module = importlib.import_module("deploy.cluster")
    except ImportError as exc:
        raise ClusterUnavailable(f"deploy.cluster cannot be imported ({exc})") from None
    running = getattr(module, "running", None)
    if not callable(running):
        raise ClusterUnavailable("deploy.cluster has no running()")
    with running(workdir, processes=processes) as started:
        server = Server("cluster", str(started.url), [int(p) for p in started.app_pids])
        yield server, {**os.environ, **dict(started.env)}
