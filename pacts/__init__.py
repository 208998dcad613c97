"""Pacts: a territory's Local Green Pact, its themes and (later) commitments,
signatures, progress and published documents."""

from flask import Blueprint

bp = Blueprint("pacts", __name__, cli_group=None)

from pacts import cli, open_data, privacy_cli, views  # noqa: E402, F401
