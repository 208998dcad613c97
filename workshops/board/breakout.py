"""Breakout groups (`breakout:start`, `breakout:end`): the facilitator splits the
room's participants into groups, each on a board of its own linked to the main board
(same protocol and phases, its own `seq` from 0); at the end each group's cards,
comments and draft commitments come back to the main board as ordinary changes in its
log, with their group, and the groups' boards close read-only
(workshops.board.breakout_return).

Both go the one path's way (validate → lock → identify → authorise → apply and log
with the next `seq` → commit → broadcast → ack; a repeated `cid` answered with its
first result), but one change here writes several events, on several boards: the
main board's lock is taken first, then each group's, in id order."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

from sqlalchemy import insert, select

from core.choices import BreakoutMode
from core.models import Theme
from core.pacts import theme_label
from core.transactions import use_case
from extensions import db
from stakeholders.models import Person
from workshops.board import broadcast
from workshops.board.breakout_forms import validate_breakout
from workshops.board.breakout_return import return_groups
from workshops.board.groups import groups_summary, running_groups
from workshops.board.objects import board_dict
from workshops.board.path import (
    Change,
    Member,
    _identify,
    advance_board,
    identify_member,
    once_per_cid,
    store_event,
)
from workshops.board.rules import FACILITATOR, BoardError
from workshops.models import (
    Board,
    Enrolment,
    EnrolmentStatus,
    Workshop,
    breakout_member,
)

_shuffle = random.SystemRandom().shuffle


def apply_breakout(
    board_id: int,
    person_id: int,
    event: str,
    payload: Any,
    token_workshop: int | None = None,
) -> dict[str, Any]:
    """Apply `breakout:start` or `breakout:end`; returns the ack, raises BoardError
    when refused (nothing changed)."""
    data = validate_breakout(event, payload)
    cid = str(data.pop("cid"))
    with _board_locks(board_id, event):
        return once_per_cid(
            board_id,
            person_id,
            cid,
            lambda: USE_CASES[event](board_id, person_id, data, cid, token_workshop),
        )


@contextmanager
def _board_locks(board_id: int, event: str) -> Iterator[None]:
    """The main board's lock, and for an end each running group's, in id order
    (groups are created after their main board: ids ascend, no lock cycles)."""
    groups: list[int] = []
    if event == "breakout:end":
        groups = [group.id for group in running_groups(board_id)]
        db.session.close()  # no transaction stays open while waiting for a lock
    with ExitStack() as locks:
        for locked in [board_id, *sorted(groups)]:
            locks.enter_context(broadcast.board_lock(locked))
        yield


def _main_change(
    event: str,
    board_id: int,
    person_id: int,
    data: dict[str, Any],
    token_workshop: int | None,
) -> Change:
    """The change on the main board, authorised; a group's board cannot split or
    end (its main board does)."""
    member, _person = _identify(person_id, board_id, token_workshop)
    board = db.session.get(Board, board_id)
    assert board is not None  # noqa: S101 - _identify found it
    change = Change(board, member, data)
    change.authorise(event)
    if board.parent_board_id is not None:
        raise BoardError("invalid", "a breakout group's board has no groups")
    return change


EVENT_START = "breakout:start"
EVENT_END = "breakout:end"


@use_case
def start_breakout(
    board_id: int,
    person_id: int,
    data: dict[str, Any],
    cid: str,
    token_workshop: int | None,
) -> dict[str, Any]:
    change = _main_change(EVENT_START, board_id, person_id, data, token_workshop)
    if running_groups(board_id):
        raise BoardError("phase", "a breakout is already running on this board")
    main = change.board
    names, assignment = _plan(main.workshop, data)
    groups = []
    for number, name in enumerate(names, start=1):
        group = Board(
            workshop_id=main.workshop_id,
            parent_board_id=main.id,
            group_no=number,
            group_name=name,
            phase=main.phase,
            vote_budget=main.vote_budget,
            seq=0,
        )
        db.session.add(group)
        groups.append(group)
    db.session.flush()
    rows = [
        {"board_id": groups[number - 1].id, "person_id": person}
        for person, number in sorted(assignment.items())
    ]
    if rows:
        db.session.execute(insert(breakout_member), rows)
    summary = groups_summary(groups)
    event = {"mode": data["mode"], "groups": summary}
    return log_event(change, EVENT_START, event, cid, {"groups": summary})


def log_event(
    change: Change,
    event: str,
    event_data: dict[str, Any],
    cid: str | None,
    extras: dict[str, Any],
) -> dict[str, Any]:
    """Append one event to the change's board with its next `seq`, broadcast after
    the commit; the ack of it."""
    board = advance_board(change.board.id)
    if event == EVENT_END:
        event_data = {**event_data, "board": board_dict(board)}
    ack = {"ok": True, "seq": board.seq, **extras}
    store_event(
        board.id, board.seq, event, change.member.person_id, cid, event_data, ack
    )
    return ack


@use_case
def end_breakout(
    board_id: int,
    person_id: int,
    data: dict[str, Any],
    cid: str,
    token_workshop: int | None,
) -> dict[str, Any]:
    change = _main_change(EVENT_END, board_id, person_id, data, token_workshop)
    groups = running_groups(board_id)
    if not groups:
        raise BoardError("not_found", "no breakout is running on this board")
    summary = groups_summary(groups)
    returned = return_groups(change, groups, log_event)
    event = {"groups": summary, "returned": returned}
    return log_event(change, EVENT_END, event, cid, {"groups": summary})


USE_CASES = {EVENT_START: start_breakout, EVENT_END: end_breakout}
BREAKOUT_EVENTS = tuple(USE_CASES)


# --- the page ---------------------------------------------------------------------


def shown_board(
    main: Board, member: Member, wanted: int | None
) -> tuple[Board, Member]:
    """The board a page of the workshop shows: for a facilitator, the running group
    they asked for (`wanted`), else the main board; for a participant, their own
    group's board while a breakout runs, else the main board."""
    if member.role == FACILITATOR:
        group = db.session.get(Board, wanted) if wanted else None
        if group is None or group.parent_board_id != main.id:
            return main, member
    else:
        group = own_group(main.id, member.person_id)
        if group is None:
            return main, member
    return group, identify_member(member.person_id, group.id)


def own_group(main_id: int, person_id: int) -> Board | None:
    """The running group of the main board that the person is in, if any."""
    return db.session.scalar(
        select(Board)
        .join(breakout_member, breakout_member.c.board_id == Board.id)
        .where(
            Board.parent_board_id == main_id,
            Board.returned_at.is_(None),
            breakout_member.c.person_id == person_id,
        )
    )


# --- who goes where ----------------------------------------------------------------


def _plan(workshop: Workshop, data: dict[str, Any]) -> tuple[list[str], dict[int, int]]:
    """The groups' names (empty: "Group n") and person id -> group number."""
    count = data["groups"]
    people = _participants(workshop.id)
    mode = data["mode"]
    if mode == BreakoutMode.MANUAL:
        strangers = sorted(set(data["assignment"]) - set(people))
        if strangers:
            raise BoardError(
                "invalid",
                "the request is not valid",
                fields={"assignment": f"not participants here: {strangers}"},
            )
        return [""] * count, dict(data["assignment"])
    if mode == BreakoutMode.THEME:
        themes = list(workshop.themes) or list(workshop.pact.themes)
        if len(themes) < count:
            raise BoardError(
                "invalid",
                "the request is not valid",
                fields={"groups": f"this workshop has {len(themes)} themes"},
            )
        themes = themes[:count]
        wishes = _wishes(people, [theme.id for theme in themes])
        names = [theme_label(theme) for theme in themes]
        return names, deal(list(people), count, wishes)
    return [""] * count, deal(list(people), count)


def deal(
    people: list[int], count: int, wishes: dict[int, set[int]] | None = None
) -> dict[int, int]:
    """Each person to a group 1..count, the groups' sizes within one of each other:
    in random order, those with the fewest wishes (the groups of their themes)
    first, each to the smallest group they wish for that still has room, else to
    the smallest group with room."""
    wishes = wishes or {}
    _shuffle(people)
    # sorted() keeps the shuffled order among people with as many wishes.
    ordered = sorted(people, key=lambda person: len(wishes.get(person) or ()) or count)
    base, extra = divmod(len(people), count)
    sizes = dict.fromkeys(range(1, count + 1), 0)
    placed: dict[int, int] = {}
    for person in ordered:
        larger = sum(1 for size in sizes.values() if size > base)
        room = [n for n, size in sizes.items() if size < base or larger < extra]
        room = [n for n in room if sizes[n] <= base]
        wished = [n for n in room if n in (wishes.get(person) or ())] or room
        group = min(wished, key=lambda number: (sizes[number], number))
        sizes[group] += 1
        placed[person] = group
    return placed


def _participants(workshop_id: int) -> list[int]:
    """The workshop's participants who may take part now, by id."""
    return list(
        db.session.scalars(
            select(Enrolment.person_id)
            .join(Person, Person.id == Enrolment.person_id)
            .where(
                Enrolment.workshop_id == workshop_id,
                Enrolment.status == EnrolmentStatus.ENROLLED,
                Enrolment.removed.is_(False),
                Enrolment.revoked.is_(False),
                Person.active.is_(True),
            )
            .order_by(Enrolment.person_id)
        )
    )


def _wishes(people: list[int], theme_ids: list[int]) -> dict[int, set[int]]:
    """Person -> the groups (numbers) of the themes their organisation registered
    for, among the groups' themes."""
    number = {theme: n for n, theme in enumerate(theme_ids, start=1)}
    wishes: dict[int, set[int]] = {}
    for person in db.session.scalars(select(Person).where(Person.id.in_(people))):
        organisation = person.organisation
        themes: list[Theme] = list(organisation.themes) if organisation else []
        wishes[person.id] = {number[t.id] for t in themes if t.id in number}
    return wishes
