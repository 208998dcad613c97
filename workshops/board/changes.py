"""The board's changes to cards, comments and votes, and the facilitator's controls
(phase, lock, timer, removing a participant): each takes a Change on the one path
(workshops.board.path), authorises it with the pure rules and returns the event's data
and the ack's extras."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, select

from core.audit import AuditAction, record_staff_action
from core.models import Theme
from core.time import utcnow
from extensions import db
from stakeholders.models import Person
from workshops.board.objects import (
    actor_dict,
    board_dict,
    card_dict,
    comment_dict,
)
from workshops.board.rules import (
    BoardError,
    check_version,
    check_vote_budget,
    votes_left,
)
from workshops.models import Card, Comment, Enrolment, Vote

if TYPE_CHECKING:
    # Only annotations: the path imports these handlers for its table.
    from workshops.board.path import Change, Outcome


def get_card(change: Change, card_id: int) -> Card:
    card = db.session.get(Card, card_id)
    if card is None or card.board_id != change.board.id or card.deleted:
        raise BoardError("not_found", "no such card on this board")
    return card


def get_theme(change: Change, theme_id: int) -> Theme:
    theme = db.session.get(Theme, theme_id)
    if theme is None or theme.pact_id != change.member.pact_id:
        raise BoardError("not_found", "no such theme in this pact")
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
        card.theme_id = get_theme(change, change.data["theme"]).id
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
        card.theme_id = get_theme(change, change.data["theme"]).id
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


def _votes_used(change: Change) -> int:
    return (
        db.session.scalar(
            select(func.count(Vote.id)).where(
                Vote.board_id == change.board.id,
                Vote.person_id == change.member.person_id,
            )
        )
        or 0
    )


def _card_total(card_id: int) -> int:
    return (
        db.session.scalar(select(func.count(Vote.id)).where(Vote.card_id == card_id))
        or 0
    )


def vote_cast(change: Change) -> Outcome:
    change.authorise("vote:cast")
    card = get_card(change, change.data["card"])
    used = _votes_used(change)
    check_vote_budget(used, change.board.vote_budget)
    db.session.add(
        Vote(
            board_id=change.board.id,
            card_id=card.id,
            person_id=change.member.person_id,
            created_at=utcnow(),
        )
    )
    db.session.flush()
    left = votes_left(used + 1, change.board.vote_budget)
    return {"card": card.id, "total": _card_total(card.id)}, {"votes_left": left}


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
    left = votes_left(_votes_used(change), change.board.vote_budget)
    return {"card": card.id, "total": _card_total(card.id)}, {"votes_left": left}


def board_phase(change: Change) -> Outcome:
    change.authorise("board:phase")
    if change.board.returned_at is not None:
        # A breakout group's board stays closed once its work went back.
        raise BoardError("phase", "this breakout group has ended")
    change.board.phase = change.data["phase"]
    return _board_outcome(change)


def board_lock(change: Change) -> Outcome:
    change.authorise("board:lock")
    change.board.locked = bool(change.data["locked"])
    return _board_outcome(change)


def board_timer(change: Change) -> Outcome:
    change.authorise("board:timer")
    seconds = change.data.get("seconds")
    change.board.timer_ends_at = (
        utcnow() + timedelta(seconds=seconds) if seconds else None
    )
    return _board_outcome(change)


def _board_outcome(change: Change) -> Outcome:
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
