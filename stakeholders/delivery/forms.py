"""Forms of the service delivery pages (the list's filters; on a request's page: the
expert, a session held, the outcome) and the labels of the delivery vocabulary."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    FloatField,
    IntegerField,
    SelectField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from core.choices import SERVICE_LABELS, SHORT_TEXT_MAX, Service
from core.forms import ANY, REQUIRED, choices_of, email_field, text_field, too_long
from core.validation import NoMarkup, strip
from stakeholders.delivery.services import (
    AMOUNT_MAX,
    DELIVERED_SERVICES,
    NOTES_MAX,
    OUTCOME_MAX,
    SESSION_MINUTES_MAX,
    SESSION_MINUTES_MIN,
    UNASSIGNED,
)
from stakeholders.models import DeliveryStatus, ServiceDelivery

DELIVERY_STATUS_LABELS: dict[str, Any] = {
    DeliveryStatus.ASSIGNED: _l("Expert assigned"),
    DeliveryStatus.IN_PROGRESS: _l("In progress"),
    DeliveryStatus.DELIVERED: _l("Delivered"),
    DeliveryStatus.CANCELLED: _l("Cancelled"),
}
REQUEST_STATUS_LABELS: dict[str, Any] = {
    UNASSIGNED: _l("No expert yet"),
    **DELIVERY_STATUS_LABELS,
}
# Each service's headline, formatted with `done` and `asked`.
HEADLINES: dict[str, Any] = {
    Service.MENTORING: _l("SMEs mentored: %(done)d of %(asked)d"),
    Service.CROWDFUNDING: _l(
        "SMEs supported in a crowdfunding campaign: %(done)d of %(asked)d"
    ),
    Service.EU_FUNDING: _l("SMEs guided on EU funding: %(done)d of %(asked)d"),
    Service.GREEN_DIGITAL: _l(
        "SMEs helped with green and digital solutions: %(done)d of %(asked)d"
    ),
}
# Whether a crowdfunding campaign was launched: the form's values and the stored ones.
LAUNCHED_LABELS = {"": _l("Not yet known"), "yes": _l("Yes"), "no": _l("No")}
LAUNCHED = {"": None, "yes": True, "no": False}
LAUNCHED_KEYS = {stored: key for key, stored in LAUNCHED.items()}
LABELS: dict[str, Mapping[Any, Any]] = {
    "service": SERVICE_LABELS,
    "status": REQUEST_STATUS_LABELS,
    "headline": HEADLINES,
    "launched": {stored: LAUNCHED_LABELS[key] for key, stored in LAUNCHED.items()},
}


def service_choices() -> list[Any]:
    return [SelectChoice(str(s), SERVICE_LABELS[s]) for s in DELIVERED_SERVICES]


class DeliveryFilterForm(FlaskForm):
    """The list's filters, read from the query string (GET: no CSRF)."""

    class Meta:
        csrf = False

    service = SelectField(
        _l("Service"), choices=[ANY, *service_choices()], validators=[Optional()]
    )
    status = SelectField(
        _l("Status"),
        choices=[ANY, *choices_of(REQUEST_STATUS_LABELS)],
        validators=[Optional()],
    )

    def filters(self) -> dict[str, str]:
        """The filters that are set and valid (an invalid one is shown, not used)."""
        return {
            name: self[name].data
            for name in ("service", "status")
            if self[name].data and not self[name].errors
        }


class AssignForm(FlaskForm):
    expert_name = text_field(_l("Expert's name"), SHORT_TEXT_MAX)
    expert_email = email_field(_l("Expert's e-mail (optional)"), required=False)


class SessionForm(FlaskForm):
    held_on = DateField(_l("Date"), validators=[InputRequired(message=REQUIRED)])
    minutes = IntegerField(
        _l("Length (minutes)"),
        validators=[
            InputRequired(message=REQUIRED),
            NumberRange(
                min=SESSION_MINUTES_MIN,
                max=SESSION_MINUTES_MAX,
                message=_l(
                    "Please enter a number from %(min)d to %(max)d.",
                    min=SESSION_MINUTES_MIN,
                    max=SESSION_MINUTES_MAX,
                ),
            ),
        ],
    )
    notes = TextAreaField(
        _l("Notes (optional)"),
        filters=[strip],
        validators=[Length(max=NOTES_MAX, message=too_long(NOTES_MAX)), NoMarkup()],
    )


class OutcomeForm(FlaskForm):
    """Where a delivery stands and what came of it; the campaign's fields exist only
    for crowdfunding."""

    status = SelectField(
        _l("Status"),
        choices=choices_of(DELIVERY_STATUS_LABELS),
        validators=[InputRequired(message=REQUIRED)],
    )
    outcome = TextAreaField(
        _l("Outcome (optional)"),
        filters=[strip],
        validators=[
            Length(max=OUTCOME_MAX, message=too_long(OUTCOME_MAX)),
            NoMarkup(),
        ],
    )
    campaign_launched = SelectField(
        _l("Campaign launched?"), choices=choices_of(LAUNCHED_LABELS), default=""
    )
    amount_raised = FloatField(
        _l("Amount raised (optional)"),
        validators=[
            Optional(),
            NumberRange(
                min=0,
                max=AMOUNT_MAX,
                message=_l("Please enter an amount from 0 to %(max)d.", max=AMOUNT_MAX),
            ),
        ],
    )

    def __init__(self, *args: Any, crowdfunding: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not crowdfunding:
            del self["campaign_launched"]
            del self["amount_raised"]

    def outcome_data(self) -> dict[str, Any]:
        """The validated values, as `record_outcome` takes them."""
        crowdfunding = "amount_raised" in self
        return {
            "status": self.status.data,
            "outcome": self.outcome.data or "",
            "campaign_launched": LAUNCHED[self["campaign_launched"].data]
            if crowdfunding
            else None,
            "amount_raised": self["amount_raised"].data if crowdfunding else None,
        }


def outcome_values(delivery: ServiceDelivery) -> dict[str, Any]:
    """A delivery's outcome as the outcome form shows it."""
    return {
        "status": delivery.status,
        "outcome": delivery.outcome,
        "campaign_launched": LAUNCHED_KEYS[delivery.campaign_launched],
        "amount_raised": delivery.amount_raised,
    }
