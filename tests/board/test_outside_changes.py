"""A change made outside the board to a commitment that sits on an open board reaches
that board as a board event: the official agrees it on the staff pages, its lead signs
it through the personal link of the e-mails — both over HTTP to a real `python
app.py`, watched by a participant's Socket.IO client on the same server."""

from __future__ import annotations

import re
from typing import Any

import requests

from commitments.operations import member_link
from extensions import db
from stakeholders.models import Person
from tests.board.conftest import OFFICIAL_EMAIL, PACT, BoardSetup, LiveBoard
from tests.conftest import PASSWORD

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf(session: requests.Session, url: str) -> str:
    found = CSRF.search(session.get(url, timeout=10).text)
    assert found is not None, f"no form on {url}"
    return found.group(1)


def drafted(live_board: LiveBoard, setup: BoardSetup) -> int:
    lead = setup.participants[0]
    facilitator = live_board.joined(setup.facilitator, setup.board)
    assert facilitator.change(setup.board, "board:phase", phase="draft")["ok"]
    ack = live_board.joined(lead.token, setup.board).change(
        setup.board,
        "commitment:create",
        title="Reusable crates",
        theme=setup.themes[0],
        lead=lead.organisation,
        indicator={"name": "Boxes", "unit": "k", "baseline": 0, "target": 12},
        deadline="2030-12-31",
    )
    assert ack["ok"], ack
    assert facilitator.change(setup.board, "board:phase", phase="sign")["ok"]
    return int(ack["commitment"]["id"])


def last_event(watcher: Any, board: int, seq: int) -> dict[str, Any]:
    assert watcher.wait_for_seq(board, seq), f"seq {seq} never reached the board"
    return next(e for e in watcher.events_of(board) if e["seq"] == seq)


def test_an_official_agreeing_on_the_staff_pages_shows_on_the_open_board(
    live_board: LiveBoard,
):
    setup = live_board.new_board(participants=2)
    commitment = drafted(live_board, setup)
    watcher = live_board.joined(setup.participants[1].token, setup.board)
    seq = watcher.join(setup.board)["seq"]

    official = requests.Session()
    login = f"{live_board.url}/login"
    response = official.post(
        login,
        data={
            "email": OFFICIAL_EMAIL,
            "password": PASSWORD,
            "csrf_token": csrf(official, login),
        },
        timeout=10,
        allow_redirects=False,
    )
    assert response.status_code == 302
    compile_page = f"{live_board.url}/staff/p/{PACT}/pact"
    response = official.post(
        f"{compile_page}/commitments/{commitment}/agree",
        data={"csrf_token": csrf(official, compile_page)},
        timeout=10,
        allow_redirects=False,
    )
    assert response.status_code == 302

    event = last_event(watcher, setup.board, seq + 1)
    assert event["type"] == "commitment:update"
    assert event["data"]["commitment"]["id"] == commitment
    assert event["data"]["commitment"]["status"] == "agreed"
    assert event["actor"]["name"] == "Olga Official"


def test_a_lead_signing_through_the_personal_link_shows_on_the_open_board(
    live_board: LiveBoard,
):
    setup = live_board.new_board(participants=2)
    commitment = drafted(live_board, setup)
    watcher = live_board.joined(setup.participants[1].token, setup.board)
    seq = watcher.join(setup.board)["seq"]
    lead = setup.participants[0]
    with live_board.seeder.app.test_request_context():
        person = db.session.get(Person, lead.person)
        assert person is not None
        link = member_link(person)
        db.session.remove()

    member = requests.Session()
    path = link[link.index("/me/link/") :]
    opened = member.get(f"{live_board.url}{path}", timeout=10)
    assert opened.status_code == 200
    response = member.post(
        f"{live_board.url}/me/commitments/{commitment}/sign",
        data={
            "organisation": str(lead.organisation),
            "csrf_token": csrf(member, f"{live_board.url}/me/commitments"),
        },
        timeout=10,
        allow_redirects=False,
    )
    assert response.status_code == 303, response.text

    event = last_event(watcher, setup.board, seq + 1)
    assert event["type"] == "commitment:sign"
    assert event["data"]["signature"]["organisation"]["id"] == lead.organisation
    assert event["data"]["commitment"]["status"] == "draft"
