"""Keys for rate limits that never hold personal data: an e-mail address, a code or a
token tried is turned into a keyed digest before it reaches the limiter's storage (Redis
in production) or its log lines. The same value always gives the same key within one
deployment (the digest is keyed with the app's secret), and nobody can recover the value
or test a guess against the stored keys without that secret. Also the other keys of the
HTTP limits (the visitor's session, the address), the flag by which a view says that a
request counts, and the waiting time a 429 page shows."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import current_app, g, request, session
from werkzeug.wrappers import Response

from extensions import limiter


def private_key(kind: str, value: str) -> str:
    """`kind:<digest>` for a value that identifies a person or a secret (an e-mail, a
    code, a token). `kind` names the limit, so that equal values of different kinds
    never share a counter."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(secret, f"{kind}\0{value}".encode(), hashlib.sha256)
    return f"{kind}:{digest.hexdigest()[:32]}"


F = TypeVar("F", bound=Callable[..., Any])

# --- what a limit counts -----------------------------------------------------------
#
# Everyone at a workshop venue shares its public address, and behind a reverse proxy
# every visitor has the proxy's (unless it is a trusted hop): a limit keyed on the
# address alone locks a room out. So each limit keys on what identifies an abuser (the
# e-mail typed, the visitor's session) and the address only carries a generous
# ceiling against floods. And only what an abuser does is counted: a wrong code or
# token, a form that reached the service; never a field left empty or mistyped.

ATTEMPT_FLAG = "rate_limited_attempt"
SESSION_ID = "limit_id"


def configured(name: str) -> Callable[[], str]:
    """A limit read from the app's configuration when a request is checked."""
    return lambda: str(current_app.config[name])


def address_key() -> str:
    """The visitor's address (as ProxyFix sets it from the trusted hops)."""
    return request.remote_addr or "unknown"


def session_key(kind: str) -> str:
    """A random id kept in the visitor's session (made on first use), as a key:
    whoever drops their cookie gets a new one, so a session key limits a careless
    person, never an attacker; pair it with an address ceiling."""
    if SESSION_ID not in session:
        session[SESSION_ID] = secrets.token_urlsafe(16)
    return private_key(kind, str(session[SESSION_ID]))


def form_email_key(kind: str, field: str = "email") -> str:
    """The e-mail address typed in the form's `field`, normalised as the forms do."""
    email = (request.form.get(field) or "").strip().lower()[:254]
    return private_key(kind, email)


def count_attempt() -> None:
    """Count this request against the view's conditional limits (`attempt_counted`):
    the view calls it once it knows the request is what the limit is about."""
    g.setdefault(ATTEMPT_FLAG, True)


def attempt_counted(_response: Response) -> bool:
    """`deduct_when` of the conditional limits: whether the view called
    `count_attempt`."""
    return bool(g.get(ATTEMPT_FLAG, False))


def retry_after_seconds() -> int:
    """After a 429: the seconds until the limit that was hit lets the visitor in
    again, as the `Retry-After` header says it."""
    breached = limiter.current_limit
    if breached is None:
        return 60
    # Flask-Limiter's own formula for the header.
    return max(1, int(breached.reset_at - time.time()))


# --- limits that several views share -------------------------------------------


def _new_link_email_key() -> str:
    return form_email_key("new-link")


_new_link_per_email = limiter.shared_limit(
    configured("NEW_LINK_EMAIL_LIMIT"),
    "new-link",
    key_func=_new_link_email_key,
    deduct_when=attempt_counted,
)
_new_link_per_address = limiter.shared_limit(
    configured("NEW_LINK_ADDRESS_LIMIT"),
    "new-link-address",
    key_func=address_key,
    deduct_when=attempt_counted,
)


def new_link_limits(view: F) -> F:
    """ "Send me a new link" (the workshops' and the member pages' forms, one count):
    per e-mail typed, so that nobody floods a mailbox, and per address only a
    ceiling. The view calls `count_attempt` once the form is valid."""
    return cast(F, _new_link_per_email(_new_link_per_address(view)))


# Personal and join links whose token is not genuine, per address (the views call
# `count_link_problem`).
link_failure_limit = limiter.shared_limit(
    configured("LINK_FAILURE_LIMIT"),
    "link-failure",
    key_func=address_key,
    deduct_when=attempt_counted,
)


def count_link_problem(reason: str) -> None:
    """A token that is not genuine is what guessing produces; an expired link, or one
    of someone no longer enrolled, is not (it was signed by us)."""
    if reason == "invalid":
        count_attempt()
