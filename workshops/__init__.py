"""Workshops: scheduling, enrolment, invitations and the live board (later issues).
`bp` holds the participants' pages and the public calendar; the staff pages are the
`workshops.staff` blueprint."""

from flask import Blueprint

bp = Blueprint("workshops", __name__, cli_group=None)

from workshops import views  # noqa: E402, F401
