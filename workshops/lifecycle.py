"""A workshop's lifecycle in one table: which actions each status offers. The staff
page shows only those (`workshop_actions`), and the use cases refuse any other
(`check_action`), so a page left open in another tab cannot, say, finish a workshop
that was never started. Pure: no database, no request."""

from __future__ import annotations

from enum import StrEnum

from flask_babel import gettext as _

from core.errors import DomainError
from workshops.models import WorkshopStatus


class WorkshopAction(StrEnum):
    OPEN = "open"  # open enrolment: approved stakeholders may enrol themselves
    START = "start"
    FINISH = "finish"
    EDIT = "edit"
    ENROL = "enrol"
    CANCEL = "cancel"


# Once it runs, a workshop is finished, not cancelled (the people are in the room);
# a finished or cancelled workshop is history.
ACTIONS: dict[str, tuple[WorkshopAction, ...]] = {
    WorkshopStatus.PLANNED: (
        WorkshopAction.OPEN,
        WorkshopAction.START,
        WorkshopAction.EDIT,
        WorkshopAction.ENROL,
        WorkshopAction.CANCEL,
    ),
    WorkshopStatus.OPEN: (
        WorkshopAction.START,
        WorkshopAction.EDIT,
        WorkshopAction.ENROL,
        WorkshopAction.CANCEL,
    ),
    WorkshopStatus.RUNNING: (
        WorkshopAction.FINISH,
        WorkshopAction.EDIT,
        WorkshopAction.ENROL,
    ),
    WorkshopStatus.FINISHED: (),
    WorkshopStatus.CANCELLED: (),
}

# The actions that move the workshop to another status, by the status they lead to
# (what the staff page's status buttons send).
STATUS_AFTER: dict[WorkshopAction, WorkshopStatus] = {
    WorkshopAction.OPEN: WorkshopStatus.OPEN,
    WorkshopAction.START: WorkshopStatus.RUNNING,
    WorkshopAction.FINISH: WorkshopStatus.FINISHED,
    WorkshopAction.CANCEL: WorkshopStatus.CANCELLED,
}
ACTION_TO: dict[str, WorkshopAction] = {
    status: action for action, status in STATUS_AFTER.items()
}
# Set with the status buttons, by any staff of the pact (cancelling is the
# officials' own action, with its confirmation).
STATUS_BUTTONS = (WorkshopAction.OPEN, WorkshopAction.START, WorkshopAction.FINISH)


def workshop_actions(status: str) -> tuple[WorkshopAction, ...]:
    """What may be done to a workshop in this status, in the page's order."""
    return ACTIONS.get(status, ())


def status_buttons(status: str) -> list[tuple[WorkshopAction, WorkshopStatus]]:
    """The status buttons a workshop in this status shows: (action, new status)."""
    allowed = workshop_actions(status)
    return [
        (action, STATUS_AFTER[action]) for action in STATUS_BUTTONS if action in allowed
    ]


def check_action(status: str, action: WorkshopAction) -> None:
    """Refuse an action the workshop's status does not offer."""
    if action in workshop_actions(status):
        return
    if status == WorkshopStatus.CANCELLED:
        raise DomainError("conflict", _("A cancelled workshop cannot be changed."))
    if status == WorkshopStatus.FINISHED:
        raise DomainError("conflict", _("A finished workshop cannot be changed."))
    raise DomainError("conflict", _("This action is not possible now."))


def action_to_status(status: str) -> WorkshopAction:
    """The status button's action leading to `status`; an unknown one is refused."""
    action = ACTION_TO.get(status)
    if action is None or action not in STATUS_BUTTONS:
        raise DomainError("invalid", _("Unknown status."))
    return action
