"""The board page during a breakout, over HTTP: a participant in a running group is
shown their group's board (and never another's), a facilitator follows the group they
ask for, and once the breakout ends the main board shows, without JavaScript, the
cards that came back with their group."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from core.models import Theme
from extensions import db
from tests.workshops.conftest import open_participant_session
from tests.workshops.factories import approved_people, load_workshop, running_workshop
from workshops.board.breakout import apply_breakout
from workshops.board.path import apply_board_change
from workshops.enrolment import enrol_people

BOARD_ID = re.compile(r'data-board="(\d+)"')


def cid() -> dict[str, str]:
    return {"cid": uuid.uuid4().hex}


@pytest.fixture
def room(
    pact: int,
    official: int,
    make_registration: Callable[..., dict[str, Any]],
) -> dict[str, Any]:
    """A running workshop in the ideas phase, two participants split by hand into
    two groups."""
    workshop = running_workshop(official, pact)
    alice, bob = approved_people(make_registration, 2)
    enrol_people(official, workshop, [alice, bob])
    main = load_workshop(workshop).board.id
    apply_board_change(main, official, "board:phase", {**cid(), "phase": "ideas"})
    started = apply_breakout(
        main,
        official,
        "breakout:start",
        {
            **cid(),
            "groups": 2,
            "mode": "manual",
            "assignment": {str(alice): 1, str(bob): 2},
        },
    )
    groups = [group["board"] for group in started["groups"]]
    theme = db.session.scalars(select(Theme.id).where(Theme.pact_id == pact)).first()
    return {
        "workshop": workshop,
        "main": main,
        "groups": groups,
        "official": official,
        "people": [alice, bob],
        "theme": theme,
    }


def shown_board(client: FlaskClient, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200
    match = BOARD_ID.search(response.get_data(as_text=True))
    assert match
    return int(match.group(1))


def test_a_participant_is_shown_their_own_groups_board_whatever_they_ask(
    app: Flask, client: FlaskClient, room: dict[str, Any]
):
    alice = room["people"][0]
    open_participant_session(client, room["workshop"], alice)
    url = f"/w/{room['workshop']}/board"
    own, other = room["groups"]

    assert shown_board(client, url) == own
    assert shown_board(client, f"{url}?board={other}") == own
    assert shown_board(client, f"{url}?board={room['main']}") == own


def test_a_facilitator_follows_the_group_they_ask_for_and_nothing_else(
    client: FlaskClient, room: dict[str, Any], login: Callable[[int], None]
):
    login(room["official"])
    url = f"/w/{room['workshop']}/board"
    one, two = room["groups"]

    assert shown_board(client, url) == room["main"]
    assert shown_board(client, f"{url}?board={two}") == two
    assert shown_board(client, f"{url}?board=999999") == room["main"]
    assert shown_board(client, f"{url}?board=abc") == room["main"]
    page = client.get(f"{url}?board={one}").get_data(as_text=True)
    assert "Back to the main board" in page


def test_after_the_end_the_main_board_shows_each_card_with_its_group(
    client: FlaskClient, room: dict[str, Any], login: Callable[[int], None]
):
    alice = room["people"][0]
    apply_board_change(
        room["groups"][0],
        alice,
        "card:create",
        {**cid(), "theme": room["theme"], "text": "Bike racks"},
    )
    apply_breakout(room["main"], room["official"], "breakout:end", cid())
    open_participant_session(client, room["workshop"], alice)

    page = client.get(f"/w/{room['workshop']}/board").get_data(as_text=True)

    assert BOARD_ID.search(page).group(1) == str(room["main"])  # type: ignore[union-attr]
    card = page[page.index("Bike racks") - 600 : page.index("Bike racks")]
    assert "from group 1" in card
