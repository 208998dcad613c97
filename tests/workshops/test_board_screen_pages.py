"""The projector screen over HTTP (issue 19, item 4): staff of the workshop's pact open
it, participants are refused, anyone else never learns it exists; it carries the join
code and its QR code, the wall without hidden cards, authors or vote totals, in the
visitor's language, with no inline script or style; the staff workshop page and the
facilitator's board link to it."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.workshops import test_board_pages
from tests.workshops.conftest import open_participant_session
from tests.workshops.factories import approved_people, load_workshop, new_workshop
from tests.workshops.test_board_pages import Setup
from workshops.board.breakout import apply_breakout
from workshops.board.path import apply_board_change
from workshops.enrolment import enrol_people

SCREEN = "screen"
# The board pages' running workshop with two participants and a facilitator.
setup = test_board_pages.setup


def test_anonymous_visitors_are_sent_to_log_in(
    client: FlaskClient, setup: Setup
) -> None:
    response = client.get(setup.url(SCREEN))

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("role", ["official", "facilitator"])
def test_staff_of_the_pact_open_the_screen(
    client: FlaskClient, setup: Setup, login: Callable[[int], None], role: str
) -> None:
    login(setup.official if role == "official" else setup.facilitator)

    response = client.get(setup.url(SCREEN))

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    join_code = load_workshop(setup.workshop).join_code
    assert f">{join_code}<" in page
    assert '<svg role="img"' in page
    assert f"/join?code={join_code}" in page
    assert 'id="screen-presence"' in page
    assert 'id="screen-timer"' in page
    assert page.count('class="screen-column"') == len(setup.themes)


def test_an_enrolled_participant_is_refused(client: FlaskClient, setup: Setup) -> None:
    open_participant_session(client, setup.workshop, setup.participants[0])

    assert client.get(setup.url(SCREEN)).status_code == 403


def test_staff_of_another_pact_get_404(
    client: FlaskClient,
    setup: Setup,
    make_staff: Callable[..., int],
    login: Callable[[int], None],
) -> None:
    login(make_staff("official", pacts=("torino",)))

    assert client.get(setup.url(SCREEN)).status_code == 404


def test_a_participant_of_another_workshop_and_an_unknown_workshop_get_404(
    client: FlaskClient,
    setup: Setup,
    pact: int,
    make_registration: Callable[..., dict[str, Any]],
    login: Callable[[int], None],
) -> None:
    other = new_workshop(setup.official, pact)
    (stranger,) = approved_people(make_registration, 1)
    enrol_people(setup.official, other, [stranger])
    open_participant_session(client, other, stranger)
    assert client.get(setup.url(SCREEN)).status_code == 404

    login(setup.official)
    assert client.get("/w/999999/screen").status_code == 404


def test_the_room_sees_no_hidden_card_no_author_and_no_votes_before_the_reveal(
    client: FlaskClient, setup: Setup, login: Callable[[int], None]
) -> None:
    alice, bob = setup.participants
    setup.phase("ideas")
    shown = setup.change(alice, "card:create", theme=setup.themes[0], text="Reuse")
    hidden = setup.change(bob, "card:create", theme=setup.themes[0], text="Rude")
    setup.change(setup.facilitator, "card:hide", card=hidden["card"]["id"], hidden=True)
    setup.phase("vote")
    setup.change(bob, "vote:cast", card=shown["card"]["id"])
    login(setup.facilitator)

    page = client.get(setup.url(SCREEN)).get_data(as_text=True)

    assert ">Reuse<" in page
    assert "Rude" not in page
    assert shown["card"]["author"]["name"] not in page
    assert "Votes: 1" not in page
    assert "Votes are hidden until the facilitator reveals them." in page


def test_the_screen_speaks_the_visitors_language(
    client: FlaskClient, setup: Setup, login: Callable[[int], None]
) -> None:
    login(setup.official)

    page = client.get(setup.url(SCREEN) + "?lang=ro").get_data(as_text=True)

    assert '<html lang="ro">' in page
    assert "Ecran pentru proiector" in page
    assert "Rezultatele votului" in page


def test_the_screen_has_no_inline_script_or_style(
    client: FlaskClient, setup: Setup, login: Callable[[int], None]
) -> None:
    login(setup.facilitator)

    page = client.get(setup.url(SCREEN)).get_data(as_text=True)

    scripts = re.findall(r"<script\b([^>]*)>", page)
    assert 'type="module" src="/static/js/screen.js"' in " ".join(scripts)
    for attributes in scripts:
        assert 'type="application/json"' in attributes or (
            'type="module"' in attributes and 'src="/static/' in attributes
        ), attributes
    assert not re.search(r"\sstyle=", page)
    assert not re.search(r"\son[a-z]+=", page)


def test_the_staff_workshop_page_and_the_facilitators_board_link_to_the_screen(
    client: FlaskClient, setup: Setup, login: Callable[[int], None], app: Flask
) -> None:
    participant = app.test_client()
    open_participant_session(participant, setup.workshop, setup.participants[0])
    login(setup.facilitator)
    link = re.compile(
        rf'<a href="/w/{setup.workshop}/screen" target="_blank" rel="noopener">'
        r"Projector screen"
    )

    detail = client.get(f"/staff/p/ilfov/workshops/{setup.workshop}")
    board = client.get(setup.url("board"))

    assert link.search(detail.get_data(as_text=True))
    assert link.search(board.get_data(as_text=True))
    assert "Projector screen" not in participant.get(setup.url("board")).get_data(
        as_text=True
    )


def test_cards_back_from_a_breakout_group_show_their_group(
    client: FlaskClient, setup: Setup, login: Callable[[int], None]
) -> None:
    alice, bob = setup.participants
    setup.phase("ideas")
    started = apply_breakout(
        setup.board,
        setup.facilitator,
        "breakout:start",
        {
            "cid": "screen-split",
            "groups": 2,
            "mode": "manual",
            "assignment": {str(alice): 1, str(bob): 2},
        },
    )
    group_board = next(g["board"] for g in started["groups"] if alice in g["members"])
    apply_board_change(
        group_board,
        alice,
        "card:create",
        {"cid": "screen-group-card", "theme": setup.themes[0], "text": "From afar"},
    )
    apply_breakout(setup.board, setup.facilitator, "breakout:end", {"cid": "back"})
    login(setup.facilitator)

    page = client.get(setup.url(SCREEN)).get_data(as_text=True)

    assert ">From afar<" in page
    assert "from group 1" in page
