"""Helpers for what the app hands over as files: an attachment nobody caches (exports
and personal data, as a file or as JSON), and the number of rows a bulk UPDATE or
DELETE touched."""

from __future__ import annotations

import json
from typing import Any

from flask import Response

from core.headers import PRIVATE_HEADERS

CSV_MIMETYPE = "text/csv; charset=utf-8"


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


def attachment(body: bytes, mimetype: str, filename: str) -> Response:
    """A downloaded file that no cache keeps."""
    return Response(
        body,
        mimetype=mimetype,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            **PRIVATE_HEADERS,
        },
    )


def rowcount(result: Any) -> int:
    """Rows matched by a bulk UPDATE or DELETE (a CursorResult)."""
    return int(getattr(result, "rowcount", 0) or 0)
