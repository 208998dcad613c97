"""The summary e-mailed to every participant when the facilitator closes the board:
to each one enrolled (not removed, and still accepting e-mail), in their language,
an HTML e-mail (with its text version) listing the commitments their organisation
leads, co-signs or drafted, with their personal link to sign, and the workshop's
summary as a PDF attached.

Queued through the outbox in the closing change's own transaction (so the e-mails
leave only if the board is closed, and exactly once): the e-mails are rendered here,
the PDF is kept as its HTML and rendered by the outbox sender, off the event loop,
never in the socket handler. A board closed again sends again only when its summary
has news (cards, votes, commitments or signatures changed since the last mailing):
the summary's digest is kept per board."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from flask import render_template
from flask_babel import force_locale
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from commitments.models import Commitment
from commitments.operations import member_link
from core.choices import COMMITMENT_STATUS_LABELS, CommitmentStatus
from core.links import public_url
from core.mail import PdfAttachment, queue_template_email
from core.pacts import theme_label
from core.time import utcnow
from extensions import db
from stakeholders.models import Person
from workshops.board.summary import BoardSummary, board_summary, indicator_text
from workshops.models import Board, ClosingMailing, Enrolment, EnrolmentStatus


def mail_closing_summary(board: Board) -> int:
    """Queue the closing e-mails of `board` (just closed, in the current
    transaction); how many were queued (none when nothing is new)."""
    themes = {theme.id: theme_label(theme) for theme in board.workshop.pact.themes}
    summary = board_summary(board, themes)
    digest = summary_digest(summary)
    mailing = db.session.get(ClosingMailing, board.id)
    if mailing is not None and mailing.digest == digest:
        return 0
    documents: dict[str, Markup] = {}
    drafters = _drafters(summary.commitments)
    sent = 0
    for person in _recipients(board.workshop_id):
        language = person.language or board.workshop.pact.default_language
        if language not in documents:
            documents[language] = _summary_document(board, summary, themes, language)
        ours = organisation_commitments(
            summary.commitments, drafters, person.organisation_id
        )
        sent += _mail_one(board, person, ours, documents[language], language)
    if mailing is None:
        mailing = ClosingMailing(board_id=board.id, digest=digest)
        db.session.add(mailing)
    mailing.digest, mailing.recipients, mailing.sent_at = digest, sent, utcnow()
    return sent


def summary_digest(summary: BoardSummary) -> str:
    """What a participant would read in the summary, as one hash: the cards that
    made it with their votes and clusters, the commitments' versions and statuses,
    their signatures."""
    content = {
        "cards": [
            [card.id, card.text, card.votes, card.cluster, card.merged]
            for cluster in summary.clusters
            for card in (cluster.head, *cluster.cards)
        ],
        "commitments": [
            [c.id, c.version, c.status, sorted(s.id for s in c.signatures)]
            for c in summary.commitments
        ],
    }
    encoded = json.dumps(content, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(encoded).hexdigest()


def _recipients(workshop_id: int) -> list[Person]:
    """The workshop's enrolled participants, not removed from the board."""
    return list(
        db.session.scalars(
            select(Person)
            .join(Enrolment, Enrolment.person_id == Person.id)
            .where(
                Enrolment.workshop_id == workshop_id,
                Enrolment.status == EnrolmentStatus.ENROLLED,
                Enrolment.removed.is_(False),
            )
            .options(selectinload(Person.organisation))
            .order_by(Person.id)
        )
    )


def _drafters(commitments: list[Commitment]) -> dict[int, int | None]:
    """Person id -> organisation id of whoever drafted each commitment."""
    ids = {c.created_by_id for c in commitments if c.created_by_id is not None}
    rows = db.session.execute(
        select(Person.id, Person.organisation_id).where(Person.id.in_(ids))
    )
    return {person_id: organisation_id for person_id, organisation_id in rows}


def organisation_commitments(
    commitments: list[Commitment],
    drafters: Mapping[int, int | None],
    organisation_id: int | None,
) -> list[Commitment]:
    """The board's commitments the organisation leads, co-signs or drafted."""
    if organisation_id is None:
        return []
    return [
        commitment
        for commitment in commitments
        if commitment.lead_organisation_id == organisation_id
        or any(o.id == organisation_id for o in commitment.co_signers)
        or drafters.get(commitment.created_by_id or 0) == organisation_id
    ]


def _summary_document(
    board: Board, summary: BoardSummary, themes: Mapping[int, str], language: str
) -> Markup:
    """The summary's body in one language, shared by everyone who reads it (our
    own autoescaped template output)."""
    with force_locale(language):
        return Markup(  # noqa: S704 - rendered by an autoescaping template
            render_template(
                "workshops/closing_summary_body.html",
                workshop=board.workshop,
                pact=board.workshop.pact,
                summary=summary,
                themes=themes,
                status_labels=COMMITMENT_STATUS_LABELS,
                indicator_text=indicator_text,
            )
        )


def _mail_one(
    board: Board,
    person: Person,
    ours: list[Commitment],
    document: Markup,
    language: str,
) -> int:
    workshop = board.workshop
    context: dict[str, Any] = {
        "person": person,
        "workshop": workshop,
        "pact": workshop.pact,
        "commitments": ours,
        "to_sign": [c for c in ours if _awaits_signature(c, person.organisation_id)],
        "status_labels": COMMITMENT_STATUS_LABELS,
        "new_link": f"{public_url()}/me/link/new",
    }
    with force_locale(language):
        pdf = render_template(
            "workshops/closing_summary_pdf.html", body=document, **context
        )
    link = member_link(person) if person.organisation_id else None
    queued = queue_template_email(
        person.email,
        language,
        "closing_summary",
        attachment=PdfAttachment(f"summary-workshop-{workshop.id}.pdf", pdf),
        link=link,
        **context,
    )
    return 0 if queued is None else 1


def _awaits_signature(commitment: Commitment, organisation_id: int | None) -> bool:
    """Agreed by the pact's officials and not yet signed by the organisation: the
    personal link's page offers to sign it."""
    if commitment.status == CommitmentStatus.DRAFT:
        return False
    return all(s.organisation_id != organisation_id for s in commitment.signatures)
