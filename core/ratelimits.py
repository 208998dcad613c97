"""Keys for rate limits that never hold personal data: an e-mail address, a code or a
token tried is turned into a keyed digest before it reaches the limiter's storage (Redis
in production) or its log lines. The same value always gives the same key within one
deployment (the digest is keyed with the app's secret), and nobody can recover the value
or test a guess against the stored keys without that secret."""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app


def private_key(kind: str, value: str) -> str:
    """`kind:<digest>` for a value that identifies a person or a secret (an e-mail, a
    code, a token). `kind` names the limit, so that equal values of different kinds
    never share a counter."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(secret, f"{kind}\0{value}".encode(), hashlib.sha256)
    return f"{kind}:{digest.hexdigest()[:32]}"
