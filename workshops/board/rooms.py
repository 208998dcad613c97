"""The board's Socket.IO namespace and the rooms its clients join: everyone on a
board, each role apart (participants get hidden cards without their text), and each
person (to reach one person's connections)."""

from __future__ import annotations

NAMESPACE = "/board"


def board_room(board_id: int) -> str:
    return f"board:{board_id}"


def role_room(board_id: int, role: str) -> str:
    return f"board:{board_id}:{role}"


def person_room(board_id: int, person_id: int) -> str:
    return f"board:{board_id}:person:{person_id}"
