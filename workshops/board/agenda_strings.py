"""What the board's agenda panel says (static/js/board/agenda.js), in the visitor's
language: the `agenda` part of the board page's `board-strings` JSON (`%(name)s`
placeholders are filled in by the script)."""

from __future__ import annotations

from flask_babel import gettext as _


def agenda_strings() -> dict[str, str]:
    return {
        "next": _("Next: %(step)s, %(minutes)s"),
        "nextClose": _("Next: close the board"),
        "offAgenda": _("not on the agenda"),
        "moved": _("Moving to %(step)s."),
        "closing": _("Closing the board."),
    }
