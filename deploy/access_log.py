"""gunicorn's logger for GreenPact (`logger_class` in deploy/gunicorn_conf.py): its
access log lines, when an operator turns them on (`--access-logfile`), carry the
request with personal tokens, secret query values (`code=`, `token=`) and e-mail
addresses masked, in the request line, the path, the query string, the Referer and
every other field the format may name (core/redaction.py)."""

from __future__ import annotations

from typing import Any

from gunicorn.glogging import Logger

from core.redaction import mask


class MaskingLogger(Logger):  # type: ignore[misc]
    """gunicorn's Logger whose access-log fields are masked."""

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> Any:
        fields = super().atoms(resp, req, environ, request_time)
        return {
            name: mask(value) if isinstance(value, str) else value
            for name, value in fields.items()
        }
