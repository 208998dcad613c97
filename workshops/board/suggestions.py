"""The `cluster:suggest` request: groups of similar cards suggested to the
facilitator in the cluster phase (workshops/board/clusters.py does the grouping).

Read-only: no `cid`, no `seq`, nothing logged or broadcast, no board lock taken. The
facilitator accepts a group with ordinary `card:move` (or `card:merge`) changes, so
whatever they accept goes through the one path of every board change."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from core.models import Theme
from extensions import db
from workshops.board.clusters import suggest_clusters
from workshops.board.path import identify_member
from workshops.board.rules import BoardError, BoardState, authorise_request
from workshops.models import Board, Card

EVENT = "cluster:suggest"


def suggest_board_clusters(
    board_id: int,
    person_id: int,
    theme_id: int | None,
    token_workshop: int | None = None,
) -> dict[str, Any]:
    """The ack of `cluster:suggest`: `{"ok": true, "groups": [{"cards", "label"}]}`
    over the board's shown cards (not deleted, hidden or merged), of one theme when
    `theme_id` is given. A group whose cards are already all in one cluster is left
    out: there is nothing left to accept."""
    member = identify_member(person_id, board_id, token_workshop)
    board = db.session.get(Board, board_id)
    if board is None:
        raise BoardError("not_found", "no such board")
    authorise_request(EVENT, member.actor, BoardState(board.phase, board.locked))
    query = select(Card.id, Card.text, Card.cluster_id).where(
        Card.board_id == board_id,
        Card.deleted.is_(False),
        Card.hidden.is_(False),
        Card.merged_into_id.is_(None),
    )
    if theme_id is not None:
        theme = db.session.get(Theme, theme_id)
        if theme is None or theme.pact_id != member.pact_id:
            raise BoardError("not_found", "no such theme in this pact")
        query = query.where(Card.theme_id == theme_id)
    rows = db.session.execute(query.order_by(Card.id)).all()
    cluster_of = {row.id: row.cluster_id or row.id for row in rows}
    groups = [
        {"cards": list(group.cards), "label": group.label}
        for group in suggest_clusters([(row.id, row.text) for row in rows])
        if len({cluster_of[card] for card in group.cards}) > 1
    ]
    return {"ok": True, "groups": groups}
