"""A pending import of registrations: the uploaded file's header and rows, the
columns the official mapped, each row's outcome of the preview, and how far the
import got. It belongs to one pact and one official, expires after a day, and its
rows (personal data) are dropped once the import is done."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from core.time import UTCDateTime, utcnow
from extensions import db


class ImportState(StrEnum):
    UPLOADED = "uploaded"
    MAPPED = "mapped"
    RUNNING = "running"
    DONE = "done"


class RowState(StrEnum):
    VALID = "valid"
    BAD = "bad"
    DUPLICATE = "duplicate"


class RegistrationImport(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "registration_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    pact_id: Mapped[int] = mapped_column(
        ForeignKey("pact.id", ondelete="CASCADE"), index=True
    )
    official_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    filename: Mapped[str] = mapped_column(String(200), default="")
    state: Mapped[str] = mapped_column(String(20), default=ImportState.UPLOADED)
    header: Mapped[list[str]] = mapped_column(JSON, default=list)
    rows: Mapped[list[list[str]]] = mapped_column(JSON, default=list)
    # Field name -> the index of its column in the file.
    mapping: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    # One per row: {"row": n, "state": RowState, "errors": [[field label, message]]}.
    outcomes: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # How many of the valid rows the import has gone through.
    position: Mapped[int] = mapped_column(default=0)
    imported: Mapped[int] = mapped_column(default=0)
    skipped: Mapped[int] = mapped_column(default=0)
