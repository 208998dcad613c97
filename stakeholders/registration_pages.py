"""Staff pages of the stakeholders package: an official edits a registration of their
pact (the public form's fields and rules; the change is kept in its history), and a
staff member turns the daily digest of waiting registrations on or off."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from core.errors import DomainError
from core.models import Pact
from extensions import db
from stakeholders import bp
from stakeholders.auth import official_required, staff_required
from stakeholders.digests import set_daily_digest
from stakeholders.forms import DigestForm, RegistrationEditForm
from stakeholders.models import Organisation
from stakeholders.registrations import edit_registration as edit
from stakeholders.registrations import registration_values
from stakeholders.services import theme_choices


def _registration(pact: Pact, organisation_id: int) -> Organisation:
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or organisation.pact_id != pact.id:
        abort(404)
    return organisation


@bp.route(
    "/staff/p/<slug>/registrations/<int:organisation_id>/edit",
    methods=["GET", "POST"],
)
@official_required
def edit_registration(pact: Pact, organisation_id: int) -> str | Response:
    """Correct or complete a registration (a walk-in's size and sector, say)."""
    organisation = _registration(pact, organisation_id)
    choices = theme_choices(pact, keep=(t.key for t in organisation.themes))
    form = RegistrationEditForm(
        data=registration_values(organisation), theme_choices=choices
    )
    back = url_for(
        "staff.registration", slug=pact.slug, organisation_id=organisation_id
    )
    if not form.validate_on_submit():
        return _edit_page(pact, organisation, form)
    try:
        result = edit(
            current_user.id, pact.id, organisation_id, form.registration_data()
        )
    except DomainError as exc:
        if exc.field and exc.field in form:
            form[exc.field].errors = [*form[exc.field].errors, exc.message]
        else:
            form.form_errors.append(exc.message)
        return _edit_page(pact, organisation, form)
    if result["fields"]:
        flash(_("The registration is saved."), "success")
    else:
        flash(_("Nothing was changed."), "info")
    return redirect(back)


def _edit_page(
    pact: Pact, organisation: Organisation, form: RegistrationEditForm
) -> str:
    return render_template(
        "stakeholders/registration_edit.html",
        pact=pact,
        organisation=organisation,
        form=form,
    )


@bp.post("/staff/notifications")
@staff_required
def notifications() -> Response:
    """Turn the daily digest on or off (from the account page)."""
    form = DigestForm()
    if form.validate_on_submit():
        wanted = bool(form.daily_digest.data)
        set_daily_digest(int(current_user.id), wanted)
        flash(
            _("You will get the daily digest.")
            if wanted
            else _("You will no longer get the daily digest."),
            "success",
        )
    else:
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
    return redirect(url_for("auth.password"))
