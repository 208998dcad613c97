"""The Socket.IO packets of the board, encoded fast: a board frame or a snapshot is
encoded once and goes to hundreds of people, so its JSON is written by orjson
(several times faster than the standard library's), and nothing of ours carries
binary attachments, so looking for them walks the data once, without building lists.
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
    """python-socketio's packet with the JSON above and a cheaper binary check."""

    json = FastJSON

    @classmethod
    def data_is_binary(cls, data: Any) -> bool:
        waiting = [data]
        while waiting:
            item = waiting.pop()
            if isinstance(item, bytes | bytearray):
                return True
            if isinstance(item, dict):
                waiting.extend(item.values())
            elif isinstance(item, list | tuple):
                waiting.extend(item)
        return False
