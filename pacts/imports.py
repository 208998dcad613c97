"""The open data's way back: commitments.csv (as /p/<slug>/open-data/commitments.csv
publishes it) imported into a pact by `import-commitments`. Each row is validated by
a form with the board's limits; its lead and co-signers are found by name among the
pact's approved organisations and its theme by key; it is added as a draft through
`add_commitment`, as an official of the pact would. A title the pact has already is
skipped, so importing twice adds nothing."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from wtforms import DateField, Field, FloatField, Form, SelectField, StringField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]
from wtforms.validators import InputRequired, Length, ValidationError

from commitments.models import Commitment
from commitments.operations import CommitmentData, add_commitment
from core.choices import (
    COMMITMENT_TEXT_MAX,
    COMMITMENT_TITLE_MAX,
    INDICATOR_NAME_MAX,
    INDICATOR_UNIT_MAX,
    NAME_MAX,
    RegistrationStatus,
)
from core.errors import DomainError
from core.forms import finite, text
from core.models import Pact
from core.pacts import find_pact
from core.validation import NoMarkup, strip
from extensions import db
from pacts.documents import NAME_SEPARATOR
from stakeholders.models import Organisation
from stakeholders.services import find_staff, official_of


def approved_organisations(pact_id: int) -> dict[str, list[int]]:
    """The ids of the pact's approved organisations by case-folded name."""
    found: dict[str, list[int]] = defaultdict(list)
    for org_id, name in db.session.execute(
        select(Organisation.id, Organisation.name)
        .where(
            Organisation.pact_id == pact_id,
            Organisation.status == RegistrationStatus.APPROVED,
        )
        .order_by(Organisation.id)
    ):
        found[name.strip().casefold()].append(org_id)
    return found


class CommitmentRowForm(Form):
    """One row of commitments.csv (the other columns are ignored)."""

    title = text(COMMITMENT_TITLE_MAX)
    action = text(COMMITMENT_TEXT_MAX, required=False)
    theme_key = SelectField(validators=[InputRequired()])
    lead_name = text(NAME_MAX)
    co_signers = StringField(
        filters=[strip], validators=[Length(max=COMMITMENT_TEXT_MAX), NoMarkup()]
    )
    indicator_name = text(INDICATOR_NAME_MAX)
    unit = text(INDICATOR_UNIT_MAX)
    baseline = FloatField(validators=[InputRequired(), finite])
    target = FloatField(validators=[InputRequired(), finite])
    deadline = DateField(validators=[InputRequired()])
    support_requested = text(COMMITMENT_TEXT_MAX, required=False)
    support_promised = text(COMMITMENT_TEXT_MAX, required=False)

    def __init__(
        self,
        formdata: MultiDict[str, str],
        themes: dict[str, int],
        organisations: dict[str, list[int]],
    ) -> None:
        super().__init__(formdata=formdata)
        self.theme_key.choices = [SelectChoice(key) for key in themes]
        self._themes = themes
        self._organisations = organisations

    def _organisation(self, name: str) -> int:
        ids = self._organisations.get(name.strip().casefold(), [])
        if not ids:
            raise ValidationError(
                _l("No approved organisation of the pact is named %(name)s.", name=name)
            )
        if len(ids) > 1:
            raise ValidationError(
                _l("Several approved organisations are named %(name)s.", name=name)
            )
        return ids[0]

    def co_signer_names(self) -> list[str]:
        names = (self.co_signers.data or "").split(NAME_SEPARATOR.strip())
        return [name.strip() for name in names if name.strip()]

    def validate_lead_name(self, field: Field) -> None:
        self._organisation(field.data)

    def validate_co_signers(self, field: Field) -> None:
        for name in self.co_signer_names():
            self._organisation(name)

    def commitment_data(self) -> CommitmentData:
        """The validated values, in the shape `add_commitment` takes."""
        baseline, target = self.baseline.data, self.target.data
        deadline = self.deadline.data
        if baseline is None or target is None or deadline is None:
            raise ValueError("validate the form before reading its data")
        return CommitmentData(
            title=self.title.data or "",
            action=self.action.data or "",
            theme_id=self._themes[self.theme_key.data or ""],
            lead_id=self._organisation(self.lead_name.data or ""),
            co_signer_ids=tuple(self._organisation(n) for n in self.co_signer_names()),
            indicator_name=self.indicator_name.data or "",
            indicator_unit=self.unit.data or "",
            indicator_baseline=baseline,
            indicator_target=target,
            deadline=deadline,
            support_requested=self.support_requested.data or "",
            support_promised=self.support_promised.data or "",
        )


def _pact_and_official(pact_slug: str, official_email: str) -> tuple[Pact, int]:
    pact = find_pact(pact_slug)
    if pact is None:
        raise DomainError("not_found", f"no pact {pact_slug!r}", "pact")
    official = find_staff(official_email)
    if official is None:
        raise DomainError(
            "not_found", f"no staff member {official_email!r}", "official"
        )
    return pact, official_of(official.id, pact.id).id


def import_commitments(
    pact_slug: str, official_email: str, rows: list[dict[str, str]]
) -> dict[str, Any]:
    """Add the rows' commitments to the pact as drafts, in the name of the official.
    Returns how many were created and skipped, and each invalid row's number (the
    header is row 1) with its fields' errors."""
    pact, official_id = _pact_and_official(pact_slug, official_email)
    themes = {theme.key: theme.id for theme in pact.themes}
    organisations = approved_organisations(pact.id)
    titles = set(
        db.session.scalars(
            select(Commitment.title).where(Commitment.pact_id == pact.id)
        )
    )
    result: dict[str, Any] = {"created": 0, "skipped": 0, "errors": []}
    for number, row in enumerate(rows, start=2):
        form = CommitmentRowForm(MultiDict(row), themes, organisations)
        if not form.validate():
            fields = {
                name: [str(e) for e in errs] for name, errs in form.errors.items()
            }
            result["errors"].append({"row": number, "fields": fields})
            continue
        data = form.commitment_data()
        if data.title in titles:
            result["skipped"] += 1
            continue
        try:
            # Each row is its own use case: a refused row leaves nothing behind and
            # the rows before it stay imported.
            add_commitment(official_id, pact.id, data)
        except DomainError as exc:
            fields = {exc.field or "row": [exc.message]}
            result["errors"].append({"row": number, "fields": fields})
            continue
        titles.add(data.title)
        result["created"] += 1
    db.session.remove()
    return result
