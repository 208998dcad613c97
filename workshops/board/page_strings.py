"""The live board page's words in the visitor's language, given to its script as
JSON (phases, kinds, buttons, announcements, errors, and those of the panels:
suggestions, agenda, breakout)."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core.choices import (
    BOARD_PHASE_LABELS,
    CARD_KIND_LABELS,
    COMMITMENT_STATUS_LABELS,
)
from workshops.board.agenda_strings import agenda_strings
from workshops.board.breakout_strings import breakout_strings
from workshops.board.suggestion_strings import suggestion_strings

bp = Blueprint("board_pages", __name__)


PHASE_HINTS: dict[str, Any] = {
    "lobby": _l("The workshop is about to start."),
    "ideas": _l("Write your ideas, needs and questions on cards."),
    "cluster": _l("The facilitator groups similar cards. You can comment."),
    "draft": _l("Draft commitments together."),
    "vote": _l("Vote for the cards that matter most to you."),
    "sign": _l("Sign the commitments for your organisation."),
    "closed": _l("The board is closed. See the summary."),
}
ERROR_MESSAGES: dict[str, Any] = {
    "unauthorized": _l("Your session has ended. Open your join link again."),
    "forbidden": _l("You may not do this."),
    "not_found": _l("This is no longer on the board."),
    "invalid": _l("Please check what you wrote."),
    "locked": _l("The facilitator has locked the board."),
    "phase": _l("This is not possible in the current phase."),
    "conflict": _l("Someone else changed this in the meantime."),
    "vote_budget": _l("You have used all your votes."),
    "vote_per_card": _l("You have put as many votes on this card as allowed."),
    "rate_limited": _l("Too many changes at once; trying again shortly."),
    "too_many_connections": _l(
        "This board is already open in too many of your windows or devices. Close "
        "one of them, then try again."
    ),
    "too_large": _l("This is too long to send."),
    "internal": _l("Something went wrong on our side; nothing was changed."),
}


def session_ended_strings() -> dict[str, str]:
    """Why the server closed a page's connection (`session_ended`), by its reason: for
    the board page and the projector screen."""
    return {
        "logged_out": _(
            "You were logged out, so the board stopped. Log in again to rejoin it."
        ),
        "password_changed": _(
            "Your password was changed, which logged you out here. Log in again "
            "to rejoin the board."
        ),
        "deactivated": _("Your account was deactivated, so the board stopped."),
        "erased": _("Your account was erased, so the board stopped."),
        "removed_from_team": _(
            "You were taken off the pact's team, so the board stopped."
        ),
        "revoked": _(
            "Your place in this workshop or its join link was revoked, so the "
            "board stopped."
        ),
        "other": _("Your access to the board ended. Log in again to rejoin it."),
    }


def board_strings() -> dict[str, Any]:
    """Everything the board's script says, in the visitor's language (`%(name)s`
    placeholders are filled in by the script)."""
    return {
        "connected": _("Connected"),
        "connecting": _("Connecting…"),
        "reconnecting": _("Reconnecting…"),
        "offline": _("Offline"),
        "waiting": _("Changes waiting to send: %(num)s"),
        "removed": _("You were removed from this board."),
        "refused": _("The board refused the connection. Reload the page."),
        # Why the server closed the connection (`session_ended`), by its reason.
        "sessionEnded": session_ended_strings(),
        "refusedUnauthorized": _(
            "The board did not let you in. Open your join link again or log in, "
            "then try again. The server said: %(reason)s."
        ),
        # Why a connection was refused (its connect-error `reason`), said in words.
        "refusedBecause": _(
            "The board did not let you in: %(reason)s Open your join link again or "
            "log in, then try again."
        ),
        "refusedReasons": {
            "login": _("you are not logged in."),
            "expired": _("your join link has expired."),
            "invalid": _("this join link is not valid."),
            "other_workshop": _("this join link is for another workshop."),
            "not_enrolled": _("you are no longer enrolled in this workshop."),
            "revoked": _(
                "a newer join link replaced this one: open the latest e-mail."
            ),
            "cancelled": _("the workshop was cancelled or your account was closed."),
        },
        "refusedOrigin": _(
            "The server refused the connection from this address, %(origin)s. Open "
            "the board at the address you were given, or ask whoever runs the "
            "server to accept this one."
        ),
        "unreachable": _("The board's server cannot be reached. Still trying…"),
        "phases": {key: str(label) for key, label in BOARD_PHASE_LABELS.items()},
        "hints": {key: str(label) for key, label in PHASE_HINTS.items()},
        "kinds": {key: str(label) for key, label in CARD_KIND_LABELS.items()},
        "statuses": {k: str(v) for k, v in COMMITMENT_STATUS_LABELS.items()},
        "errors": {key: str(label) for key, label in ERROR_MESSAGES.items()},
        "fields": _("Please check: %(fields)s"),
        "votes": _("Votes: %(num)s"),
        "votesHidden": _("Votes are hidden until the facilitator reveals them."),
        "votesRevealed": _("The votes are revealed: cards are sorted by votes."),
        "reveal": _("Reveal the votes"),
        "unreveal": _("Hide the votes again"),
        "spotlightCard": _("Card %(id)s"),
        "spotlightCluster": _("Cluster of card %(id)s"),
        "spotlightCommitment": _("Commitment: %(title)s"),
        "spotlightGone": _("What was in the spotlight is no longer on the board."),
        "myVotes": _("yours: %(num)s"),
        "vote": _("Vote"),
        "voteFor": _("Vote for card %(id)s"),
        "retract": _("Take back a vote"),
        "edit": _("Edit"),
        "editCard": _("Edit the text of card %(id)s"),
        "delete": _("Delete"),
        "save": _("Save"),
        "cancel": _("Cancel"),
        "hide": _("Hide"),
        "show": _("Show"),
        "pick": _("Pick"),
        "picked": _("Picked"),
        "clusterHere": _("Cluster picked cards here"),
        "mergeHere": _("Merge picked cards into this one"),
        "uncluster": _("Take out of the cluster"),
        "hiddenFlag": _("Hidden"),
        "mergedFlag": _("Merged into card %(id)s"),
        "mergedCount": _("%(num)s merged"),
        "pendingFlag": _("Waiting to send"),
        "cardLabel": _("Card %(id)s"),
        "cluster": _("Cards clustered with card %(id)s"),
        "changedBy": _("Changed by %(name)s"),
        "someone": _("someone else"),
        "theirVersion": _("Their version: %(text)s"),
        "reload": _("Reload"),
        "keepMine": _("Keep mine"),
        "deletedBy": _("Card %(id)s was deleted by %(name)s."),
        "newCard": _("New card from %(name)s: %(text)s"),
        "removePerson": _("Remove %(name)s"),
        "removeReason": _("Why is %(name)s removed from the board?"),
        "facilitator": _("facilitator"),
        "timeUp": _("Time is up."),
        "noTimer": "—",
        "comments": _("Comments (%(num)s)"),
        "addComment": _("Add a comment"),
        "commentOn": _("Comment on card %(id)s"),
        "sign": _("Sign for my organisation"),
        "signedByYou": _("Your organisation has signed."),
        "signAuthority": _("Sign for the public authority"),
        "signedByAuthority": _("The public authority has signed."),
        "signedBy": _("Signed by"),
        "notSigned": _("Not signed yet."),
        "lead": _("Lead organisation"),
        "theme": _("Theme"),
        "action": _("Action"),
        "indicator": _("Indicator"),
        "deadline": _("Deadline"),
        "support": _("Support requested"),
        "sources": _("Source cards"),
        "editCommitment": _("Edit"),
        "newCommitment": _("New commitment"),
        "editingCommitment": _("Editing: %(title)s"),
        "noSourceCards": _("No cards yet."),
        # The card wall (issue 19): the drafting form beside the cluster it comes from.
        "draftFrom": _("Draft a commitment from this cluster"),
        "draftFromCluster": _("New commitment from the cluster of card %(id)s"),
        # Keyboard and screen-reader use (issue 17): the move dialog, what others do.
        "move": _("Move"),
        "moveCard": _("Move card %(id)s to another theme"),
        "dragCard": _("Drag card %(id)s onto another card or a theme"),
        "yours": _("Your card"),
        "cardMoved": _("Card %(id)s is now in %(theme)s."),
        "cardChanged": _("%(name)s changed card %(id)s."),
        "newComment": _("%(name)s commented on card %(id)s."),
        "newCommitmentFrom": _("New commitment from %(name)s: %(title)s"),
        "commitmentChanged": _("%(name)s changed the commitment: %(title)s"),
        "commitmentSigned": _("%(name)s signed the commitment: %(title)s"),
        "votesLeft": _("Votes left: %(num)s"),
        "saved": _("Saved."),
        "unlocked": _("The board is open again."),
        "burst": _("%(num)s changes on the board; the last: %(last)s"),
        "suggestions": suggestion_strings(),
        "agenda": agenda_strings(),
        "breakout": breakout_strings(),
    }
