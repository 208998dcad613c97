"""Personal-data rights, the workshops' part: a person's places in workshops, the
cards, comments and votes they made on boards and how many board events they caused
(export), and, on erasure, their join links revoked (the replays of board events
each app keeps notice the erasure by themselves: `workshops.board.replay`). The
pacts package composes this with the other parts (`pacts.personal_data`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update

from extensions import db
from stakeholders.models import Person
from stakeholders.personal_data import iso
from workshops.models import Board, BoardEvent, Card, Comment, Enrolment, Vote


def workshops_record(person: Person) -> dict[str, Any]:
    return {
        "enrolments": _enrolments(person.id),
        "cards": _cards(person.id),
        "comments": _comments(person.id),
        "votes": _votes(person.id),
        "board_events": _events(person.id),
    }


def _enrolments(person_id: int) -> list[dict[str, Any]]:
    enrolments = db.session.scalars(
        select(Enrolment).where(Enrolment.person_id == person_id).order_by(Enrolment.id)
    )
    return [
        {
            "workshop": {
                "id": e.workshop_id,
                "title": e.workshop.title,
                "starts_at": iso(e.workshop.starts_at),
            },
            "status": e.status,
            "source": e.source,
            "attendance": e.attendance,
            "invited_at": iso(e.invited_at),
            "removed": e.removed,
            "removed_reason": e.removed_reason,
            "created_at": iso(e.created_at),
        }
        for e in enrolments
    ]


def _cards(person_id: int) -> list[dict[str, Any]]:
    cards = db.session.scalars(
        select(Card).where(Card.author_id == person_id).order_by(Card.id)
    )
    return [
        {
            "id": card.id,
            "board": card.board_id,
            "kind": card.kind,
            "text": card.text,
            "hidden": card.hidden,
            "deleted": card.deleted,
            "created_at": iso(card.created_at),
            "updated_at": iso(card.updated_at),
        }
        for card in cards
    ]


def _comments(person_id: int) -> list[dict[str, Any]]:
    comments = db.session.scalars(
        select(Comment).where(Comment.author_id == person_id).order_by(Comment.id)
    )
    return [
        {
            "id": c.id,
            "card": c.card_id,
            "text": c.text,
            "created_at": iso(c.created_at),
        }
        for c in comments
    ]


def _votes(person_id: int) -> list[dict[str, Any]]:
    votes = db.session.scalars(
        select(Vote).where(Vote.person_id == person_id).order_by(Vote.id)
    )
    return [
        {"board": v.board_id, "card": v.card_id, "created_at": iso(v.created_at)}
        for v in votes
    ]


def _events(person_id: int) -> list[dict[str, Any]]:
    """Per board, how many changes the person made (the events themselves are the
    board's history: their words are in the cards and comments above)."""
    rows = db.session.execute(
        select(BoardEvent.board_id, Board.workshop_id, func.count())
        .join(Board, Board.id == BoardEvent.board_id)
        .where(BoardEvent.actor_id == person_id)
        .group_by(BoardEvent.board_id, Board.workshop_id)
        .order_by(BoardEvent.board_id)
    ).all()
    return [
        {"board": board, "workshop": workshop, "changes": count}
        for board, workshop, count in rows
    ]


def revoke_join_links(person: Person) -> None:
    """Every join link of the person stops working (their enrolments stay, as the
    workshops' attendance records)."""
    db.session.execute(
        update(Enrolment)
        .where(Enrolment.person_id == person.id)
        .values(revoked=True, token_version=Enrolment.token_version + 1)
        .execution_options(synchronize_session=False)
    )
