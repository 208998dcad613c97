"""The public pages of staff accounts: "Forgot your password?" (the same answer
whether the address has an account or not, limited per e-mail and per address), and
the pages e-mailed links open: an invitation (/invitation/<token>: the person's name
and a password) and a password reset (/password/reset/<token>). Opening a link shows
a form and spends nothing; submitting it sets the password, ends every other session
of the account and logs the person in."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from core.choices import PASSWORD_MIN
from core.errors import DomainError
from core.outcomes import show_refusal
from core.passwords import PasswordsBusy
from core.time import wait_in_words
from stakeholders.accounts.forms import (
    AcceptInvitationForm,
    ForgotPasswordForm,
    NewPasswordForm,
)
from stakeholders.accounts.passwords import (
    link_holder,
    link_problem,
    request_password_reset,
    set_password_with_link,
)
from stakeholders.accounts.tokens import Purpose
from stakeholders.auth import BUSY_RETRY_SECONDS, log_staff_in
from stakeholders.login_limits import (
    RESET_ACCOUNT,
    RESET_ADDRESS,
    count,
    forget_failures,
    seconds_to_wait,
)

bp = Blueprint("accounts", __name__)

Page = str | tuple[str, int] | tuple[str, int, dict[str, str]]
TEMPLATES = {
    Purpose.INVITATION: "stakeholders/invitation.html",
    Purpose.PASSWORD_RESET: "stakeholders/password_reset.html",
}


def _reset_minutes() -> int:
    return int(current_app.config["PASSWORD_RESET_TTL_SECONDS"]) // 60


def _forgot_page(
    form: ForgotPasswordForm, status: int = 200, headers: dict[str, str] | None = None
) -> Page:
    page = render_template(
        "stakeholders/forgot_password.html", form=form, minutes=_reset_minutes()
    )
    return page, status, headers or {}


@bp.route("/login/forgot", methods=["GET", "POST"])
def forgot() -> Page | Response:
    form = ForgotPasswordForm()
    if not form.validate_on_submit():
        return _forgot_page(form, 400 if form.is_submitted() else 200)
    email = form.email.data or ""
    wait = seconds_to_wait(email, RESET_ACCOUNT, RESET_ADDRESS)
    if wait:
        form.email.errors = [
            _(
                "Too many password resets were asked for. Try again in %(wait)s.",
                wait=wait_in_words(wait),
            )
        ]
        return _forgot_page(form, 429, {"Retry-After": str(wait)})
    count(email, RESET_ACCOUNT, RESET_ADDRESS)
    request_password_reset(email)
    flash(
        _(
            "If this address belongs to a staff account, an e-mail with a link to "
            "choose a new password is on its way. It works once, within "
            "%(minutes)d minutes.",
            minutes=_reset_minutes(),
        ),
        "info",
    )
    return redirect(url_for("accounts.forgot"))


def _link_page(
    purpose: Purpose, token: str, form: NewPasswordForm | AcceptInvitationForm
) -> Page | Response:
    """The form a link opens; a link that no longer works says so (403)."""
    holder = link_holder(token, purpose)
    if holder is None:
        page = render_template(TEMPLATES[purpose], problem=link_problem(purpose))
        return page, 403
    if not form.validate_on_submit():
        if not form.is_submitted() and isinstance(form, AcceptInvitationForm):
            form.name.data = holder["name"]
        status = 400 if form.is_submitted() else 200
        return _render(purpose, form, holder["email"]), status
    name = form.name.data if isinstance(form, AcceptInvitationForm) else None
    try:
        done = set_password_with_link(token, purpose, form.password.data or "", name)
    except PasswordsBusy:
        form.form_errors.append(
            _("Many people are logging in right now. Please try again in a moment.")
        )
        page = _render(purpose, form, holder["email"])
        return page, 503, {"Retry-After": str(BUSY_RETRY_SECONDS)}
    except DomainError as exc:
        show_refusal(form, exc)
        return _render(purpose, form, holder["email"]), 400
    forget_failures(str(done["email"]))
    log_staff_in(int(done["person"]), str(done["session"]))
    flash(_("Your password is set. You are logged in."), "success")
    return redirect(url_for("staff.index"))


def _render(
    purpose: Purpose, form: NewPasswordForm | AcceptInvitationForm, email: str
) -> str:
    return render_template(
        TEMPLATES[purpose], form=form, email=email, password_min=PASSWORD_MIN
    )


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def invitation(token: str) -> Page | Response:
    return _link_page(Purpose.INVITATION, token, AcceptInvitationForm())


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset(token: str) -> Page | Response:
    return _link_page(Purpose.PASSWORD_RESET, token, NewPasswordForm())
