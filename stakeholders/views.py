"""The public registration form of a pact and its success page."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from core.errors import DomainError
from core.models import Pact
from core.pacts import find_pact
from core.ratelimits import (
    address_key,
    attempt_counted,
    configured,
    count_attempt,
    form_email_key,
)
from extensions import limiter
from stakeholders import bp
from stakeholders.consent import CONSENT_VERSION, consent_text
from stakeholders.forms import RegistrationForm
from stakeholders.services import register_organisation, theme_choices


def _email_key() -> str:
    return form_email_key("registration", "contact_email")


def _open_pact(slug: str) -> Pact:
    pact = find_pact(slug)
    if pact is None:
        abort(404)
    return pact


@bp.route("/p/<slug>/register", methods=["GET", "POST"])
# Registrations that reach the service count (validation errors never do): per
# e-mail typed (a mailbox gets few confirmations), and per address only a ceiling,
# as a venue's people register from one address.
@limiter.limit(
    configured("REGISTRATION_EMAIL_LIMIT"),
    key_func=_email_key,
    methods=["POST"],
    deduct_when=attempt_counted,
)
@limiter.limit(
    configured("REGISTRATION_ADDRESS_LIMIT"),
    key_func=address_key,
    methods=["POST"],
    deduct_when=attempt_counted,
)
def register(slug: str) -> str | Response:
    pact = _open_pact(slug)
    form = RegistrationForm(theme_choices=theme_choices(pact))
    if request.method == "GET":
        form.country.data = pact.country
        form.consent_version.data = CONSENT_VERSION
    text = consent_text(pact.text("title"))
    if not form.validate_on_submit():
        return render_template(
            "stakeholders/register.html", pact=pact, form=form, consent=text
        )
    if form.fax_number.data:
        # A bot filled the honeypot: look successful, store nothing.
        count_attempt()
        return redirect(url_for("stakeholders.registered", slug=pact.slug))
    if form.consent_version.data != CONSENT_VERSION:
        form.consent.errors = [
            _(
                "The consent text has changed since you opened this page. "
                "Please read it again."
            )
        ]
        form.consent_version.data = CONSENT_VERSION
        return render_template(
            "stakeholders/register.html", pact=pact, form=form, consent=text
        )
    count_attempt()
    consent = {
        "version": CONSENT_VERSION,
        "language": str(get_locale()),
        "text": text,
        "ip_address": request.remote_addr,
    }
    try:
        register_organisation(pact.id, form.registration_data(), consent)
    except DomainError as exc:
        field = form[exc.field or "contact_email"]
        field.errors = [*field.errors, exc.message]
        return render_template(
            "stakeholders/register.html", pact=pact, form=form, consent=text
        )
    return redirect(url_for("stakeholders.registered", slug=pact.slug))


@bp.get("/p/<slug>/registered")
def registered(slug: str) -> str:
    return render_template("stakeholders/registered.html", pact=_open_pact(slug))
