"""Use cases of an import of registrations, step by step: upload a file (read, its
columns guessed), map its columns (every row then checked: the preview), start it,
and import the next chunk of valid rows (the page calls that until the end). Every
step is an official's of the pact, on an import of theirs; the state is in the
database, so any app process serves any step."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, update

from core.audit import AuditAction, record_staff_action
from core.errors import DomainError
from core.models import Pact
from core.offload import let_others_run
from core.spreadsheets import NotASpreadsheet, TooManyRows, read_table
from core.time import utcnow
from core.transactions import use_case
from extensions import db
from stakeholders.imports.columns import FIELD_NAMES, REQUIRED_FIELDS, guess_mapping
from stakeholders.imports.models import ImportState, RegistrationImport, RowState
from stakeholders.imports.rows import LABELS, RowChecker, Seen
from stakeholders.services import official_of, register_organisation

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000
# Rows written per step: each step is one short request and one transaction.
CHUNK_ROWS = 10
PREVIEW_ROWS = 10
# Rows checked between two pauses for the other requests (under gevent).
PAUSE_EVERY = 20
# A pending import is forgotten after this long (its rows are personal data).
KEPT_FOR = timedelta(days=1)
FILENAME_MAX = 200


@use_case
def upload_registrations(
    actor_id: int, pact_id: int, filename: str, data: bytes
) -> dict[str, int]:
    """Read an uploaded CSV or XLSX file into a new pending import, its columns
    mapped by a first guess from its header."""
    official_of(actor_id, pact_id)
    _forget_expired()
    if len(data) > MAX_BYTES:
        raise DomainError(
            "too_large",
            _("The file is larger than %(size)d MB.", size=MAX_BYTES // 2**20),
            "file",
        )
    try:
        table = read_table(data, MAX_ROWS)
    except NotASpreadsheet:
        raise DomainError(
            "invalid",
            _("This file is not a spreadsheet: please choose a CSV or XLSX file."),
            "file",
        ) from None
    except TooManyRows:
        raise DomainError(
            "too_large",
            _(
                "The file has more than %(num)d rows: please split it into smaller "
                "files.",
                num=MAX_ROWS,
            ),
            "file",
        ) from None
    if not table.rows:
        raise DomainError(
            "invalid", _("The file has no rows of registrations to import."), "file"
        )
    pending = RegistrationImport(
        pact_id=pact_id,
        official_id=actor_id,
        created_at=utcnow(),
        filename=filename[:FILENAME_MAX],
        state=ImportState.UPLOADED,
        header=table.header,
        rows=[
            [str(number), *row]
            for number, row in zip(table.numbers, table.rows, strict=True)
        ],
        mapping=guess_mapping(table.header),
        outcomes=[],
    )
    db.session.add(pending)
    db.session.flush()
    return {"import": pending.id, "rows": len(table.rows)}


def _forget_expired() -> None:
    db.session.execute(
        delete(RegistrationImport).where(
            RegistrationImport.created_at < utcnow() - KEPT_FOR
        )
    )


def pending_import(actor_id: int, pact_id: int, import_id: int) -> RegistrationImport:
    """The official's own import in this pact, not expired; DomainError
    `not_found` for anything else (another pact's or official's included)."""
    pending = db.session.get(RegistrationImport, import_id)
    if (
        pending is None
        or pending.pact_id != pact_id
        or pending.official_id != actor_id
        or pending.created_at < utcnow() - KEPT_FOR
    ):
        raise DomainError("not_found", _("This import does not exist or has expired."))
    return pending


@use_case
def map_columns(
    actor_id: int, pact_id: int, import_id: int, mapping: dict[str, int | None]
) -> dict[str, int]:
    """Set which column holds which field, then check every row (the preview)."""
    official_of(actor_id, pact_id)
    pending = pending_import(actor_id, pact_id, import_id)
    _refuse_started(pending)
    chosen = {
        name: index
        for name, index in mapping.items()
        if name in FIELD_NAMES
        and index is not None
        and 0 <= index < len(pending.header)
    }
    for name in REQUIRED_FIELDS:
        if name not in chosen:
            raise DomainError(
                "invalid",
                _("Choose the column of “%(field)s”.", field=LABELS[name]),
                name,
            )
    # Every row checked before anything is changed (see _check_rows).
    outcomes = _check_rows(RowChecker(_pact(pact_id), chosen), pending.rows, pact_id)
    pending.mapping = chosen
    pending.outcomes = outcomes
    pending.state = ImportState.MAPPED
    return counts(pending)


def _check_rows(
    checker: RowChecker, rows: list[list[str]], pact_id: int
) -> list[dict[str, Any]]:
    """Each row's outcome. A few milliseconds a row: under gevent, the other
    requests of the process (the live boards) are served between rows, which is
    safe as nothing is written yet."""
    seen = Seen.of_pact(pact_id)
    outcomes = []
    for number, row in enumerate(rows):
        if number % PAUSE_EVERY == 0:
            let_others_run()
        outcomes.append(checker.outcome(int(row[0]), row[1:], seen))
    return outcomes


def counts(pending: RegistrationImport) -> dict[str, int]:
    states = [outcome["state"] for outcome in pending.outcomes]
    return {
        "rows": len(pending.rows) or len(states),
        "valid": states.count(RowState.VALID),
        "bad": states.count(RowState.BAD),
        "duplicate": states.count(RowState.DUPLICATE),
    }


def _refuse_started(pending: RegistrationImport) -> None:
    if pending.state in (ImportState.RUNNING, ImportState.DONE):
        raise DomainError("conflict", _("This import has already started."))


def _pact(pact_id: int) -> Pact:
    pact = db.session.get(Pact, pact_id)
    if pact is None:
        raise DomainError("not_found", _("This pact does not exist."))
    return pact


def import_preview(pending: RegistrationImport, pact: Pact) -> dict[str, Any]:
    """What the preview page shows: the counts, the first valid rows as they will be
    imported (the form's values), and every bad or duplicate row with its errors."""
    checker = RowChecker(pact, pending.mapping)
    valid = _valid_rows(pending)[:PREVIEW_ROWS]
    return {
        "counts": counts(pending),
        "first": [
            (int(row[0]), checker.form(row[1:]).registration_data()) for row in valid
        ],
        "problems": [o for o in pending.outcomes if o["state"] != RowState.VALID],
    }


def _valid_rows(pending: RegistrationImport) -> list[list[str]]:
    return [
        row
        for row, outcome in zip(pending.rows, pending.outcomes, strict=True)
        if outcome["state"] == RowState.VALID
    ]


@use_case
def start_import(actor_id: int, pact_id: int, import_id: int) -> dict[str, Any]:
    """The official confirmed: the import of the valid rows begins."""
    official_of(actor_id, pact_id)
    pending = pending_import(actor_id, pact_id, import_id)
    if pending.state != ImportState.MAPPED:
        _refuse_started(pending)
        raise DomainError("conflict", _("Choose the file's columns first."))
    if not counts(pending)["valid"]:
        raise DomainError("invalid", _("The file has no valid rows to import."))
    pending.state = ImportState.RUNNING
    return import_progress(pending)


def import_progress(pending: RegistrationImport) -> dict[str, Any]:
    total = counts(pending)
    return {
        "done": pending.position,
        "total": total["valid"],
        "imported": pending.imported,
        "skipped": total["rows"] - pending.imported,
        "finished": pending.state == ImportState.DONE,
    }


@use_case
def import_next_rows(actor_id: int, pact_id: int, import_id: int) -> dict[str, Any]:
    """Write the next chunk of valid rows (each checked again, as registrations may
    have arrived since the preview). A chunk is claimed by moving the position in
    the database first, so two requests at once never write the same rows."""
    official_of(actor_id, pact_id)
    pending = pending_import(actor_id, pact_id, import_id)
    if pending.state != ImportState.RUNNING:
        return import_progress(pending)
    start = pending.position
    chunk = _valid_rows(pending)[start : start + CHUNK_ROWS]
    claimed = db.session.execute(
        update(RegistrationImport)
        .where(
            RegistrationImport.id == pending.id,
            RegistrationImport.position == start,
        )
        .values(position=start + len(chunk))
    )
    db.session.refresh(pending)
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return import_progress(pending)
    pending.imported += _write(pact_id, pending, chunk)
    if pending.position >= counts(pending)["valid"]:
        _finish(actor_id, pact_id, pending)
    return import_progress(pending)


def _write(pact_id: int, pending: RegistrationImport, chunk: list[list[str]]) -> int:
    checker = RowChecker(_pact(pact_id), pending.mapping)
    seen = Seen.of_pact(pact_id)
    written = 0
    for row in chunk:
        if checker.outcome(int(row[0]), row[1:], seen)["state"] != RowState.VALID:
            continue  # registered since the preview: skipped
        form = checker.form(row[1:])
        extras = checker.extras(row[1:])
        data = form.registration_data() | {"registered_at": extras["registered_at"]}
        register_organisation(
            pact_id, data, extras["consent"], status=extras["status"], notify=False
        )
        written += 1
    return written


def _finish(actor_id: int, pact_id: int, pending: RegistrationImport) -> None:
    total = counts(pending)
    pending.state = ImportState.DONE
    # The rows are personal data: once imported, they are not kept twice.
    pending.rows = []
    record_staff_action(
        actor_id,
        pact_id,
        AuditAction.IMPORT_REGISTRATIONS,
        "pact",
        pact_id,
        rows=total["rows"],
        imported=pending.imported,
        skipped=total["rows"] - pending.imported,
    )
