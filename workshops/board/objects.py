"""The board's objects as PROTOCOL.md shapes them for acks and events (plain dicts of
JSON values, times ISO-8601 with an explicit UTC offset)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, union

from commitments.models import Commitment, Signature
from core.models import Theme
from core.pacts import theme_label
from extensions import db
from stakeholders.models import Person
from workshops.models import Board, BoardEvent, Card, Comment


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def actor_dict(person: Person | None) -> dict[str, Any] | None:
    if person is None:
        return None
    organisation = person.organisation.name if person.organisation else None
    return {"id": person.id, "name": person.name, "organisation": organisation}


def board_dict(board: Board) -> dict[str, Any]:
    return {
        "id": board.id,
        "workshop": board.workshop_id,
        "phase": board.phase,
        "locked": board.locked,
        "timer_ends_at": iso(board.timer_ends_at),
        "vote_budget": board.vote_budget,
        "vote_per_card": board.vote_per_card,
        "votes_revealed": board.votes_revealed,
        "spotlight": spotlight_dict(board),
        "seq": board.seq,
        # A breakout group's board: the main board and the group; else both None.
        "parent": board.parent_board_id,
        "group": group_dict(board),
        "themes": [
            {"id": theme.id, "name": theme_label(theme)}
            for theme in board_themes(board.id, board.workshop.board_themes())
        ],
    }


def board_themes(board_id: int, themes: list[Theme]) -> list[Theme]:
    """The board's columns: of the workshop's themes, the active ones and the
    archived ones its cards or commitments are in (which keep them)."""
    archived = [theme.id for theme in themes if theme.archived]
    used: set[int] = set()
    if archived:
        in_use = union(
            select(Card.theme_id).where(
                Card.board_id == board_id, Card.theme_id.in_(archived)
            ),
            select(Commitment.theme_id).where(
                Commitment.board_id == board_id, Commitment.theme_id.in_(archived)
            ),
        )
        used = set(db.session.scalars(select(in_use.subquery().c[0])))
    return [theme for theme in themes if not theme.archived or theme.id in used]


def spotlight_dict(board: Board) -> dict[str, Any] | None:
    if board.spotlight_type is None:
        return None
    return {"type": board.spotlight_type, "id": board.spotlight_id}


def group_dict(board: Board | None) -> dict[str, Any] | None:
    """The breakout group whose board this is (None for a main board): its number,
    its name (a theme's, or "Group n") and its board."""
    if board is None or board.group_no is None:
        return None
    name = board.group_name or f"Group {board.group_no}"
    return {"no": board.group_no, "name": name, "board": board.id}


def card_dict(card: Card) -> dict[str, Any]:
    return {
        "id": card.id,
        "board": card.board_id,
        "theme": card.theme_id,
        "kind": card.kind,
        "text": card.text,
        "author": actor_dict(card.author),
        "hidden": card.hidden,
        "cluster": card.cluster_id,
        "merged_into": card.merged_into_id,
        "deleted": card.deleted,
        "version": card.version,
        # The breakout group it was written in, once back on the main board.
        "group": group_dict(card.group_board) if card.group_board_id else None,
        "created_at": iso(card.created_at),
        "updated_at": iso(card.updated_at),
    }


def comment_dict(comment: Comment) -> dict[str, Any]:
    return {
        "id": comment.id,
        "card": comment.card_id,
        "text": comment.text,
        "author": actor_dict(comment.author),
        "created_at": iso(comment.created_at),
    }


def signature_dict(signature: Signature) -> dict[str, Any]:
    return {
        "id": signature.id,
        "commitment": signature.commitment_id,
        "organisation": {
            "id": signature.organisation_id,
            "name": signature.signatory,
        },
        "authority": signature.authority,
        "person": actor_dict(signature.person),
        "commitment_version": signature.commitment_version,
        "signed_at": iso(signature.signed_at),
    }


def commitment_dict(commitment: Commitment) -> dict[str, Any]:
    lead = commitment.lead_organisation
    return {
        "id": commitment.id,
        "board": commitment.board_id,
        "title": commitment.title,
        "action": commitment.action,
        "theme": commitment.theme_id,
        "lead": {"id": lead.id, "name": lead.name},
        "co_signers": [{"id": o.id, "name": o.name} for o in commitment.co_signers],
        "indicator": {
            "name": commitment.indicator_name,
            "unit": commitment.indicator_unit,
            "baseline": commitment.indicator_baseline,
            "target": commitment.indicator_target,
        },
        "deadline": commitment.deadline.isoformat(),
        "support_requested": commitment.support_requested,
        "source_cards": [card.id for card in commitment.source_cards],
        "status": commitment.status,
        "version": commitment.version,
        "group": (
            group_dict(commitment.group_board) if commitment.group_board_id else None
        ),
        "signatures": [signature_dict(s) for s in commitment.signatures],
        "created_at": iso(commitment.created_at),
        "updated_at": iso(commitment.updated_at),
    }


def event_dict(event: BoardEvent) -> dict[str, Any]:
    return {
        "board": event.board_id,
        "seq": event.seq,
        "type": event.type,
        "actor": actor_dict(event.actor),
        "data": event.data,
        "at": iso(event.at),
    }


def redact_card(card: dict[str, Any]) -> dict[str, Any]:
    """A hidden card as participants receive it: its place, not its words or author
    (the facilitator hid it; it must not stay readable on the wire)."""
    if not card.get("hidden"):
        return card
    return {**card, "text": "", "author": None}


# Where an event's data lists cards besides its `card`.
CARD_LISTS = ("merged", "reclustered")


# What vote events say of the votes, none of which participants get before the
# reveal (counting the cards of vote events would give the totals away).
VOTE_KEYS = ("card", "total", "totals", "mine", "votes_left")


def hides_votes(data: dict[str, Any]) -> bool:
    """A vote event (or the reveal taken back) while the votes are not revealed."""
    return data.get("revealed") is False


def needs_redaction(event: dict[str, Any]) -> bool:
    """Whether participants must get this event without some card's words, or
    without the votes."""
    data = event.get("data") or {}
    if hides_votes(data):
        return True
    cards = [data.get("card")]
    for key in CARD_LISTS:
        if isinstance(data.get(key), list):
            cards += data[key]
    return any(isinstance(card, dict) and card.get("hidden") for card in cards)


def redact_event(event: dict[str, Any]) -> dict[str, Any]:
    data = event.get("data") or {}
    if hides_votes(data):
        data = {k: v for k, v in data.items() if k not in VOTE_KEYS}
    redacted = dict(data)
    if isinstance(data.get("card"), dict):
        redacted["card"] = redact_card(data["card"])
    for key in CARD_LISTS:
        if isinstance(data.get(key), list):
            redacted[key] = [redact_card(card) for card in data[key]]
    return {**event, "data": redacted}
