"""A broadcast-only Flask-SocketIO server, a baseline of `make bench-board`: the
board's wire behaviour and nothing else (no persistence, no identity, no rules), on
the product's server stack (`app.serve`: gevent's pywsgi with gevent-websocket's
handler and TCP_NODELAY, monkey-patched as `python app.py` is). Namespace `/board`:
`join` puts the connection in the board's room and acks `{ok, seq}`; `card:create`
takes the board's next seq, emits one `event` to the room (the product's shape:
board, seq, type, actor, data.card, at) and acks `{ok, seq, card}`.

With `--batch-ms MS` it sends each board's events of the last MS milliseconds as one
`events` frame instead (PROTOCOL.md allows it): what batching buys on a bare server,
and a server that sends `events` for the load generator's test.

usage: python -m bench.bare_flask PORT [--batch-ms MS]"""

if __name__ == "__main__":
    from gevent import monkey

    monkey.patch_all()

import argparse
from collections import defaultdict
from datetime import UTC, datetime
from itertools import count
from typing import Any

from flask import Flask
from flask_socketio import SocketIO, join_room

NAMESPACE = "/board"
ACTOR = {"id": 1, "name": "Bench Person", "organisation": "Bench SRL"}


def room(board: int) -> str:
    return f"board:{board}"


def card_event(board: int, seq: int, card_id: int, payload: dict[str, Any]) -> Any:
    """The event of a created card, shaped as the product's."""
    at = datetime.now(UTC).isoformat()
    card = {
        "id": card_id,
        "board": board,
        "theme": payload.get("theme"),
        "kind": payload.get("kind") or "idea",
        "text": str(payload.get("text", "")),
        "author": ACTOR,
        "hidden": False,
        "cluster": None,
        "merged_into": None,
        "deleted": False,
        "version": 1,
        "created_at": at,
        "updated_at": at,
    }
    return {
        "board": board,
        "seq": seq,
        "type": "card:create",
        "actor": ACTOR,
        "data": {"card": card},
        "at": at,
    }


class Batcher:
    """Each board's events of the last `seconds`, emitted as one `events` frame."""

    def __init__(self, socketio: SocketIO, seconds: float) -> None:
        self.socketio = socketio
        self.seconds = seconds
        self.pending: dict[int, list[dict[str, Any]]] = defaultdict(list)

    def add(self, event: dict[str, Any]) -> None:
        board = event["board"]
        if not self.pending[board]:
            self.socketio.start_background_task(self.flush, board)
        self.pending[board].append(event)

    def flush(self, board: int) -> None:
        self.socketio.sleep(self.seconds)
        events = self.pending.pop(board, [])
        self.socketio.emit("events", events, to=room(board), namespace=NAMESPACE)


def create_bare_app(origin: str, batch_ms: float = 0) -> tuple[Flask, SocketIO]:
    app = Flask(__name__)
    socketio = SocketIO(
        app, cors_allowed_origins=[origin], max_http_buffer_size=1024 * 1024
    )
    seqs: dict[int, int] = defaultdict(int)
    cards = count(1)
    batcher = Batcher(socketio, batch_ms / 1000) if batch_ms else None

    def publish(event: dict[str, Any]) -> None:
        if batcher:
            batcher.add(event)
        else:
            socketio.emit("event", event, to=room(event["board"]), namespace=NAMESPACE)

    def join(payload: dict[str, Any]) -> dict[str, Any]:
        board = int(payload["board"])
        join_room(room(board))
        return {"ok": True, "seq": seqs[board]}

    def card_create(payload: dict[str, Any]) -> dict[str, Any]:
        board = int(payload["board"])
        seqs[board] += 1
        event = card_event(board, seqs[board], next(cards), payload)
        publish(event)
        return {"ok": True, "seq": event["seq"], "card": event["data"]["card"]}

    socketio.on_event("join", join, namespace=NAMESPACE)
    socketio.on_event("card:create", card_create, namespace=NAMESPACE)
    app.add_url_rule("/", "home", lambda: "bare Flask-SocketIO\n")
    return app, socketio


def main() -> None:
    from app import serve  # the product's server stack, after the monkey-patching

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("port", type=int)
    parser.add_argument("--batch-ms", type=float, default=0)
    options = parser.parse_args()
    origin = f"http://127.0.0.1:{options.port}"
    app, socketio = create_bare_app(origin, options.batch_ms)
    if socketio.async_mode != "gevent":
        raise SystemExit(f"async mode {socketio.async_mode}, not gevent")
    print(f"bare Flask-SocketIO on {origin}", flush=True)
    serve(app, "127.0.0.1", options.port)


if __name__ == "__main__":
    main()
