"""The end of a breakout: each group's cards (with their comments, clusters, merges
and hidden state), and its commitments, come back to the main board as ordinary
changes in the main board's log (`card:create`, `comment:add`, `commitment:create`,
each with the main board's next `seq`), carrying their group; then the group's board
closes for good (a `breakout:end` event in its own log, phase `closed`).

Cards and comments are copied: the group's board keeps its own record, readable and
replayable. Commitments move (one commitment, one lifecycle: never twice in the
pact), their source cards pointing at the copies. Votes cast in a group stay on the
group's board: the main board's budgets start afresh for voting together."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from commitments.models import Commitment
from core.choices import BoardPhase
from core.time import utcnow
from extensions import db
from workshops.board.objects import card_dict, comment_dict, commitment_dict, group_dict
from workshops.models import Board, Card, Comment

if TYPE_CHECKING:
    from workshops.board.path import Change

LogEvent = Callable[["Change", str, dict[str, Any], str | None, dict[str, Any]], Any]


def return_groups(
    change: Change, groups: list[Board], log_event: LogEvent
) -> list[dict[str, Any]]:
    """Bring every group's work back to `change.board` and close the groups' boards;
    how much came from each group."""
    return [_return_group(change, group, log_event) for group in groups]


def _return_group(change: Change, group: Board, log_event: LogEvent) -> dict[str, Any]:
    copies = _copy_cards(change.board, group)
    for card in copies.values():
        log_event(change, "card:create", {"card": card_dict(card)}, None, {})
    comments = _copy_comments(group, copies)
    for comment in comments:
        log_event(change, "comment:add", {"comment": comment_dict(comment)}, None, {})
    commitments = _move_commitments(change.board, group, copies)
    for commitment in commitments:
        data = {"commitment": commitment_dict(commitment)}
        log_event(change, "commitment:create", data, None, {})
    group.phase = BoardPhase.CLOSED
    group.returned_at = utcnow()
    on_group = replace(change, board=group)
    main = {"main": change.board.id, "group": group_dict(group)}
    log_event(on_group, "breakout:end", main, None, {})
    return {
        "board": group.id,
        "cards": len(copies),
        "comments": len(comments),
        "commitments": len(commitments),
    }


def _copy_cards(main: Board, group: Board) -> dict[int, Card]:
    """The group's cards (all but deleted ones) copied onto the main board, by the
    original's id; clusters and merges point at the copies."""
    originals = list(
        db.session.scalars(
            select(Card)
            .where(Card.board_id == group.id, Card.deleted.is_(False))
            .order_by(Card.id)
        )
    )
    now = utcnow()
    copies = {
        card.id: Card(
            board_id=main.id,
            theme_id=card.theme_id,
            kind=card.kind,
            text=card.text,
            author_id=card.author_id,
            hidden=card.hidden,
            version=1,
            created_at=card.created_at,
            updated_at=now,
            group_board_id=group.id,
        )
        for card in originals
    }
    db.session.add_all(copies.values())
    db.session.flush()
    for card in originals:
        copy = copies[card.id]
        copy.cluster_id = _copied(copies, card.cluster_id)
        copy.merged_into_id = _copied(copies, card.merged_into_id)
    db.session.flush()
    return copies


def _copied(copies: dict[int, Card], card_id: int | None) -> int | None:
    copy = copies.get(card_id) if card_id is not None else None
    return copy.id if copy is not None else None


def _copy_comments(group: Board, copies: dict[int, Card]) -> list[Comment]:
    originals = db.session.scalars(
        select(Comment)
        .join(Card, Card.id == Comment.card_id)
        .where(Card.board_id == group.id, Card.deleted.is_(False))
        .order_by(Comment.id)
    )
    comments = [
        Comment(
            card_id=copies[comment.card_id].id,
            author_id=comment.author_id,
            text=comment.text,
            created_at=comment.created_at,
        )
        for comment in originals
    ]
    db.session.add_all(comments)
    db.session.flush()
    return comments


def _move_commitments(
    main: Board, group: Board, copies: dict[int, Card]
) -> list[Commitment]:
    commitments = list(
        db.session.scalars(
            select(Commitment)
            .where(Commitment.board_id == group.id)
            .order_by(Commitment.id)
        )
    )
    for commitment in commitments:
        commitment.board_id = main.id
        commitment.group_board_id = group.id
        commitment.source_cards = [
            copies[card.id] for card in commitment.source_cards if card.id in copies
        ]
    db.session.flush()
    return commitments
