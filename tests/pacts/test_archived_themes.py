"""An archived theme is not offered for anything new, and what already uses it keeps
it: the board refuses a new card or commitment in it but keeps its column while its
cards are there, and the staff forms (a new workshop, a new commitment) leave it out
while the edit forms of a registration or workshop that has it still offer it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from core.choices import AccountKind
from core.models import Theme
from extensions import db
from pacts.admin.themes import archive_theme
from stakeholders.models import Organisation
from tests.board.conftest import InProcessBoard, in_process_board
from workshops.board.path import apply_board_change
from workshops.board.rules import BoardError
from workshops.models import Board, Workshop

CIDS = iter(range(1, 1_000))


@pytest.fixture
def made(
    app: Flask, make_pact: Callable[..., int], make_staff: Callable[..., int]
) -> InProcessBoard:
    return in_process_board(make_pact, make_staff, "Archived themes")


@pytest.fixture
def archive(make_staff: Callable[..., int]) -> Callable[[int], None]:
    admin = make_staff(AccountKind.ADMIN, pacts=())

    def do(theme_id: int) -> None:
        theme = db.session.get(Theme, theme_id)
        assert theme is not None
        archive_theme(admin, theme.pact_id, theme_id)

    return do


def _change(made: InProcessBoard, actor: int, event: str, **fields: Any) -> Any:
    payload = {"board": made.board, "cid": f"c{next(CIDS)}", **fields}
    return apply_board_change(made.board, actor, event, payload)


def _board_theme_ids(board_id: int) -> list[int]:
    from workshops.board.objects import board_dict

    board = db.session.get(Board, board_id)
    assert board is not None
    return [theme["id"] for theme in board_dict(board)["themes"]]


def test_a_new_card_in_an_archived_theme_is_refused_and_an_old_one_keeps_it(
    made: InProcessBoard, archive: Callable[[int], None]
) -> None:
    person = made.seats[0].person
    _change(made, made.facilitator, "board:phase", phase="ideas")
    card = _change(made, person, "card:create", theme=made.theme, text="Solar")["card"]
    archive(made.theme)
    with pytest.raises(BoardError) as refused:
        _change(made, person, "card:create", theme=made.theme, text="More")
    assert refused.value.code == "invalid"
    kept = _change(
        made,
        person,
        "card:update",
        card=card["id"],
        version=card["version"],
        text="Solar roofs",
        theme=made.theme,
    )["card"]
    assert kept["theme"] == made.theme
    assert made.theme in _board_theme_ids(made.board), "its column stays for its card"


def test_an_archived_theme_without_cards_leaves_the_board(
    made: InProcessBoard, archive: Callable[[int], None]
) -> None:
    assert made.theme in _board_theme_ids(made.board)
    archive(made.theme)
    assert made.theme not in _board_theme_ids(made.board)


def test_the_workshop_form_offers_an_archived_theme_only_to_a_workshop_that_has_it(
    made: InProcessBoard,
    archive: Callable[[int], None],
    client: FlaskClient,
    login: Callable[[int], None],
) -> None:
    theme = db.session.get(Theme, made.theme)
    assert theme is not None
    workshop = db.session.scalars(db.select(Workshop)).one()
    workshop.themes = [theme]
    db.session.commit()
    key = f'value="{theme.key}"'
    archive(made.theme)
    login(made.official)
    new = client.get("/staff/p/ilfov/workshops/new").get_data(as_text=True)
    assert key not in new
    edit = client.get(f"/staff/p/ilfov/workshops/{workshop.id}/edit")
    assert key in edit.get_data(as_text=True)


def test_a_registration_keeps_its_archived_theme_in_the_edit_form(
    app: Flask,
    make_staff: Callable[..., int],
    make_registration: Callable[..., dict[str, Any]],
    archive: Callable[[int], None],
    client: FlaskClient,
    login: Callable[[int], None],
) -> None:
    official = make_staff()
    registration = make_registration(themes=["circular-economy"])
    organisation = db.session.get(Organisation, registration["organisation"])
    assert organisation is not None
    theme = organisation.themes[0]
    archive(theme.id)
    login(official)
    edit = client.get(f"/staff/p/ilfov/registrations/{organisation.id}/edit")
    page = edit.get_data(as_text=True)
    assert 'value="circular-economy"' in page
    assert "checked" in page.split('value="circular-economy"')[1].split(">")[0] or (
        'checked id="themes-0" name="themes" type="checkbox" value="circular-economy"'
        in page
    )
    assert 'value="circular-economy"' not in client.get("/p/ilfov/register").get_data(
        as_text=True
    )


def test_a_new_commitment_is_not_offered_an_archived_theme(
    made: InProcessBoard,
    archive: Callable[[int], None],
    client: FlaskClient,
    login: Callable[[int], None],
) -> None:
    archive(made.theme)
    login(made.official)
    page = client.get("/staff/p/ilfov/pact/commitments/new").get_data(as_text=True)
    themes = page.split('name="theme"', 1)[1].split("</select>", 1)[0]
    assert f'<option value="{made.theme}"' not in themes
    assert "<option" in themes
