"""The participants' side of workshops, without passwords: the personal join link
(which opens a participant session), a new link when it expired, "My workshops"
(decline a place, enrol in an open workshop), the walk-in form with the code shown in
the room, and the pact's public workshop calendar (ICS)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from core.errors import DomainError
from core.forms import ActionForm, NewLinkForm
from core.headers import PRIVATE_HEADERS, public_page
from core.pacts import find_pact
from core.ratelimits import (
    address_key,
    attempt_counted,
    configured,
    count_attempt,
    count_link_problem,
    link_failure_limit,
    new_link_limits,
    session_key,
)
from extensions import limiter
from stakeholders.consent import CONSENT_VERSION, consent_text
from stakeholders.sessions import (
    TOKEN_PROBLEMS,
    log_in,
    open_session,
    participant_required,
)
from workshops import bp
from workshops.calendar import feed_ics
from workshops.enrolment import decline_enrolment, enrol_self
from workshops.forms import LABELS, WalkInForm, normalise_code
from workshops.identities import identify_participant
from workshops.invitations import request_new_link
from workshops.models import EnrolmentStatus
from workshops.queries import (
    open_workshops_for,
    pact_workshops,
    person_enrolments,
    waitlist_rank,
)
from workshops.walk_ins import find_running_workshop, join_walk_in

# Why a join link was refused (the `identify_participant` reasons), for the visitor.
LINK_PROBLEMS = {
    **TOKEN_PROBLEMS,
    "revoked": _l(
        "This link no longer works: the pact's team withdrew it, or sent you a "
        "newer one. Use the most recent invitation e-mail."
    ),
    "not_enrolled": _l(
        "You no longer have a place in this workshop: it was declined or cancelled."
    ),
    "other_workshop": _l("This link belongs to another workshop."),
    "cancelled": _l("This workshop has been cancelled."),
}
# Reasons for which a fresh link by e-mail may help.
RENEWABLE = {"invalid", "expired", "revoked"}
GENERIC_PACT_TITLE = "GreenPact"
# A walk-in's personal join link, kept in their session until "My workshops" shows
# it once.
PERSONAL_LINK_KEY = "personal_link"


@bp.context_processor
def workshop_labels() -> dict[str, Any]:
    return {"workshop_labels": LABELS}


def _walk_in_session_key() -> str:
    return session_key("walk-in")


# --- join links --------------------------------------------------------------------


def _link_problem(workshop_id: int, reason: str | None, form: NewLinkForm) -> str:
    return render_template(
        "workshops/link_problem.html",
        workshop_id=workshop_id,
        problem=LINK_PROBLEMS.get(reason or "", LINK_PROBLEMS["invalid"])
        if reason
        else None,
        renewable=reason is None or reason in RENEWABLE,
        form=form,
    )


@bp.get("/w/<int:workshop_id>/join/<token>")
@link_failure_limit
def open_link(workshop_id: int, token: str) -> tuple[str, int] | Response:
    """A personal join link: a participant session on success; on failure the
    reason, and no session (an existing one is left as it was)."""
    try:
        person_id = identify_participant(token, workshop_id)
    except DomainError as exc:
        count_link_problem(exc.message)
        return _link_problem(workshop_id, exc.message, NewLinkForm()), 403
    return open_session(person_id, "workshops.my_workshops")


@bp.post("/w/<int:workshop_id>/new-link")
@new_link_limits
def new_link(workshop_id: int) -> str:
    form = NewLinkForm()
    if not form.validate_on_submit():
        return _link_problem(workshop_id, None, form)
    count_attempt()
    request_new_link(workshop_id, form.email.data or "")
    return render_template("workshops/link_sent.html")


# --- my workshops ------------------------------------------------------------------


@bp.get("/me")
def my_workshops() -> str | Response | tuple[str, int, dict[str, str]]:
    if current_user.is_authenticated and current_user.is_staff:
        return redirect(url_for("staff.index"))
    if not current_user.is_authenticated:
        return render_template("workshops/me_anonymous.html")
    enrolments = person_enrolments(current_user.id)
    personal_link = session.pop(PERSONAL_LINK_KEY, None)
    page = render_template(
        "workshops/me.html",
        enrolments=enrolments,
        ranks={e.id: waitlist_rank(e) for e in enrolments},
        open_workshops=open_workshops_for(current_user),
        form=ActionForm(),
        personal_link=personal_link,
    )
    return page, 200, PRIVATE_HEADERS if personal_link else {}


def _attempt(action: Callable[[], dict[str, Any]]) -> dict[str, Any] | None:
    try:
        return action()
    except DomainError as exc:
        flash(exc.message, "error")
        return None


@bp.post("/me/enrolments/<int:enrolment_id>/decline")
@participant_required
def decline(enrolment_id: int) -> Response:
    if ActionForm().validate_on_submit() and _attempt(
        lambda: decline_enrolment(current_user.id, enrolment_id)
    ):
        flash(_("Your place is cancelled. Thank you for letting us know."), "success")
    return redirect(url_for(".my_workshops"))


@bp.post("/me/workshops/<int:workshop_id>/enrol")
@participant_required
def enrol(workshop_id: int) -> Response:
    if not ActionForm().validate_on_submit():
        return redirect(url_for(".my_workshops"))
    result = _attempt(lambda: enrol_self(current_user.id, workshop_id))
    if result is not None and result["status"] == EnrolmentStatus.ENROLLED:
        flash(_("You are enrolled. Your join link is on its way by e-mail."), "success")
    elif result is not None:
        flash(
            _("The workshop is full: you are on its waiting list. We will e-mail you."),
            "info",
        )
    return redirect(url_for(".my_workshops"))


# --- walk-ins ----------------------------------------------------------------------


def _walk_in_page(form: WalkInForm, consent: str) -> str:
    return render_template("workshops/walk_in.html", form=form, consent=consent)


def _add_error(form: WalkInForm, field: str | None, message: str) -> None:
    target = form[field] if field and field in form else form.code
    target.errors = [*target.errors, message]


# Wrong codes count, and nothing else (a field left empty, a code of the wrong
# length): per visitor's session, so that one person's typos never lock the room
# out, and per address with a ceiling a room's typos stay under (the arithmetic is
# in config.py).
@bp.route("/join", methods=["GET", "POST"])
@limiter.limit(
    configured("WALK_IN_SESSION_FAILURE_LIMIT"),
    key_func=_walk_in_session_key,
    methods=["POST"],
    deduct_when=attempt_counted,
)
@limiter.limit(
    configured("WALK_IN_ADDRESS_FAILURE_LIMIT"),
    key_func=address_key,
    methods=["POST"],
    deduct_when=attempt_counted,
)
def walk_in() -> str | Response:
    # The page tells nothing about the code in its address (`?code=` from a QR
    # code): the code is checked only by the limited POST. So the consent names no
    # pact, and what is recorded is what was shown.
    text = consent_text(GENERIC_PACT_TITLE)
    form = WalkInForm()
    if request.method == "GET":
        form.code.data = normalise_code(request.args.get("code", "")[:20])
        form.consent_version.data = CONSENT_VERSION
    if not form.validate_on_submit():
        return _walk_in_page(form, text)
    if form.consent_version.data != CONSENT_VERSION:
        form.consent_version.data = CONSENT_VERSION
        _add_error(form, "consent", _("The consent text has changed. Please read it."))
        return _walk_in_page(form, text)
    return _join(form, text)


def _join(form: WalkInForm, text: str) -> str | Response:
    code, email = form.code.data or "", form.contact_email.data or ""
    workshop = find_running_workshop(code)
    if workshop is None:
        count_attempt()
        _add_error(form, "code", _("This code is not valid now."))
        return _walk_in_page(form, text)
    consent = {
        "version": CONSENT_VERSION,
        "language": str(get_locale()),
        "text": text,
        "ip_address": request.remote_addr,
    }
    try:
        joined = join_walk_in(code, form.walk_in_data(), consent)
    except DomainError as exc:
        if exc.code == "known":
            # The address belongs to someone already: a session goes only to whoever
            # reads that mailbox, never to whoever typed the address.
            request_new_link(workshop.id, email)
            return render_template("workshops/link_sent.html", known=True)
        _add_error(form, exc.field, exc.message)
        return _walk_in_page(form, text)
    log_in(joined["person"])
    # Their way back in when this session is lost: e-mailed, and shown once on
    # "My workshops".
    session[PERSONAL_LINK_KEY] = joined["link"]
    flash(_("Welcome! You have joined the workshop."), "success")
    return redirect(url_for(".my_workshops"))


# --- calendar ----------------------------------------------------------------------


@bp.get("/p/<slug>/workshops.ics")
@public_page
def calendar(slug: str) -> Response:
    pact = find_pact(slug)
    if pact is None:
        abort(404)
    workshops = pact_workshops(pact.id)
    page = str(current_app.config["PUBLIC_URL"]).rstrip("/") + "/me"
    body = feed_ics(workshops, {workshop.id: page for workshop in workshops})
    return Response(
        body,
        content_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f'inline; filename="{pact.slug}.ics"'},
    )
