"""Stakeholders: the public registration form, staff login and the officials'
registrations dashboard, exports and CLI."""

from flask import Blueprint

bp = Blueprint("stakeholders", __name__, cli_group=None)

from stakeholders import cli, registration_pages, views  # noqa: E402, F401
