"""The person's own page about their personal data ("My data", `/me/data`): what
GreenPact holds about them, downloadable as the same JSON file `export-person`
prints (their own pact's part), and the withdrawal of their consent, after a
confirmation. Participants' sessions only (opened from a personal link)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from core.choices import RegistrationStatus
from core.downloads import json_attachment
from core.errors import DomainError
from core.forms import ConfirmForm
from core.headers import PRIVATE_HEADERS
from core.mail import reply_to_address
from pacts.personal_data import export_filename, export_person
from stakeholders.personal_data import withdraw_consent
from stakeholders.sessions import participant_required

bp = Blueprint("my_data", __name__)


def _withdrawn() -> bool:
    organisation = current_user.organisation
    return bool(
        organisation is not None and organisation.status == RegistrationStatus.WITHDRAWN
    )


@bp.get("/me/data")
@participant_required
def page() -> tuple[str, int, dict[str, str]]:
    export = export_person(current_user.email, current_user.pact_id)
    body = render_template(
        "pacts/my_data.html",
        export=export,
        withdrawn=_withdrawn(),
        reply_to=reply_to_address(),
    )
    return body, 200, PRIVATE_HEADERS


@bp.get("/me/data.json")
@participant_required
def download() -> Response:
    return json_attachment(
        export_person(current_user.email, current_user.pact_id), export_filename()
    )


@bp.route("/me/data/withdraw", methods=["GET", "POST"])
@participant_required
def withdraw() -> str | Response:
    form = ConfirmForm()
    if _withdrawn():
        return redirect(url_for(".page"))
    if not form.validate_on_submit():
        return render_template("pacts/my_data_withdraw.html", form=form)
    try:
        withdraw_consent(current_user.id)
    except DomainError as exc:
        flash(exc.message, "error")
        return redirect(url_for(".page"))
    flash(_("Your consent is withdrawn. A confirmation is on its way."), "success")
    return redirect(url_for(".page"))
