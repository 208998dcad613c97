"""Compiling and publishing the pact: the document's texts (title, introduction,
governance and theme names in each of the pact's languages, partners, signing
authority, reporting schedule, licence) and its publication, signed by an official
for the authority. Once the pact is published, both go into its public change log."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from commitments.changes import record_pact_change
from commitments.models import PACT_STATUSES, Commitment, PactChangeKind
from core.audit import AuditAction, changed_fields, record_staff_action
from core.errors import DomainError
from core.models import (
    PACT_TEXT_FIELDS,
    THEME_TEXT,
    Pact,
    PactStatus,
    PactText,
)
from core.time import utcnow
from core.transactions import use_case
from extensions import db
from stakeholders.services import official_of


@dataclass(frozen=True)
class PactDocumentData:
    introduction: str
    governance: str
    partners: str
    authority_name: str
    report_frequency: str
    licence: str
    # The pact's rule: an agreed commitment is signed once the public authority has
    # signed it too, not on its lead's signature alone.
    authority_signs_commitments: bool = False
    # The title in the pact's default language (None: unchanged).
    title: str | None = None
    # The texts given per language, {language: {field: text}}: the title,
    # introduction and governance in the pact's other languages, and `theme:<key>`
    # names in any of them; an empty text is not given. None: unchanged.
    texts: Mapping[str, Mapping[str, str]] | None = None

    def own_fields(self) -> dict[str, Any]:
        """The fields kept on the pact itself."""
        fields = asdict(self)
        del fields["texts"]
        if self.title is None:
            del fields["title"]
        return fields


@use_case
def update_pact_document(
    actor_id: int, pact_id: int, data: PactDocumentData
) -> dict[str, Any]:
    """The pact's title, introduction, governance, partners, signing authority,
    reporting schedule and open-data licence, and its texts in each language."""
    official_of(actor_id, pact_id)
    pact = _pact(pact_id)
    if data.title is not None and not data.title.strip():
        raise DomainError("invalid", _("Please give the pact a title."), "title")
    after = data.own_fields()
    fields = changed_fields({name: getattr(pact, name) for name in after}, after)
    for name, value in after.items():
        setattr(pact, name, value)
    if data.texts is not None:
        fields = sorted(fields + _save_texts(pact, data.texts))
    if fields:
        record_staff_action(
            actor_id, pact.id, AuditAction.EDIT, "pact", pact.id, fields=fields
        )
    if fields and pact.published_at is not None:
        record_pact_change(pact.id, PactChangeKind.DOCUMENT, utcnow(), fields=fields)
    return {"pact": pact.id}


def text_fields(pact: Pact, language: str) -> list[str]:
    """The texts of the pact that may be given in `language` (outside the pact's
    own columns): the title, introduction and governance in a language other than
    the default one, and every theme's name."""
    own = [] if language == pact.default_language else list(PACT_TEXT_FIELDS)
    return own + [f"{THEME_TEXT}{theme.key}" for theme in pact.themes]


def _save_texts(pact: Pact, texts: Mapping[str, Mapping[str, str]]) -> list[str]:
    """Replace the texts given in the pact's languages; the names of those changed
    (`language:field`, what the audit log records)."""
    rows = {(row.language, row.field): row for row in pact.texts}
    changed = []
    for language in pact.language_list:
        given = texts.get(language, {})
        for field in text_fields(pact, language):
            text = given.get(field, "").strip()
            row = rows.get((language, field))
            if text == (row.text if row is not None else ""):
                continue
            changed.append(f"{language}:{field}")
            if row is None:
                pact.texts.append(PactText(language=language, field=field, text=text))
            elif text:
                row.text = text
            else:
                pact.texts.remove(row)
    return changed


def _pact(pact_id: int) -> Pact:
    pact = db.session.get(Pact, pact_id)
    if pact is None:
        raise DomainError("not_found", _("This pact does not exist."))
    return pact


# --- publishing --------------------------------------------------------------------


@use_case
def publish_pact(actor_id: int, pact_id: int) -> dict[str, Any]:
    """Publish the pact: the official signs it for the authority; its signed
    commitments appear on the public page, in the PDF and in the open data."""
    actor = official_of(actor_id, pact_id)
    pact = _pact(pact_id)
    if pact.published_at is not None:
        raise DomainError("conflict", _("The pact is already published."))
    signed = list(
        db.session.scalars(
            select(Commitment).where(
                Commitment.pact_id == pact_id, Commitment.status.in_(PACT_STATUSES)
            )
        )
    )
    if not signed:
        raise DomainError(
            "conflict", _("Publish the pact once at least one commitment is signed.")
        )
    pact.published_at = utcnow()
    pact.signed_by_id = actor.id
    pact.status = PactStatus.PUBLISHED
    for commitment in signed:
        commitment.joined_at = pact.published_at
    record_pact_change(
        pact.id, PactChangeKind.PUBLISHED, pact.published_at, commitments=len(signed)
    )
    record_staff_action(
        actor.id,
        pact.id,
        AuditAction.PUBLISH,
        "pact",
        pact.id,
        commitments=len(signed),
    )
    return {"pact": pact.id, "published_at": pact.published_at.isoformat()}
