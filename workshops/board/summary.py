"""Read-side queries of the board pages (workshops/board/pages.py): a workshop's board,
the organisations that may lead a commitment, the comments shown when the page opens,
the summary (clusters with their cards, the most voted cards, commitments with their
signatories, attendance) as plain rows for the HTML page and the CSV (the event
timeline is workshops/board/history.py). Nothing here writes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from commitments.models import Commitment, Signature
from core.choices import RegistrationStatus
from extensions import db
from stakeholders.models import Organisation, Person
from workshops.board.objects import comment_dict
from workshops.models import (
    Board,
    Card,
    Comment,
    Enrolment,
    EnrolmentStatus,
    Vote,
)

# The board's vocabularies, in the visitor's language (pages, CSV, the board's script).
TOP_CARDS = 10
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
