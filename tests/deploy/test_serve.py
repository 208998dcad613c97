"""One production process as `make serve` runs it (gunicorn with gevent-websocket's
worker, deploy/gunicorn_conf.py), on its own without a proxy: it serves pages and the
live board over WebSocket and long-polling, believes no X-Forwarded-For by default,
and warns at start-up, as `python app.py` does, when PUBLIC_URL is not where it
listens (unless a proxy is in front)."""

from __future__ import annotations

import logging
import runpy
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
import requests

from app import create_app
from deploy.cluster import (
    GUNICORN_CONFIG,
    gunicorn_command,
    launch,
    wait_until_serving,
)
from tests.board.conftest import LiveBoard, LiveServers, Seeder, Server, server_env
from tests.conftest import free_port
from tests.deploy.conftest import REGISTRATION_LIMIT, register, visitor


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServers]:
    """`make serve`'s gunicorn on a SQLite file, the environment saying nothing of
    proxies."""
    folder = tmp_path_factory.mktemp("serve")
    database_url = f"sqlite:///{folder / 'serve.sqlite3'}"
    seeder = Seeder(database_url)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = server_env(
        database_url,
        PORT=str(port),
        PUBLIC_URL=url,
        REGISTRATION_ADDRESS_LIMIT=f"{REGISTRATION_LIMIT} per hour",
    )
    for unset in ("TRUSTED_PROXY_HOPS", "NODE_NAME", "GUNICORN_CMD_ARGS"):
        env.pop(unset, None)
    process = launch("serve", gunicorn_command(), env, folder / "serve.log")
    try:
        wait_until_serving(url, process)
        yield LiveServers([Server(url, process.popen, process.log)], seeder)
    finally:
        process.stop()
        seeder.close()


@pytest.fixture
def served_board(served: LiveServers) -> Iterator[LiveBoard]:
    board = LiveBoard(served)
    try:
        yield board
    finally:
        board.close()


def test_the_serve_process_serves_pages_and_the_board_over_websocket_and_polling(
    served: LiveServers, served_board: LiveBoard
):
    url = served.servers[0].url
    with requests.Session() as http:
        http.trust_env = False
        assert http.get(url + "/p/ilfov/register", timeout=30).status_code == 200
    setup = served_board.new_board(2)
    clients = []
    transports = ("websocket", "polling")
    for seat, transport in zip(setup.participants, transports, strict=True):
        client = served_board.client()
        client.open(url, seat.token, transport=transport)
        assert client.eio.current_transport == transport
        assert client.join(setup.board)["ok"]
        clients.append(client)
    served_board.set_phase(setup, "ideas")

    ack = clients[1].change(
        setup.board, "card:create", theme=setup.themes[0], text="Shared bikes"
    )

    assert ack["ok"], ack
    for client in clients:
        assert client.wait_for_seq(setup.board, ack["seq"])
        assert client.seqs(setup.board) == [1, 2]


def test_a_forged_x_forwarded_for_is_ignored_when_no_proxy_hop_is_trusted(
    served: LiveServers,
):
    url = served.servers[0].url
    forger = visitor("127.0.0.1")

    statuses = [
        register(forger, url, {"X-Forwarded-For": f"203.0.113.{n}"})
        for n in range(REGISTRATION_LIMIT + 1)
    ]

    assert statuses == [302] * REGISTRATION_LIMIT + [429]


@pytest.mark.parametrize(
    ("hops", "warned"), [(0, True), (1, False)], ids=["alone", "behind-a-proxy"]
)
def test_the_serve_process_warns_when_public_url_is_not_where_it_listens(
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    hops: int,
    warned: bool,
):
    settings = runpy.run_path(str(GUNICORN_CONFIG))
    monkeypatch.setenv("HOST", "127.0.0.1")
    monkeypatch.setenv("PORT", "8080")
    app = create_app(
        {
            "TESTING": True,
            "PUBLIC_URL": "http://127.0.0.1:5000",
            "TRUSTED_PROXY_HOPS": hops,
        }
    )

    with caplog.at_level(logging.WARNING, logger="greenpact"):
        settings["post_worker_init"](SimpleNamespace(wsgi=app))

    warning = "PUBLIC_URL is http://127.0.0.1:5000 but this server listens on"
    assert (warning in caplog.text) == warned, caplog.text
