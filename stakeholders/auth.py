"""Staff login and logout (Flask-Login), with failed attempts throttled per address and
account, and the access rules every staff page uses."""

from __future__ import annotations

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
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from core.audit import record_staff_login
from core.choices import Role
from core.models import Pact
from extensions import db, limiter, login_manager
from stakeholders.forms import LoginForm
from stakeholders.models import Person
from stakeholders.services import authenticate_staff, staff_pact

bp = Blueprint("auth", __name__)

F = TypeVar("F", bound=Callable[..., Any])


@login_manager.user_loader
def load_person(person_id: str) -> Person | None:
    if not person_id.isdigit():
        return None
    return db.session.get(Person, int(person_id))


def _login_failure_limit() -> str:
    return str(current_app.config["LOGIN_FAILURE_LIMIT"])


def _login_key() -> str:
    email = (request.form.get("email") or "").strip().lower()[:254]
    return f"{request.remote_addr}|{email}"


def _failed(response: Response) -> bool:
    return response.status_code != 302


def _safe_next(target: str | None) -> str:
    """Only same-site paths, so the login page cannot redirect elsewhere."""
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("staff.index")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    _login_failure_limit, key_func=_login_key, methods=["POST"], deduct_when=_failed
)
def login() -> str | Response:
    if current_user.is_authenticated and current_user.is_staff:
        return redirect(url_for("staff.index"))
    form = LoginForm()
    if form.validate_on_submit():
        person_id = authenticate_staff(form.email.data or "", form.password.data or "")
        if person_id is not None:
            login_user(cast(Person, db.session.get(Person, person_id)))
            record_staff_login(person_id, [pact.id for pact in current_user.pacts])
            return redirect(_safe_next(request.args.get("next")))
        form.form_errors.append(_("Wrong e-mail or password."))
    return render_template("stakeholders/login.html", form=form)


@bp.post("/logout")
@login_required
def logout() -> Response:
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


def staff_required(view: F) -> F:
    """Logged-in staff only; anyone else is sent to the login page."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated or not current_user.is_staff:
            return login_manager.unauthorized()
        return view(*args, **kwargs)

    return cast(F, wrapper)


def pact_staff_required(view: F) -> F:
    """Staff of the pact in the URL only: the view gets `pact`; another pact's staff get
    404, so a pact's existence is not revealed to them."""

    @wraps(view)
    def wrapper(slug: str, *args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated or not current_user.is_staff:
            return login_manager.unauthorized()
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
        if current_user.role != Role.OFFICIAL:
            abort(403)
        return view(pact, *args, **kwargs)

    return cast(F, wrapper)
