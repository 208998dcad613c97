"""Signed, expiring tokens that identify a person without a password: a participant's
join link (bound to one person, one workshop and the enrolment's token version) and a
staff token for other clients (bound to the login session it was issued in: it stops
working when that session ends). The same token works as a join link and as Socket.IO
`auth.token`. Only the signature and expiry are checked here; `identify_*` in the
services checks the database (enrolment, revocation, role)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

PARTICIPANT_SALT = "greenpact.participant-token"
STAFF_SALT = "greenpact.staff-token"


class TokenError(Exception):
    """The token is not ours, was altered, or has expired (`reason` says which)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ParticipantClaim:
    person_id: int
    workshop_id: int
    version: int


def _serializer(salt: str) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _expiry(ttl_seconds: int) -> int:
    return int(time.time()) + ttl_seconds


def participant_token(
    person_id: int, workshop_id: int, version: int, ttl_seconds: int
) -> str:
    payload = {
        "p": person_id,
        "w": workshop_id,
        "v": version,
        "exp": _expiry(ttl_seconds),
    }
    return str(_serializer(PARTICIPANT_SALT).dumps(payload))


@dataclass(frozen=True)
class StaffClaim:
    person_id: int
    login: str  # the digest of the login session the token was issued in


def staff_token(person_id: int, login: str, ttl_seconds: int) -> str:
    payload = {"s": person_id, "l": login, "exp": _expiry(ttl_seconds)}
    return str(_serializer(STAFF_SALT).dumps(payload))


def _load(token: str, salt: str) -> dict[str, Any]:
    try:
        payload = _serializer(salt).loads(token)
    except BadSignature:
        raise TokenError("invalid") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("exp"), int):
        raise TokenError("invalid")
    if payload["exp"] < time.time():
        raise TokenError("expired")
    return payload


def read_participant_token(token: str) -> ParticipantClaim:
    payload = _load(token, PARTICIPANT_SALT)
    try:
        return ParticipantClaim(int(payload["p"]), int(payload["w"]), int(payload["v"]))
    except (KeyError, TypeError, ValueError):
        raise TokenError("invalid") from None


def read_staff_token(token: str) -> StaffClaim:
    """A token without its login session (issued before they were bound) is
    invalid."""
    payload = _load(token, STAFF_SALT)
    login = payload.get("l")
    if not isinstance(login, str) or not login:
        raise TokenError("invalid")
    try:
        return StaffClaim(int(payload["s"]), login)
    except (KeyError, TypeError, ValueError):
        raise TokenError("invalid") from None


MEMBER_SALT = "greenpact.member-link"


def member_token(person_id: int, ttl_seconds: int) -> str:
    """A stakeholder's personal link to their pact commitments (signing, progress
    reports): bound to the person, not to a workshop."""
    payload = {"m": person_id, "exp": _expiry(ttl_seconds)}
    return str(_serializer(MEMBER_SALT).dumps(payload))


def read_member_token(token: str) -> int:
    payload = _load(token, MEMBER_SALT)
    try:
        return int(payload["m"])
    except (KeyError, TypeError, ValueError):
        raise TokenError("invalid") from None
