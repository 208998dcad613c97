"""The one path for every board change (DESIGN.md): validate → identify the member in
the database → answer a repeated `cid` with its first result → take the board's next
`seq` (`UPDATE board SET seq = seq + 1 … RETURNING seq`, which also serialises the
board: a row lock on PostgreSQL, the write lock on SQLite) → authorise with the pure
rules → apply → append the BoardEvent → commit → broadcast → ack, all but the
validation one unit of work held under the board's lock.

A refused change raises BoardError after the unit rolled back: nothing is applied,
no seq is used, nothing is broadcast."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import joinedload, selectinload

from commitments.models import Commitment, Signature
from core.choices import Role
from core.time import utcnow
from core.transactions import after_commit, use_case
from extensions import db
from stakeholders.models import Person, staff_pact
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
)
from workshops.board.commitment_changes import (
    commitment_create,
    commitment_sign,
    commitment_update,
)
from workshops.board.forms import validate_payload
from workshops.board.groups import breakout_state
from workshops.board.objects import (
    actor_dict,
    board_dict,
    card_dict,
    comment_dict,
    commitment_dict,
    event_dict,
    redact_card,
)
from workshops.board.replay import replay, with_person
from workshops.board.rules import (
    FACILITATOR,
    PARTICIPANT,
    Actor,
    BoardError,
    BoardState,
    authorise,
    votes_left,
)
from workshops.board.spotlight import board_spotlight
from workshops.board.vote_changes import (
    board_totals,
    vote_cast,
    vote_retract,
    vote_reveal,
    vote_settings,
)
from workshops.models import (
    Board,
    BoardEvent,
    Card,
    Comment,
    Enrolment,
    EnrolmentStatus,
    Vote,
    Workshop,
    WorkshopStatus,
    breakout_member,
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
    return _identify(person_id, board_id, token_workshop)[0]


@functools.cache
def _standing_query() -> Any:
    """The board's workshop, the person (with their organisation), their enrolment
    and whether they are staff of the pact, in one statement, built once (building
    it is most of the cost of running it), on first use: once every model is
    mapped."""
    role_in_pact = (
        select(staff_pact.c.role)
        .where(
            staff_pact.c.person_id == Person.id,
            staff_pact.c.pact_id == Workshop.pact_id,
        )
        .scalar_subquery()
    )
    # On a breakout group's board: whether the person is in that group.
    in_group = (
        select(breakout_member.c.person_id)
        .where(
            breakout_member.c.board_id == Board.id,
            breakout_member.c.person_id == Person.id,
        )
        .exists()
    )
    return (
        select(
            Workshop, Person, Enrolment, role_in_pact, Board.parent_board_id, in_group
        )
        .select_from(Board)
        .join(Workshop, Workshop.id == Board.workshop_id)
        .join(Person, Person.id == bindparam("person_id"))
        .outerjoin(
            Enrolment,
            (Enrolment.workshop_id == Workshop.id) & (Enrolment.person_id == Person.id),
        )
        .where(Board.id == bindparam("board_id"))
        .options(joinedload(Person.organisation))
    )


def _identify(
    person_id: int, board_id: int, token_workshop: int | None
) -> tuple[Member, Person]:
    """identify_member in one query; also the person, with their organisation, whom
    the change's objects then name without loading them again."""
    row = db.session.execute(
        _standing_query(), {"person_id": person_id, "board_id": board_id}
    ).first()
    if row is None:
        if db.session.get(Board, board_id) is None:
            raise BoardError("not_found", "no such board")
        raise BoardError("unauthorized", "unknown person")
    workshop, person, enrolment, role, parent, in_group = row
    member, person = _standing(
        board_id, workshop, person, enrolment, role, token_workshop
    )
    if parent is not None and member.role == PARTICIPANT and not in_group:
        raise BoardError("forbidden", "this board is another breakout group's")
    return member, person


def _standing(
    board_id: int,
    workshop: Workshop,
    person: Person,
    enrolment: Enrolment | None,
    role: str | None,
    token_workshop: int | None,
) -> tuple[Member, Person]:
    if not person.active:
        raise BoardError("unauthorized", "unknown person")
    if token_workshop is not None and token_workshop != workshop.id:
        raise BoardError("unauthorized", "this link is for another workshop")
    if person.is_staff:
        if role is None:
            raise BoardError("not_found", "no such board")
        official = role == Role.OFFICIAL
        member = Member(
            person.id, FACILITATOR, False, board_id, workshop.pact_id, None, official
        )
        return member, person
    if enrolment is None or enrolment.status != EnrolmentStatus.ENROLLED:
        raise BoardError("not_found", "no such board")
    if enrolment.revoked or workshop.status == WorkshopStatus.CANCELLED:
        raise BoardError("unauthorized", "this invitation is no longer valid")
    member = Member(
        person.id,
        PARTICIPANT,
        enrolment.removed,
        board_id,
        workshop.pact_id,
        person.organisation_id,
    )
    return member, person


def join_board(member: Member, since: int | None) -> dict[str, Any]:
    """The join ack: the missed events when the log still has them all, else a
    snapshot of the whole board."""
    if member.removed:
        raise BoardError("unauthorized", "you were removed from this board")
    board = db.session.get(Board, member.board_id)
    assert board is not None  # noqa: S101 - identify_member found it
    ack: dict[str, Any] = {"ok": True, "seq": board.seq, "role": member.role}
    if since is not None and board.seq - MAX_REPLAY <= since <= board.seq:
        shown = replay(board.id, since, board.seq, member.role, MAX_REPLAY)
        # Participants' replayed vote events say nothing of the votes before the
        # reveal: their own come beside them.
        votes = votes_seen(board, member)
        return ack | {"mode": "events", "events": shown, "votes": votes}
    return ack | {"mode": "snapshot", "snapshot": snapshot(board, member)}


def snapshot(board: Board, member: Member) -> dict[str, Any]:
    show = card_dict if member.role == FACILITATOR else _redacted_card
    cards = db.session.scalars(
        select(Card)
        .where(Card.board_id == board.id, Card.deleted.is_(False))
        .order_by(Card.id)
        .options(with_person(Card.author))
    )
    commitments = db.session.scalars(
        select(Commitment)
        .where(Commitment.board_id == board.id)
        .order_by(Commitment.id)
        .options(
            joinedload(Commitment.lead_organisation),
            selectinload(Commitment.co_signers),
            selectinload(Commitment.source_cards),
            selectinload(Commitment.signatures).options(
                joinedload(Signature.organisation), with_person(Signature.person)
            ),
        )
    )
    return {
        "board": board_dict(board),
        "cards": [show(card) for card in cards],
        "comments": [comment_dict(c) for c in _comments(board)],
        "commitments": [commitment_dict(c) for c in commitments],
        "votes": votes_seen(board, member),
        "presence": broadcast.presence(board.id),
        "breakout": breakout_state(board),
    }


def votes_seen(board: Board, member: Member) -> dict[str, Any]:
    """The person's own votes by card id (string keys), their votes left, and the
    totals: facilitators always see them, participants once they are revealed."""
    mine = dict(
        db.session.execute(
            select(Vote.card_id, func.count())
            .where(Vote.board_id == board.id, Vote.person_id == member.person_id)
            .group_by(Vote.card_id)
        ).all()
    )
    shown = member.role == FACILITATOR or board.votes_revealed
    return {
        "mine": {str(k): v for k, v in mine.items()},
        "totals": board_totals(board.id) if shown else {},
        "left": votes_left(sum(mine.values()), board.vote_budget),
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
            .options(with_person(Comment.author))
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
        return once_per_cid(
            board_id,
            person_id,
            cid,
            lambda: _apply_change(
                board_id, person_id, event, data, cid, token_workshop
            ),
        )


def once_per_cid(
    board_id: int, person_id: int, cid: str, run: Callable[[], dict[str, Any]]
) -> dict[str, Any]:
    """Run one unit of work for a change; when it is refused, a repeated cid (a
    retry, or the same cid racing in from a second connection; IntegrityError) is
    answered with the result of its first change; so is a change whose COMMIT
    reached the database while the connection was lost before its answer (the ack
    must not say `internal`, nothing changed; clients catch up on its event with
    `since`). The common path never looks for one."""
    try:
        return run()
    except (BoardError, DBAPIError) as exc:
        # The unit has rolled back.
        if isinstance(exc, BoardError) and exc.code == "unauthorized":
            raise
        earlier = _earlier_ack(board_id, person_id, cid)
        if earlier is None:
            raise
        return earlier


def store_event(
    board_id: int,
    seq: int,
    event: str,
    actor_id: int,
    cid: str | None,
    event_data: dict[str, Any],
    ack: dict[str, Any],
) -> None:
    """Append the event to the board's log (flushed, so that a repeated `cid` fails
    here) and broadcast it once the transaction has committed."""
    row = BoardEvent(
        board_id=board_id,
        seq=seq,
        type=event,
        actor_id=actor_id,
        cid=cid,
        data=event_data,
        ack=ack,
        at=utcnow(),
    )
    db.session.add(row)
    db.session.flush()
    message = event_dict(row)
    after_commit(lambda: broadcast.publish_event(message))


@use_case
def _apply_change(
    board_id: int,
    person_id: int,
    event: str,
    data: dict[str, Any],
    cid: str,
    token_workshop: int | None,
) -> dict[str, Any]:
    # `person` stays referenced while the change runs, so that the card's author
    # and the event's actor come from the session instead of new queries.
    member, person = _identify(person_id, board_id, token_workshop)
    board = advance_board(board_id)
    seq = board.seq
    event_data, extras = HANDLERS[event](Change(board, member, data))
    ack = {"ok": True, "seq": seq, **extras}
    # A repeated cid stops here, on the UNIQUE (board, actor, cid) constraint.
    store_event(board_id, seq, event, person.id, cid, event_data, ack)
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


def advance_board(board_id: int) -> Board:
    """The board with its next `seq` taken (`UPDATE … RETURNING` the whole row, in
    one statement); the UPDATE also serialises the board's changes."""
    board: Board | None = db.session.scalar(
        update(Board)
        .where(Board.id == board_id)
        .values(seq=Board.seq + 1)
        .returning(Board)
        .execution_options(populate_existing=True)
    )
    if board is None:
        raise BoardError("not_found", "no such board")
    return board


def take_seq(board_id: int) -> int:
    """The board's next `seq` (see `advance_board`)."""
    return advance_board(board_id).seq


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
    "vote:settings": vote_settings,
    "vote:reveal": vote_reveal,
    "board:spotlight": board_spotlight,
}


def person_summary(person_id: int) -> dict[str, Any] | None:
    return actor_dict(db.session.get(Person, person_id))
