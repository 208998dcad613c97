"""Helpers for what the app hands over as files: a JSON attachment nobody caches
(personal data), and the number of rows a bulk UPDATE or DELETE touched."""

from __future__ import annotations

import json
from typing import Any

from flask import Response

from core.headers import PRIVATE_HEADERS


def json_attachment(document: Any, filename: str) -> Response:
    """The document as a downloaded JSON file that no cache keeps."""
    return Response(
        json.dumps(document, ensure_ascii=False, indent=2),
        mimetype="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            **PRIVATE_HEADERS,
        },
    )


def rowcount(result: Any) -> int:
    """Rows matched by a bulk UPDATE or DELETE (a CursorResult)."""
    return int(getattr(result, "rowcount", 0) or 0)
