"""A workshop's agenda: its planned board phases with their minutes, in the order the
facilitator runs them (a room may vote on clusters before drafting, another vote on
the drafts; a phase may come back). Planned on the staff workshop page from a
template or row by row; shown on the board, where the facilitator's "Go to next"
sends the ordinary `board:phase` and `board:timer` changes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import delete, select

from core.audit import AuditAction, record_staff_action
from core.choices import BOARD_PHASE_LABELS, BoardPhase
from core.errors import DomainError
from core.transactions import use_case
from extensions import db
from workshops.access import get_workshop, staff_of
from workshops.models import AgendaItem

AGENDA_MAX_ITEMS = 12
AGENDA_MIN_MINUTES = 1
AGENDA_MAX_MINUTES = 240
# Every phase but closed: closing is the end of the agenda, not a step of it.
AGENDA_PHASES = tuple(phase for phase in BoardPhase if phase != BoardPhase.CLOSED)


@dataclass(frozen=True)
class Step:
    phase: str
    minutes: int


@dataclass(frozen=True)
class Template:
    label: Any
    steps: tuple[Step, ...]


TEMPLATES: dict[str, Template] = {
    "co-creation": Template(
        _l("Co-creation, 2 h"),
        (
            Step(BoardPhase.LOBBY, 10),
            Step(BoardPhase.IDEAS, 25),
            Step(BoardPhase.CLUSTER, 20),
            Step(BoardPhase.VOTE, 15),
            Step(BoardPhase.DRAFT, 35),
            Step(BoardPhase.SIGN, 15),
        ),
    ),
    "signing": Template(
        _l("Signing session, 45 min"),
        (
            Step(BoardPhase.LOBBY, 5),
            Step(BoardPhase.DRAFT, 15),
            Step(BoardPhase.VOTE, 10),
            Step(BoardPhase.SIGN, 15),
        ),
    ),
}


def workshop_agenda(workshop_id: int) -> list[Step]:
    rows = db.session.scalars(
        select(AgendaItem)
        .where(AgendaItem.workshop_id == workshop_id)
        .order_by(AgendaItem.position)
    )
    return [Step(row.phase, row.minutes) for row in rows]


def agenda_for_page(steps: list[Step]) -> list[dict[str, Any]]:
    """The agenda as the board's page and script read it: phase, its label, minutes
    and how long it lasts, said in the visitor's language."""
    return [
        {
            "phase": step.phase,
            "label": str(BOARD_PHASE_LABELS[step.phase]),
            "minutes": step.minutes,
            "duration": ngettext("%(num)d minute", "%(num)d minutes", step.minutes),
        }
        for step in steps
    ]


def check_steps(steps: list[Step]) -> None:
    """DomainError `invalid` unless every step is a plannable phase of 1–240 minutes,
    at most 12 of them (the form says the same, field by field)."""
    if len(steps) > AGENDA_MAX_ITEMS:
        raise DomainError(
            "invalid",
            _("An agenda has at most %(num)s steps.", num=AGENDA_MAX_ITEMS),
            "steps",
        )
    for step in steps:
        if step.phase not in AGENDA_PHASES:
            raise DomainError("invalid", _("Choose a phase of the board."), "steps")
        if not AGENDA_MIN_MINUTES <= step.minutes <= AGENDA_MAX_MINUTES:
            raise DomainError(
                "invalid",
                _(
                    "A step lasts from %(min)s to %(max)s minutes.",
                    min=AGENDA_MIN_MINUTES,
                    max=AGENDA_MAX_MINUTES,
                ),
                "steps",
            )


@use_case
def plan_agenda(
    actor_id: int, pact_id: int, workshop_id: int, steps: list[Step]
) -> dict[str, Any]:
    """Replace the workshop's agenda with `steps`, in that order (any staff of the
    pact: the facilitators plan their own sessions)."""
    staff_of(actor_id, pact_id)
    workshop = get_workshop(workshop_id, pact_id)
    check_steps(steps)
    db.session.execute(delete(AgendaItem).where(AgendaItem.workshop_id == workshop.id))
    db.session.add_all(
        AgendaItem(
            workshop_id=workshop.id,
            position=position,
            phase=step.phase,
            minutes=step.minutes,
        )
        for position, step in enumerate(steps, start=1)
    )
    record_staff_action(
        actor_id,
        pact_id,
        AuditAction.EDIT,
        "workshop",
        workshop.id,
        fields=["agenda"],
    )
    return {"workshop": workshop.id, "steps": len(steps)}


def template_steps(key: str) -> list[Step]:
    template = TEMPLATES.get(key)
    if template is None:
        raise DomainError("invalid", _("Choose a template."), "template")
    return list(template.steps)
