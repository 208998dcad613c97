"""Read-side queries of the board pages (workshops/board/pages.py): a workshop's board,
the organisations that may lead a commitment, the comments shown when the page opens,
the summary (clusters with their cards, the most voted cards, commitments with their
signatories, attendance) as plain rows for the HTML page and the CSV, and the board's
event timeline, filtered, for the history page. Nothing here writes."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from commitments.models import Commitment, Signature
from core.choices import BOARD_PHASE_LABELS, RegistrationStatus
from core.time import local_time
from extensions import db
from stakeholders.models import Organisation, Person
from workshops.board.objects import comment_dict
from workshops.models import (
    Board,
    BoardEvent,
    Card,
    Comment,
    Enrolment,
    EnrolmentStatus,
    Vote,
)

# The board's vocabularies, in the visitor's language (pages, CSV, the board's script).
TOP_CARDS = 10
HISTORY_PAGE_SIZE = 200
SHORT_TEXT = 80
SUMMARY_COLUMNS = [
    "section",
    "id",
    "parent",
    "theme",
    "kind",
    "text",
    "person",
    "organisation",
    "votes",
    "status",
    "date",
    "indicator",
]


def workshop_board(workshop_id: int) -> Board | None:
    return db.session.scalar(
        select(Board).where(
            Board.workshop_id == workshop_id, Board.parent_board_id.is_(None)
        )
    )


def lead_organisations(pact_id: int) -> list[Organisation]:
    """The pact's approved organisations, by name: who may lead a commitment."""
    return list(
        db.session.scalars(
            select(Organisation)
            .where(
                Organisation.pact_id == pact_id,
                Organisation.status == RegistrationStatus.APPROVED,
            )
            .order_by(Organisation.name)
        )
    )


def board_comments(board_id: int) -> list[dict[str, Any]]:
    """Every comment on the board's cards, oldest first, as PROTOCOL shapes them (the
    join snapshot carries none)."""
    comments = db.session.scalars(
        select(Comment)
        .join(Card, Card.id == Comment.card_id)
        .where(Card.board_id == board_id, Card.deleted.is_(False))
        .options(selectinload(Comment.author).selectinload(Person.organisation))
        .order_by(Comment.id)
    )
    return [comment_dict(comment) for comment in comments]


# --- the summary -------------------------------------------------------------------


@dataclass(frozen=True)
class SummaryCard:
    id: int
    theme: str
    kind: str
    text: str
    author: str
    organisation: str
    votes: int
    cluster: int | None
    merged: bool


@dataclass(frozen=True)
class Cluster:
    head: SummaryCard
    cards: list[SummaryCard]

    @property
    def votes(self) -> int:
        return self.head.votes + sum(card.votes for card in self.cards)


@dataclass(frozen=True)
class BoardSummary:
    clusters: list[Cluster]
    top_cards: list[SummaryCard]
    commitments: list[Commitment]
    attendance: list[Enrolment]


def board_summary(board: Board, theme_names: Mapping[int, str]) -> BoardSummary:
    cards = _summary_cards(board.id, theme_names)
    return BoardSummary(
        clusters=_clusters(cards),
        top_cards=sorted(
            (card for card in cards if card.votes > 0 and not card.merged),
            key=lambda card: (-card.votes, card.id),
        )[:TOP_CARDS],
        commitments=_commitments(board.id),
        attendance=_attendance(board.workshop_id),
    )


def _vote_totals(board_id: int) -> dict[int, int]:
    rows = db.session.execute(
        select(Vote.card_id, func.count())
        .where(Vote.board_id == board_id)
        .group_by(Vote.card_id)
    )
    return {card_id: count for card_id, count in rows}


def _summary_cards(board_id: int, theme_names: Mapping[int, str]) -> list[SummaryCard]:
    """The board's cards that made it: not deleted, and not hidden by the facilitator
    unless they were merged into another card."""
    totals = _vote_totals(board_id)
    cards = db.session.scalars(
        select(Card)
        .where(Card.board_id == board_id, Card.deleted.is_(False))
        .options(selectinload(Card.author).selectinload(Person.organisation))
        .order_by(Card.id)
    )
    return [
        SummaryCard(
            id=card.id,
            theme=theme_names.get(card.theme_id, ""),
            kind=card.kind,
            text=card.text,
            author=card.author.name,
            organisation=card.author.organisation.name
            if card.author.organisation
            else "",
            votes=totals.get(card.id, 0),
            cluster=card.cluster_id,
            merged=card.merged_into_id is not None,
        )
        for card in cards
        if not card.hidden or card.merged_into_id is not None
    ]


def _clusters(cards: list[SummaryCard]) -> list[Cluster]:
    """Cluster heads with the cards under them; a card whose head is gone stands on
    its own. Biggest clusters (by votes) first."""
    ids = {card.id for card in cards}
    members: dict[int, list[SummaryCard]] = {}
    heads = []
    for card in cards:
        if card.cluster is not None and card.cluster in ids:
            members.setdefault(card.cluster, []).append(card)
        elif not card.merged:
            heads.append(card)
    clusters = [Cluster(head, members.get(head.id, [])) for head in heads]
    return sorted(clusters, key=lambda cluster: (-cluster.votes, cluster.head.id))


def _commitments(board_id: int) -> list[Commitment]:
    return list(
        db.session.scalars(
            select(Commitment)
            .where(Commitment.board_id == board_id)
            .options(
                selectinload(Commitment.lead_organisation),
                selectinload(Commitment.theme),
                selectinload(Commitment.signatures).selectinload(
                    Signature.organisation
                ),
                selectinload(Commitment.signatures).selectinload(Signature.person),
            )
            .order_by(Commitment.id)
        )
    )


def _attendance(workshop_id: int) -> list[Enrolment]:
    return list(
        db.session.scalars(
            select(Enrolment)
            .join(Person, Person.id == Enrolment.person_id)
            .where(
                Enrolment.workshop_id == workshop_id,
                Enrolment.status == EnrolmentStatus.ENROLLED,
            )
            .options(selectinload(Enrolment.person).selectinload(Person.organisation))
            .order_by(Person.name)
        )
    )


def indicator_text(commitment: Commitment) -> str:
    return (
        f"{commitment.indicator_name}: {commitment.indicator_baseline:g} → "
        f"{commitment.indicator_target:g} {commitment.indicator_unit}"
    )


def summary_rows(
    summary: BoardSummary, theme_names: Mapping[int, str]
) -> list[dict[str, str]]:
    """The summary as one CSV table: a `section` column says what each row is."""
    rows = [
        _card_row(card, cluster.head.id if card is not cluster.head else None)
        for cluster in summary.clusters
        for card in (cluster.head, *cluster.cards)
    ]
    for commitment in summary.commitments:
        rows.append(_commitment_row(commitment, theme_names))
        rows.extend(_signature_row(s) for s in commitment.signatures)
    rows.extend(_attendance_row(enrolment) for enrolment in summary.attendance)
    return [{column: row.get(column, "") for column in SUMMARY_COLUMNS} for row in rows]


def _card_row(card: SummaryCard, parent: int | None) -> dict[str, str]:
    return {
        "section": "card",
        "id": str(card.id),
        "parent": str(parent or ""),
        "theme": card.theme,
        "kind": card.kind,
        "text": card.text,
        "person": card.author,
        "organisation": card.organisation,
        "votes": str(card.votes),
        "status": "merged" if card.merged else "",
    }


def _commitment_row(
    commitment: Commitment, theme_names: Mapping[int, str]
) -> dict[str, str]:
    return {
        "section": "commitment",
        "id": str(commitment.id),
        "theme": theme_names.get(commitment.theme_id, ""),
        "text": commitment.title,
        "organisation": commitment.lead_organisation.name,
        "status": commitment.status,
        "date": commitment.deadline.isoformat(),
        "indicator": indicator_text(commitment),
    }


def _signature_row(signature: Signature) -> dict[str, str]:
    return {
        "section": "signature",
        "id": str(signature.id),
        "parent": str(signature.commitment_id),
        "person": signature.person.name,
        "organisation": signature.signatory,
        "date": signature.signed_at.isoformat(),
    }


def _attendance_row(enrolment: Enrolment) -> dict[str, str]:
    person = enrolment.person
    return {
        "section": "attendance",
        "id": str(person.id),
        "person": person.name,
        "organisation": person.organisation.name if person.organisation else "",
        "status": enrolment.attendance or "",
    }


# --- the history -------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryEntry:
    seq: int
    at: datetime
    actor: str
    organisation: str
    type: str
    description: str


@dataclass(frozen=True)
class HistoryPage:
    entries: list[HistoryEntry]
    total: int
    page: int
    pages: int


def _history_query(
    board_id: int, person_id: int | None, event_type: str | None
) -> Select[BoardEvent]:
    query = select(BoardEvent).where(BoardEvent.board_id == board_id)
    if person_id is not None:
        query = query.where(BoardEvent.actor_id == person_id)
    if event_type:
        query = query.where(BoardEvent.type == event_type)
    return query


def board_history(
    board: Board, person_id: int | None, event_type: str | None, page: int
) -> HistoryPage:
    """One page of the board's events in seq order, by actor and/or type."""
    query = _history_query(board.id, person_id, event_type)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max((total + HISTORY_PAGE_SIZE - 1) // HISTORY_PAGE_SIZE, 1)
    page = min(max(page, 1), pages)
    events = db.session.scalars(
        query.options(selectinload(BoardEvent.actor).selectinload(Person.organisation))
        .order_by(BoardEvent.seq)
        .offset((page - 1) * HISTORY_PAGE_SIZE)
        .limit(HISTORY_PAGE_SIZE)
    )
    timezone = board.workshop.pact.timezone
    entries = [_entry(event, timezone) for event in events]
    return HistoryPage(entries, total, page, pages)


def _entry(event: BoardEvent, timezone: str) -> HistoryEntry:
    actor = event.actor
    organisation = actor.organisation.name if actor and actor.organisation else ""
    return HistoryEntry(
        seq=event.seq,
        at=event.at,
        actor=actor.name if actor else "—",
        organisation=organisation,
        type=event.type,
        description=describe_event(event.type, event.data, timezone),
    )


def history_people(board_id: int) -> list[tuple[int, str]]:
    """(id, name) of everyone who changed the board, by name."""
    rows = db.session.execute(
        select(Person.id, Person.name)
        .where(
            Person.id.in_(
                select(BoardEvent.actor_id).where(BoardEvent.board_id == board_id)
            )
        )
        .order_by(Person.name, Person.id)
    )
    return [(person_id, name) for person_id, name in rows]


def history_types(board_id: int) -> list[str]:
    return sorted(
        db.session.scalars(
            select(BoardEvent.type).where(BoardEvent.board_id == board_id).distinct()
        )
    )


def short(text: Any) -> str:
    value = " ".join(str(text or "").split())
    return value if len(value) <= SHORT_TEXT else value[: SHORT_TEXT - 1] + "…"


def _card_text(data: Mapping[str, Any]) -> str:
    card = data.get("card") or {}
    return f"#{card.get('id')} “{short(card.get('text'))}”"


def _card_move(data: Mapping[str, Any]) -> str:
    cluster = (data.get("card") or {}).get("cluster")
    where = _("under #%(id)s", id=cluster) if cluster else _("on its own")
    return f"{_card_text(data)} {where}"


def _card_hide(data: Mapping[str, Any]) -> str:
    hidden = (data.get("card") or {}).get("hidden")
    state = _("hidden") if hidden else _("shown again")
    return f"{_card_text(data)} {state}"


def _card_merge(data: Mapping[str, Any]) -> str:
    merged = ", ".join(f"#{card.get('id')}" for card in data.get("merged") or [])
    return f"{merged} → {_card_text(data)}"


def _comment(data: Mapping[str, Any]) -> str:
    comment = data.get("comment") or {}
    return f"#{comment.get('card')}: “{short(comment.get('text'))}”"


def _vote(data: Mapping[str, Any]) -> str:
    return str(
        _(
            "card #%(card)s, %(total)s in total",
            card=data.get("card"),
            total=data.get("total"),
        )
    )


def _commitment(data: Mapping[str, Any]) -> str:
    return f"“{short((data.get('commitment') or {}).get('title'))}”"


def _signature(data: Mapping[str, Any]) -> str:
    organisation = ((data.get("signature") or {}).get("organisation") or {}).get("name")
    return f"{_commitment(data)}: {organisation or ''}"


def _phase(data: Mapping[str, Any]) -> str:
    phase = str((data.get("board") or {}).get("phase") or "")
    return str(BOARD_PHASE_LABELS.get(phase, phase))


def _lock(data: Mapping[str, Any]) -> str:
    locked = (data.get("board") or {}).get("locked")
    return str(_("locked") if locked else _("unlocked"))


def _timer(data: Mapping[str, Any], timezone: str) -> str:
    ends = (data.get("board") or {}).get("timer_ends_at")
    if not ends:
        return str(_("stopped"))
    time = local_time(datetime.fromisoformat(ends), timezone, "medium")
    return str(_("until %(time)s", time=time))


def _removal(data: Mapping[str, Any]) -> str:
    participant = data.get("participant") or {}
    reason = short(data.get("reason"))
    name = participant.get("name") or f"#{data.get('person')}"
    return f"{name}: {reason}" if reason else str(name)


def _vote_settings(data: Mapping[str, Any]) -> str:
    board = data.get("board") or {}
    return str(
        _(
            "%(budget)s votes per person, at most %(per_card)s on one card",
            budget=board.get("vote_budget"),
            per_card=board.get("vote_per_card"),
        )
    )


def _spotlight(data: Mapping[str, Any]) -> str:
    target = (data.get("board") or {}).get("spotlight") or {}
    kind, ident = target.get("type"), target.get("id")
    if kind == "card":
        return str(_("Card %(id)s", id=ident))
    if kind == "cluster":
        return str(_("Cluster of card %(id)s", id=ident))
    if kind == "commitment":
        return str(_("Commitment %(id)s", id=ident))
    return str(_("released"))


def _reveal(data: Mapping[str, Any]) -> str:
    return str(_("revealed") if data.get("revealed") else _("hidden"))


def _breakout(data: Mapping[str, Any]) -> str:
    groups = [g for g in data.get("groups") or [] if isinstance(g, Mapping)]
    return ", ".join(
        f"{_('Group %(num)s', num=g.get('no'))} ({len(g.get('members') or [])})"
        for g in groups
    )


DESCRIPTIONS: dict[str, Callable[[Mapping[str, Any]], str]] = {
    # board:timer needs the pact's timezone: see describe_event
    "card:create": _card_text,
    "card:update": _card_text,
    "card:delete": _card_text,
    "card:move": _card_move,
    "card:hide": _card_hide,
    "card:merge": _card_merge,
    "comment:add": _comment,
    "vote:cast": _vote,
    "vote:retract": _vote,
    "commitment:create": _commitment,
    "commitment:update": _commitment,
    "commitment:sign": _signature,
    "board:phase": _phase,
    "board:lock": _lock,
    "participant:remove": _removal,
    "vote:settings": _vote_settings,
    "vote:reveal": _reveal,
    "board:spotlight": _spotlight,
    "breakout:start": _breakout,
    "breakout:end": _breakout,
}


def describe_event(event_type: str, data: Mapping[str, Any], timezone: str) -> str:
    """One line saying what an event changed (the history page); times in the pact's
    timezone."""
    if not isinstance(data, Mapping):
        return ""
    if event_type == "board:timer":
        return _timer(data, timezone)
    describe = DESCRIPTIONS.get(event_type)
    return describe(data) if describe else ""
