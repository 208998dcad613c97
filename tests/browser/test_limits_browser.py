"""Rate limits in Chromium, as people meet them: a walk-in who mistypes the code
joins with the right one at the next try; the registration page refused for too many
attempts says how long to wait, in the visitor's language; the board opened in one
window too many says why it cannot connect, and connects once a window is closed."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from core.pacts import find_pact
from extensions import db
from stakeholders.models import Person
from tests.board.conftest import NAMESPACE, WAIT_TIMEOUT, BoardClient
from tests.browser.conftest import (
    OFFICIAL_EMAIL,
    LiveBoardServer,
    LiveServer,
    Pages,
    fits_the_screen,
)
from tests.browser.test_registration_browser import fill_registration_form
from workshops.models import Workshop
from workshops.scheduling import WorkshopData, create_workshop, set_workshop_status

pytestmark = pytest.mark.browser

CONNECTIONS = 5  # BOARD_CONNECTIONS_PER_PERSON's default
WRONG_CODE = "Acest cod nu este valabil în acest moment."


def running_workshop_code(live_server: LiveServer) -> str:
    with live_server.app.app_context():
        try:
            pact = find_pact("ilfov")
            assert pact is not None
            official = db.session.scalars(
                select(Person.id).where(Person.email == OFFICIAL_EMAIL)
            ).one()
            start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)
            end = start + timedelta(hours=3)
            data = WorkshopData("Circular packaging", starts_at=start, ends_at=end)
            created = create_workshop(official, pact.id, data)
            set_workshop_status(official, created["workshop"], "running")
            workshop = db.session.get(Workshop, created["workshop"])
            assert workshop is not None
            return workshop.join_code
        finally:
            db.session.remove()


def test_a_walk_in_with_a_typo_joins_with_the_right_code_next(
    phone: Page, live_server: LiveServer
):
    page = phone  # a walk-in types the code shown in the room on their phone
    code = running_workshop_code(live_server)
    typo = code[:-1] + ("A" if code[-1] != "A" else "B")
    page.goto(live_server.url("/join"))
    page.locator("[name=code]").fill(typo)
    page.locator("[name=contact_name]").fill("Ion Ionescu")
    page.locator("[name=contact_email]").fill("ion@fermaverde-demo.ro")
    page.locator("[name=organisation_name]").fill("Ferma Verde SRL")
    page.locator("[name=kind]").select_option("sme")
    page.locator("input[name=consent]").check()
    page.locator("form.form button[type=submit]").click()

    expect(
        page.get_by_text("Acest cod nu este valabil în acest moment.").first
    ).to_be_visible()
    assert fits_the_screen(page)
    page.locator("[name=code]").fill(code)
    page.locator("input[name=consent]").check()
    page.locator("form.form button[type=submit]").click()

    page.wait_for_url(re.compile(r"/me$"))
    expect(page.get_by_text("Bun venit! V-ați alăturat atelierului.")).to_be_visible()
    expect(page.get_by_text("Circular packaging").first).to_be_visible()
    assert fits_the_screen(page)


def test_the_refused_registration_page_says_how_long_to_wait(
    page: Page, live_server: LiveServer
):
    live_server.app.config["REGISTRATION_ADDRESS_LIMIT"] = "1 per hour"
    page.goto(live_server.url("/p/ilfov/register?lang=ro"))
    fill_registration_form(page)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/p/ilfov/registered$"))

    page.goto(live_server.url("/p/ilfov/register"))
    fill_registration_form(page)
    page.locator("[name=contact_email]").fill("ana@altafirma-demo.ro")
    page.locator("[name=registration_number]").fill("J23/9999/2021")
    page.locator("form.form button[type=submit]").click()

    expect(page.locator("h1")).to_have_text(re.compile(r"^\s*Prea multe încercări\s*$"))
    expect(page.locator("main")).to_contain_text(
        "Vă rugăm să așteptați 60 de minute înainte de a încerca din nou."
    )


@pytest.fixture
def held(live: LiveBoardServer) -> Iterator[list[BoardClient]]:
    clients: list[BoardClient] = []
    try:
        yield clients
    finally:
        for client in clients:
            client.disconnect()
            client.shutdown()


def test_one_window_too_many_on_the_board_says_why_and_connects_once_one_closes(
    pages: Pages, live: LiveBoardServer, held: list[BoardClient]
):
    setup = live.new_board(phase="ideas")
    pages.participant(setup, 0)  # one window
    token = setup.participants[0].token
    for _n in range(CONNECTIONS - 1):  # and four more connections elsewhere
        client = BoardClient()
        client.connect(
            live.url,
            namespaces=[NAMESPACE],
            transports=["websocket"],
            auth={"token": token, "board": setup.board},
            wait_timeout=WAIT_TIMEOUT,
        )
        held.append(client)

    page = pages.new_page()
    page.goto(live.url + f"/w/{setup.workshop}/join/{token}")
    page.wait_for_url(re.compile(r"/me$"))
    page.goto(live.url + f"/w/{setup.workshop}/board")

    expect(page.get_by_role("status")).to_have_text(
        "This board is already open in too many of your windows or devices. Close "
        "one of them, then try again."
    )
    held.pop().disconnect()
    page.get_by_role("button", name="Try again").click()
    expect(page.get_by_role("status")).to_have_text("Connected")
