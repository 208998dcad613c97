"""The live board's pages (blueprint `board_pages`): the board itself, a server-rendered
shell that static/js/board/ brings to life over Socket.IO (and whose forms also post
here without JavaScript), the summary (HTML for members, CSV for staff) and the event
history (staff of the pact).

Who may open them is decided by `identify_member`, as on the socket: staff of the
workshop's pact facilitate, enrolled participants take part, anyone else gets 404."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any, TypeVar, cast

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response as BaseResponse

from core.audit import AuditAction, record_staff_action
from core.choices import (
    BOARD_PHASE_LABELS,
    CARD_KIND_LABELS,
    CARD_TEXT_MAX,
    COMMENT_TEXT_MAX,
    COMMITMENT_STATUS_LABELS,
    COMMITMENT_TEXT_MAX,
    COMMITMENT_TITLE_MAX,
    INDICATOR_NAME_MAX,
    INDICATOR_UNIT_MAX,
    REASON_MAX,
    TIMER_MAX_SECONDS,
    VOTE_BUDGET_MAX,
    BoardPhase,
)
from core.downloads import attachment
from core.errors import DomainError
from core.pacts import theme_label
from core.spreadsheets import write_csv
from core.urls import query_int
from core.workbooks import XLSX_MIMETYPE, write_workbook
from extensions import login_manager
from workshops.agenda import agenda_for_page, workshop_agenda
from workshops.board.agenda_strings import agenda_strings
from workshops.board.breakout import shown_board
from workshops.board.breakout_strings import breakout_strings
from workshops.board.forms import typed_form_values
from workshops.board.history import board_history, history_people, history_types
from workshops.board.path import Member, apply_board_change, identify_member, snapshot
from workshops.board.rules import FACILITATOR, PHASES, BoardError, client_rules
from workshops.board.suggestion_strings import suggestion_strings
from workshops.board.summary import (
    SUMMARY_COLUMNS,
    board_comments,
    board_summary,
    indicator_text,
    lead_organisations,
    summary_rows,
    workshop_board,
)
from workshops.board.summary_sheet import summary_sheets
from workshops.forms import ATTENDANCE_LABELS
from workshops.models import Board

bp = Blueprint("board_pages", __name__)

F = TypeVar("F", bound=Callable[..., Any])

SOCKET_PATH = "/socket.io"
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
# What the page's forms may post without JavaScript (the rest needs the live board).
FORM_EVENTS = frozenset(
    {
        "card:create",
        "commitment:create",
        "commitment:sign",
        "vote:cast",
        "vote:settings",
        "board:phase",
        "board:lock",
        "board:timer",
    }
)
FORM_CONTROLS = frozenset({"csrf_token", "event", "minutes", "action"})
INDICATOR_PREFIX = "indicator-"


def board_member_required(view: F) -> F:
    """A member of the workshop's board (staff of its pact, or an enrolled
    participant): the view gets the board and the member. Anonymous visitors log in;
    anyone else gets 404, so a board's existence is not revealed."""

    @wraps(view)
    def wrapper(workshop_id: int, *args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        board = workshop_board(workshop_id)
        if board is None:
            abort(404)
        try:
            member = identify_member(int(current_user.id), board.id)
        except DomainError:
            abort(404)
        if member.removed:
            abort(403)
        return view(board, member, *args, **kwargs)

    return cast(F, wrapper)


def facilitator_required(view: F) -> F:
    """Staff of the workshop's pact only (officials and facilitators)."""

    @wraps(view)
    @board_member_required
    def wrapper(board: Board, member: Member, *args: Any, **kwargs: Any) -> Any:
        if member.role != FACILITATOR:
            abort(403)
        return view(board, member, *args, **kwargs)

    return cast(F, wrapper)


# --- the board ---------------------------------------------------------------------


@bp.get("/w/<int:workshop_id>/board")
@board_member_required
def board(board: Board, member: Member) -> str:
    # A breakout group's board, when the person is in a running group (or, for a
    # facilitator, follows one): the same page on that board.
    board, member = shown_board(board, member, request.args.get("board", type=int))
    state = snapshot(board, member)
    facilitator = member.role == FACILITATOR
    workshop = board.workshop
    return render_template(
        "workshops/board.html",
        workshop=workshop,
        pact=workshop.pact,
        state=state,
        member=member,
        facilitator=facilitator,
        columns=arrange_cards(
            state["cards"], facilitator, [t["id"] for t in state["board"]["themes"]]
        ),
        organisations=lead_organisations(workshop.pact_id),
        comments=board_comments(board.id),
        strings=board_strings(),
        agenda=agenda_for_page(workshop_agenda(workshop.id)),
        rules=client_rules(),
        phases=PHASES,
        phase_labels=BOARD_PHASE_LABELS,
        phase_hints=PHASE_HINTS,
        kind_labels=CARD_KIND_LABELS,
        status_labels=COMMITMENT_STATUS_LABELS,
        socket_path=SOCKET_PATH,
        cid=uuid.uuid4().hex,
        limits={
            "card": CARD_TEXT_MAX,
            "comment": COMMENT_TEXT_MAX,
            "title": COMMITMENT_TITLE_MAX,
            "text": COMMITMENT_TEXT_MAX,
            "indicator_name": INDICATOR_NAME_MAX,
            "indicator_unit": INDICATOR_UNIT_MAX,
            "timer_minutes": TIMER_MAX_SECONDS // 60,
            "vote_budget": VOTE_BUDGET_MAX,
            "reason": REASON_MAX,
        },
    )


Card = dict[str, Any]


def arrange_cards(
    cards: list[Card], show_hidden: bool, column_ids: list[int]
) -> dict[int, list[tuple[Card, list[Card]]]]:
    """Theme id -> the column's cards, each with the cards clustered under it (as
    the board's script lays them out); hidden cards only for facilitators. A card of
    a theme the workshop no longer shows sits in the first column."""
    visible = {card["id"]: card for card in cards if show_hidden or not card["hidden"]}
    members: dict[int, list[Card]] = {}
    heads: list[Card] = []
    for card in visible.values():
        head = visible.get(card["cluster"]) if card["cluster"] else None
        if head is not None and head["cluster"] is None:
            members.setdefault(head["id"], []).append(card)
        else:
            heads.append(card)
    columns: dict[int, list[tuple[Card, list[Card]]]] = {}
    for head in heads:
        column = head["theme"] if head["theme"] in column_ids else column_ids[0]
        columns.setdefault(column, []).append((head, members.get(head["id"], [])))
    return columns


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


# --- the board's forms without JavaScript --------------------------------------------


@bp.post("/w/<int:workshop_id>/board/changes")
@board_member_required
def change(board: Board, member: Member) -> BaseResponse:
    """One change posted by the page's forms when JavaScript is off; the hidden `cid`
    of the form makes a double submit harmless."""
    event = request.form.get("event", "")
    if event not in FORM_EVENTS:
        abort(400)
    try:
        apply_board_change(
            board.id, member.person_id, event, form_payload(event, request.form)
        )
    except BoardError as exc:
        flash(str(ERROR_MESSAGES.get(exc.code, exc.message)), "error")
    else:
        flash(_("Saved."), "success")
    return redirect(url_for(".board", workshop_id=board.workshop_id))


def form_payload(event: str, form: MultiDict[str, str]) -> dict[str, Any]:
    """The protocol payload of a posted form: `indicator-name` fields nest under
    `indicator`, `source_cards` is a list, empty fields are left out."""
    payload: dict[str, Any] = {}
    indicator: dict[str, str] = {}
    for key in form:
        value = form.get(key, "")
        if key in FORM_CONTROLS:
            continue
        if key.startswith(INDICATOR_PREFIX):
            indicator[key.removeprefix(INDICATOR_PREFIX)] = value
        elif key == "source_cards":
            payload[key] = form.getlist(key)
        elif value != "":
            payload[key] = value
    if indicator:
        payload["indicator"] = indicator
    if event == "board:timer":
        payload["seconds"] = timer_seconds(form)
    payload.setdefault("cid", uuid.uuid4().hex)
    return typed_form_values(event, payload)


def timer_seconds(form: Mapping[str, str]) -> int | None:
    minutes = form.get("minutes", "")
    if form.get("action") == "stop" or not minutes.isdigit():
        return None
    return int(minutes) * 60


# --- summary and history -------------------------------------------------------------


def _theme_names(board: Board) -> dict[int, str]:
    return {theme.id: theme_label(theme) for theme in board.workshop.pact.themes}


@bp.get("/w/<int:workshop_id>/board/summary")
@board_member_required
def summary(board: Board, member: Member) -> str:
    themes = _theme_names(board)
    return render_template(
        "workshops/board_summary.html",
        workshop=board.workshop,
        pact=board.workshop.pact,
        board=board,
        summary=board_summary(board, themes),
        themes=themes,
        facilitator=member.role == FACILITATOR,
        # Participants see the votes once revealed, and once the board is closed.
        votes_shown=member.role == FACILITATOR
        or board.votes_revealed
        or board.phase == BoardPhase.CLOSED,
        phase_labels=BOARD_PHASE_LABELS,
        kind_labels=CARD_KIND_LABELS,
        status_labels=COMMITMENT_STATUS_LABELS,
        attendance_labels=ATTENDANCE_LABELS,
        indicator_text=indicator_text,
    )


@bp.get("/w/<int:workshop_id>/board/summary.csv")
@facilitator_required
def summary_csv(board: Board, member: Member) -> Response:
    themes = _theme_names(board)
    rows = summary_rows(board_summary(board, themes), themes)
    filename = f"board-{board.workshop_id}-summary.csv"
    record_staff_action(
        member.person_id,
        member.pact_id,
        AuditAction.EXPORT,
        "workshop",
        board.workshop_id,
        export="board_summary",
        format="csv",
        rows=len(rows),
    )
    return Response(
        write_csv(rows, SUMMARY_COLUMNS),
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.get("/w/<int:workshop_id>/board/summary.xlsx")
@facilitator_required
def summary_xlsx(board: Board, member: Member) -> BaseResponse:
    """The summary for spreadsheets: a sheet per part, labels, dates, numbers."""
    themes = _theme_names(board)
    summary = board_summary(board, themes)
    sheets = summary_sheets(summary, themes, board.workshop.pact.timezone)
    record_staff_action(
        member.person_id,
        member.pact_id,
        AuditAction.EXPORT,
        "workshop",
        board.workshop_id,
        export="board_summary",
        format="xlsx",
        rows=sum(len(sheet.rows) for sheet in sheets),
    )
    return attachment(
        write_workbook(*sheets),
        XLSX_MIMETYPE,
        f"board-{board.workshop_id}-summary.xlsx",
    )


@bp.get("/w/<int:workshop_id>/board/history")
@facilitator_required
def history(board: Board, member: Member) -> str:
    person = query_int("person")
    event_type = request.args.get("type", "")[:30] or None
    page = board_history(board, person, event_type, query_int("page") or 1)
    return render_template(
        "workshops/board_history.html",
        workshop=board.workshop,
        pact=board.workshop.pact,
        history=page,
        people=history_people(board.id),
        types=history_types(board.id),
        selected={"person": person, "type": event_type},
    )
