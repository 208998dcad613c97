"""The board's votes: casting and taking back dot votes within the facilitator's
settings (a budget per person and a most per card), the settings themselves, and
the reveal. Until the facilitator reveals the votes, participants get no totals:
vote events say `revealed: false` and are redacted for them on the wire
(objects.redact_event), and each voter hears of their own votes through their own
room (`votes`, broadcast.publish_own_votes)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, select

from core.time import utcnow
from core.transactions import after_commit
from extensions import db
from workshops.board import broadcast
from workshops.board.changes import board_outcome, get_card
from workshops.board.objects import board_dict
from workshops.board.rules import (
    BoardError,
    check_vote_budget,
    check_vote_settings,
    check_votes_per_card,
    votes_left,
)
from workshops.models import Vote

if TYPE_CHECKING:
    from workshops.board.path import Change, Outcome


def _count(*where: Any) -> int:
    return db.session.scalar(select(func.count(Vote.id)).where(*where)) or 0


def _votes_used(change: Change) -> int:
    return _count(
        Vote.board_id == change.board.id, Vote.person_id == change.member.person_id
    )


def _mine_on(change: Change, card_id: int) -> int:
    return _count(Vote.card_id == card_id, Vote.person_id == change.member.person_id)


def board_totals(board_id: int) -> dict[str, int]:
    """Votes per card id (keys are strings, as in the join snapshot)."""
    rows = db.session.execute(
        select(Vote.card_id, func.count())
        .where(Vote.board_id == board_id)
        .group_by(Vote.card_id)
    ).all()
    return {str(card): total for card, total in rows}


def _vote_outcome(change: Change, card_id: int) -> Outcome:
    """The event (the card's total, and the voter's own count and votes left) and
    the ack; the voter's connections hear of their own votes after the commit."""
    mine = _mine_on(change, card_id)
    left = votes_left(_votes_used(change), change.board.vote_budget)
    data = {
        "card": card_id,
        "total": _count(Vote.card_id == card_id),
        "revealed": change.board.votes_revealed,
        "mine": mine,
        "votes_left": left,
    }
    own = {"board": change.board.id, "card": card_id, "mine": mine, "left": left}
    board_id, person_id = change.board.id, change.member.person_id
    after_commit(lambda: broadcast.publish_own_votes(board_id, person_id, own))
    return data, {"votes_left": left, "card": card_id, "mine": mine}


def vote_cast(change: Change) -> Outcome:
    change.authorise("vote:cast")
    card = get_card(change, change.data["card"])
    check_vote_budget(_votes_used(change), change.board.vote_budget)
    check_votes_per_card(_mine_on(change, card.id), change.board.vote_per_card)
    db.session.add(
        Vote(
            board_id=change.board.id,
            card_id=card.id,
            person_id=change.member.person_id,
            created_at=utcnow(),
        )
    )
    db.session.flush()
    return _vote_outcome(change, card.id)


def vote_retract(change: Change) -> Outcome:
    change.authorise("vote:retract")
    card = get_card(change, change.data["card"])
    vote_id = db.session.scalar(
        select(Vote.id)
        .where(Vote.card_id == card.id, Vote.person_id == change.member.person_id)
        .order_by(Vote.id.desc())
        .limit(1)
    )
    if vote_id is None:
        raise BoardError("not_found", "you have no vote on this card")
    db.session.execute(delete(Vote).where(Vote.id == vote_id))
    return _vote_outcome(change, card.id)


def _most_cast(board_id: int) -> tuple[int, int]:
    """The most votes one person has on the board, and on one card."""
    per_person = (
        select(func.count().label("n"))
        .where(Vote.board_id == board_id)
        .group_by(Vote.person_id)
        .subquery()
    )
    per_card = (
        select(func.count().label("n"))
        .where(Vote.board_id == board_id)
        .group_by(Vote.person_id, Vote.card_id)
        .subquery()
    )
    most_used = db.session.scalar(select(func.max(per_person.c.n))) or 0
    most_on_a_card = db.session.scalar(select(func.max(per_card.c.n))) or 0
    return most_used, most_on_a_card


def vote_settings(change: Change) -> Outcome:
    change.authorise("vote:settings")
    budget = change.data["budget"]
    per_card = change.data.get("per_card") or budget
    check_vote_settings(budget, per_card, *_most_cast(change.board.id))
    change.board.vote_budget = budget
    change.board.vote_per_card = per_card
    return board_outcome(change)


def vote_reveal(change: Change) -> Outcome:
    change.authorise("vote:reveal")
    change.board.votes_revealed = bool(change.data["revealed"])
    db.session.flush()
    db.session.refresh(change.board)
    board = board_dict(change.board)
    data = {
        "board": board,
        "revealed": change.board.votes_revealed,
        "totals": board_totals(change.board.id),
    }
    return data, {"board": board}
