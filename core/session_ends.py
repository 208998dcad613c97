"""Announcing that some of a person's access ended (logged out, password changed,
account deactivated or erased, taken off a pact's team, enrolment declined or
its join links revoked), so that whatever they hold open with it (the live board's
connections) is told and closed.

The use case that ends the access calls `announce_session_end`; the announcement
leaves after its commit (never after a rollback) as the `session_ended` signal,
which the board receives in the process that made the change and carries to every
app process (workshops.board.endings)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from blinker import Namespace

from core.transactions import after_commit

session_ended = Namespace().signal("session-ended")

# Why an access ended, as the board's `session_ended` message says it.
LOGGED_OUT = "logged_out"
PASSWORD_CHANGED = "password_changed"  # noqa: S105 (a reason, not a password)
DEACTIVATED = "deactivated"
ERASED = "erased"
REMOVED_FROM_TEAM = "removed_from_team"
REVOKED = "revoked"
REASONS = (
    LOGGED_OUT,
    PASSWORD_CHANGED,
    DEACTIVATED,
    ERASED,
    REMOVED_FROM_TEAM,
    REVOKED,
)


@dataclass(frozen=True)
class SessionEnd:
    """What ended: with `logins`, only what stands on these login sessions (their
    digests); with `workshop`, only what stands on the person's token for that
    workshop and what is open on `boards` (that workshop's boards); with neither,
    everything of the person."""

    person: int
    reason: str
    logins: tuple[str, ...] | None = None
    workshop: int | None = None
    boards: tuple[int, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        return {
            "person": self.person,
            "reason": self.reason,
            "logins": None if self.logins is None else list(self.logins),
            "workshop": self.workshop,
            "boards": list(self.boards),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SessionEnd:
        logins = data.get("logins")
        return cls(
            person=int(data["person"]),
            reason=str(data["reason"]),
            logins=None if logins is None else tuple(str(x) for x in logins),
            workshop=None if data.get("workshop") is None else int(data["workshop"]),
            boards=tuple(int(x) for x in data.get("boards") or ()),
        )


def announce_session_end(end: SessionEnd) -> None:
    """Send `end` once the current unit of work has committed."""
    after_commit(lambda: session_ended.send(end))
