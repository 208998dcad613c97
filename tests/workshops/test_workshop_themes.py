"""A workshop's own themes (issue 19): chosen when the workshop is planned (every theme
of the pact ticked to begin with), they are the columns of its board; a card or a
commitment in another theme of the pact is refused as `invalid`, one of another pact
as `not_found`; a workshop with no themes stored shows every theme of the pact."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from core.models import Theme
from extensions import db
from tests.workshops.conftest import open_participant_session
from tests.workshops.factories import (
    approved_people,
    load_workshop,
    new_workshop,
    running_workshop,
)
from tests.workshops.test_pages import STAFF, post_form, workshop_form
from workshops.board.path import apply_board_change
from workshops.board.rules import BoardError
from workshops.enrolment import enrol_people
from workshops.models import Workshop

CHECKED_BOX = re.compile(r'<input[^>]*name="themes"[^>]*>')


def theme_ids(pact_id: int, *keys: str) -> list[int]:
    themes = db.session.scalars(select(Theme).where(Theme.pact_id == pact_id))
    by_key = {theme.key: theme.id for theme in themes}
    return [by_key[key] for key in keys]


def ticked_themes(html: str) -> list[str]:
    boxes = CHECKED_BOX.findall(html)
    return [
        re.search(r'value="([^"]+)"', box).group(1)  # type: ignore[union-attr]
        for box in boxes
        if "checked" in box
    ]


def column_ids(html: str) -> list[int]:
    found = re.findall(r'class="board-column"[^>]*data-theme="(\d+)"', html)
    return [int(theme) for theme in found]


def card(board: int, actor: int, theme: int) -> dict[str, Any]:
    return apply_board_change(
        board,
        actor,
        "card:create",
        {"cid": uuid.uuid4().hex, "theme": theme, "text": "Reusable crates"},
    )


@pytest.fixture
def logged_in_official(
    client: FlaskClient, official: int, login: Callable[[int], None]
) -> int:
    login(official)
    return official


def test_a_new_workshop_form_ticks_every_theme_of_the_pact(
    client: FlaskClient, logged_in_official: int, pact: int
) -> None:
    html = client.get(f"{STAFF}/new").get_data(as_text=True)

    every = [
        t.key for t in db.session.scalars(select(Theme).where(Theme.pact_id == pact))
    ]
    assert sorted(ticked_themes(html)) == sorted(every)
    assert len(every) == 5
    assert "The live board shows these themes as its columns." in html


def test_the_board_shows_only_the_themes_chosen_for_the_workshop(
    client: FlaskClient,
    logged_in_official: int,
    pact: int,
) -> None:
    response = post_form(
        client, f"{STAFF}/new", workshop_form(themes=["energy", "mobility"])
    )
    assert response.status_code == 302
    workshop = db.session.scalars(select(Workshop)).one()

    html = client.get(f"/w/{workshop.id}/board").get_data(as_text=True)

    assert column_ids(html) == theme_ids(pact, "energy", "mobility")


def test_a_workshop_without_stored_themes_shows_every_theme_on_its_board_and_form(
    client: FlaskClient, logged_in_official: int, pact: int
) -> None:
    workshop = new_workshop(logged_in_official, pact)  # planned before the choice
    assert load_workshop(workshop).themes == []

    board = client.get(f"/w/{workshop}/board").get_data(as_text=True)
    form = client.get(f"{STAFF}/{workshop}/edit").get_data(as_text=True)

    every = db.session.scalars(
        select(Theme).where(Theme.pact_id == pact).order_by(Theme.position)
    ).all()
    assert column_ids(board) == [theme.id for theme in every]
    assert sorted(ticked_themes(form)) == sorted(theme.key for theme in every)


def test_editing_the_workshops_themes_changes_the_boards_columns(
    client: FlaskClient, logged_in_official: int, pact: int
) -> None:
    workshop = new_workshop(logged_in_official, pact, theme_keys=("energy",))
    response = post_form(
        client,
        f"{STAFF}/{workshop}/edit",
        workshop_form(themes=["circular-economy", "value-chains"]),
    )
    assert response.status_code == 302

    html = client.get(f"/w/{workshop}/board").get_data(as_text=True)

    assert column_ids(html) == theme_ids(pact, "circular-economy", "value-chains")


def test_a_theme_of_another_pact_is_refused_on_the_workshop_form(
    client: FlaskClient,
    logged_in_official: int,
    make_pact: Callable[..., int],
) -> None:
    torino = make_pact("torino")
    db.session.add(Theme(pact_id=torino, key="food-waste", name="Food waste"))
    db.session.commit()

    response = post_form(
        client, f"{STAFF}/new", workshop_form(themes=["energy", "food-waste"])
    )

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "is not a valid choice" in html
    assert 'class="error-summary"' in html
    assert db.session.scalars(select(Workshop)).first() is None


@pytest.mark.usefixtures("client")
@pytest.mark.parametrize("event", ["card:create", "card:move"])
def test_a_card_in_a_pact_theme_the_workshop_does_not_use_is_invalid(
    pact: int,
    official: int,
    make_registration: Callable[..., dict[str, Any]],
    event: str,
) -> None:
    workshop = running_workshop(official, pact, theme_keys=("energy", "mobility"))
    board = load_workshop(workshop).board.id
    (alice,) = approved_people(make_registration, 1)
    enrol_people(official, workshop, [alice])
    energy, mobility, circular = theme_ids(
        pact, "energy", "mobility", "circular-economy"
    )
    apply_board_change(board, official, "board:phase", {"cid": "p", "phase": "ideas"})
    made = card(board, alice, energy)["card"]

    attempts = {
        "card:create": lambda: card(board, alice, circular),
        "card:move": lambda: apply_board_change(
            board,
            official,
            "card:move",
            {"cid": "m", "card": made["id"], "version": 1, "theme": circular},
        ),
    }
    with pytest.raises(BoardError) as refused:
        attempts[event]()

    assert refused.value.code == "invalid"
    assert "theme" in refused.value.as_ack()["error"]["fields"]
    moved = apply_board_change(
        board,
        official,
        "card:move",
        {"cid": "ok", "card": made["id"], "version": 1, "theme": mobility},
    )
    assert moved["card"]["theme"] == mobility


@pytest.mark.usefixtures("client")
def test_a_card_in_another_pacts_theme_is_not_found(
    pact: int,
    official: int,
    make_pact: Callable[..., int],
) -> None:
    torino = make_pact("torino")
    (foreign,) = theme_ids(torino, "energy")
    workshop = running_workshop(official, pact)
    board = load_workshop(workshop).board.id
    apply_board_change(board, official, "board:phase", {"cid": "p", "phase": "ideas"})

    with pytest.raises(BoardError) as refused:
        card(board, official, foreign)

    assert refused.value.code == "not_found"


def test_the_join_snapshot_lists_only_the_workshops_themes(
    client: FlaskClient,
    pact: int,
    official: int,
    make_registration: Callable[..., dict[str, Any]],
) -> None:
    workshop = running_workshop(official, pact, theme_keys=("mobility",))
    (alice,) = approved_people(make_registration, 1)
    enrol_people(official, workshop, [alice])
    open_participant_session(client, workshop, alice)

    html = client.get(f"/w/{workshop}/board").get_data(as_text=True)

    (mobility,) = theme_ids(pact, "mobility")
    assert column_ids(html) == [mobility]
    assert f'<option value="{mobility}">' in html
    assert html.count('name="theme" value="') == 1  # one composer, one column
