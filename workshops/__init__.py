"""Workshops: scheduling, enrolment, invitations and the live board (later issues)."""

from flask import Blueprint

bp = Blueprint("workshops", __name__, cli_group=None)
