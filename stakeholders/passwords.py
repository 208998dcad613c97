"""Password hashing with argon2id. The cost comes from the configuration: the
argon2-cffi recommended defaults in production, a cheap setting in tests (hashes made
with other parameters still verify, and are upgraded on the next login)."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app


@cache
def _hasher(time_cost: int, memory_cost: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost)


@cache
def _dummy_hash(time_cost: int, memory_cost: int) -> str:
    # Verified against when the e-mail is unknown, so both paths take the same time.
    return _hasher(time_cost, memory_cost).hash("not-a-real-password")


def _costs() -> tuple[int, int]:
    config = current_app.config
    return int(config["ARGON2_TIME_COST"]), int(config["ARGON2_MEMORY_COST"])


def hash_password(password: str) -> str:
    return _hasher(*_costs()).hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    costs = _costs()
    try:
        valid = _hasher(*costs).verify(password_hash or _dummy_hash(*costs), password)
    except (VerificationError, InvalidHashError):
        return False
    return valid and password_hash is not None


def needs_rehash(password_hash: str) -> bool:
    return _hasher(*_costs()).check_needs_rehash(password_hash)
