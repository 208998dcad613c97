"""What the facilitator's "Suggested groups" panel says (static/js/board/
suggestions.js), in the visitor's language: the `suggestions` part of the board
page's `board-strings` JSON (`%(name)s` placeholders are filled in by the script)."""

from __future__ import annotations

from flask_babel import gettext as _


def suggestion_strings() -> dict[str, str]:
    return {
        "looking": _("Looking for similar cards…"),
        "found": _("Suggested groups: %(num)s"),
        "none": _("No similar cards found."),
        "failed": _("The suggestions could not be fetched."),
        "group": _("Group %(num)s: %(label)s"),
        "accept": _("Accept group %(num)s"),
        "dismiss": _("Dismiss group %(num)s"),
        "accepted": _(
            "Group %(num)s accepted: its cards are clustered with card %(id)s."
        ),
        "dismissed": _("Group %(num)s dismissed."),
        "tickTwo": _("Tick at least two cards to accept a group."),
    }
