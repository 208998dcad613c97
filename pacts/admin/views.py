"""The administrator's pages (/admin): the list of pacts, a new pact, and a pact's
settings with its themes. Each submission parses one form and calls one use case;
administrators only (anonymous visitors are sent to the login page, everyone else
gets a 403)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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
from flask_login import current_user
from werkzeug.wrappers import Response

from core.errors import DomainError
from core.forms import ActionForm
from core.models import Pact, Theme
from core.outcomes import perform, show_refusal
from core.pacts import find_pact
from pacts.admin.forms import (
    PACT_STATUS_LABELS,
    MoveThemeForm,
    NewPactForm,
    PactSettingsForm,
    settings_form,
    settings_values,
    theme_form,
    theme_values,
)
from pacts.admin.settings import (
    create_pact_with_settings,
    pact_overview,
    update_pact_settings,
)
from pacts.admin.themes import (
    add_theme,
    archive_theme,
    move_theme,
    rename_theme,
    restore_theme,
)
from stakeholders.auth import admin_required

bp = Blueprint("admin", __name__, url_prefix="/admin")
Page = str | tuple[str, int]
NEW_THEME = "new-theme"


def _languages() -> list[str]:
    return list(current_app.config["LANGUAGES"])


def _pact_or_404(slug: str) -> Pact:
    pact = find_pact(slug)
    if pact is None:
        abort(404)
    return pact


def _theme_or_404(pact: Pact, theme_id: int) -> Theme:
    theme = next((theme for theme in pact.themes if theme.id == theme_id), None)
    if theme is None:
        abort(404)
    return theme


def _theme_prefix(theme: Theme) -> str:
    return f"theme-{theme.id}"


def _status(exc: DomainError) -> int:
    return 409 if exc.code in ("conflict", "duplicate") else 400


@bp.get("/pacts")
@admin_required
def pacts() -> str:
    return render_template(
        "pacts/admin_pacts.html",
        rows=pact_overview(),
        statuses=PACT_STATUS_LABELS,
    )


@bp.route("/pacts/new", methods=["GET", "POST"])
@admin_required
def new_pact() -> Page | Response:
    defaults = {"timezone": "UTC", "licence": "CC-BY-4.0", "report_frequency": "yearly"}
    form = settings_form(
        NewPactForm,
        _languages(),
        data=defaults if request.method == "GET" else None,
    )
    if not form.validate_on_submit():
        return render_template("pacts/admin_new_pact.html", form=form)
    try:
        created = create_pact_with_settings(
            current_user.id, form.slug.data or "", form.settings()
        )
    except DomainError as exc:
        show_refusal(form, exc)
        page = render_template("pacts/admin_new_pact.html", form=form)
        return page, _status(exc)
    flash(_("The pact is created. Now name its themes."), "success")
    return redirect(url_for(".pact", slug=created["slug"]))


def _pact_page(
    pact: Pact,
    settings: Any = None,
    new_theme: Any = None,
    renamed: tuple[int, Any] | None = None,
    status: int = 200,
) -> Page:
    """The pact's page: its settings, then its themes, each with its forms (the one
    just submitted keeps what was typed and its errors)."""
    renames = {
        theme.id: theme_form(
            pact,
            prefix=_theme_prefix(theme),
            formdata=None,
            data=theme_values(theme),
        )
        for theme in pact.themes
    }
    if renamed is not None:
        renames[renamed[0]] = renamed[1]
    page = render_template(
        "pacts/admin_pact.html",
        pact=pact,
        form=settings
        or settings_form(
            PactSettingsForm, _languages(), formdata=None, data=settings_values(pact)
        ),
        new_theme=new_theme or theme_form(pact, prefix=NEW_THEME, formdata=None),
        renames=renames,
        action_form=ActionForm(formdata=None),
        team_url=f"/staff/p/{pact.slug}/team",
    )
    return page, status


@bp.route("/pacts/<slug>", methods=["GET", "POST"])
@admin_required
def pact(slug: str) -> Page | Response:
    pact = _pact_or_404(slug)
    if request.method == "GET":
        return _pact_page(pact)
    form = settings_form(PactSettingsForm, _languages())
    if not form.validate_on_submit():
        return _pact_page(pact, settings=form, status=400)
    try:
        update_pact_settings(current_user.id, pact.id, form.settings())
    except DomainError as exc:
        show_refusal(form, exc)
        return _pact_page(pact, settings=form, status=_status(exc))
    flash(_("The pact's settings are saved."), "success")
    return redirect(url_for(".pact", slug=pact.slug))


@bp.post("/pacts/<slug>/themes")
@admin_required
def new_theme(slug: str) -> Page | Response:
    pact = _pact_or_404(slug)
    form = theme_form(pact, prefix=NEW_THEME)
    if not form.validate_on_submit():
        return _pact_page(pact, new_theme=form, status=400)
    try:
        add_theme(current_user.id, pact.id, form.names())
    except DomainError as exc:
        show_refusal(form, exc)
        return _pact_page(pact, new_theme=form, status=_status(exc))
    flash(_("The theme is added."), "success")
    return redirect(url_for(".pact", slug=pact.slug, _anchor="themes"))


@bp.post("/pacts/<slug>/themes/<int:theme_id>")
@admin_required
def rename(slug: str, theme_id: int) -> Page | Response:
    pact = _pact_or_404(slug)
    theme = _theme_or_404(pact, theme_id)
    form = theme_form(pact, prefix=_theme_prefix(theme))
    if not form.validate_on_submit():
        return _pact_page(pact, renamed=(theme.id, form), status=400)
    try:
        rename_theme(current_user.id, pact.id, theme.id, form.names())
    except DomainError as exc:
        show_refusal(form, exc)
        return _pact_page(pact, renamed=(theme.id, form), status=_status(exc))
    flash(_("The theme's names are saved."), "success")
    return redirect(url_for(".pact", slug=pact.slug, _anchor=f"theme-{theme.id}"))


def _theme_action(
    slug: str,
    theme_id: int,
    form: Any,
    act: Callable[[Pact, Theme], object],
    done: str,
) -> Response:
    """One of a theme's buttons: the pact and its theme (404 otherwise), the action
    through `perform`, then back to the theme on the pact's page."""
    pact = _pact_or_404(slug)
    theme = _theme_or_404(pact, theme_id)
    perform(form, lambda: act(pact, theme), done)
    return redirect(url_for(".pact", slug=pact.slug, _anchor=f"theme-{theme.id}"))


@bp.post("/pacts/<slug>/themes/<int:theme_id>/move")
@admin_required
def move(slug: str, theme_id: int) -> Response:
    form = MoveThemeForm()
    return _theme_action(
        slug,
        theme_id,
        form,
        lambda pact, theme: move_theme(
            current_user.id, pact.id, theme.id, form.direction.data
        ),
        _("The theme is moved."),
    )


@bp.post("/pacts/<slug>/themes/<int:theme_id>/archive")
@admin_required
def archive(slug: str, theme_id: int) -> Response:
    return _theme_action(
        slug,
        theme_id,
        ActionForm(),
        lambda pact, theme: archive_theme(current_user.id, pact.id, theme.id),
        _("The theme is archived: it is no longer offered for new input."),
    )


@bp.post("/pacts/<slug>/themes/<int:theme_id>/restore")
@admin_required
def restore(slug: str, theme_id: int) -> Response:
    return _theme_action(
        slug,
        theme_id,
        ActionForm(),
        lambda pact, theme: restore_theme(current_user.id, pact.id, theme.id),
        _("The theme is restored."),
    )
