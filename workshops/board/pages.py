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
from workshops.board.breakout import shown_board
from workshops.board.forms import typed_form_values
from workshops.board.history import board_history, history_people, history_types
from workshops.board.page_strings import ERROR_MESSAGES, PHASE_HINTS, board_strings
from workshops.board.path import Member, apply_board_change, identify_member, snapshot
from workshops.board.rules import FACILITATOR, PHASES, BoardError, client_rules
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
