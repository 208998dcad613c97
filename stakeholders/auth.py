"""Staff login and logout (Flask-Login over server-side sessions), the e-mailed
one-time login link, the password change, and the access rules every staff page
uses. Failed logins are limited per account and per address
(stakeholders.login_limits); a locked account still gets in through a login link."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.exceptions import Forbidden
from werkzeug.wrappers import Response

from core.audit import record_staff_login
from core.choices import PASSWORD_MIN
from core.errors import DomainError
from core.forms import ActionForm
from core.locales import asked_language
from core.models import Pact
from core.passwords import PasswordsBusy
from core.time import wait_in_words
from extensions import login_manager
from stakeholders.forms import (
    ChangePasswordForm,
    DigestForm,
    LoginForm,
    LoginLinkForm,
)
from stakeholders.login_limits import (
    LINK_ACCOUNT,
    LINK_ADDRESS,
    LOGIN_ACCOUNT,
    LOGIN_ADDRESS,
    count,
    forget_failures,
    seconds_to_wait,
)
from stakeholders.logins import request_login_link, session_person, use_login_link
from stakeholders.models import Person
from stakeholders.services import (
    authenticate_staff,
    change_password,
    set_preferred_language,
    staff_pact,
)
from stakeholders.sessions import (
    current_session_token,
    log_in,
    log_out,
)

log = logging.getLogger(__name__)
bp = Blueprint("auth", __name__)

F = TypeVar("F", bound=Callable[..., Any])
Page = str | tuple[str, int] | tuple[str, int, dict[str, str]]
# How long a visitor turned away by a full password pool is asked to wait.
BUSY_RETRY_SECONDS = 2


@bp.before_app_request
def remember_preferred_language() -> None:
    """A logged-in person who picks a language keeps it: it is saved as their
    preferred language (their e-mails, the live board, their next visit)."""
    asked = asked_language()
    if asked is None or not current_user.is_authenticated:
        return
    if current_user.language != asked:
        set_preferred_language(current_user.id, asked)


@login_manager.user_loader
def load_person(token: str) -> Person | None:
    """The person of the server-side login session whose token the cookie holds."""
    return session_person(token)


def _safe_next(target: str | None) -> str:
    """Only same-site paths, so the login page cannot redirect elsewhere."""
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("staff.index")


def _login_page(
    form: LoginForm,
    link_form: LoginLinkForm,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> Page:
    page = render_template(
        "stakeholders/login.html",
        form=form,
        link_form=link_form,
        link_minutes=_link_minutes(),
    )
    return page, status, headers or {}


def _link_minutes() -> int:
    return int(current_app.config["LOGIN_LINK_TTL_SECONDS"]) // 60


def _retry_after(seconds: int) -> dict[str, str]:
    return {"Retry-After": str(seconds)}


def _busy(form: LoginForm, link_form: LoginLinkForm) -> Page:
    """Too many password checks at once: say so at once rather than stall."""
    form.form_errors.append(
        _("Many people are logging in right now. Please try again in a moment.")
    )
    return _login_page(form, link_form, 503, _retry_after(BUSY_RETRY_SECONDS))


@bp.route("/login", methods=["GET", "POST"])
def login() -> Page | Response:
    if current_user.is_authenticated and current_user.is_staff:
        return redirect(url_for("staff.index"))
    form = LoginForm()
    link_form = LoginLinkForm(prefix="link", formdata=None)
    if not form.validate_on_submit():
        return _login_page(form, link_form)
    email = form.email.data or ""
    link_form.email.data = email
    wait = seconds_to_wait(email, LOGIN_ACCOUNT, LOGIN_ADDRESS)
    if wait:
        # For the operator: that it happens, never whose account (no e-mail).
        log.warning("staff login refused for %d s: too many failed logins", wait)
        form.form_errors.append(
            _(
                "Too many failed logins for this account or from your network. "
                "Try again in %(wait)s, or e-mail yourself a login link below.",
                wait=wait_in_words(wait),
            )
        )
        return _login_page(form, link_form, 429, _retry_after(wait))
    try:
        person_id = authenticate_staff(email, form.password.data or "")
    except PasswordsBusy:
        return _busy(form, link_form)
    if person_id is None:
        count(email, LOGIN_ACCOUNT, LOGIN_ADDRESS)
        form.form_errors.append(_("Wrong e-mail or password."))
        return _login_page(form, link_form)
    _log_staff_in(person_id)
    return redirect(_safe_next(request.args.get("next")))


def _log_staff_in(person_id: int, token: str | None = None) -> None:
    """Log a staff member in (password or e-mailed link): the audit log of each of
    their pacts records it."""
    log_in(person_id, token)
    if not current_user.language:
        # No language chosen yet (a new account): the one this page is in.
        set_preferred_language(person_id, str(get_locale()))
    record_staff_login(person_id, [pact.id for pact in current_user.pacts])


@bp.post("/login/link")
def request_link() -> Page | Response:
    """ "E-mail me a login link": the same answer whether the address is a staff
    member's or not; limited per e-mail and per address."""
    form = LoginForm(formdata=None)
    link_form = LoginLinkForm(prefix="link")
    if not link_form.validate_on_submit():
        return _login_page(form, link_form, 400)
    email = link_form.email.data or ""
    wait = seconds_to_wait(email, LINK_ACCOUNT, LINK_ADDRESS)
    if wait:
        link_form.email.errors = [
            _(
                "Too many login links were asked for. Try again in %(wait)s.",
                wait=wait_in_words(wait),
            )
        ]
        return _login_page(form, link_form, 429, _retry_after(wait))
    count(email, LINK_ACCOUNT, LINK_ADDRESS)
    request_login_link(email)
    flash(
        _(
            "If this address belongs to a staff account, a login link is on its way. "
            "It works once, within %(minutes)d minutes.",
            minutes=_link_minutes(),
        ),
        "info",
    )
    return redirect(url_for("auth.login"))


@bp.get("/login/link/<token>")
def link_page(token: str) -> Page:
    """What the e-mailed link opens: a button. Only pressing it (a POST) uses the
    link, so a mail scanner that follows links does not spend it."""
    return render_template("stakeholders/login_link.html", form=ActionForm())


@bp.post("/login/link/<token>")
def use_link(token: str) -> Page | Response:
    form = ActionForm()
    if not form.validate_on_submit():
        return render_template("stakeholders/login_link.html", form=form), 400
    try:
        used = use_login_link(token)
    except DomainError as exc:
        page = render_template(
            "stakeholders/login_link.html", form=form, problem=exc.message
        )
        return page, 403
    forget_failures(str(used["email"]))
    _log_staff_in(int(used["person"]), str(used["session"]))
    flash(_("You are logged in."), "success")
    return redirect(url_for("staff.index"))


@bp.post("/logout")
@login_required
def logout() -> Response:
    log_out()
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


class StaffOnly(Forbidden):
    """A participant (logged in from their personal link) on a page for the pact's
    staff: the error page tells them so, as logging in again would not help."""

    for_staff = True


def _not_staff() -> Response:
    """Anonymous visitors go to the staff login; a participant gets a 403."""
    if current_user.is_authenticated:
        raise StaffOnly()
    return cast(Response, login_manager.unauthorized())


def staff_required(view: F) -> F:
    """Logged-in staff only; anonymous visitors are sent to the login page."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated or not current_user.is_staff:
            return _not_staff()
        return view(*args, **kwargs)

    return cast(F, wrapper)


def pact_staff_required(view: F) -> F:
    """Staff of the pact in the URL only: the view gets `pact`; another pact's staff get
    404, so a pact's existence is not revealed to them."""

    @wraps(view)
    def wrapper(slug: str, *args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated or not current_user.is_staff:
            return _not_staff()
        pact: Pact | None = staff_pact(current_user, slug)
        if pact is None:
            abort(404)
        return view(pact, *args, **kwargs)

    return cast(F, wrapper)


def official_required(view: F) -> F:
    """Officials of the pact only (facilitators are staff, but may not decide)."""

    @wraps(view)
    @pact_staff_required
    def wrapper(pact: Pact, *args: Any, **kwargs: Any) -> Any:
        if not current_user.is_official_of(pact.id):
            abort(403)
        return view(pact, *args, **kwargs)

    return cast(F, wrapper)


def _password_page(form: ChangePasswordForm) -> str:
    """The account page: the password, and (officials) the daily digest."""
    digest_form = DigestForm(data={"daily_digest": current_user.daily_digest})
    return render_template(
        "stakeholders/change_password.html",
        form=form,
        password_min=PASSWORD_MIN,
        digest_form=digest_form,
    )


@bp.route("/staff/password", methods=["GET", "POST"])
@staff_required
def password() -> Page | Response:
    """A staff member changes their password; their other sessions end. A wrong
    current password counts as a failed login of the account."""
    form = ChangePasswordForm()
    if not form.validate_on_submit():
        return _password_page(form)
    email = str(current_user.email)
    wait = seconds_to_wait(email, LOGIN_ACCOUNT, LOGIN_ADDRESS)
    if wait:
        form.form_errors.append(
            _(
                "Too many failed attempts. Try again in %(wait)s.",
                wait=wait_in_words(wait),
            )
        )
        page = _password_page(form)
        return page, 429, _retry_after(wait)
    try:
        change_password(
            int(current_user.id),
            form.current_password.data or "",
            form.new_password.data or "",
            current_session_token(),
        )
    except PasswordsBusy:
        form.form_errors.append(
            _("Many people are logging in right now. Please try again in a moment.")
        )
        page = _password_page(form)
        return page, 503, _retry_after(BUSY_RETRY_SECONDS)
    except DomainError as exc:
        if exc.field == "current_password":
            count(email, LOGIN_ACCOUNT, LOGIN_ADDRESS)
        target = form[exc.field] if exc.field in form else None
        if target is None:
            form.form_errors.append(exc.message)
        else:
            target.errors = [*target.errors, exc.message]
        return _password_page(form)
    flash(_("Your password is changed. Your other sessions have ended."), "success")
    return redirect(url_for("staff.index"))
