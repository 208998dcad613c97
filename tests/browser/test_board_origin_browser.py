"""The live board in Chromium on a server started as a fresh deployment starts it:
`python app.py` on a port other than 5000 and no PUBLIC_URL (tests/board/conftest.py
`server_env` passes none), so the page's own origin is what lets it in; and what the
page says when the server refuses the connection."""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ViewportSize, expect

from tests.browser.conftest import (
    PHONE,
    TIMEOUT_MS,
    LiveBoardServer,
    Pages,
    add_card,
    card_texts,
)

pytestmark = pytest.mark.browser
PROBE_WAIT_MS = 15_000  # static/js/board/connection.js PROBE_AFTER_MS, and a margin


def server_environment(live: LiveBoardServer) -> dict[str, str]:
    """The environment the running `python app.py` was started with."""
    raw = Path(f"/proc/{live.server.process.pid}/environ").read_bytes()
    pairs = (item.split(b"=", 1) for item in raw.split(b"\0") if b"=" in item)
    return {key.decode(): value.decode() for key, value in pairs}


def test_a_board_on_any_port_without_public_url_connects_and_shares_cards(
    pages: Pages, live: LiveBoardServer
):
    environment = server_environment(live)
    assert "PUBLIC_URL" not in environment
    assert environment["PORT"] != "5000"
    assert live.url.endswith(f":{environment['PORT']}")
    setup = live.new_board(phase="ideas")

    writer = pages.participant(setup, 0)  # waits for "Connected"
    reader = pages.participant(setup, 1)
    add_card(writer, setup, "Shared pallets across the industrial park")

    expect(
        card_texts(reader, "Shared pallets across the industrial park")
    ).to_have_count(1)
    assert (
        live.cards_with(setup.board, "Shared pallets across the industrial park") == 1
    )


class HostRewritingProxy:
    """A TCP relay in front of the server that passes every request on with the
    server's own `Host` instead of the one the browser sent, like a reverse proxy
    that does not forward the Host (nginx's default): the server then sees a page
    whose origin is not its own. WebSockets pass through once upgraded."""

    def __init__(self, target: str) -> None:
        self.target_port = int(target.rsplit(":", 1)[1])
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.listener.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()
        self.host = (
            b"Host: 127.0.0.1:%d\r\n" % self.port,
            b"Host: 127.0.0.1:%d\r\n" % self.target_port,
        )
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:  # closed
                return
            server = socket.create_connection(("127.0.0.1", self.target_port))
            with self.lock:
                self.sockets += [client, server]
                if self.listener.fileno() == -1:  # closed meanwhile
                    client.close()
                    server.close()
                    return
            threading.Thread(
                target=self._relay, args=(client, server, True), daemon=True
            ).start()
            threading.Thread(
                target=self._relay, args=(server, client, False), daemon=True
            ).start()

    def _relay(self, source: socket.socket, sink: socket.socket, rewrite: bool) -> None:
        try:
            while chunk := source.recv(65536):
                sink.sendall(chunk.replace(*self.host) if rewrite else chunk)
            sink.shutdown(socket.SHUT_WR)
        except OSError:  # either side closed
            pass

    def close(self) -> None:
        with self.lock:
            self.listener.close()
            for sock in self.sockets:
                sock.close()


@pytest.fixture
def proxy(live: LiveBoardServer) -> Iterator[HostRewritingProxy]:
    relay = HostRewritingProxy(live.url)
    try:
        yield relay
    finally:
        relay.close()


def test_a_refused_origin_says_so_plainly_and_offers_to_try_again(
    browser: Browser, live: LiveBoardServer, proxy: HostRewritingProxy
):
    """The server refuses the page's origin (HTTP 400, or a WebSocket closed at
    once), which the page's socket cannot tell from a network failure: the page
    asks the server."""
    setup = live.new_board(phase="ideas")
    # Not `pages`: the refused handshakes are console errors in this test.
    context = browser.new_context(locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        page.goto(proxy.url + f"/w/{setup.workshop}/join/{setup.participants[0].token}")
        page.wait_for_url(re.compile(r"/me$"))
        page.goto(proxy.url + f"/w/{setup.workshop}/board")

        # Over WebSocket the page asks the server after PROBE_AFTER_MS (4 s).
        expect(page.get_by_role("status")).to_have_text(
            f"The server refused the connection from this address, {proxy.url}. Open "
            "the board at the address you were given, or ask whoever runs the server "
            "to accept this one.",
            timeout=PROBE_WAIT_MS,
        )
        assert page.locator("#board").get_attribute("data-connection") == "offline"
        expect(page.get_by_role("button", name="Try again")).to_be_visible()
        assert f"{proxy.url} is not an accepted origin" in live.server.log_text()
    finally:
        context.close()


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["laptop", "phone"])
def test_an_unauthorized_refusal_shows_the_servers_reason_and_try_again_reconnects(
    pages: Pages, live: LiveBoardServer, viewport: ViewportSize | None
):
    setup = live.new_board(phase="ideas")
    page = pages.participant(setup, 0, viewport)
    retry = page.get_by_role("button", name="Try again")
    expect(retry).to_be_hidden()

    # The session is gone (as after a logout elsewhere); the next connection fails.
    page.context.clear_cookies()
    page.context.set_offline(True)
    page.context.set_offline(False)

    expect(page.get_by_role("status")).to_have_text(
        "The board did not let you in: you are not logged in. Open your join link "
        "again or log in, then try again."
    )
    expect(retry).to_be_visible()
    expect(retry).to_be_in_viewport()

    rejoin = page.context.new_page()
    rejoin.goto(live.url + f"/w/{setup.workshop}/join/{setup.participants[0].token}")
    rejoin.wait_for_url(re.compile(r"/me$"))
    rejoin.close()
    retry.click()

    expect(page.get_by_role("status")).to_have_text("Connected")
    expect(retry).to_be_hidden()


def test_the_refusal_is_said_in_the_visitors_language(
    pages: Pages, live: LiveBoardServer
):
    setup = live.new_board(phase="ideas")
    page = pages.participant(setup, 0)
    page.goto(live.url + f"/w/{setup.workshop}/board?lang=ro")
    expect(page.get_by_role("status")).to_have_text("Conectat")

    page.context.clear_cookies()
    page.context.set_offline(True)
    page.context.set_offline(False)

    expect(page.get_by_role("status")).to_have_text(
        "Panoul nu v-a permis accesul: nu sunteți autentificat(ă). Deschideți din nou "
        "linkul de participare sau autentificați-vă, apoi încercați din nou."
    )
    expect(page.get_by_role("button", name="Încercați din nou")).to_be_visible()
