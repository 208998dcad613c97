"""The board's changes to cards and comments, and the facilitator's controls
(phase, lock, timer, removing a participant): each takes a Change on the one path
(workshops.board.path), authorises it with the pure rules and returns the event's data
and the ack's extras. Votes are in vote_changes.py, the spotlight in spotlight.py."""

from __future__ import annotations

import functools
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, select

from core.audit import AuditAction, record_staff_action
from core.models import Theme
from core.time import utcnow
from extensions import db
from stakeholders.models import Person
from workshops.board.closing import mail_closing_summary
from workshops.board.objects import (
    actor_dict,
    board_dict,
    card_dict,
    comment_dict,
)
from workshops.board.rules import CLOSED, BoardError, check_version
from workshops.models import Card, Comment, Enrolment, workshop_theme

if TYPE_CHECKING:
    # Only annotations: the path imports these handlers for its table.
    from workshops.board.path import Change, Outcome


def get_card(change: Change, card_id: int) -> Card:
    card = db.session.get(Card, card_id)
    if card is None or card.board_id != change.board.id or card.deleted:
        raise BoardError("not_found", "no such card on this board")
    return card


@functools.cache
def _theme_query() -> Any:
    """The theme, whether the workshop chose it, and whether the workshop chose any
    (when it chose none, every theme of the pact is one of its columns); built once,
    on first use."""
    chosen = select(workshop_theme.c.theme_id).where(
        workshop_theme.c.workshop_id == bindparam("workshop_id")
    )
    return select(
        Theme,
        chosen.where(workshop_theme.c.theme_id == Theme.id).exists(),
        chosen.exists(),
    ).where(Theme.id == bindparam("theme_id"))


def get_theme(change: Change, theme_id: int, current: int | None = None) -> Theme:
    """The theme a card or commitment is put in: one of the workshop's own, and not
    archived, unless the object is in it already (`current`). One statement."""
    row = db.session.execute(
        _theme_query(),
        {"workshop_id": change.board.workshop_id, "theme_id": theme_id},
    ).first()
    if row is None or row[0].pact_id != change.member.pact_id:
        raise BoardError("not_found", "no such theme in this pact")
    theme: Theme = row[0]
    is_chosen, any_chosen = row[1], row[2]
    if theme.id == current:
        return theme
    if any_chosen and not is_chosen:
        problem = "not one of this workshop's themes"
        raise BoardError("invalid", problem, fields={"theme": problem})
    if theme.archived:
        raise BoardError("invalid", "this theme is archived")
    return theme


def _touch(card: Card) -> None:
    card.version += 1
    card.updated_at = utcnow()


def card_create(change: Change) -> Outcome:
    change.authorise("card:create")
    data = change.data
    theme = get_theme(change, data["theme"])
    card = Card(
        board_id=change.board.id,
        theme_id=theme.id,
        kind=data.get("kind") or "idea",
        text=data["text"],
        author_id=change.member.person_id,
        version=1,
        created_at=utcnow(),
        updated_at=utcnow(),
    )
    db.session.add(card)
    db.session.flush()
    return {"card": card_dict(card)}, {"card": card_dict(card)}


def card_update(change: Change) -> Outcome:
    card = get_card(change, change.data["card"])
    change.authorise("card:update", owns=card.author_id == change.member.person_id)
    check_version(card.version, change.data["version"], card_dict(card))
    if change.data.get("text"):
        card.text = change.data["text"]
    if change.data.get("theme"):
        card.theme_id = get_theme(change, change.data["theme"], card.theme_id).id
    if change.data.get("kind"):
        card.kind = change.data["kind"]
    _touch(card)
    return {"card": card_dict(card)}, {"card": card_dict(card)}


def card_delete(change: Change) -> Outcome:
    card = get_card(change, change.data["card"])
    change.authorise("card:delete", owns=card.author_id == change.member.person_id)
    check_version(card.version, change.data["version"], card_dict(card))
    card.deleted = True
    _touch(card)
    return {"card": card_dict(card)}, {}


def card_move(change: Change) -> Outcome:
    card = get_card(change, change.data["card"])
    change.authorise("card:move", owns=card.author_id == change.member.person_id)
    check_version(card.version, change.data["version"], card_dict(card))
    if change.data.get("theme"):
        card.theme_id = get_theme(change, change.data["theme"], card.theme_id).id
    members: list[Card] = []
    if "cluster" in change.data:
        card.cluster_id = _cluster_head(change, card, change.data["cluster"])
        if card.cluster_id is not None:
            # Clusters stay one level deep: the card's own members follow it.
            members = _recluster(change, [card.id], card.cluster_id)
    _touch(card)
    data = {"card": card_dict(card), "reclustered": [card_dict(m) for m in members]}
    return data, {"card": card_dict(card)}


def _recluster(change: Change, heads: list[int], new_head: int) -> list[Card]:
    """Move the members of the clusters headed by `heads` under `new_head`."""
    members = list(
        db.session.scalars(
            select(Card).where(
                Card.board_id == change.board.id,
                Card.cluster_id.in_(heads),
                Card.id != new_head,
                Card.deleted.is_(False),
            )
        )
    )
    for member in members:
        member.cluster_id = new_head
        _touch(member)
    return members


def _cluster_head(change: Change, card: Card, head_id: int | None) -> int | None:
    if head_id is None:
        return None
    head = get_card(change, head_id)
    if head.cluster_id is not None:
        head = get_card(change, head.cluster_id)  # clusters are one level deep
    if head.id == card.id:
        raise BoardError(
            "invalid",
            "a card cannot cluster with itself",
            fields={"cluster": "cannot be the card itself"},
        )
    return head.id


def card_hide(change: Change) -> Outcome:
    change.authorise("card:hide")
    card = get_card(change, change.data["card"])
    card.hidden = bool(change.data["hidden"])
    _touch(card)
    return {"card": card_dict(card)}, {"card": card_dict(card)}


def card_merge(change: Change) -> Outcome:
    change.authorise("card:merge")
    into = get_card(change, change.data["into"])
    ids = list(dict.fromkeys(change.data["cards"]))
    if into.id in ids:
        raise BoardError(
            "invalid",
            "a card cannot be merged into itself",
            fields={"cards": "must not contain `into`"},
        )
    merged = [get_card(change, card_id) for card_id in ids]
    for card in merged:
        card.merged_into_id = into.id
        card.cluster_id = into.id
        card.hidden = True
        _touch(card)
    members = _recluster(change, ids, into.id)
    _touch(into)
    data = {
        "card": card_dict(into),
        "merged": [card_dict(card) for card in merged],
        "reclustered": [card_dict(card) for card in members],
    }
    return data, {"card": card_dict(into)}


def comment_add(change: Change) -> Outcome:
    change.authorise("comment:add")
    card = get_card(change, change.data["card"])
    comment = Comment(
        card_id=card.id,
        author_id=change.member.person_id,
        text=change.data["text"],
        created_at=utcnow(),
    )
    db.session.add(comment)
    db.session.flush()
    return {"comment": comment_dict(comment)}, {"comment": comment_dict(comment)}


def board_phase(change: Change) -> Outcome:
    change.authorise("board:phase")
    if change.board.returned_at is not None:
        # A breakout group's board stays closed once its work went back.
        raise BoardError("phase", "this breakout group has ended")
    closing = change.data["phase"] == CLOSED and change.board.phase != CLOSED
    change.board.phase = change.data["phase"]
    if closing:
        # Queued in this transaction: the e-mails leave only once it commits.
        mail_closing_summary(change.board)
    return board_outcome(change)


def board_lock(change: Change) -> Outcome:
    change.authorise("board:lock")
    change.board.locked = bool(change.data["locked"])
    return board_outcome(change)


def board_timer(change: Change) -> Outcome:
    change.authorise("board:timer")
    seconds = change.data.get("seconds")
    change.board.timer_ends_at = (
        utcnow() + timedelta(seconds=seconds) if seconds else None
    )
    return board_outcome(change)


def board_outcome(change: Change) -> Outcome:
    db.session.flush()
    db.session.refresh(change.board)
    board = board_dict(change.board)
    return {"board": board}, {"board": board}


def participant_remove(change: Change) -> Outcome:
    change.authorise("participant:remove")
    person_id = change.data["person"]
    enrolment = db.session.scalar(
        select(Enrolment).where(
            Enrolment.workshop_id == change.board.workshop_id,
            Enrolment.person_id == person_id,
        )
    )
    if enrolment is None or enrolment.removed:
        raise BoardError("not_found", "no such participant on this board")
    enrolment.removed = True
    enrolment.removed_reason = change.data.get("reason") or ""
    record_staff_action(
        change.member.person_id,
        change.member.pact_id,
        AuditAction.REMOVE_PARTICIPANT,
        "enrolment",
        enrolment.id,
        workshop=change.board.workshop_id,
        person=person_id,
    )
    person = db.session.get(Person, person_id)
    data = {
        "person": person_id,
        "reason": enrolment.removed_reason,
        "participant": actor_dict(person),
    }
    return data, {}
