"""Fixtures of the production set-up's tests: the cluster of deploy/cluster.py (the
gunicorn processes of `make serve` behind Debian's nginx, with Redis and a
throw-away PostgreSQL database) on free ports in a temporary folder; board clients
through nginx that land on a chosen node (a session id starts with its node's
name); HTTP visitors from chosen loopback addresses (all of 127/8 is this
machine's)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import redis
import requests
from requests.adapters import HTTPAdapter

from config import SID_SEPARATOR
from deploy.cluster import Cluster, ClusterError, nginx_binary, start_cluster
from stakeholders.consent import CONSENT_VERSION
from tests.board.conftest import (
    BoardClient,
    BoardSetup,
    LiveBoard,
    LiveServers,
    Seeder,
    Server,
    isolate_board_ids,
    server_env,
)
from tests.conftest import (
    TEST_REDIS_URL,
    csrf_from,
    form_data,
    free_port,
    redis_available,
    require_service,
    throwaway_postgres_database,
)

# The registrations one address may make in an hour: a venue's worth (everyone at a
# workshop shares the venue's address, and behind nginx that address is what is
# counted); with the cluster, counted in Redis for all nodes.
REGISTRATION_LIMIT = 40
# The presence heartbeat's time to live: short, so that a dead node's people vanish
# within a test.
PRESENCE_TTL_SECONDS = 3
REGISTER = "/p/ilfov/register"


def nginx_available() -> bool:
    try:
        nginx_binary()
    except ClusterError:
        return False
    return True


@dataclass
class LiveCluster:
    """A started cluster and the seeder on its database."""

    cluster: Cluster
    seeder: Seeder

    @property
    def url(self) -> str:
        return self.cluster.url

    def node_names(self) -> list[str]:
        return [node.name for node in self.cluster.nodes]

    def board(self) -> LiveBoard:
        """A LiveBoard whose clients connect through nginx."""
        nginx = Server(
            self.cluster.url, self.cluster.nginx.popen, self.cluster.nginx.log
        )
        return LiveBoard(LiveServers([nginx], self.seeder))


@contextmanager
def running_cluster(folder: Path) -> Iterator[LiveCluster]:
    """Two nodes behind nginx on a new database, seeded with the board tests'
    pact and staff; everything stopped and removed on leaving."""
    require_service(nginx_available(), "Debian's nginx (apt-get install nginx)")
    require_service(redis_available(), "Redis (TEST_REDIS_URL)")
    prefix = f"greenpact-test-{uuid.uuid4().hex}"
    with throwaway_postgres_database() as database_url:
        seeder = Seeder(database_url)
        try:
            isolate_board_ids(seeder)
            env = server_env(
                database_url.replace("postgresql+psycopg://", "postgresql://"),
                SOCKETIO_MESSAGE_QUEUE=TEST_REDIS_URL,
                RATELIMIT_KEY_PREFIX=prefix,
                REGISTRATION_ADDRESS_LIMIT=f"{REGISTRATION_LIMIT} per hour",
                PRESENCE_TTL_SECONDS=str(PRESENCE_TTL_SECONDS),
            )
            env.pop("TRUSTED_PROXY_HOPS", None)  # the cluster's own default: 1
            cluster = start_cluster(
                env,
                folder,
                ("127.0.0.1", free_port()),
                [free_port(), free_port()],
            )
            try:
                yield LiveCluster(cluster, seeder)
            finally:
                cluster.stop()
        finally:
            seeder.close()
            forget_limits(prefix)


def forget_limits(prefix: str) -> None:
    client = redis.Redis.from_url(TEST_REDIS_URL)
    for key in client.scan_iter(f"*{prefix}*"):
        client.delete(key)


@pytest.fixture
def live_cluster(tmp_path: Path) -> Iterator[LiveCluster]:
    """A cluster of this test's own (for tests that kill a node)."""
    with running_cluster(tmp_path / "cluster") as live:
        yield live


@pytest.fixture(scope="module")
def shared_cluster(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[LiveCluster]:
    """One cluster for the module's tests that leave it whole (each uses boards and
    visitor addresses of its own)."""
    with running_cluster(tmp_path_factory.mktemp("cluster")) as live:
        yield live


@pytest.fixture
def through_nginx(shared_cluster: LiveCluster) -> Iterator[LiveBoard]:
    board = shared_cluster.board()
    try:
        yield board
    finally:
        board.close()


# --- board clients on a chosen node ------------------------------------------------


def node_of(client: BoardClient) -> str:
    """The node holding the client's session: its session id's prefix."""
    return str(client.eio.sid).split(SID_SEPARATOR)[0]


def land_on(
    board: LiveBoard, node: str, token: str, transport: str, attempts: int = 8
) -> BoardClient:
    """A client connected through nginx whose session the node `node` holds, sending
    the `Origin` of a page served through nginx, as a browser does. nginx picks the
    node (the fewest connections, else in turn), so connect until one lands there;
    the others are closed."""
    # websocket-client sends the URL's origin by itself (a second one would make
    # the header a list); over long-polling `requests` sends none.
    origin = {"Origin": board.url} if transport == "polling" else None
    seen = []
    for _attempt in range(attempts):
        client = board.client()
        client.open(board.url, token, origin, transport=transport)
        seen.append(node_of(client))
        if seen[-1] == node:
            return client
        client.disconnect()
    pytest.fail(f"no {transport} client landed on {node} through nginx: {seen}")


def on_every_node(
    live: LiveCluster, board: LiveBoard, setup: BoardSetup, transports: list[str]
) -> dict[tuple[str, str], BoardClient]:
    """(node, transport) -> a participant (one seat each) connected through nginx to
    that node over that transport, joined to the board. Long-polling first: its
    handshakes leave no connection open, so nginx takes the nodes in turn."""
    seats = iter(setup.participants)
    clients = {}
    for transport in transports:
        for node in live.node_names():
            client = land_on(board, node, next(seats).token, transport)
            assert client.join(setup.board)["ok"]
            clients[node, transport] = client
    return clients


# --- HTTP visitors -----------------------------------------------------------------


class FromAddress(HTTPAdapter):
    """Connections from a given local address (a visitor of its own)."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def visitor(address: str) -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # straight to this machine, whatever proxy is set
    session.mount("http://", FromAddress(address))
    return session


def walk_in(session: requests.Session, base_url: str, code: str) -> int:
    """Open the walk-in form and join with `code` as a new person; the status of the
    POST (302 joined, 200 shown again with an error, 429 rate-limited)."""
    page = session.get(base_url + "/join", timeout=30)
    assert page.status_code == 200, page.status_code
    n = uuid.uuid4().hex[:10]
    data = {
        "code": code,
        "contact_name": f"Walk-in {n}",
        "contact_email": f"w{n}@venue{n}.ro",
        "organisation_name": f"Venue organisation {n}",
        "kind": "sme",
        "consent": "y",
        "consent_version": CONSENT_VERSION,
        "csrf_token": csrf_from(page.text),
    }
    response = session.post(
        base_url + "/join", data=data, allow_redirects=False, timeout=30
    )
    return response.status_code


def register(
    session: requests.Session, base_url: str, headers: dict[str, str] | None = None
) -> int:
    """Open the registration form and submit a new organisation; the status of the
    POST (302 registered, 429 rate-limited)."""
    page = session.get(base_url + REGISTER, headers=headers, timeout=30)
    assert page.status_code == 200, page.status_code
    n = uuid.uuid4().hex[:10]
    data = {
        **form_data(contact_email=f"c{n}@org{n}.ro", registration_number=f"J{n}"),
        "csrf_token": csrf_from(page.text),
    }
    response = session.post(
        base_url + REGISTER,
        data=data,
        headers=headers,
        allow_redirects=False,
        timeout=30,
    )
    return response.status_code
