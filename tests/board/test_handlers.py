"""Handler unit tests with Flask-SocketIO's in-process test client: the connect
refusal carries its code and message as a dict, every PROTOCOL event is registered on
`/board`, and an unexpected fault inside a service is answered with `internal` and
logged without the payload."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask_socketio import ConnectionRefusedError, SocketIOTestClient

from core.tokens import participant_token, read_participant_token
from extensions import socketio
from tests.board.conftest import in_process_board
from tests.board.protocol import PROTOCOL_NAMES
from workshops.board import events
from workshops.identities import issue_staff_token


@pytest.fixture
def board(
    app: Flask, make_pact: Callable[..., int], make_staff: Callable[..., int]
) -> dict[str, Any]:
    """A board of the pact with a facilitator and two participants."""
    made = in_process_board(make_pact, make_staff, "Handlers")
    return {
        "board": made.board,
        "facilitator": issue_staff_token(made.facilitator, 3600),
        "participant": made.seats[0].token,
        "theme": made.theme,
    }


def connect(app: Flask, token: str) -> SocketIOTestClient:
    return socketio.test_client(
        app,
        namespace=events.NAMESPACE,
        auth={"token": token},
        flask_test_client=app.test_client(),
    )


def test_the_refusal_helper_puts_code_and_message_in_the_connect_error_data():
    error = events.refuse("invalid token (expired)")

    assert isinstance(error, ConnectionRefusedError)
    assert error.error_args == {
        "message": "invalid token (expired)",
        "data": {"code": "unauthorized", "message": "invalid token (expired)"},
    }


@pytest.mark.parametrize("auth", [None, {}, {"token": ""}, {"token": "forged.token"}])
def test_connecting_without_a_valid_identity_is_refused_with_unauthorized(
    app: Flask, auth: Any
):
    with app.test_request_context("/socket.io/"):
        with pytest.raises(ConnectionRefusedError) as refused:
            events.on_connect(auth)

    data = refused.value.error_args["data"]
    assert data["code"] == "unauthorized"
    assert data["message"] == refused.value.error_args["message"]


def test_the_test_client_is_refused_with_a_forged_token(app: Flask, board: dict):
    client = connect(app, "forged.token")

    assert not client.is_connected(events.NAMESPACE)


def test_every_protocol_event_has_a_handler_on_the_board_namespace(
    app: Flask, board: dict
):
    assert set(events.EVENTS) == PROTOCOL_NAMES
    registered = socketio.server.handlers[events.NAMESPACE]
    assert PROTOCOL_NAMES | {"connect", "disconnect"} <= set(registered)


def test_a_facilitator_joins_and_changes_the_board_through_the_test_client(
    app: Flask, board: dict
):
    client = connect(app, board["facilitator"])
    joined = client.emit(
        "join", {"board": board["board"]}, callback=True, namespace=events.NAMESPACE
    )
    ack = client.emit(
        "board:phase",
        {"board": board["board"], "cid": "phase-1", "phase": "ideas"},
        callback=True,
        namespace=events.NAMESPACE,
    )

    assert joined["ok"]
    assert joined["role"] == "facilitator"
    assert ack["ok"]
    assert ack["seq"] == 1
    assert ack["board"]["phase"] == "ideas"


def test_an_unexpected_fault_acks_internal_and_logs_neither_payload_nor_message(
    app: Flask,
    board: dict,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
):
    # Built at run time, so that only the exception's message (not this file's source
    # shown in a traceback) could bring it into the log.
    marker = "-".join(["secret", "payload", "marker"])

    def explode(*args: Any, **kwargs: Any) -> dict[str, Any]:
        raise RuntimeError(marker)

    monkeypatch.setattr(events, "apply_board_change", explode)
    client = connect(app, board["participant"])
    assert client.emit(
        "join", {"board": board["board"]}, callback=True, namespace=events.NAMESPACE
    )["ok"]

    with caplog.at_level(logging.ERROR, logger="greenpact.board"):
        ack = client.emit(
            "card:create",
            {
                "board": board["board"],
                "cid": "c-1",
                "theme": board["theme"],
                "text": "private-card-text",
            },
            callback=True,
            namespace=events.NAMESPACE,
        )

    assert ack["ok"] is False
    assert ack["error"]["code"] == "internal"
    assert "card:create" in caplog.text  # the operator learns which event failed
    assert "private-card-text" not in caplog.text
    assert marker not in caplog.text


def test_an_expired_join_link_is_refused_as_expired_not_as_invalid(
    app: Flask, board: dict
):
    claim = read_participant_token(board["participant"])
    expired = participant_token(claim.person_id, claim.workshop_id, claim.version, -1)
    with app.test_request_context("/socket.io/"):
        with pytest.raises(ConnectionRefusedError) as refused:
            events.on_connect({"token": expired})

    assert refused.value.error_args["data"] == {
        "code": "unauthorized",
        "message": "invalid token (expired)",
        "reason": "expired",
    }


def emit(client: SocketIOTestClient, event: str, payload: dict[str, Any]) -> Any:
    return client.emit(event, payload, callback=True, namespace=events.NAMESPACE)


def test_the_vote_handlers_answer_the_voter_with_their_own_votes_and_no_total(
    app: Flask, board: dict
):
    facilitator = connect(app, board["facilitator"])
    participant = connect(app, board["participant"])
    for client in (facilitator, participant):
        assert emit(client, "join", {"board": board["board"]})["ok"]
    card = emit(
        facilitator,
        "card:create",
        {"board": board["board"], "cid": "c", "theme": board["theme"], "text": "Bins"},
    )["card"]["id"]
    emit(
        facilitator,
        "board:phase",
        {"board": board["board"], "cid": "p", "phase": "vote"},
    )
    settings = {"board": board["board"], "cid": "s", "budget": 2, "per_card": 1}
    assert emit(facilitator, "vote:settings", settings)["board"]["vote_per_card"] == 1

    vote = {"board": board["board"], "card": card}
    cast = emit(participant, "vote:cast", {**vote, "cid": "v1"})
    again = emit(participant, "vote:cast", {**vote, "cid": "v2"})
    revealed = emit(
        participant,
        "vote:reveal",
        {"board": board["board"], "cid": "r", "revealed": True},
    )

    assert cast == {
        "ok": True,
        "seq": cast["seq"],
        "votes_left": 1,
        "card": card,
        "mine": 1,
    }
    assert again["error"]["code"] == "vote_per_card"
    assert revealed["error"]["code"] == "forbidden"


@pytest.mark.parametrize(
    ("target", "field"),
    [({}, "target.type"), ({"type": "card"}, "target.id"), ("card", "target")],
)
def test_a_spotlight_target_must_be_a_whole_object_or_null(
    app: Flask, board: dict, target: Any, field: str
):
    facilitator = connect(app, board["facilitator"])
    assert emit(facilitator, "join", {"board": board["board"]})["ok"]
    payload = {"board": board["board"], "cid": "t"}

    refused = emit(facilitator, "board:spotlight", {**payload, "target": target})
    absent = emit(facilitator, "board:spotlight", payload)
    released = emit(facilitator, "board:spotlight", {**payload, "target": None})

    assert refused["error"]["code"] == "invalid"
    assert any(name.startswith(field) for name in refused["error"]["fields"])
    assert absent["error"]["code"] == "invalid"
    assert released["ok"]
    assert released["board"]["spotlight"] is None
