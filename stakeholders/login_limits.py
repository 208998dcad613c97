"""The limits of staff login and of "e-mail me a login link", kept in the app's
rate-limit storage (memory, or Redis shared by every process).

Failed logins are counted twice: per account (the e-mail asked for, existing or
not, so an attacker cannot try many passwords on one account from many addresses)
and per address, with a higher ceiling (a venue or an office shares one address, so
it cannot lock anyone out alone; an attacker changing the e-mail at each try is
stopped by it). Only wrong passwords count; a form with an empty field or a
malformed address is not a failure. Link requests are counted per e-mail and per
address, every valid one, and so are password reset requests. Keys go through
`private_key`, so neither an e-mail nor an address reaches the storage or its logs."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from flask import current_app, request
from limits import RateLimitItem, parse

from core.ratelimits import private_key
from extensions import limiter


@dataclass(frozen=True)
class Limit:
    """One counter: the config setting holding its rate and its key's kind."""

    setting: str
    kind: str

    def item(self) -> RateLimitItem:
        return parse(str(current_app.config[self.setting]))


LOGIN_ACCOUNT = Limit("LOGIN_FAILURE_LIMIT", "login-account")
LOGIN_ADDRESS = Limit("LOGIN_ADDRESS_FAILURE_LIMIT", "login-address")
LINK_ACCOUNT = Limit("LOGIN_LINK_LIMIT", "login-link-account")
LINK_ADDRESS = Limit("LOGIN_LINK_ADDRESS_LIMIT", "login-link-address")
RESET_ACCOUNT = Limit("PASSWORD_RESET_LIMIT", "password-reset-account")
RESET_ADDRESS = Limit("PASSWORD_RESET_ADDRESS_LIMIT", "password-reset-address")


def _identifiers(limit: Limit, value: str) -> list[str]:
    prefix = str(current_app.config.get("RATELIMIT_KEY_PREFIX") or "")
    key = private_key(limit.kind, value)
    return [prefix, key] if prefix else [key]


def _counters(email: str, account: Limit, address: Limit) -> list[tuple[Limit, str]]:
    return [
        (account, email.strip().lower()),
        (address, str(request.remote_addr or "")),
    ]


def seconds_to_wait(email: str, account: Limit, address: Limit) -> int:
    """0 when another attempt may be made now; else the seconds until the longest
    exhausted counter lets one through (the Retry-After)."""
    if not limiter.enabled:
        return 0
    now = time.time()
    waits = [0]
    for limit, value in _counters(email, account, address):
        item, keys = limit.item(), _identifiers(limit, value)
        if not limiter.limiter.test(item, *keys):
            reset = limiter.limiter.get_window_stats(item, *keys).reset_time
            waits.append(max(1, math.ceil(reset - now)))
    return max(waits)


def count(email: str, account: Limit, address: Limit) -> None:
    """One more against both counters."""
    if not limiter.enabled:
        return
    for limit, value in _counters(email, account, address):
        limiter.limiter.hit(limit.item(), *_identifiers(limit, value))


def forget_failures(email: str) -> None:
    """The account proved it is its owner's (a login link used): its failed logins
    no longer lock it."""
    if limiter.enabled:
        item = LOGIN_ACCOUNT.item()
        limiter.limiter.clear(item, *_identifiers(LOGIN_ACCOUNT, email.lower()))
