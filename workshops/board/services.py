"""The one path for every board change (DESIGN.md): validate → identify the member in
the database → answer a repeated `cid` with its first result → take the board's next
`seq` (`UPDATE board SET seq = seq + 1 … RETURNING seq`, which also serialises the
board: a row lock on PostgreSQL, the write lock on SQLite) → authorise with the pure
rules → apply → append the BoardEvent → commit → broadcast → ack.

A refused change raises BoardError after rolling back: nothing is applied, no seq is
used, nothing is broadcast."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from commitments.models import Commitment, Signature
from commitments.operations import commitment_data, record_revision
from core.choices import CommitmentStatus, Role
from core.models import Theme
from core.time import utcnow
from core.transactions import after_commit, commit, rollback
from extensions import db
from stakeholders.models import Organisation, Person
from workshops.board import broadcast
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
    signature_dict,
)
from workshops.board.rules import (
    FACILITATOR,
    PARTICIPANT,
    Actor,
    BoardError,
    BoardState,
    authorise,
    check_version,
    check_vote_budget,
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


# --- joining -----------------------------------------------------------------------


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


# --- the one path ------------------------------------------------------------------


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
    """Apply one client event; returns the ack. Raises BoardError when refused."""
    data = validate_payload(event, payload)
    cid = str(data.pop("cid"))
    with broadcast.board_lock(board_id):
        try:
            member = identify_member(person_id, board_id, token_workshop)
            earlier = _earlier_ack(board_id, person_id, cid)
            if earlier is not None:
                rollback()
                return earlier
            seq = _take_seq(board_id)
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
        except BoardError:
            rollback()
            raise
        except IntegrityError:
            # The same cid raced in from a second connection: answer with its result.
            rollback()
            earlier = _earlier_ack(board_id, person_id, cid)
            if earlier is None:
                raise
            return earlier
        after_commit(lambda: broadcast.publish_event(message))
        if event == "participant:remove":
            removed = int(event_data["person"])
            reason = str(event_data["reason"])
            after_commit(lambda: broadcast.publish_removal(board_id, removed, reason))
        commit()
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


def _take_seq(board_id: int) -> int:
    seq = db.session.scalar(
        update(Board)
        .where(Board.id == board_id)
        .values(seq=Board.seq + 1)
        .returning(Board.seq)
    )
    if seq is None:
        raise BoardError("not_found", "no such board")
    return int(seq)


# --- cards -------------------------------------------------------------------------


def _card(change: Change, card_id: int) -> Card:
    card = db.session.get(Card, card_id)
    if card is None or card.board_id != change.board.id or card.deleted:
        raise BoardError("not_found", "no such card on this board")
    return card


def _theme(change: Change, theme_id: int) -> Theme:
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
    theme = _theme(change, data["theme"])
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
    card = _card(change, change.data["card"])
    change.authorise("card:update", owns=card.author_id == change.member.person_id)
    check_version(card.version, change.data["version"], card_dict(card))
    if change.data.get("text"):
        card.text = change.data["text"]
    if change.data.get("theme"):
        card.theme_id = _theme(change, change.data["theme"]).id
    if change.data.get("kind"):
        card.kind = change.data["kind"]
    _touch(card)
    return {"card": card_dict(card)}, {"card": card_dict(card)}


def card_delete(change: Change) -> Outcome:
    card = _card(change, change.data["card"])
    change.authorise("card:delete", owns=card.author_id == change.member.person_id)
    check_version(card.version, change.data["version"], card_dict(card))
    card.deleted = True
    _touch(card)
    return {"card": card_dict(card)}, {}


def card_move(change: Change) -> Outcome:
    card = _card(change, change.data["card"])
    change.authorise("card:move", owns=card.author_id == change.member.person_id)
    check_version(card.version, change.data["version"], card_dict(card))
    if change.data.get("theme"):
        card.theme_id = _theme(change, change.data["theme"]).id
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
    head = _card(change, head_id)
    if head.cluster_id is not None:
        head = _card(change, head.cluster_id)  # clusters are one level deep
    if head.id == card.id:
        raise BoardError(
            "invalid",
            "a card cannot cluster with itself",
            fields={"cluster": "cannot be the card itself"},
        )
    return head.id


def card_hide(change: Change) -> Outcome:
    change.authorise("card:hide")
    card = _card(change, change.data["card"])
    card.hidden = bool(change.data["hidden"])
    _touch(card)
    return {"card": card_dict(card)}, {"card": card_dict(card)}


def card_merge(change: Change) -> Outcome:
    change.authorise("card:merge")
    into = _card(change, change.data["into"])
    ids = list(dict.fromkeys(change.data["cards"]))
    if into.id in ids:
        raise BoardError(
            "invalid",
            "a card cannot be merged into itself",
            fields={"cards": "must not contain `into`"},
        )
    merged = [_card(change, card_id) for card_id in ids]
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
    card = _card(change, change.data["card"])
    comment = Comment(
        card_id=card.id,
        author_id=change.member.person_id,
        text=change.data["text"],
        created_at=utcnow(),
    )
    db.session.add(comment)
    db.session.flush()
    return {"comment": comment_dict(comment)}, {"comment": comment_dict(comment)}


# --- votes -------------------------------------------------------------------------


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
    card = _card(change, change.data["card"])
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
    card = _card(change, change.data["card"])
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


# --- commitments -------------------------------------------------------------------


def _commitment(change: Change, commitment_id: int) -> Commitment:
    commitment = db.session.get(Commitment, commitment_id)
    if commitment is None or commitment.board_id != change.board.id:
        raise BoardError("not_found", "no such commitment on this board")
    return commitment


def _lead(change: Change, organisation_id: int) -> Organisation:
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or organisation.pact_id != change.member.pact_id:
        raise BoardError("not_found", "no such organisation in this pact")
    return organisation


def _source_cards(change: Change, ids: list[int]) -> list[Card]:
    return [_card(change, card_id) for card_id in dict.fromkeys(ids)]


def commitment_create(change: Change) -> Outcome:
    change.authorise("commitment:create")
    data = change.data
    indicator = data["indicator"]
    commitment = Commitment(
        pact_id=change.member.pact_id,
        board_id=change.board.id,
        theme_id=_theme(change, data["theme"]).id,
        lead_organisation_id=_lead(change, data["lead"]).id,
        title=data["title"],
        action=data.get("action") or "",
        indicator_name=indicator["name"],
        indicator_unit=indicator["unit"],
        indicator_baseline=indicator["baseline"],
        indicator_target=indicator["target"],
        deadline=data["deadline"],
        support_requested=data.get("support_requested") or "",
        source_cards=_source_cards(change, data.get("source_cards") or []),
        status=CommitmentStatus.DRAFT,
        version=1,
        created_by_id=change.member.person_id,
        created_at=utcnow(),
        updated_at=utcnow(),
    )
    db.session.add(commitment)
    db.session.flush()
    return {"commitment": commitment_dict(commitment)}, {
        "commitment": commitment_dict(commitment)
    }


COMMITMENT_FIELDS = {
    "title": "title",
    "action": "action",
    "deadline": "deadline",
    "support_requested": "support_requested",
}


def commitment_update(change: Change) -> Outcome:
    commitment = _commitment(change, change.data["commitment"])
    change.authorise("commitment:update")
    check_version(
        commitment.version, change.data["version"], commitment_dict(commitment)
    )
    data = change.data
    before = commitment_data(commitment)
    for key, attribute in COMMITMENT_FIELDS.items():
        if data.get(key) is not None:
            setattr(commitment, attribute, data[key])
    if data.get("theme"):
        commitment.theme_id = _theme(change, data["theme"]).id
    if data.get("lead"):
        commitment.lead_organisation_id = _lead(change, data["lead"]).id
    if data.get("indicator"):
        indicator = data["indicator"]
        commitment.indicator_name = indicator["name"]
        commitment.indicator_unit = indicator["unit"]
        commitment.indicator_baseline = indicator["baseline"]
        commitment.indicator_target = indicator["target"]
    if "source_cards" in data:
        commitment.source_cards = _source_cards(change, data["source_cards"] or [])
    record_revision(commitment, before, change.member.person_id)
    # A changed commitment is no longer what its signatories signed: they sign again.
    commitment.signatures.clear()
    commitment.status = CommitmentStatus.DRAFT
    commitment.version += 1
    commitment.updated_at = utcnow()
    db.session.flush()
    db.session.refresh(commitment)
    return {"commitment": commitment_dict(commitment)}, {
        "commitment": commitment_dict(commitment)
    }


def commitment_sign(change: Change) -> Outcome:
    """Sign for the signer's own organisation, or, for an official, for the public
    authority."""
    commitment = _commitment(change, change.data["commitment"])
    change.authorise("commitment:sign")
    authority = change.member.official
    organisation_id = None if authority else change.member.organisation_id
    if organisation_id is None and not authority:
        raise BoardError(
            "forbidden", "only an organisation's representative or an official can sign"
        )
    if any(
        s.organisation_id == organisation_id and s.authority == authority
        for s in commitment.signatures
    ):
        raise BoardError(
            "conflict",
            "your organisation has signed this commitment already",
            current=commitment_dict(commitment),
        )
    if organisation_id is not None:
        _join_as_co_signer(commitment, organisation_id)
    signature = Signature(
        commitment=commitment,
        organisation_id=organisation_id,
        authority=authority,
        person_id=change.member.person_id,
        commitment_version=commitment.version,
        signed_at=utcnow(),
    )
    db.session.add(signature)
    if organisation_id == commitment.lead_organisation_id:
        commitment.status = CommitmentStatus.SIGNED
    db.session.flush()
    db.session.refresh(commitment)
    data = {
        "commitment": commitment_dict(commitment),
        "signature": signature_dict(signature),
    }
    return data, {"signature": signature_dict(signature)}


def _join_as_co_signer(commitment: Commitment, organisation_id: int) -> None:
    """Signing in the room is how an organisation joins as a co-signer."""
    organisation = db.session.get(Organisation, organisation_id)
    if (
        organisation is not None
        and organisation.id != commitment.lead_organisation_id
        and organisation not in commitment.co_signers
    ):
        commitment.co_signers.append(organisation)


# --- facilitator controls ----------------------------------------------------------


def board_phase(change: Change) -> Outcome:
    change.authorise("board:phase")
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
    person = db.session.get(Person, person_id)
    data = {
        "person": person_id,
        "reason": enrolment.removed_reason,
        "participant": actor_dict(person),
    }
    return data, {}


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
