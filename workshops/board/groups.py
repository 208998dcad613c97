"""Breakout groups as the board reads them: a main board's running groups (their
boards not yet returned), who is in each, and the `breakout` part of a join's
snapshot, so that a page that loads or rejoins knows the groups."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from extensions import db
from workshops.board.objects import group_dict
from workshops.models import Board, breakout_member


def running_groups(main_id: int) -> list[Board]:
    """The main board's breakout groups that have not gone back yet, by number."""
    return list(
        db.session.scalars(
            select(Board)
            .where(Board.parent_board_id == main_id, Board.returned_at.is_(None))
            .order_by(Board.group_no, Board.id)
        )
    )


def group_members(group_ids: list[int]) -> dict[int, list[int]]:
    """Group board id -> the ids of the people in it, ascending."""
    members: dict[int, list[int]] = {group: [] for group in group_ids}
    rows = db.session.execute(
        select(breakout_member.c.board_id, breakout_member.c.person_id)
        .where(breakout_member.c.board_id.in_(group_ids))
        .order_by(breakout_member.c.person_id)
    )
    for board_id, person_id in rows:
        members[board_id].append(person_id)
    return members


def groups_summary(groups: list[Board]) -> list[dict[str, Any]]:
    """Each group as events and snapshots show it: number, name, board, members."""
    members = group_members([group.id for group in groups])
    return [
        {**(group_dict(group) or {}), "members": members[group.id]} for group in groups
    ]


def breakout_state(board: Board) -> dict[str, Any]:
    """For a main board, its running groups (an empty list when none); a group's
    board says its group and main board in `board` itself."""
    if board.parent_board_id is not None:
        return {"groups": []}
    return {"groups": groups_summary(running_groups(board.id))}
