"""Forms of the workshops package: the officials' workshop form (times typed in the
pact's timezone), the small action forms of the workshop pages (status, attendance,
enrolment), the participants' walk-in and new-link forms, and the labels of the
workshop vocabularies."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    Field,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from core.choices import KIND_LABELS, NAME_MAX, SHORT_TEXT_MAX
from core.forms import (
    REQUIRED,
    MultiCheckboxField,
    choices_of,
    email_field,
    text_field,
    too_long,
    web_address_field,
)
from core.locales import language_name
from core.validation import NoMarkup, strip
from workshops.models import (
    Attendance,
    EnrolmentSource,
    EnrolmentStatus,
    Workshop,
    WorkshopStatus,
)
from workshops.scheduling import JOIN_CODE_LENGTH, WorkshopData

DESCRIPTION_MAX = 2000
PLACE_MAX = 300
CAPACITY_MAX = 10_000
# What `<input type="datetime-local">` sends (seconds only when the page asks).
LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]

WORKSHOP_STATUS_LABELS: dict[str, Mapping[str, Any]] = {
    WorkshopStatus.PLANNED: _l("Planned"),
    WorkshopStatus.OPEN: _l("Open for enrolment"),
    WorkshopStatus.RUNNING: _l("Running"),
    WorkshopStatus.FINISHED: _l("Finished"),
    WorkshopStatus.CANCELLED: _l("Cancelled"),
}
ENROLMENT_STATUS_LABELS: dict[str, Mapping[str, Any]] = {
    EnrolmentStatus.ENROLLED: _l("Enrolled"),
    EnrolmentStatus.WAITLISTED: _l("On the waiting list"),
    EnrolmentStatus.DECLINED: _l("Declined"),
}
SOURCE_LABELS: dict[str, Mapping[str, Any]] = {
    EnrolmentSource.OFFICIAL: _l("Invited"),
    EnrolmentSource.SELF: _l("Self-enrolled"),
    EnrolmentSource.WALK_IN: _l("Walk-in"),
    EnrolmentSource.BULK: _l("Bulk"),
}
ATTENDANCE_LABELS: dict[str, Mapping[str, Any]] = {
    Attendance.PRESENT: _l("Present"),
    Attendance.ABSENT: _l("Absent"),
}
LABELS: dict[str, Mapping[str, Any]] = {
    "workshop": WORKSHOP_STATUS_LABELS,
    "enrolment": ENROLMENT_STATUS_LABELS,
    "source": SOURCE_LABELS,
    "attendance": ATTENDANCE_LABELS,
}
# The status buttons of the staff page, by the status they set.
STATUS_BUTTON_LABELS: dict[str, Any] = {
    WorkshopStatus.OPEN: _l("Open enrolment"),
    WorkshopStatus.RUNNING: _l("Start the workshop"),
    WorkshopStatus.FINISHED: _l("Finish the workshop"),
}
# The statuses staff may set by hand (cancelling has its own, official-only action).
SETTABLE_STATUSES = {
    key: WORKSHOP_STATUS_LABELS[key]
    for key in (WorkshopStatus.OPEN, WorkshopStatus.RUNNING, WorkshopStatus.FINISHED)
}


def language_choices(codes: list[str]) -> list[Any]:
    """Each language named in itself ("English", "Română")."""
    return [SelectChoice(code, language_name(code)) for code in codes]


def local_to_utc(value: datetime, timezone: str) -> datetime:
    """A wall-clock time typed in `timezone`, as UTC. ValueError when the clocks skip
    it (the spring-forward hour); in the autumn's repeated hour the first one is
    taken."""
    zone = ZoneInfo(timezone)
    aware = value.replace(tzinfo=zone)
    if aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != value:
        raise ValueError("nonexistent local time")
    return aware.astimezone(UTC)


def utc_to_local(value: datetime, timezone: str) -> datetime:
    """The naive wall-clock time a datetime-local input shows for a UTC moment."""
    return value.astimezone(ZoneInfo(timezone)).replace(tzinfo=None, microsecond=0)


def local_datetime_field(label: Any) -> DateTimeLocalField:
    return DateTimeLocalField(
        label,
        format=LOCAL_FORMATS,
        validators=[InputRequired(message=REQUIRED)],
    )


class WorkshopForm(FlaskForm):
    """A workshop's fields; the times are read in the pact's timezone."""

    title = text_field(_l("Title"), NAME_MAX)
    description = TextAreaField(
        _l("Description (optional)"),
        filters=[strip],
        validators=[
            Length(max=DESCRIPTION_MAX, message=too_long(DESCRIPTION_MAX)),
            NoMarkup(),
        ],
    )
    starts_at = local_datetime_field(_l("Starts"))
    ends_at = local_datetime_field(_l("Ends"))
    place = text_field(_l("Place (optional)"), PLACE_MAX, required=False)
    online_url = web_address_field(_l("Online meeting link (optional)"))
    capacity = IntegerField(
        _l("Capacity (optional)"),
        validators=[
            Optional(),
            NumberRange(
                min=1,
                max=CAPACITY_MAX,
                message=_l(
                    "Please enter a number from %(min)d to %(max)d.",
                    min=1,
                    max=CAPACITY_MAX,
                ),
            ),
        ],
    )
    language = SelectField(
        _l("Language of the workshop"), validators=[InputRequired(message=REQUIRED)]
    )
    themes = MultiCheckboxField(_l("Themes"))
    facilitators = MultiCheckboxField(_l("Facilitators"), coerce=int)

    def __init__(
        self,
        *args: Any,
        timezone: str,
        languages: list[str],
        theme_choices: list[tuple[str, str]],
        staff_choices: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.timezone = timezone
        self.language.choices = language_choices(languages)
        self.themes.choices = [SelectChoice(key, label) for key, label in theme_choices]
        self.facilitators.choices = [
            SelectChoice(str(person_id), name) for person_id, name in staff_choices
        ]

    def validate_starts_at(self, field: Field) -> None:
        self._exists_locally(field)

    def validate_ends_at(self, field: Field) -> None:
        self._exists_locally(field)
        starts = self.starts_at.data
        if starts is not None and field.data is not None and field.data <= starts:
            raise ValidationError(_l("The end must be after the start."))

    def _exists_locally(self, field: Field) -> None:
        if field.data is None:
            return
        try:
            local_to_utc(field.data, self.timezone)
        except ValueError as exc:
            raise ValidationError(
                _l(
                    "This time does not exist in %(zone)s: the clocks skip it. "
                    "Please choose another time.",
                    zone=self.timezone,
                )
            ) from exc

    def workshop_data(self) -> WorkshopData:
        """The validated values, in the shape the services take, times in UTC."""
        starts_at, ends_at = self.starts_at.data, self.ends_at.data
        if starts_at is None or ends_at is None:
            raise ValueError("validate the form before reading its data")
        return WorkshopData(
            title=self.title.data or "",
            starts_at=local_to_utc(starts_at, self.timezone),
            ends_at=local_to_utc(ends_at, self.timezone),
            description=self.description.data or "",
            place=self.place.data or "",
            online_url=self.online_url.data or "",
            capacity=self.capacity.data,
            language=self.language.data or "",
            theme_keys=tuple(self.themes.data or ()),
            facilitator_ids=tuple(self.facilitators.data or ()),
        )


def workshop_values(workshop: Workshop, timezone: str) -> dict[str, Any]:
    """A workshop's current values, as the form shows them (local times)."""
    return {
        "title": workshop.title,
        "description": workshop.description,
        "starts_at": utc_to_local(workshop.starts_at, timezone),
        "ends_at": utc_to_local(workshop.ends_at, timezone),
        "place": workshop.place,
        "online_url": workshop.online_url,
        "capacity": workshop.capacity,
        "language": workshop.language,
        "themes": [theme.key for theme in workshop.board_themes()],
        "facilitators": [person.id for person in workshop.facilitators],
    }


class StatusForm(FlaskForm):
    status = SelectField(
        _l("Status"),
        choices=choices_of(SETTABLE_STATUSES),
        validators=[InputRequired(message=REQUIRED)],
    )


class AttendanceForm(FlaskForm):
    attendance = SelectField(
        _l("Attendance"),
        choices=choices_of(ATTENDANCE_LABELS),
        validators=[InputRequired(message=REQUIRED)],
    )


class EnrolForm(FlaskForm):
    """Approved stakeholders to enrol, from those not yet enrolled or waiting."""

    people = MultiCheckboxField(
        _l("Approved stakeholders not yet enrolled"),
        coerce=int,
        validators=[DataRequired(message=_l("Please choose at least one person."))],
    )

    def __init__(
        self, *args: Any, people_choices: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.people.choices = [
            SelectChoice(str(person_id), label) for person_id, label in people_choices
        ]


def normalise_code(value: Any) -> Any:
    """Join codes are read off a projector: ignore case, spaces and dashes."""
    if not isinstance(value, str):
        return value
    return value.upper().replace(" ", "").replace("-", "")


class WalkInForm(FlaskForm):
    """Someone at the workshop without an invitation joins with the code on screen."""

    code = StringField(
        _l("Workshop code"),
        filters=[strip, normalise_code],
        validators=[
            DataRequired(message=REQUIRED),
            Length(
                min=JOIN_CODE_LENGTH,
                max=JOIN_CODE_LENGTH,
                message=_l(
                    "The code has %(count)d characters.", count=JOIN_CODE_LENGTH
                ),
            ),
        ],
    )
    contact_name = text_field(_l("Your name"), SHORT_TEXT_MAX)
    contact_email = email_field(_l("E-mail"))
    organisation_name = text_field(_l("Organisation name"), NAME_MAX)
    kind = SelectField(
        _l("Kind of organisation"),
        choices=choices_of(KIND_LABELS),
        validators=[InputRequired(message=REQUIRED)],
    )
    consent = BooleanField(
        _l("Consent"),
        validators=[
            DataRequired(message=_l("Please agree to the processing of your data."))
        ],
    )
    consent_version = HiddenField()

    def walk_in_data(self) -> dict[str, Any]:
        """The validated values, in the shape `join_walk_in` takes."""
        return {
            name: self[name].data
            for name in ("contact_name", "contact_email", "organisation_name", "kind")
        }
