"""The nginx site rendered from deploy/nginx-site.conf: every node in the balanced
group and in a group of its own, long-polling routed by the session id's node prefix,
no placeholder left, bad node names refused; its access log masks personal tokens,
codes and e-mail addresses (a real nginx in front of a stand-in node)."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

from deploy.cluster import start_nginx, wait_until_serving
from deploy.nginx import NodeAddress, main, render_site
from tests.conftest import free_port, require_service
from tests.deploy.conftest import nginx_available

NODES = [NodeAddress("app1", "127.0.0.1:8001"), NodeAddress("app2", "127.0.0.1:8002")]


def test_the_site_routes_each_session_to_its_node_and_balances_the_rest():
    site = render_site(NODES, "80", "pact.example.org")

    assert not re.search(r"@[A-Z_]+@", site), "a placeholder is left"
    balanced = site.split("upstream greenpact {")[1].split("}")[0]
    assert "least_conn;" in balanced
    assert "server 127.0.0.1:8001 max_fails=1" in balanced
    assert "server 127.0.0.1:8002 max_fails=1" in balanced
    assert "upstream greenpact_app1 {\n    server 127.0.0.1:8001;\n}" in site
    assert "    ~^app1[.] greenpact_app1;" in site
    assert "    ~^app2[.] greenpact_app2;" in site
    assert "listen 80;" in site
    assert "server_name pact.example.org;" in site
    directives = [line for line in site.splitlines() if "#" not in line]
    assert not [line for line in directives if "hash" in line], "one venue, one node"


@pytest.mark.parametrize("name", ["", "app 1", "app1.x", "a" * 33, "app1;"])
def test_a_node_name_nginx_or_the_session_id_could_not_carry_is_refused(name: str):
    with pytest.raises(ValueError, match="node name"):
        NodeAddress(name, "127.0.0.1:8001")


def test_the_command_prints_the_site_for_the_nodes_given(
    capsys: pytest.CaptureFixture[str],
):
    main(["--listen", "127.0.0.1:8080", "app1=127.0.0.1:8001", "b-2=10.0.0.2:8000"])

    site = capsys.readouterr().out
    assert "listen 127.0.0.1:8080;" in site
    assert "    ~^b-2[.] greenpact_b-2;" in site


def test_the_command_refuses_a_node_without_an_address(
    capsys: pytest.CaptureFixture[str],
):
    with pytest.raises(SystemExit):
        main(["app1"])
    assert "expected NAME=HOST:PORT" in capsys.readouterr().err


# --- the access log: no personal token, code or e-mail address -----------------------

SECRETS_IN_URLS = {
    "/w/12/join/eyJwIjoxMiwidyI6M30.c2lnbmF0dXJl": "/w/12/join/[token]",
    "/w/12/join/eyJwIjoxMiwidyI6M30.c2lnbmF0dXJl?lang=ro": "/w/12/join/[token]?lang=ro",
    "/me/link/eyJzIjo0fQ.U2lnbmF0dXJl": "/me/link/[token]",
    "/me/link/new": "/me/link/new",
    "/join?code=K7QP2M": "/join?[masked]",
    "/join?lang=ro&CODE=K7QP2M": "/join?[masked]",
    "/me/link/new?email=maria%40ecopack.ro": "/me/link/new?[masked]",
    "/p/ilfov/x/eyJhIjoxfQ.c2ln/more": "/p/ilfov/x/[token]/more",
    "/p/ilfov?lang=ro": "/p/ilfov?lang=ro",
}


def logged_requests(log_file: Path, count: int) -> tuple[str, list[str]]:
    """The access log and the paths of its requests, without the start-up
    probe's handshake, once `count` of them are there: nginx writes a
    request's line after the answer has gone, so the last one may lag."""
    deadline = time.monotonic() + 10
    while True:
        log = log_file.read_text()
        logged = [
            path
            for path in re.findall(r'"GET (\S+) HTTP/1.1"', log)
            if not path.startswith("/socket.io/")
        ]
        if len(logged) >= count or time.monotonic() > deadline:
            return log, logged
        time.sleep(0.05)


class Answer200(BaseHTTPRequestHandler):
    """A stand-in node: 200 to everything, nothing logged."""

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture
def nginx_in_front(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """Debian's nginx with the rendered site in front of a stand-in node; its URL
    and its folder (logs)."""
    require_service(nginx_available(), "Debian's nginx (apt-get install nginx)")
    node = ThreadingHTTPServer(("127.0.0.1", 0), Answer200)
    thread = threading.Thread(target=node.serve_forever, daemon=True)
    thread.start()
    nodes = [NodeAddress("app1", f"127.0.0.1:{node.server_address[1]}")]
    url = f"http://127.0.0.1:{free_port()}"
    nginx = start_nginx(nodes, url.removeprefix("http://"), tmp_path)
    try:
        wait_until_serving(url, nginx)
        yield url, tmp_path
    finally:
        nginx.stop()
        node.shutdown()
        node.server_close()


def test_nginx_logs_requests_with_tokens_codes_and_emails_masked(
    nginx_in_front: tuple[str, Path],
):
    url, folder = nginx_in_front
    with requests.Session() as http:
        http.trust_env = False
        for path in SECRETS_IN_URLS:
            referer = url + "/me/link/eyJzIjo0fQ.U2lnbmF0dXJl"
            response = http.get(url + path, headers={"Referer": referer}, timeout=10)
            assert response.status_code == 200

    log, logged = logged_requests(folder / "nginx-access.log", len(SECRETS_IN_URLS))
    assert logged == list(SECRETS_IN_URLS.values())
    for secret in ("eyJ", "K7QP2M", "maria", "c2ln"):
        assert secret not in log
    assert " -> 127.0.0.1:" in log  # which node answered is still logged
