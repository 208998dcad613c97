"""The one path for every board change (DESIGN.md): validate → identify the member in
the database → answer a repeated `cid` with its first result → take the board's next
`seq` (`UPDATE board SET seq = seq + 1 … RETURNING seq`, which also serialises the
board: a row lock on PostgreSQL, the write lock on SQLite) → authorise with the pure
rules → apply → append the BoardEvent → commit → broadcast → ack, all but the
validation one unit of work held under the board's lock.

A refused change raises BoardError after the unit rolled back: nothing is applied,
no seq is used, nothing is broadcast."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from commitments.models import Commitment
from core.choices import Role
from core.time import utcnow
from core.transactions import after_commit, use_case
from extensions import db
from stakeholders.models import Person
from workshops.board import broadcast
from workshops.board.changes import (
    board_lock,
    board_phase,
    board_timer,
    card_create,
    card_delete,
    card_hide,
    card_merge,
    card_move,
    card_update,
    comment_add,
    participant_remove,
    vote_cast,
    vote_retract,
)
from workshops.board.commitment_changes import (
    commitment_create,
    commitment_sign,
    commitment_update,
)
from workshops.board.forms import validate_payload
from workshops.board.objects import (
    actor_dict,
    board_dict,
    card_dict,
    comment_dict,
    commitment_dict,
    event_dict,
    redact_card,
    redact_event,
)
from workshops.board.rules import (
    FACILITATOR,
    PARTICIPANT,
    Actor,
    BoardError,
    BoardState,
    authorise,
    votes_left,
)
from workshops.models import (
    Board,
    BoardEvent,
    Card,
    Comment,
    Enrolment,
    EnrolmentStatus,
    Vote,
    WorkshopStatus,
)

# A client further behind than this gets a snapshot instead of the missed events.
MAX_REPLAY = 1000


@dataclass(frozen=True)
class Member:
    """Someone's standing on one board, read from the database."""

    person_id: int
    role: str
    removed: bool
    board_id: int
    pact_id: int
    organisation_id: int | None
    # An official of the pact: signs commitments for the public authority.
    official: bool = False

    @property
    def actor(self) -> Actor:
        return Actor(self.role, self.removed)


def identify_member(
    person_id: int, board_id: int, token_workshop: int | None = None
) -> Member:
    """The person's role on the board: staff of the pact facilitate, enrolled people
    participate. Refused: unknown board or non-members (`not_found`), inactive people,
    revoked links, tokens of another workshop (`unauthorized`)."""
    board = db.session.get(Board, board_id)
    person = db.session.get(Person, person_id)
    if board is None:
        raise BoardError("not_found", "no such board")
    if person is None or not person.active:
        raise BoardError("unauthorized", "unknown person")
    workshop = board.workshop
    if token_workshop is not None and token_workshop != workshop.id:
        raise BoardError("unauthorized", "this link is for another workshop")
    if person.is_staff:
        if workshop.pact_id not in {pact.id for pact in person.pacts}:
            raise BoardError("not_found", "no such board")
        return Member(
            person.id,
            FACILITATOR,
            False,
            board.id,
            workshop.pact_id,
            None,
            official=person.role == Role.OFFICIAL,
        )
    enrolment = db.session.scalar(
        select(Enrolment).where(
            Enrolment.workshop_id == workshop.id, Enrolment.person_id == person.id
        )
    )
    if enrolment is None or enrolment.status != EnrolmentStatus.ENROLLED:
        raise BoardError("not_found", "no such board")
    if enrolment.revoked or workshop.status == WorkshopStatus.CANCELLED:
        raise BoardError("unauthorized", "this invitation is no longer valid")
    return Member(
        person.id,
        PARTICIPANT,
        enrolment.removed,
        board.id,
        workshop.pact_id,
        person.organisation_id,
    )


def join_board(member: Member, since: int | None) -> dict[str, Any]:
    """The join ack: the missed events when the log still has them all, else a
    snapshot of the whole board."""
    if member.removed:
        raise BoardError("unauthorized", "you were removed from this board")
    board = db.session.get(Board, member.board_id)
    assert board is not None  # noqa: S101 - identify_member found it
    ack: dict[str, Any] = {"ok": True, "seq": board.seq, "role": member.role}
    if since is not None and board.seq - MAX_REPLAY <= since <= board.seq:
        events = db.session.scalars(
            select(BoardEvent)
            .where(BoardEvent.board_id == board.id, BoardEvent.seq > since)
            .order_by(BoardEvent.seq)
        )
        shown = [_for_role(event_dict(e), member.role) for e in events]
        return ack | {"mode": "events", "events": shown}
    return ack | {"mode": "snapshot", "snapshot": snapshot(board, member)}


def _for_role(event: dict[str, Any], role: str) -> dict[str, Any]:
    return event if role == FACILITATOR else redact_event(event)


def snapshot(board: Board, member: Member) -> dict[str, Any]:
    person_id = member.person_id
    show = card_dict if member.role == FACILITATOR else _redacted_card
    cards = db.session.scalars(
        select(Card)
        .where(Card.board_id == board.id, Card.deleted.is_(False))
        .order_by(Card.id)
    )
    commitments = db.session.scalars(
        select(Commitment)
        .where(Commitment.board_id == board.id)
        .order_by(Commitment.id)
    )
    totals = dict(
        db.session.execute(
            select(Vote.card_id, func.count())
            .where(Vote.board_id == board.id)
            .group_by(Vote.card_id)
        ).all()
    )
    mine = dict(
        db.session.execute(
            select(Vote.card_id, func.count())
            .where(Vote.board_id == board.id, Vote.person_id == person_id)
            .group_by(Vote.card_id)
        ).all()
    )
    return {
        "board": board_dict(board),
        "cards": [show(card) for card in cards],
        "comments": [comment_dict(c) for c in _comments(board)],
        "commitments": [commitment_dict(c) for c in commitments],
        "votes": {
            "mine": {str(k): v for k, v in mine.items()},
            "totals": {str(k): v for k, v in totals.items()},
            "left": votes_left(sum(mine.values()), board.vote_budget),
        },
        "presence": broadcast.presence(board.id),
    }


def _redacted_card(card: Card) -> dict[str, Any]:
    return redact_card(card_dict(card))


def _comments(board: Board) -> list[Comment]:
    return list(
        db.session.scalars(
            select(Comment)
            .join(Card, Card.id == Comment.card_id)
            .where(Card.board_id == board.id, Card.deleted.is_(False))
            .order_by(Comment.id)
        )
    )


@dataclass
class Change:
    board: Board
    member: Member
    data: dict[str, Any]

    @property
    def state(self) -> BoardState:
        return BoardState(self.board.phase, self.board.locked)

    def authorise(self, event: str, owns: bool = True) -> None:
        authorise(event, self.member.actor, self.state, owns)


Outcome = tuple[dict[str, Any], dict[str, Any]]  # (event data, ack extras)


def apply_board_change(
    board_id: int,
    person_id: int,
    event: str,
    payload: Any,
    token_workshop: int | None = None,
) -> dict[str, Any]:
    """Apply one client event; returns the ack. Raises BoardError when refused.

    The board's lock is held around the whole unit of work: taken before its
    transaction starts, released once it committed and broadcast (or rolled back)."""
    data = validate_payload(event, payload)
    cid = str(data.pop("cid"))
    with broadcast.board_lock(board_id):
        try:
            return _apply_change(board_id, person_id, event, data, cid, token_workshop)
        except IntegrityError:
            # The same cid raced in from a second connection; the unit has rolled
            # back: answer with the result of the change that won.
            earlier = _earlier_ack(board_id, person_id, cid)
            if earlier is None:
                raise
            return earlier


@use_case
def _apply_change(
    board_id: int,
    person_id: int,
    event: str,
    data: dict[str, Any],
    cid: str,
    token_workshop: int | None,
) -> dict[str, Any]:
    member = identify_member(person_id, board_id, token_workshop)
    earlier = _earlier_ack(board_id, person_id, cid)
    if earlier is not None:
        return earlier  # a repeated cid: nothing changes, nothing is broadcast
    seq = take_seq(board_id)
    board = db.session.get(Board, board_id)
    assert board is not None  # noqa: S101 - the UPDATE found it
    db.session.refresh(board)
    event_data, extras = HANDLERS[event](Change(board, member, data))
    ack = {"ok": True, "seq": seq, **extras}
    row = BoardEvent(
        board_id=board_id,
        seq=seq,
        type=event,
        actor_id=person_id,
        cid=cid,
        data=event_data,
        ack=ack,
        at=utcnow(),
    )
    db.session.add(row)
    db.session.flush()
    message = event_dict(row)
    after_commit(lambda: broadcast.publish_event(message))
    if event == "participant:remove":
        removed = int(event_data["person"])
        reason = str(event_data["reason"])
        after_commit(lambda: broadcast.publish_removal(board_id, removed, reason))
    return ack


def _earlier_ack(board_id: int, person_id: int, cid: str) -> dict[str, Any] | None:
    ack = db.session.scalar(
        select(BoardEvent.ack).where(
            BoardEvent.board_id == board_id,
            BoardEvent.actor_id == person_id,
            BoardEvent.cid == cid,
        )
    )
    return dict(ack) if ack is not None else None


def take_seq(board_id: int) -> int:
    """The board's next `seq`; the UPDATE also serialises the board's changes."""
    seq = db.session.scalar(
        update(Board)
        .where(Board.id == board_id)
        .values(seq=Board.seq + 1)
        .returning(Board.seq)
    )
    if seq is None:
        raise BoardError("not_found", "no such board")
    return int(seq)


HANDLERS: dict[str, Callable[[Change], Outcome]] = {
    "card:create": card_create,
    "card:update": card_update,
    "card:delete": card_delete,
    "card:move": card_move,
    "comment:add": comment_add,
    "vote:cast": vote_cast,
    "vote:retract": vote_retract,
    "commitment:create": commitment_create,
    "commitment:update": commitment_update,
    "commitment:sign": commitment_sign,
    "board:phase": board_phase,
    "board:lock": board_lock,
    "board:timer": board_timer,
    "card:hide": card_hide,
    "card:merge": card_merge,
    "participant:remove": participant_remove,
}


def person_summary(person_id: int) -> dict[str, Any] | None:
    return actor_dict(db.session.get(Person, person_id))
