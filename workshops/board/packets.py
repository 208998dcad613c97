"""The Socket.IO packets of the board, encoded fast: a board frame or a snapshot is
encoded once and goes to hundreds of people, so its JSON is written by orjson
(several times faster than the standard library's), and nothing of ours carries
binary attachments, so nothing looks for them.
Reading stays with the standard library, which accepts everything a client may
send (a lone surrogate included) and leaves the refusing to the board's
validation; what it cannot read (broken JSON, nesting deeper than
MESSAGE_MAX_DEPTH, a number of more than 4,300 digits) or what is not an event
(`[]`, an object) becomes an `Unreadable` event, which the namespace's catch-all
handler answers with `invalid`: the engine never sees the exception."""

from __future__ import annotations

import json
from typing import Any

import orjson
from socketio import packet

from core.choices import MESSAGE_MAX_DEPTH as MAX_DEPTH


class Unreadable:
    """What the server could not read of a client's event: it stands in the event
    name's place, so the packet reaches the catch-all handler with its ack id."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def __repr__(self) -> str:
        return f"Unreadable({self.reason!r})"


def deeper_than(data: Any, limit: int) -> bool:
    """Whether lists and objects nest more than `limit` levels (without recursion:
    this is what keeps the recursive code after it safe)."""
    level: list[Any] = [data]
    for _ in range(limit):
        level = [
            item
            for value in level
            for item in (value.values() if isinstance(value, dict) else value)
            if isinstance(item, dict | list)
        ]
        if not level:
            return False
    return True


class FastJSON:
    """`dumps` and `loads` as python-socketio calls them."""

    @staticmethod
    def dumps(data: Any, **_options: Any) -> str:
        try:
            return orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS).decode()
        except TypeError:
            # What orjson refuses (a lone surrogate in a string, a number beyond
            # 64 bits) the standard library writes as before.
            return json.dumps(data, separators=(",", ":"))

    @staticmethod
    def loads(text: str | bytes, **options: Any) -> Any:
        return json.loads(text, **options)


class BoardPacket(packet.Packet):  # type: ignore[misc]
    """python-socketio's packet with the JSON above, and without the search for
    binary attachments: it walks every value of a 2,000-card snapshot, and nothing
    the app sends holds bytes (were it to, the JSON encoder would refuse them
    loudly rather than send them wrong)."""

    json = FastJSON

    def decode(self, encoded_packet: Any) -> Any:
        try:
            attachments = super().decode(encoded_packet)
        except (ValueError, RecursionError):
            # The type, namespace and ack id are read before the JSON: the client
            # still gets its answer.
            unreadable = Unreadable("the message is not valid JSON")
            self.data = None if self.packet_type == packet.CONNECT else [unreadable]
            return 0
        self.data = self._checked(self.data)
        return attachments

    def _checked(self, data: Any) -> Any:
        """An event is a list led by its name; a connect's auth is an object; and
        neither nests deeper than MESSAGE_MAX_DEPTH. An unreadable auth is none."""
        if self.packet_type == packet.CONNECT:
            readable = isinstance(data, dict) and not deeper_than(data, MAX_DEPTH)
            return data if readable else None
        if self.packet_type not in (packet.EVENT, packet.BINARY_EVENT):
            return data
        if not (isinstance(data, list) and data and isinstance(data[0], str)):
            return [Unreadable("the message is not an event")]
        if deeper_than(data, MAX_DEPTH):
            return [Unreadable("the message is nested too deeply")]
        return data

    @classmethod
    def data_is_binary(cls, data: Any) -> bool:
        return False
