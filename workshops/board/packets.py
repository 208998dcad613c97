"""The Socket.IO packets of the board, encoded fast: a board frame or a snapshot is
encoded once and goes to hundreds of people, so its JSON is written by orjson
(several times faster than the standard library's), and nothing of ours carries
binary attachments, so nothing looks for them.
Reading stays with the standard library, which accepts everything a client may
send (a lone surrogate included) and leaves the refusing to the board's
validation."""

from __future__ import annotations

import json
from typing import Any

import orjson
from socketio import packet


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

    @classmethod
    def data_is_binary(cls, data: Any) -> bool:
        return False
