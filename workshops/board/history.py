"""The board's event timeline for the history page (workshops/board/pages.py): the
events, filtered by person and type, a page at a time, each described in the
visitor's language. Nothing here writes."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from core.choices import BOARD_PHASE_LABELS
from core.time import local_time
from extensions import db
from stakeholders.models import Person
from workshops.models import Board, BoardEvent

HISTORY_PAGE_SIZE = 200
SHORT_TEXT = 80


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
