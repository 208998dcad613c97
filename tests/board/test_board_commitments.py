"""Commitments on the board and the pact: an edit on the board keeps the same
history as one on the staff pages (who changed which field from what to what, and the
signatures it invalidated); an organisation signing in the room joins the
commitment as a co-signer; an official signs there for the public authority."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from commitments.models import Commitment, CommitmentRevision, Signature
from extensions import db
from tests.board.conftest import in_process_board
from workshops.board.path import apply_board_change
from workshops.board.rules import BoardError


@pytest.fixture
def room(
    app: Flask, make_pact: Callable[..., int], make_staff: Callable[..., int]
) -> dict[str, Any]:
    """A board in `draft` with two participants (each with an organisation)."""
    made = in_process_board(make_pact, make_staff, "History")
    board, facilitator, official = made.board, made.facilitator, made.official
    seats = [(seat.person, seat.organisation, seat.token) for seat in made.seats]
    theme = made.theme

    def change(actor: int, event: str, cid: str, **fields: object) -> dict[str, Any]:
        payload = {"board": board, "cid": cid, **fields}
        return apply_board_change(board, actor, event, payload)

    change(facilitator, "board:phase", "p1", phase="draft")
    (person, organisation, _token) = seats[0]
    made = change(
        person,
        "commitment:create",
        "c1",
        title="Reusable crates",
        theme=theme,
        lead=organisation,
        indicator={"name": "Waste", "unit": "t", "baseline": 120, "target": 80},
        deadline="2028-12-31",
    )["commitment"]
    change(facilitator, "board:phase", "p2", phase="sign")
    return {
        "change": change,
        "facilitator": facilitator,
        "official": official,
        "seats": seats,
        "commitment": made["id"],
    }


def test_a_commitment_edited_on_the_board_keeps_its_history(room: dict[str, Any]):
    change, commitment = room["change"], room["commitment"]
    person = room["seats"][0][0]
    change(person, "commitment:sign", "s1", commitment=commitment)
    change(room["facilitator"], "board:phase", "p3", phase="draft")
    change(
        person,
        "commitment:update",
        "u1",
        commitment=commitment,
        version=1,
        indicator={"name": "Waste", "unit": "t", "baseline": 120, "target": 60},
    )

    revision = db.session.scalars(select(CommitmentRevision)).one()
    assert revision.commitment_id == commitment
    assert revision.version == 1
    assert revision.changed_by_id == person
    assert revision.changes == {"indicator_target": {"from": 80.0, "to": 60.0}}
    assert revision.signatures_invalidated == 1


def test_an_organisation_signing_in_the_room_joins_as_a_co_signer(
    room: dict[str, Any],
):
    other, organisation, _token = room["seats"][1]
    ack = room["change"](other, "commitment:sign", "s2", commitment=room["commitment"])

    db.session.expire_all()
    commitment = db.session.get(Commitment, room["commitment"])
    assert commitment is not None
    assert [org.id for org in commitment.co_signers] == [organisation]
    assert ack["signature"]["organisation"]["id"] == organisation
    assert commitment.status == "draft"  # the lead has not signed


def test_an_official_signs_in_the_room_for_the_public_authority(room: dict[str, Any]):
    change, commitment = room["change"], room["commitment"]
    ack = change(room["official"], "commitment:sign", "a1", commitment=commitment)
    assert ack["signature"]["authority"] is True
    assert ack["signature"]["organisation"]["id"] is None
    with pytest.raises(BoardError) as twice:
        change(room["official"], "commitment:sign", "a2", commitment=commitment)
    assert twice.value.code == "conflict"
    with pytest.raises(BoardError) as facilitator:
        change(room["facilitator"], "commitment:sign", "f1", commitment=commitment)
    assert facilitator.value.code == "forbidden"
    signatures = db.session.scalars(select(Signature)).all()
    assert [(s.authority, s.person_id) for s in signatures] == [
        (True, room["official"])
    ]


@pytest.mark.parametrize("title", ["", "   "])
def test_an_update_cannot_empty_a_commitment_title(room: dict[str, Any], title: str):
    change, commitment = room["change"], room["commitment"]
    with pytest.raises(BoardError) as refused:
        change(
            room["facilitator"],
            "commitment:update",
            "blank",
            commitment=commitment,
            version=1,
            title=title,
        )
    assert refused.value.code == "invalid"
    assert "title" in refused.value.extra["fields"]
    stored = db.session.get(Commitment, commitment)
    assert stored is not None
    assert stored.title == "Reusable crates"
