"""A local GreenPact cluster: N gunicorn processes (as `make serve` runs one), each
with its own NODE_NAME and port, sharing the Redis message queue, the rate limits in
Redis and one PostgreSQL database, behind Debian's nginx rendered from
deploy/nginx-site.conf. `make serve-cluster` runs `python -m deploy.cluster` until
Ctrl-C or SIGTERM; tests and benchmarks call `start_cluster` and `Cluster.stop`.

Redis and PostgreSQL are the machine's services (their URLs from the environment);
`prepare_database` creates the database if it is missing and migrates it, once,
before the nodes start. nginx runs in the foreground under this module, never as
the system service, with its configuration, logs and temporary files in the
cluster's folder (the CLI's is `instance/cluster/`, or $CLUSTER_FOLDER)."""

from __future__ import annotations

import os
import pwd
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

from config import INSTANCE, ROOT
from deploy.nginx import NodeAddress, render_site

GUNICORN_CONFIG = ROOT / "deploy" / "gunicorn_conf.py"
DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/greenpact"
DEFAULT_MESSAGE_QUEUE = "redis://127.0.0.1:6379/0"
STARTUP_TIMEOUT = 60.0
STOP_TIMEOUT = 20.0
HANDSHAKE = "/socket.io/?EIO=4&transport=polling"


class ClusterError(RuntimeError):
    """A part of the cluster did not start; the message carries its log's end."""


@dataclass
class Process:
    """One started program (a node's gunicorn, or nginx) in a session of its own, so
    that a Ctrl-C in the terminal reaches only this module, which stops them in
    order, and so that killing the session takes gunicorn's worker with it."""

    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    def alive(self) -> bool:
        return self.popen.poll() is None

    def log_tail(self, lines: int = 40) -> str:
        if not self.log.exists():
            return ""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def terminate(self) -> None:
        """SIGTERM: gunicorn shuts down gracefully (GRACEFUL_TIMEOUT), nginx fast."""
        if self.alive():
            self.popen.terminate()

    def stop(self) -> None:
        """SIGTERM, then SIGKILL for whatever of its session is left after
        STOP_TIMEOUT."""
        if self.alive():
            self.terminate()
            try:
                self.popen.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                pass
        self.kill()

    def kill(self) -> None:
        """SIGKILL to the whole session at once: a crash, nothing cleaned up."""
        try:
            os.killpg(self.popen.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.popen.wait(timeout=STOP_TIMEOUT)


@dataclass
class Node:
    """One app process: its NODE_NAME, its own URL (bypassing nginx) and process."""

    name: str
    url: str
    process: Process


@dataclass
class Cluster:
    url: str  # nginx: what visitors open
    nodes: list[Node]
    nginx: Process
    folder: Path

    def processes(self) -> list[Process]:
        return [self.nginx, *(node.process for node in self.nodes)]

    def stop(self) -> None:
        """nginx first, so that nobody is sent to a node that is going away; then
        the nodes, all told at once, since each may wait GRACEFUL_TIMEOUT."""
        self.nginx.stop()
        for node in self.nodes:
            node.process.terminate()
        for node in self.nodes:
            node.process.stop()


def cluster_environment(env: Mapping[str, str]) -> dict[str, str]:
    """The settings every node shares: `env` with the cluster's defaults where it
    says nothing (PostgreSQL, the Redis queue, rate limits counted in that Redis,
    one trusted proxy hop)."""
    queue = env.get("SOCKETIO_MESSAGE_QUEUE") or DEFAULT_MESSAGE_QUEUE
    return {
        **env,
        "DATABASE_URL": env.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
        "SOCKETIO_MESSAGE_QUEUE": queue,
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI") or queue,
        "TRUSTED_PROXY_HOPS": env.get("TRUSTED_PROXY_HOPS") or "1",
    }


def start_cluster(
    env: Mapping[str, str],
    folder: Path,
    listen: tuple[str, int],
    node_ports: Sequence[int],
) -> Cluster:
    """Start one gunicorn per port in `node_ports` (NODE_NAME app1, app2, …) and
    nginx on `listen`, on a migrated database (`prepare_database`); return once
    each answers an Engine.IO handshake, directly and through nginx. Logs and
    nginx's files go to `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    host, port = listen
    url = f"http://{host}:{port}"
    shared = {"PUBLIC_URL": url, **cluster_environment(env)}
    raise_open_files_limit()
    nodes: list[Node] = []
    started: list[Process] = []
    try:
        for n, node_port in enumerate(node_ports, start=1):
            node = start_node(f"app{n}", node_port, shared, folder)
            nodes.append(node)
            started.append(node.process)
        for node in nodes:
            wait_until_serving(node.url, node.process)
        addresses = [NodeAddress(node.name, node.url.split("//")[1]) for node in nodes]
        nginx = start_nginx(addresses, f"{host}:{port}", folder)
        started.append(nginx)
        wait_until_serving(url, nginx)
    except BaseException:
        for process in reversed(started):
            process.stop()
        raise
    return Cluster(url, nodes, nginx, folder)


def prepare_database(env: Mapping[str, str], folder: Path) -> None:
    """Create the cluster's database if missing and migrate it, once for all nodes
    (what `make serve` does before its one process)."""
    settings = cluster_environment(env)
    ensure_database(settings["DATABASE_URL"])
    folder.mkdir(parents=True, exist_ok=True)
    migrate(settings, folder / "init-db.log")


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database of `url` when it does not exist yet."""
    parsed = make_url(url)
    if not parsed.drivername.startswith(("postgres", "postgresql")):
        return
    name = parsed.database
    admin = parsed.set(drivername="postgresql", database="postgres")
    with psycopg.connect(
        admin.render_as_string(hide_password=False), autocommit=True
    ) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
        ).fetchone()
        if exists is None:
            conn.execute(f'CREATE DATABASE "{name}"')


def migrate(env: Mapping[str, str], log: Path) -> None:
    """`flask --app app init-db`, once for all nodes (never concurrently)."""
    with log.open("wb") as output:
        result = subprocess.run(  # noqa: S603 - our own interpreter and arguments
            [sys.executable, "-m", "flask", "--app", "app", "init-db"],
            cwd=ROOT,
            env=dict(env),
            stdout=output,
            stderr=subprocess.STDOUT,
            check=False,
        )
    if result.returncode != 0:
        raise ClusterError(f"init-db failed:\n{log.read_text(errors='replace')}")


def raise_open_files_limit() -> None:
    """Each connection is a file for gunicorn and two for nginx: let the children
    (who inherit the limit) use as many as the hard limit allows."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def launch(name: str, command: list[str], env: Mapping[str, str], log: Path) -> Process:
    with log.open("wb") as output:
        popen = subprocess.Popen(  # noqa: S603 - our own programs and arguments
            command,
            cwd=ROOT,
            env=dict(env),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Process(name, popen, log)


def start_node(name: str, port: int, shared: Mapping[str, str], folder: Path) -> Node:
    """The same gunicorn as `make serve`, as node `name` on 127.0.0.1:`port`."""
    env = {**shared, "NODE_NAME": name, "HOST": "127.0.0.1", "PORT": str(port)}
    process = launch(name, gunicorn_command(), env, folder / f"{name}.log")
    return Node(name, f"http://127.0.0.1:{port}", process)


def gunicorn_command() -> list[str]:
    """What `make serve` runs after init-db (with this interpreter's gunicorn)."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        str(GUNICORN_CONFIG),
        "app:create_app()",
    ]


def nginx_binary() -> str:
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")
    if found is None:
        raise ClusterError(
            "nginx is missing: `apt-get install nginx` (make serve-cluster does)"
        )
    return found


def nginx_main_config(folder: Path) -> str:
    """nginx.conf for a foreground nginx whose every file is in `folder`, around
    the GreenPact site. Started by root (CI), its workers keep root's identity:
    the default, nobody, could not reach the temporary folders under a private
    test directory."""
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};\n" if os.geteuid() == 0 else ""
    temporary = "".join(
        f"    {kind}_temp_path {folder / 'nginx-temp' / kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        f"{user}daemon off;\n"
        "worker_processes auto;\n"
        f"pid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'nginx.log'} warn;\n"
        "events {\n    worker_connections 10000;\n}\n"
        "http {\n"
        f"{temporary}"
        f"    include {folder / 'greenpact-site.conf'};\n"
        "}\n"
    )


def start_nginx(nodes: Sequence[NodeAddress], listen: str, folder: Path) -> Process:
    site = render_site(nodes, listen, "_", str(folder / "nginx-access.log"))
    (folder / "greenpact-site.conf").write_text(site)
    config = folder / "nginx.conf"
    config.write_text(nginx_main_config(folder))
    (folder / "nginx-temp").mkdir(exist_ok=True)
    command = [
        nginx_binary(),
        "-p",
        str(folder),
        "-c",
        str(config),
        "-e",
        str(folder / "nginx.log"),
    ]
    return launch("nginx", command, os.environ, folder / "nginx.log")


def wait_until_serving(url: str, process: Process) -> None:
    """Until `url` answers an Engine.IO handshake (the app, and the routing to it,
    are up); a ClusterError with the log's end if the process exits or time runs
    out."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if not process.alive():
            raise ClusterError(f"{process.name} exited:\n{process.log_tail()}")
        try:
            with opener.open(url + HANDSHAKE, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.1)
    raise ClusterError(
        f"{process.name} did not serve {url} within {STARTUP_TIMEOUT:g} s:\n"
        f"{process.log_tail()}"
    )


def serve(env: Mapping[str, str], folder: Path) -> int:
    """`make serve-cluster`: nginx on $HOST:$PORT, CLUSTER_PROCESSES nodes on the
    ports after it, until Ctrl-C, SIGTERM, SIGHUP or the end of whoever started this
    (make, a shell): then 0; or until a process exits or does not start: then 1.
    Everything started is stopped either way."""
    host = env.get("HOST", "127.0.0.1")
    port = int(env.get("PORT", "5000"))
    count = int(env.get("CLUSTER_PROCESSES", "2"))
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _interrupt)
    try:
        prepare_database(env, folder)
        cluster = start_cluster(
            env, folder, (host, port), [port + n for n in range(1, count + 1)]
        )
    except ClusterError as error:
        print(error, file=sys.stderr)  # noqa: T201
        return 1
    except KeyboardInterrupt:
        return 0
    try:
        print(_started(cluster), flush=True)  # noqa: T201
        return _watch(cluster)
    except KeyboardInterrupt:
        return 0
    finally:
        cluster.stop()


def _watch(cluster: Cluster) -> int:
    """Until a process of the cluster exits (1), or this one's parent (0): a
    cluster outlives nobody who started it."""
    parent = os.getppid()
    while os.getppid() == parent:
        for process in cluster.processes():
            if not process.alive():
                print(f"{process.name} exited:\n{process.log_tail()}")  # noqa: T201
                return 1
        time.sleep(1)
    return 0


def _interrupt(signum: int, frame: object) -> None:
    """Every stopping signal as Ctrl-C (SIGINT included: a shell starting this in
    the background hands it over ignored)."""
    raise KeyboardInterrupt


def _started(cluster: Cluster) -> str:
    nodes = ", ".join(
        f"{node.name} {node.url} (pid {node.process.popen.pid})"
        for node in cluster.nodes
    )
    return (
        f"GreenPact is serving on {cluster.url} through nginx "
        f"(pid {cluster.nginx.popen.pid}): {nodes}. Logs in {cluster.folder}. "
        "Ctrl-C stops them all."
    )


if __name__ == "__main__":
    sys.exit(
        serve(os.environ, Path(os.environ.get("CLUSTER_FOLDER", INSTANCE / "cluster")))
    )


@dataclass
class Running:
    """A cluster started by `running`: where visitors go, the environment the
    operator's commands need (the same database and signing key), and the app
    processes that do the work (each node's gunicorn worker)."""

    url: str
    env: dict[str, str]
    app_pids: list[int]


@contextmanager
def running(workdir: Path, processes: int = 2) -> Iterator[Running]:
    """A throw-away cluster for benchmarks: its own new PostgreSQL database (dropped
    afterwards) beside the machine's Redis, `processes` nodes and nginx on free
    ports; everything stopped on exit."""
    base = cluster_environment(os.environ)
    name = f"greenpact_bench_{secrets.token_hex(4)}"
    database = make_url(base["DATABASE_URL"]).set(database=name)
    env = {
        **base,
        "DATABASE_URL": database.render_as_string(hide_password=False),
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_hex(16),
        "MAIL_SENDER": "0",
    }
    ports = [_free_port() for _n in range(processes + 1)]
    try:
        prepare_database(env, workdir)
        cluster = start_cluster(env, workdir, ("127.0.0.1", ports[0]), ports[1:])
        try:
            workers = [_children(node.process.popen.pid) for node in cluster.nodes]
            shared = {**env, "PUBLIC_URL": cluster.url}
            yield Running(
                cluster.url, shared, [pid for pids in workers for pid in pids]
            )
        finally:
            cluster.stop()
    finally:
        drop_database(env["DATABASE_URL"])


def drop_database(url: str) -> None:
    parsed = make_url(url)
    admin = parsed.set(drivername="postgresql", database="postgres")
    with psycopg.connect(
        admin.render_as_string(hide_password=False), autocommit=True
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _children(pid: int) -> list[int]:
    """A gunicorn master's workers (the master itself when it has none)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found or [pid]
