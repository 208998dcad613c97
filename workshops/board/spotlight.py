"""The spotlight: the facilitator focuses everyone on one card, cluster (named by its
head card) or commitment, shown large on every page until released (`target: null`).
It is part of the board (`board.spotlight`), so a late joiner sees it too."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from extensions import db
from workshops.board.changes import board_outcome, get_card
from workshops.board.commitment_changes import get_commitment
from workshops.board.rules import BoardError
from workshops.models import Card

if TYPE_CHECKING:
    from workshops.board.path import Change, Outcome


def _not_shown(message: str) -> BoardError:
    return BoardError("invalid", message, fields={"target.id": message})


def _check_card(change: Change, card_id: int) -> None:
    card = get_card(change, card_id)
    if card.hidden:
        raise _not_shown("a hidden card cannot be put in the spotlight")


def _check_cluster(change: Change, head_id: int) -> None:
    head = get_card(change, head_id)
    members = db.session.scalar(
        select(func.count(Card.id)).where(
            Card.cluster_id == head.id, Card.deleted.is_(False)
        )
    )
    if head.cluster_id is not None or not members:
        raise _not_shown("not the first card of a cluster")


def _check_commitment(change: Change, commitment_id: int) -> None:
    get_commitment(change, commitment_id)


CHECKS = {
    "card": _check_card,
    "cluster": _check_cluster,
    "commitment": _check_commitment,
}


def board_spotlight(change: Change) -> Outcome:
    change.authorise("board:spotlight")
    target: dict[str, Any] | None = change.data["target"]
    if target is None:
        change.board.spotlight_type = None
        change.board.spotlight_id = None
    else:
        CHECKS[target["type"]](change, target["id"])
        change.board.spotlight_type = target["type"]
        change.board.spotlight_id = target["id"]
    return board_outcome(change)
