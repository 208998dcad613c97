"""Replays for `join` with `since`: a board's recent events as the wire shows them,
kept by each app. A committed BoardEvent changes only when a person is erased (the
erasure rewrites the events that quote them), so once read and shaped it can be
handed to every client that rejoins (a venue's Wi-Fi drops and two hundred people
rejoin at once) without reading and shaping it again, until the latest erasure time
in the database (one indexed lookup, whichever process erased) moves on."""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from extensions import db
from stakeholders.models import Person
from workshops.board.objects import event_dict, needs_redaction, redact_event
from workshops.board.rules import PARTICIPANT
from workshops.models import BoardEvent

# Boards whose recent events an app keeps (the least recently replayed go first).
BOARDS = 64

Shown = tuple[dict[str, Any], dict[str, Any]]  # (for facilitators, for participants)


class ReplayCache:
    """Per board: seq -> the event for facilitators and for participants, the last
    `depth` of them."""

    def __init__(self, depth: int, boards: int = BOARDS) -> None:
        self.depth = depth
        self.size = boards
        self.boards: OrderedDict[int, dict[int, Shown]] = OrderedDict()
        # The latest erasure the shaped events already reflect.
        self.erased_mark: datetime | None = None

    def check_erasures(self) -> None:
        """Forget every shaped event once someone was erased since they were
        shaped (by this process or another: `erase-person` runs on its own)."""
        mark = db.session.scalar(select(func.max(Person.erased_at)))
        if mark != self.erased_mark:
            self.boards.clear()
            self.erased_mark = mark

    def events(self, board_id: int, since: int, upto: int, role: str) -> list[Any]:
        """The events after `since` up to `upto` (committed), as `role` sees them."""
        shown = self._board(board_id)
        wanted = range(since + 1, upto + 1)
        missing = [seq for seq in wanted if seq not in shown]
        if missing:
            shown.update(_load(board_id, missing[0], upto))
            for seq in [seq for seq in shown if seq <= upto - self.depth]:
                del shown[seq]
        pick = 1 if role == PARTICIPANT else 0
        return [shown[seq][pick] for seq in wanted]

    def _board(self, board_id: int) -> dict[int, Shown]:
        shown = self.boards.setdefault(board_id, {})
        self.boards.move_to_end(board_id)
        while len(self.boards) > self.size:
            self.boards.popitem(last=False)
        return shown


def _load(board_id: int, first: int, last: int) -> dict[int, Shown]:
    rows = db.session.scalars(
        select(BoardEvent)
        .where(
            BoardEvent.board_id == board_id,
            BoardEvent.seq >= first,
            BoardEvent.seq <= last,
        )
        .options(with_person(BoardEvent.actor))
    )
    loaded = {}
    for row in rows:
        event = event_dict(row)
        loaded[row.seq] = (
            event,
            redact_event(event) if needs_redaction(event) else event,
        )
    return loaded


def with_person(relationship: Any) -> Any:
    """Load the people objects name, with their organisations, in the same statement
    (a snapshot or a replay names hundreds of them)."""
    return joinedload(relationship).joinedload(Person.organisation)


def replay(board_id: int, since: int, upto: int, role: str, depth: int) -> list[Any]:
    """The events after `since`, from this app's cache (filled from the log)."""
    extensions = current_app.extensions
    cache = extensions.get("board_replay")
    if cache is None:
        cache = extensions["board_replay"] = ReplayCache(depth)
    cache.check_erasures()
    events: list[Any] = cache.events(board_id, since, upto, role)
    return events
