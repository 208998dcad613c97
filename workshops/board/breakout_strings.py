"""What the board page says about breakout groups (static/js/board/breakout.js), in
the visitor's language: the `breakout` part of the board page's `board-strings` JSON
(`%(name)s` placeholders are filled in by the script)."""

from __future__ import annotations

from flask_babel import gettext as _


def breakout_strings() -> dict[str, str]:
    return {
        "group": _("Group %(num)s"),
        "follow": _("Follow group %(num)s (%(people)s)"),
        "fromGroup": _("from group %(num)s"),
        "started": _("The room is split into %(num)s groups."),
        "moving": _("You are in group %(num)s: opening its board…"),
        "ended": _("The groups' work is back on the main board."),
        "back": _("The breakout has ended: back to the main board…"),
        "assignment": _(
            "Put at least one participant of this board in a group, each in a group "
            "from 1 to the number of groups."
        ),
    }
