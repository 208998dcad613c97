"""The team page of a pact, /staff/p/<slug>/team: its staff with their role and
account status, and for its officials (and any administrator) inviting a person,
changing a member's role, sending an invitation again, removing a member and
deactivating or reactivating an account (the destructive two after a
confirmation). Facilitators see the members' names, roles and account status only,
not their e-mail addresses. Each submission parses one form and calls one use
case."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from core.choices import ACCOUNT_STATUS_LABELS, STAFF_ROLE_LABELS
from core.errors import DomainError
from core.forms import ActionForm, ReversibleConfirmForm
from core.models import Pact
from core.outcomes import perform, refuse_on_form
from core.pacts import find_pact
from stakeholders.accounts.forms import InviteForm, RoleForm
from stakeholders.accounts.invitations import invite_staff, resend_invitation
from stakeholders.accounts.members import (
    Member,
    change_role,
    deactivate_account,
    reactivate_account,
    remove_member,
    team_member,
    team_of,
)
from stakeholders.auth import staff_required
from stakeholders.services import staff_pact

bp = Blueprint("team", __name__, url_prefix="/staff/p/<slug>/team")
F = TypeVar("F", bound=Callable[..., Any])


def _pact_or_404(slug: str) -> Pact:
    """The pact, for its staff or any administrator; 404 for everyone else."""
    pact = find_pact(slug) if current_user.is_admin else staff_pact(current_user, slug)
    if pact is None:
        abort(404)
    return pact


def _manages(pact: Pact) -> bool:
    return bool(current_user.is_admin or current_user.is_official_of(pact.id))


def team_viewer(view: F) -> F:
    @wraps(view)
    @staff_required
    def wrapper(slug: str, *args: Any, **kwargs: Any) -> Any:
        return view(_pact_or_404(slug), *args, **kwargs)

    return cast(F, wrapper)


def team_manager_only(view: F) -> F:
    @wraps(view)
    @staff_required
    def wrapper(slug: str, *args: Any, **kwargs: Any) -> Any:
        pact = _pact_or_404(slug)
        if not _manages(pact):
            abort(403)
        return view(pact, *args, **kwargs)

    return cast(F, wrapper)


@bp.context_processor
def team_labels() -> dict[str, Any]:
    return {"role_labels": STAFF_ROLE_LABELS, "status_labels": ACCOUNT_STATUS_LABELS}


def _index_page(pact: Pact, invite: InviteForm | None = None) -> str:
    manages = _manages(pact)
    return render_template(
        "stakeholders/team.html",
        pact=pact,
        team=team_of(current_user.id, pact.id),
        manages=manages,
        invite=invite or InviteForm(pact, formdata=None),
        action_form=ActionForm(),
        role_form=RoleForm(formdata=None),
    )


def _to_team(pact: Pact) -> Response:
    return redirect(url_for("team.index", slug=pact.slug))


@bp.get("")
@team_viewer
def index(pact: Pact) -> str:
    return _index_page(pact)


@bp.post("/invite")
@team_manager_only
def invite(pact: Pact) -> tuple[str, int] | Response:
    form = InviteForm(pact)
    if not form.validate_on_submit():
        return _index_page(pact, form), 400
    try:
        done = invite_staff(
            current_user.id,
            pact.id,
            form.email.data or "",
            form.name.data or "",
            form.role.data or "",
            form.language.data or "",
        )
    except DomainError as exc:
        refuse_on_form(form, exc)
        return _index_page(pact, form), 400
    if done["new"]:
        flash(_("The invitation is on its way."), "success")
    else:
        flash(_("This person already had an account: they joined the team."), "success")
    return _to_team(pact)


@bp.post("/<int:person_id>/role")
@team_manager_only
def role(pact: Pact, person_id: int) -> Response:
    form = RoleForm()
    perform(
        form,
        lambda: change_role(current_user.id, pact.id, person_id, form.role.data or ""),
        _("The role is changed."),
    )
    return _to_team(pact)


@bp.post("/<int:person_id>/resend")
@team_manager_only
def resend(pact: Pact, person_id: int) -> Response:
    perform(
        ActionForm(),
        lambda: resend_invitation(current_user.id, pact.id, person_id),
        _("A new invitation is on its way; the earlier link no longer works."),
    )
    return _to_team(pact)


@bp.post("/<int:person_id>/reactivate")
@team_manager_only
def reactivate(pact: Pact, person_id: int) -> Response:
    perform(
        ActionForm(),
        lambda: reactivate_account(current_user.id, pact.id, person_id),
        _("The account is active again."),
    )
    return _to_team(pact)


def _confirmed(
    pact: Pact,
    person_id: int,
    action: str,
    use_case: Callable[[int, int, int], object],
    done: str,
) -> str | tuple[str, int] | Response:
    """A destructive step: its confirmation page, then the use case."""
    member = team_member(pact.id, person_id)
    if member is None:
        abort(404)
    form = ReversibleConfirmForm()
    if form.validate_on_submit():
        try:
            use_case(current_user.id, pact.id, person_id)
        except DomainError as exc:
            refuse_on_form(form, exc)
            return _confirm_page(pact, member, action, form), 409
        flash(done, "success")
        return _to_team(pact)
    status = 400 if form.is_submitted() else 200
    return _confirm_page(pact, member, action, form), status


def _confirm_page(
    pact: Pact, member: Member, action: str, form: ReversibleConfirmForm
) -> str:
    return render_template(
        "stakeholders/team_confirm.html",
        pact=pact,
        member=member,
        action=action,
        form=form,
    )


@bp.route("/<int:person_id>/remove", methods=["GET", "POST"])
@team_manager_only
def remove(pact: Pact, person_id: int) -> str | tuple[str, int] | Response:
    return _confirmed(
        pact, person_id, "remove", remove_member, _("They are no longer in the team.")
    )


@bp.route("/<int:person_id>/deactivate", methods=["GET", "POST"])
@team_manager_only
def deactivate(pact: Pact, person_id: int) -> str | tuple[str, int] | Response:
    return _confirmed(
        pact,
        person_id,
        "deactivate",
        deactivate_account,
        _("The account is deactivated: its sessions have ended."),
    )
