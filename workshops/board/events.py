"""Socket.IO handlers of the `/board` namespace: thin functions registered from one
table (`EVENTS`) by `register_board_events`, called by `create_app` after
`socketio.init_app`. Each identifies the connection, checks size and rate, calls one
service and returns the ack; `on_board_error` turns any exception into the error ack.

Identity: the Flask session (staff, or a participant who opened a join link) or
`auth.token`, checked at connect; membership and role are checked again in the
database on every event by the services."""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Callable
from typing import Any, TypeGuard

from flask import request
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, join_room, leave_room

from commitments.operations import commitment_changed
from core.choices import ID_MAX, MESSAGE_MAX_BYTES
from core.errors import DomainError
from core.session_ends import session_ended
from core.tokens import TokenError, read_participant_token
from core.transactions import rollback
from extensions import db, socketio
from stakeholders.logins import login_session_person, session_digest
from stakeholders.sessions import current_session_token
from workshops.board import broadcast
from workshops.board.breakout import BREAKOUT_EVENTS, apply_breakout
from workshops.board.endings import (
    Connection,
    add_connection,
    announce,
    connections,
)
from workshops.board.forms import validate_cluster_suggest, validate_join
from workshops.board.limits import hold_connection, release_connection, take_change
from workshops.board.outside import show_outside_change
from workshops.board.packets import Unreadable
from workshops.board.path import (
    apply_board_change,
    identify_member,
    join_board,
    person_summary,
)
from workshops.board.rules import (
    FACILITATOR,
    MUTATING_EVENTS,
    PARTICIPANT,
    BoardError,
)
from workshops.board.suggestions import suggest_board_clusters
from workshops.identities import identify_participant, identify_staff

log = logging.getLogger("greenpact.board")
NAMESPACE = broadcast.NAMESPACE


def refuse(
    message: str, code: str = "unauthorized", reason: str | None = None
) -> ConnectionRefusedError:
    """A connect refusal whose connect-error data is `{"code", "message"}`, with the
    `reason` when one is known (a dict given to ConnectionRefusedError would arrive
    as a string). The board page says the reason in the visitor's language."""
    error = ConnectionRefusedError(message)
    data = {"code": code, "message": message}
    if reason is not None:
        data["reason"] = reason
    error.error_args = {"message": message, "data": data}
    return error


TOO_MANY_CONNECTIONS = "too many connections of yours to this board at once"


def _identify(auth: Any) -> Connection:
    token = auth.get("token") if isinstance(auth, dict) else None
    if isinstance(token, str) and token:
        return _identify_token(token)
    if current_user.is_authenticated:
        login = current_session_token()
        return Connection(
            int(current_user.id), None, session_digest(login) if login else None
        )
    raise refuse("log in, open your join link, or send auth.token", reason="login")


def _identify_token(token: str) -> Connection:
    try:
        try:
            claim = read_participant_token(token)
        except TokenError as exc:
            if exc.reason != "invalid":
                # A participant's token, just no longer valid: say why (expired),
                # rather than trying it as a staff token.
                raise refuse(
                    f"invalid token ({exc.reason})", reason=exc.reason
                ) from None
            staff = identify_staff(token)
            return Connection(staff.person_id, None, staff.login)
        person_id = identify_participant(token, claim.workshop_id)
        return Connection(person_id, claim.workshop_id)
    except DomainError as exc:
        raise refuse(f"invalid token ({exc.message})", reason=exc.message) from None


def on_connect(auth: Any = None) -> None:
    try:
        connection = _identify(auth)
    finally:
        db.session.remove()
    sid = request.sid  # type: ignore[attr-defined]
    # A connection that names its board takes its place there at once, so that one
    # too many is refused before it is made (the board page does so).
    board = auth.get("board") if isinstance(auth, dict) else None
    if _is_id(board) and not hold_connection(board, connection.person_id, sid):
        raise refuse(TOO_MANY_CONNECTIONS, "too_many_connections")
    add_connection(sid, connection)


def on_disconnect(reason: Any = None) -> None:
    sid = request.sid  # type: ignore[attr-defined]
    connections.pop(sid, None)
    release_connection(sid)
    for board_id in broadcast.boards_of(sid):
        broadcast.leave(board_id, sid)


def _connection() -> Connection:
    connection = connections.get(request.sid)  # type: ignore[attr-defined]
    if connection is None:
        raise BoardError("unauthorized", "not connected")
    return connection


def _is_id(value: Any) -> TypeGuard[int]:
    return (
        isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= ID_MAX
    )


def _board_id(payload: Any) -> int:
    board = payload.get("board") if isinstance(payload, dict) else None
    if not _is_id(board):
        raise BoardError(
            "invalid", "`board` must be a board id", fields={"board": "required"}
        )
    return board


def _check_size(payload: Any) -> None:
    if len(json.dumps(payload, default=str)) > MESSAGE_MAX_BYTES:
        raise BoardError("too_large", "the message is larger than 64 KB")


def on_join(payload: Any = None) -> dict[str, Any]:
    connection = _connection()
    _check_size(payload)
    board_id = _board_id(payload)
    since = validate_join(payload)
    sid = request.sid  # type: ignore[attr-defined]
    try:
        # A login that ended since the connection was made (its cut may have been
        # lost: Redis down, a process not yet listening) takes no new board.
        if (
            connection.login is not None
            and login_session_person(connection.login) is None
        ):
            raise BoardError("unauthorized", "your login has ended; log in again")
        member = identify_member(
            connection.person_id, board_id, connection.token_workshop
        )
        if member.removed:
            raise BoardError("unauthorized", "you were removed from this board")
        if not hold_connection(board_id, member.person_id, sid):
            raise BoardError("too_many_connections", TOO_MANY_CONNECTIONS)
        # In the rooms before the log is read: a change committed meanwhile arrives
        # as an event too (the client drops what it already has), never not at all.
        rooms = [
            broadcast.board_room(board_id),
            broadcast.role_room(board_id, member.role),
            broadcast.person_room(board_id, member.person_id),
        ]
        for room in rooms:
            join_room(room)
        person = person_summary(member.person_id) or {}
        broadcast.enter(board_id, sid, {**person, "role": member.role})
        try:
            return join_board(member, since)
        except Exception:
            for room in rooms:
                leave_room(room)
            broadcast.leave(board_id, sid)
            raise
    finally:
        db.session.remove()


def on_leave(payload: Any = None) -> dict[str, Any]:
    board_id = _board_id(payload)
    sid = request.sid  # type: ignore[attr-defined]
    connection = connections.get(sid)
    leave_room(broadcast.board_room(board_id))
    for role in (FACILITATOR, PARTICIPANT):
        leave_room(broadcast.role_room(board_id, role))
    if connection is not None:
        leave_room(broadcast.person_room(board_id, connection.person_id))
    broadcast.leave(board_id, sid)
    release_connection(sid, board_id)
    return {"ok": True}


def _admit(payload: Any) -> tuple[Connection, int]:
    """The checks every change and request passes first: a known connection, a
    board id, the rate, the size, and a join of the board on this connection."""
    connection = _connection()
    board_id = _board_id(payload)
    # One person's changes on a board share one rate, whatever their connections.
    if not take_change(board_id, connection.person_id):
        raise BoardError("rate_limited", "too many changes at once; slow down")
    _check_size(payload)
    if not broadcast.is_present(board_id, request.sid):  # type: ignore[attr-defined]
        raise BoardError("forbidden", "join the board first")
    return connection, board_id


def mutation(event: str, apply: Callable[..., dict[str, Any]] | None = None) -> Any:
    """The handler of one mutating PROTOCOL event (`apply`: its service; by default
    the one path's, looked up when called)."""

    def handle(payload: Any = None) -> dict[str, Any]:
        connection, board_id = _admit(payload)
        payload = {key: value for key, value in payload.items() if key != "board"}
        service = apply or apply_board_change
        try:
            return service(
                board_id,
                connection.person_id,
                event,
                payload,
                connection.token_workshop,
            )
        except BoardError as exc:
            if exc.code == "unauthorized":
                socketio.server.disconnect(request.sid, namespace=NAMESPACE)  # type: ignore[attr-defined]
            raise
        finally:
            db.session.remove()

    handle.__name__ = "on_" + event.replace(":", "_")
    return handle


def on_cluster_suggest(payload: Any = None) -> dict[str, Any]:
    """A read-only request: rate-limited like a change (it costs more than most),
    answered to the sender alone."""
    connection, board_id = _admit(payload)
    theme = validate_cluster_suggest(payload)
    try:
        return suggest_board_clusters(
            board_id, connection.person_id, theme, connection.token_workshop
        )
    finally:
        db.session.remove()


def on_other(event: Any, *args: Any) -> dict[str, Any]:
    """Any other message: an event the protocol does not have, or one the server
    could not read (`Unreadable`: broken JSON, nested too deeply, not an event).
    It costs a token like a change (a flood of junk is rate-limited too), then is
    answered `invalid`; nothing else happens, and the connection stays usable."""
    connection = _connection()
    # Board 0 is none: a person's junk has a bucket of its own, over all boards.
    if not take_change(0, connection.person_id):
        raise BoardError("rate_limited", "too many changes at once; slow down")
    if isinstance(event, Unreadable):
        raise BoardError("invalid", event.reason)
    raise BoardError("invalid", "no such event")


def on_board_error(exc: Exception) -> dict[str, Any]:
    rollback()
    db.session.remove()
    if isinstance(exc, BoardError):
        return exc.as_ack()
    # Never the payload, nor the exception's message (it may quote the payload): the
    # event name, the exception type and where it happened are enough to find it.
    event = getattr(request, "event", {}).get("message")
    frames = "".join(traceback.format_tb(exc.__traceback__))
    log.error("board event %s failed with %s at\n%s", event, type(exc).__name__, frames)
    return {
        "ok": False,
        "error": {"code": "internal", "message": "unexpected server error"},
    }


# python-socketio's catch-all: every event without a handler of its own.
OTHER_EVENTS = "*"
EVENTS: dict[str, Any] = {
    "join": on_join,
    "leave": on_leave,
    **{event: mutation(event) for event in sorted(MUTATING_EVENTS)},
    # Several boards' logs in one change (workshops.board.breakout).
    **{event: mutation(event, apply_breakout) for event in BREAKOUT_EVENTS},
    "cluster:suggest": on_cluster_suggest,
}


def register_board_events() -> None:
    """Attach every PROTOCOL event to the namespace (once per process)."""
    socketio.on_event("connect", on_connect, namespace=NAMESPACE)
    socketio.on_event("disconnect", on_disconnect, namespace=NAMESPACE)
    for name, handler in EVENTS.items():
        socketio.on_event(name, handler, namespace=NAMESPACE)
    socketio.on_event(OTHER_EVENTS, on_other, namespace=NAMESPACE)
    socketio.on_error(NAMESPACE)(on_board_error)
    # Commitments changed on the staff and member pages show on their open board.
    commitment_changed.connect(show_outside_change)
    # A person's access ended (logout, deactivation, ...): their connections close.
    session_ended.connect(announce)
