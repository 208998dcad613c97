"""Rate-limit keys hide what they count: no e-mail or code appears in a key, equal
values share a key, and different kinds or secrets do not."""

from __future__ import annotations

from flask import Flask

from core.ratelimits import private_key


def test_a_private_key_never_contains_the_value_and_is_stable(app: Flask) -> None:
    with app.app_context():
        key = private_key("login", "ana@example.ro")
        assert "ana" not in key
        assert "example" not in key
        assert key == private_key("login", "ana@example.ro")
        assert key.startswith("login:")


def test_private_keys_differ_by_kind_value_and_secret(app: Flask) -> None:
    with app.app_context():
        key = private_key("login", "ana@example.ro")
        assert key != private_key("new-link", "ana@example.ro")
        assert key != private_key("login", "dan@example.ro")
        app.config["SECRET_KEY"] = "another secret"
        assert key != private_key("login", "ana@example.ro")
