"""The projector screen of a workshop's board (blueprint `board_screen`): what the
room sees on the wall, with no controls. The join code and its QR code, who is here,
the live wall, the countdown, the spotlight, the vote results once revealed and the
signatures as they come; static/js/screen.js keeps it live over the board's socket,
joining as the staff member who opened it and never sending a change.

Staff of the workshop's pact only, as the board's facilitator pages: participants get
403, anyone else 404 (`facilitator_required`)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template
from flask_babel import gettext as _

from core.choices import BOARD_PHASE_LABELS, CARD_KIND_LABELS
from core.qrcodes import qr_svg
from workshops.board.page_strings import session_ended_strings
from workshops.board.pages import SOCKET_PATH, arrange_cards, facilitator_required
from workshops.board.path import Member, snapshot
from workshops.models import Board

bp = Blueprint("board_screen", __name__)


@bp.get("/w/<int:workshop_id>/screen")
@facilitator_required
def screen(board: Board, member: Member) -> str:
    state = snapshot(board, member)
    workshop = board.workshop
    public_url = str(current_app.config["PUBLIC_URL"]).rstrip("/")
    walk_in_url = f"{public_url}/join?code={workshop.join_code}"
    themes = [theme["id"] for theme in state["board"]["themes"]]
    return render_template(
        "workshops/screen.html",
        workshop=workshop,
        pact=workshop.pact,
        state=state,
        member=member,
        # The room sees no hidden card, and no vote before the reveal.
        columns=arrange_cards(state["cards"], False, themes),
        revealed=bool(state["board"].get("votes_revealed")),
        walk_in_address=f"{public_url}/join",
        walk_in_qr=qr_svg(
            walk_in_url, _("QR code of %(address)s", address=walk_in_url)
        ),
        strings=screen_strings(),
        phase_labels=BOARD_PHASE_LABELS,
        kind_labels=CARD_KIND_LABELS,
        socket_path=SOCKET_PATH,
    )


def screen_strings() -> dict[str, Any]:
    """What the screen's script says, in the visitor's language."""
    return {
        "connected": _("Connected"),
        "connecting": _("Connecting…"),
        "reconnecting": _("Reconnecting…"),
        "refused": _("The board refused the connection. Reload the page."),
        "sessionEnded": session_ended_strings(),
        "phases": {key: str(label) for key, label in BOARD_PHASE_LABELS.items()},
        "kinds": {key: str(label) for key, label in CARD_KIND_LABELS.items()},
        "votes": _("Votes: %(num)s"),
        "votesHidden": _("Votes are hidden until the facilitator reveals them."),
        "cluster": _("Cards clustered with card %(id)s"),
        "cardsIn": _("Cards in %(theme)s"),
        "spotlightCard": _("Card %(id)s"),
        "spotlightCluster": _("Cluster of card %(id)s"),
        "spotlightGone": _("What was in the spotlight is no longer on the board."),
        "timeUp": _("Time is up."),
        "noTimer": "—",
        "notSigned": _("Not signed yet."),
        "signedBy": _("Signed by"),
        # A card back from a breakout group shows its group (as on the board).
        "fromGroup": _("from group %(num)s"),
    }
