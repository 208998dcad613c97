"""The officials' pages of a pact: the compile list of its commitments (filters,
agree, reorder, sign for the authority, publish), the pact document, adding and
editing a commitment (with its history), withdrawing one from the published pact
(a confirmation page asking for the reason), and the programme indicators. Facilitators
may read the list and the commitments; only officials change anything. Each view
parses a form, calls one use case, and flashes the outcome."""

from __future__ import annotations

from collections.abc import Callable
from itertools import groupby
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from commitments.models import PACT_STATUSES, Commitment
from commitments.operations import (
    add_commitment,
    agree_commitment,
    edit_commitment,
    move_commitment,
    pact_commitment,
    sign_commitment,
)
from core.errors import DomainError
from core.forms import ActionForm
from core.links import public_url
from core.locales import current_pact
from core.models import Pact, Theme
from core.outcomes import perform, refuse_on_form
from core.pacts import theme_label
from pacts.document_form import document_form, document_values
from pacts.forms import (
    LABELS,
    CommitmentFilterForm,
    CommitmentForm,
    EditCommitmentForm,
    MoveForm,
    ProgrammeIndicatorForm,
    PublishForm,
    WithdrawForm,
    commitment_values,
)
from pacts.indicators import (
    add_programme_indicator,
    delete_programme_indicator,
    pact_indicator,
)
from pacts.living import withdraw_commitment
from pacts.publishing import publish_pact, update_pact_document
from pacts.queries import (
    commitment_history,
    pact_commitments,
    programme_indicators,
    status_counts,
)
from stakeholders.auth import official_required, pact_staff_required
from workshops.board.summary import lead_organisations
from workshops.queries import pact_workshops

bp = Blueprint("pact_staff", __name__, url_prefix="/staff/p/<slug>/pact")

COMMITMENT_ACTIONS: dict[str, tuple[Callable[[int, int], Any], Any]] = {
    "agree": (
        agree_commitment,
        _l("The commitment is agreed; its parties were asked to sign it."),
    ),
    "sign": (
        lambda actor_id, commitment_id: sign_commitment(actor_id, commitment_id, None),
        _l("You signed the commitment for the public authority."),
    ),
}


@bp.context_processor
def pact_labels() -> dict[str, Any]:
    # Error pages render here too, for visitors who have no role.
    pact = current_pact()
    official = (
        pact is not None
        and current_user.is_authenticated
        and current_user.is_official_of(pact.id)
    )
    return {"pact_labels": LABELS, "is_official": official}


def _commitment_or_404(pact: Pact, commitment_id: int) -> Commitment:
    try:
        return pact_commitment(pact.id, commitment_id)
    except DomainError:
        abort(404)


def _show_refusal(form: Any, exc: DomainError) -> int:
    """A use case's refusal beside its field or above the form (a missing thing is
    a 404), read against the database's current state; the status code of the page
    that shows the form again (the use case has rolled back its changes)."""
    refuse_on_form(form, exc)
    return 409 if exc.code == "conflict" else 400


# --- the compile list --------------------------------------------------------------


def _theme_choices(pact: Pact) -> list[tuple[int, str]]:
    return [(theme.id, theme_label(theme)) for theme in pact.themes]


def _filters_form(pact: Pact) -> CommitmentFilterForm:
    """The list's filters, from the query string (also of the buttons' POSTs, so
    that the list comes back as it was)."""
    form = CommitmentFilterForm(
        request.args,
        theme_choices=_theme_choices(pact),
        workshop_choices=[(w.id, w.title) for w in pact_workshops(pact.id)],
    )
    form.validate()
    return form


def by_theme(commitments: list[Commitment]) -> list[tuple[Theme, list[Commitment]]]:
    """The commitments (in document order) grouped by their theme."""
    return [
        (group[0].theme, group)
        for group in (
            list(items) for _id, items in groupby(commitments, lambda c: c.theme_id)
        )
    ]


@bp.get("")
@pact_staff_required
def index(pact: Pact) -> str:
    filters_form = _filters_form(pact)
    filters = filters_form.filters()
    counts = status_counts(pact.id)
    return render_template(
        "pacts/staff_index.html",
        pact=pact,
        filters_form=filters_form,
        filters=filters,
        sections=by_theme(pact_commitments(pact.id, filters)),
        counts=counts,
        in_pact=sum(counts.get(status, 0) for status in PACT_STATUSES),
        publish_form=PublishForm(),
        public_page=f"{public_url()}/p/{pact.slug}",
    )


def _back(pact: Pact, commitment_id: int) -> Response:
    """Back where the button was: the commitment's page, or its row in the list."""
    if request.args.get("back") == "commitment":
        return redirect(
            url_for(".commitment", slug=pact.slug, commitment_id=commitment_id)
        )
    filters = _filters_form(pact).filters()
    return redirect(
        url_for(".index", slug=pact.slug, _anchor=f"c{commitment_id}", **filters)
    )


@bp.post("/commitments/<int:commitment_id>/<any(agree, sign):action>")
@official_required
def commitment_action(pact: Pact, commitment_id: int, action: str) -> Response:
    commitment = _commitment_or_404(pact, commitment_id)
    use_case, done = COMMITMENT_ACTIONS[action]
    perform(ActionForm(), lambda: use_case(current_user.id, commitment.id), str(done))
    return _back(pact, commitment.id)


@bp.post("/commitments/<int:commitment_id>/move")
@official_required
def move(pact: Pact, commitment_id: int) -> Response:
    commitment = _commitment_or_404(pact, commitment_id)
    form = MoveForm()
    perform(form, lambda: move_commitment(current_user.id, commitment.id, form.step))
    return _back(pact, commitment.id)


@bp.post("/publish")
@official_required
def publish(pact: Pact) -> Response:
    perform(
        PublishForm(),
        lambda: publish_pact(current_user.id, pact.id),
        _("The pact is signed and published."),
    )
    return redirect(url_for(".index", slug=pact.slug))


# --- the pact document -------------------------------------------------------------


@bp.route("/document", methods=["GET", "POST"])
@official_required
def document(pact: Pact) -> str | Response | tuple[str, int]:
    form = document_form(
        pact, data=document_values(pact) if request.method == "GET" else None
    )
    if not form.validate_on_submit():
        return render_template("pacts/staff_document.html", pact=pact, form=form)
    try:
        update_pact_document(current_user.id, pact.id, form.document_data())
    except DomainError as exc:
        status = _show_refusal(form, exc)
        return render_template(
            "pacts/staff_document.html", pact=pact, form=form
        ), status
    flash(_("The pact document is saved."), "success")
    return redirect(url_for(".index", slug=pact.slug))


# --- a commitment ------------------------------------------------------------------


def _commitment_form(
    pact: Pact, form_class: type[CommitmentForm], data: dict[str, Any] | None
) -> Any:
    return form_class(
        data=data,
        theme_choices=_theme_choices(pact),
        organisation_choices=[
            (org.id, org.name) for org in lead_organisations(pact.id)
        ],
    )


def _render_form(
    pact: Pact, form: CommitmentForm, commitment: Commitment | None, status: int = 200
) -> tuple[str, int]:
    page = render_template(
        "pacts/staff_commitment_form.html",
        pact=pact,
        form=form,
        commitment=commitment,
        conflict=status == 409,
    )
    return page, status


@bp.route("/commitments/new", methods=["GET", "POST"])
@official_required
def new_commitment(pact: Pact) -> Response | tuple[str, int]:
    form = _commitment_form(pact, CommitmentForm, None)
    if not form.validate_on_submit():
        return _render_form(pact, form, None)
    try:
        added = add_commitment(current_user.id, pact.id, form.commitment_data())
    except DomainError as exc:
        return _render_form(pact, form, None, _show_refusal(form, exc))
    flash(_("The commitment is added as a draft."), "success")
    return redirect(
        url_for(".commitment", slug=pact.slug, commitment_id=added["commitment"])
    )


@bp.route("/commitments/<int:commitment_id>/edit", methods=["GET", "POST"])
@official_required
def edit(pact: Pact, commitment_id: int) -> Response | tuple[str, int]:
    commitment = _commitment_or_404(pact, commitment_id)
    form = _commitment_form(
        pact,
        EditCommitmentForm,
        commitment_values(commitment) if request.method == "GET" else None,
    )
    if not form.validate_on_submit():
        return _render_form(pact, form, commitment)
    try:
        edit_commitment(
            current_user.id, commitment.id, form.commitment_data(), form.version.data
        )
    except DomainError as exc:
        status = _show_refusal(form, exc)
        # What the official typed stays; saving again edits the current version.
        form.start_from(commitment.version)
        return _render_form(pact, form, commitment, status)
    flash(_("The commitment is saved."), "success")
    return redirect(url_for(".commitment", slug=pact.slug, commitment_id=commitment.id))


@bp.get("/commitments/<int:commitment_id>")
@pact_staff_required
def commitment(pact: Pact, commitment_id: int) -> str:
    found = _commitment_or_404(pact, commitment_id)
    return render_template(
        "pacts/staff_commitment.html",
        pact=pact,
        commitment=found,
        history=commitment_history(found),
        withdrawable=_withdrawable(pact, found),
    )


def _withdrawable(pact: Pact, commitment: Commitment) -> bool:
    """Whether the commitment is part of the published pact (so may be withdrawn)."""
    return pact.published_at is not None and commitment.status in PACT_STATUSES


def _render_withdraw(
    pact: Pact, commitment: Commitment, form: WithdrawForm, status: int = 200
) -> tuple[str, int]:
    page = render_template(
        "pacts/staff_withdraw.html",
        pact=pact,
        commitment=commitment,
        form=form,
        withdrawable=_withdrawable(pact, commitment),
    )
    return page, status


@bp.route("/commitments/<int:commitment_id>/withdraw", methods=["GET", "POST"])
@official_required
def withdraw(pact: Pact, commitment_id: int) -> Response | tuple[str, int]:
    """Withdraw a commitment from the published pact: the page says what follows
    and asks for the reason the public will read."""
    commitment = _commitment_or_404(pact, commitment_id)
    form = WithdrawForm()
    if not form.validate_on_submit():
        return _render_withdraw(pact, commitment, form)
    try:
        withdraw_commitment(
            current_user.id, pact.id, commitment.id, form.reason.data or ""
        )
    except DomainError as exc:
        return _render_withdraw(pact, commitment, form, _show_refusal(form, exc))
    flash(_("The commitment is withdrawn from the pact."), "success")
    return redirect(url_for(".commitment", slug=pact.slug, commitment_id=commitment.id))


# --- programme indicators ----------------------------------------------------------


def _indicator_form(pact: Pact) -> ProgrammeIndicatorForm:
    commitments = pact_commitments(pact.id, {})
    return ProgrammeIndicatorForm(
        commitment_choices=[
            (c.id, f"{c.title} ({theme_label(c.theme)})") for c in commitments
        ]
    )


def _render_indicators(
    pact: Pact, form: ProgrammeIndicatorForm, status: int = 200
) -> tuple[str, int]:
    page = render_template(
        "pacts/staff_indicators.html",
        pact=pact,
        form=form,
        indicators=programme_indicators(pact.id),
    )
    return page, status


@bp.get("/indicators")
@pact_staff_required
def indicators(pact: Pact) -> tuple[str, int]:
    return _render_indicators(pact, _indicator_form(pact))


@bp.post("/indicators")
@official_required
def add_indicator(pact: Pact) -> Response | tuple[str, int]:
    form = _indicator_form(pact)
    if not form.validate_on_submit():
        return _render_indicators(pact, form)
    try:
        add_programme_indicator(current_user.id, pact.id, form.indicator_data())
    except DomainError as exc:
        return _render_indicators(pact, form, _show_refusal(form, exc))
    flash(_("The indicator is added."), "success")
    return redirect(url_for(".indicators", slug=pact.slug))


@bp.post("/indicators/<int:indicator_id>/delete")
@official_required
def delete_indicator(pact: Pact, indicator_id: int) -> Response:
    perform(
        ActionForm(),
        lambda: delete_programme_indicator(
            current_user.id, pact_indicator(pact.id, indicator_id).id
        ),
        _("The indicator is removed."),
    )
    return redirect(url_for(".indicators", slug=pact.slug))


from pacts import staff_reviews  # noqa: E402, F401  (its routes join this blueprint)
