"""The domain's error: raised by services when a use case cannot proceed, carrying a
stable `code` (the socket protocol's error codes, or a form-level reason) and a
human, already-localised message. Services roll back before it reaches a view."""

from __future__ import annotations


class DomainError(Exception):
    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
