"""A workshop's attendance list as a workbook for the officials' spreadsheets: enrolled
people, then those waiting (with their place, a number), then those who declined;
statuses, how each person came and their attendance as labels in the official's
language, and the moments of the invitation and the enrolment as dates and times in
the pact's timezone. The CSV beside it (workshops.queries) keeps the codes."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core.models import Pact
from core.workbooks import Sheet, Value, date_format, labelled, yes_no
from workshops.forms import ATTENDANCE_LABELS, ENROLMENT_STATUS_LABELS, SOURCE_LABELS
from workshops.models import Enrolment, EnrolmentStatus, Workshop
from workshops.queries import enrolments_by_status

HEADER = [
    _l("Name"),
    _l("Organisation"),
    _l("E-mail"),
    _l("Status"),
    _l("Place on the waiting list"),
    _l("Source"),
    _l("Attendance"),
    _l("Invited on"),
    _l("Enrolled on"),
    _l("Join link withdrawn"),
]


def attendance_sheet(pact: Pact, workshop: Workshop) -> Sheet:
    grouped = enrolments_by_status(workshop.id)
    rows = [
        _row(enrolment, rank)
        for status in EnrolmentStatus
        for rank, enrolment in enumerate(grouped[status], start=1)
    ]
    return Sheet(
        title=_("Attendance"),
        header=[str(label) for label in HEADER],
        rows=rows,
        timezone=pact.timezone,
        date_format=date_format(),
    )


def _row(enrolment: Enrolment, rank: int) -> list[Value]:
    person = enrolment.person
    waiting = enrolment.status == EnrolmentStatus.WAITLISTED
    return [
        person.name,
        person.organisation.name if person.organisation else None,
        person.email,
        labelled(ENROLMENT_STATUS_LABELS, enrolment.status),
        rank if waiting else None,
        labelled(SOURCE_LABELS, enrolment.source),
        labelled(ATTENDANCE_LABELS, enrolment.attendance),
        enrolment.invited_at,
        enrolment.created_at,
        yes_no(enrolment.revoked),
    ]
