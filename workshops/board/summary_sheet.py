"""A board's summary as a workbook for the facilitators' spreadsheets: one sheet each
for the clusters and their cards, the commitments, their signatures and the
attendance, with labels in the reader's language, votes and indicator values as
numbers, deadlines and signing times as dates (in the pact's timezone). The CSV
beside it (workshops.board.summary.summary_rows) stays one table for programs."""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core.choices import CARD_KIND_LABELS, COMMITMENT_STATUS_LABELS
from core.workbooks import Sheet, Value, date_format, labelled, yes_no
from workshops.board.summary import BoardSummary
from workshops.forms import ATTENDANCE_LABELS

CARD_HEADER = [
    _l("Card number"),
    _l("Cluster of card"),
    _l("Theme"),
    _l("Kind"),
    _l("Card text"),
    _l("Person"),
    _l("Organisation"),
    _l("Votes"),
    _l("Merged into another card"),
]
COMMITMENT_HEADER = [
    _l("Commitment number"),
    _l("Title"),
    _l("Theme"),
    _l("Lead organisation"),
    _l("Status"),
    _l("Deadline"),
    _l("Indicator"),
    _l("Baseline"),
    _l("Target"),
    _l("Unit"),
]
SIGNATURE_HEADER = [
    _l("Commitment number"),
    _l("Person"),
    _l("Organisation"),
    _l("Signed on"),
]
ATTENDANCE_HEADER = [_l("Name"), _l("Organisation"), _l("Attendance")]


def summary_sheets(
    summary: BoardSummary, theme_names: Mapping[int, str], timezone: str
) -> list[Sheet]:
    day = date_format()
    cards: list[list[Value]] = [
        [
            card.id,
            cluster.head.id if card is not cluster.head else None,
            card.theme or None,
            labelled(CARD_KIND_LABELS, card.kind),
            card.text,
            card.author,
            card.organisation or None,
            card.votes,
            yes_no(card.merged),
        ]
        for cluster in summary.clusters
        for card in (cluster.head, *cluster.cards)
    ]
    commitments: list[list[Value]] = [
        [
            commitment.id,
            commitment.title,
            theme_names.get(commitment.theme_id),
            commitment.lead_organisation.name,
            labelled(COMMITMENT_STATUS_LABELS, commitment.status),
            commitment.deadline,
            commitment.indicator_name,
            commitment.indicator_baseline,
            commitment.indicator_target,
            commitment.indicator_unit,
        ]
        for commitment in summary.commitments
    ]
    signatures: list[list[Value]] = [
        [
            commitment.id,
            signature.person.name,
            signature.signatory,
            signature.signed_at,
        ]
        for commitment in summary.commitments
        for signature in commitment.signatures
    ]
    attendance: list[list[Value]] = [
        [
            enrolment.person.name,
            enrolment.person.organisation.name
            if enrolment.person.organisation
            else None,
            labelled(ATTENDANCE_LABELS, enrolment.attendance),
        ]
        for enrolment in summary.attendance
    ]
    tables = [
        (_("Clusters and cards"), CARD_HEADER, cards),
        (_("Commitments"), COMMITMENT_HEADER, commitments),
        (_("Signatures"), SIGNATURE_HEADER, signatures),
        (_("Attendance"), ATTENDANCE_HEADER, attendance),
    ]
    return [
        Sheet(str(title), [str(label) for label in header], rows, timezone, day)
        for title, header, rows in tables
    ]
