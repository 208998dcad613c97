"""The workshop pages over HTTP: officials schedule, edit, cancel and enrol (one by one
or a filtered registrations list); participants open their join link, see and leave
their workshops; walk-ins join with the code; the public calendar feed."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from icalendar import Calendar
from openpyxl import load_workbook
from sqlalchemy import func, select

from core.tokens import participant_token
from extensions import db
from stakeholders.consent import CONSENT_VERSION
from stakeholders.models import Consent, Organisation, Person
from tests.conftest import csrf_from
from tests.workshops.conftest import join_path, open_participant_session
from tests.workshops.factories import (
    approved_people,
    enrolment_of,
    last_message_id,
    load_workshop,
    new_workshop,
    next_week,
    outbox,
    people_with,
    running_workshop,
    subject_for,
)
from workshops.enrolment import decline_for, enrol_people
from workshops.invitations import revoke_invitation
from workshops.models import Workshop
from workshops.scheduling import cancel_workshop, set_workshop_status

STAFF = "/staff/p/ilfov/workshops"
YEAR = datetime.now(UTC).year + 1


def count(model: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def post_form(
    client: FlaskClient, url: str, data: dict[str, Any], page: str | None = None
) -> Any:
    """Submit a form as the browser would: with the CSRF token of a page it shows."""
    token = csrf_from(client.get(page or url).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token})


def workshop_form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Circular packaging in Otopeni",
        "description": "Less packaging waste, together.",
        "starts_at": f"{YEAR}-07-15T10:00",
        "ends_at": f"{YEAR}-07-15T13:00",
        "place": "Otopeni town hall, room 2",
        "online_url": "https://meet.example.org/otopeni",
        "capacity": "20",
        "language": "ro",
        "themes": ["circular-economy", "value-chains"],
    }
    data.update(overrides)
    return data


@pytest.fixture
def logged_in_official(
    client: FlaskClient, official: int, login: Callable[[int], None]
) -> int:
    login(official)
    return official


# --- scheduling --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "utc_hour"),
    [("07-15T10:00", 7), ("01-20T10:00", 8)],
    ids=["summer-time-utc+3", "winter-time-utc+2"],
)
def test_official_schedules_a_workshop_with_times_read_in_bucharest_time(
    client: FlaskClient,
    logged_in_official: int,
    make_staff: Callable[..., int],
    typed: str,
    utc_hour: int,
):
    facilitator = make_staff("facilitator")
    starts, ends = f"{YEAR}-{typed}", f"{YEAR}-{typed[:5]}T12:30"
    response = post_form(
        client,
        f"{STAFF}/new",
        workshop_form(starts_at=starts, ends_at=ends, facilitators=[facilitator]),
    )

    assert response.status_code == 302
    workshop = db.session.scalars(select(Workshop)).one()
    assert response.headers["Location"] == f"{STAFF}/{workshop.id}"
    assert workshop.starts_at == datetime(
        YEAR, int(typed[:2]), int(typed[3:5]), utc_hour, 0, tzinfo=UTC
    )
    assert workshop.ends_at - workshop.starts_at == timedelta(hours=2, minutes=30)
    assert workshop.capacity == 20
    assert workshop.language == "ro"
    assert [theme.key for theme in workshop.themes] == [
        "circular-economy",
        "value-chains",
    ]
    assert [person.id for person in workshop.facilitators] == [facilitator]
    detail = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The workshop is scheduled." in detail
    assert "10:00" in detail
    assert workshop.join_code in detail


def test_the_edit_form_shows_the_times_in_the_pacts_timezone(
    client: FlaskClient, logged_in_official: int, pact: int
):
    starts = datetime(YEAR, 7, 15, 7, 0, tzinfo=UTC)
    workshop = new_workshop(logged_in_official, pact, starts_at=starts)
    html = client.get(f"{STAFF}/{workshop}/edit").get_data(as_text=True)
    assert f'value="{YEAR}-07-15T10:00"' in html
    assert f'value="{YEAR}-07-15T13:00"' in html


def test_a_time_the_clocks_skip_is_refused(
    client: FlaskClient, logged_in_official: int
):
    # The last Sunday of March: in Bucharest the clocks go from 03:00 to 04:00.
    last_sunday = max(
        day
        for day in range(25, 32)
        if datetime(YEAR, 3, day, tzinfo=UTC).weekday() == 6
    )
    response = post_form(
        client,
        f"{STAFF}/new",
        workshop_form(
            starts_at=f"{YEAR}-03-{last_sunday}T03:30",
            ends_at=f"{YEAR}-03-{last_sunday}T06:00",
        ),
    )
    assert response.status_code == 200
    assert "the clocks skip it" in response.get_data(as_text=True)
    assert count(Workshop) == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "", "This field is required."),
        ("title", "<b>Packaging</b>", "Please remove the HTML tags"),
        ("ends_at", f"{YEAR}-07-15T09:00", "The end must be after the start."),
        ("starts_at", "tomorrow", "Not a valid datetime value."),
        ("online_url", "javascript:alert(1)", "Start the address with http://"),
        ("capacity", "0", "Please enter a number from 1 to 10000."),
        ("capacity", "many", "Not a valid integer value."),
        ("description", "x" * 2001, "Please use at most 2000 characters."),
        ("language", "xx", "Not a valid choice."),
        ("themes", "no-such-theme", "is not a valid choice"),
        ("facilitators", "999", "is not a valid choice"),
    ],
)
def test_invalid_workshop_forms_are_shown_again_with_the_error(
    client: FlaskClient,
    logged_in_official: int,
    field: str,
    value: str,
    message: str,
):
    response = post_form(client, f"{STAFF}/new", workshop_form(**{field: value}))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in html
    assert 'class="error-summary"' in html
    assert count(Workshop) == 0


def test_moving_a_workshop_sends_everyone_enrolled_the_new_details(
    client: FlaskClient,
    logged_in_official: int,
    pact: int,
    make_registration: Callable[..., Any],
):
    workshop = new_workshop(logged_in_official, pact)
    people = approved_people(make_registration, 2)
    enrol_people(logged_in_official, workshop, people)
    since = last_message_id()

    response = post_form(
        client,
        f"{STAFF}/{workshop}/edit",
        workshop_form(starts_at=f"{YEAR}-09-01T15:00", ends_at=f"{YEAR}-09-01T18:00"),
    )

    assert response.status_code == 302
    assert load_workshop(workshop).starts_at == datetime(YEAR, 9, 1, 12, tzinfo=UTC)
    sent = outbox(since)
    assert sorted(m.recipient for m in sent) == sorted(
        db.session.get(Person, p).email  # type: ignore[union-attr]
        for p in people
    )
    assert {m.subject for m in sent} == {
        subject_for("workshop_moved", people[0], workshop)
    }
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "everyone enrolled was sent the new details" in html


def test_cancelling_a_workshop_tells_everyone_enrolled(
    client: FlaskClient,
    logged_in_official: int,
    pact: int,
    make_registration: Callable[..., Any],
):
    workshop = new_workshop(logged_in_official, pact)
    people = approved_people(make_registration, 1)
    enrol_people(logged_in_official, workshop, people)
    since = last_message_id()

    response = post_form(
        client, f"{STAFF}/{workshop}/cancel", {}, page=f"{STAFF}/{workshop}"
    )

    assert response.status_code == 302
    assert load_workshop(workshop).status == "cancelled"
    assert [m.subject for m in outbox(since)] == [
        subject_for("workshop_cancelled", people[0], workshop)
    ]
    again = post_form(
        client, f"{STAFF}/{workshop}/cancel", {}, page=f"{STAFF}/{workshop}"
    )
    html = client.get(again.headers["Location"]).get_data(as_text=True)
    assert "This workshop is already cancelled." in html


def test_a_facilitator_starts_the_workshop(
    client: FlaskClient,
    official: int,
    pact: int,
    make_staff: Callable[..., int],
    login: Callable[[int], None],
):
    workshop = new_workshop(official, pact)
    login(make_staff("facilitator"))
    page = f"{STAFF}/{workshop}"
    html = client.get(page).get_data(as_text=True)
    assert "Cancel the workshop" not in html
    assert "Enrol approved stakeholders" not in html

    response = post_form(client, f"{page}/status", {"status": "running"}, page=page)

    assert response.status_code == 302
    assert load_workshop(workshop).status == "running"
    assert "The workshop is now: Running." in client.get(page).get_data(as_text=True)


def test_the_list_shows_upcoming_and_past_workshops_with_their_counts(
    client: FlaskClient,
    logged_in_official: int,
    pact: int,
    make_registration: Callable[..., Any],
):
    upcoming = new_workshop(logged_in_official, pact, title="Energy", capacity=1)
    new_workshop(
        logged_in_official,
        pact,
        title="Mobility last year",
        starts_at=datetime.now(UTC) - timedelta(days=300),
    )
    enrol_people(logged_in_official, upcoming, approved_people(make_registration, 3))

    html = client.get(STAFF).get_data(as_text=True)

    assert html.index("Upcoming") < html.index("Energy") < html.index("Past")
    assert html.index("Past") < html.index("Mobility last year")
    assert "1 of 1" in html
    assert "<td>2</td>" in html  # two on the waiting list
    assert "New workshop" in html


def test_a_workshop_of_another_pact_is_404_through_this_pact(
    client: FlaskClient,
    make_pact: Callable[..., int],
    make_staff: Callable[..., int],
    login: Callable[[int], None],
):
    make_pact("ilfov")
    torino = make_pact("torino")
    both = make_staff("official", pacts=("ilfov", "torino"))
    workshop = new_workshop(both, torino)
    login(both)
    assert client.get(f"{STAFF}/{workshop}").status_code == 404
    assert client.get(f"/staff/p/torino/workshops/{workshop}").status_code == 200
    response = post_form(client, f"{STAFF}/{workshop}/cancel", {}, page=STAFF)
    assert response.status_code == 404
    assert load_workshop(workshop).status == "planned"


# --- enrolment by officials --------------------------------------------------------


def test_official_enrols_approved_stakeholders_from_the_detail_page(
    client: FlaskClient,
    logged_in_official: int,
    pact: int,
    make_registration: Callable[..., Any],
):
    workshop = new_workshop(logged_in_official, pact, capacity=1)
    first, second = approved_people(make_registration, 2)
    pending = make_registration()["person"]
    page = f"{STAFF}/{workshop}"
    html = client.get(page).get_data(as_text=True)
    assert f'value="{first}"' in html
    assert f'value="{pending}"' not in html

    response = post_form(client, f"{page}/enrol", {"people": [first, second]}, page)

    assert response.status_code == 302
    assert people_with(workshop, "enrolled") == [first]
    assert people_with(workshop, "waitlisted") == [second]
    html = client.get(page).get_data(as_text=True)
    assert "1 enrolled, 1 on the waiting list." in html
    assert f'value="{first}"' not in html  # no longer offered


def test_enrolling_nobody_is_an_error(
    client: FlaskClient,
    logged_in_official: int,
    pact: int,
    make_registration: Callable[..., Any],
):
    workshop = new_workshop(logged_in_official, pact)
    approved_people(make_registration, 1)
    page = f"{STAFF}/{workshop}"
    response = post_form(client, f"{page}/enrol", {}, page)
    assert "Please choose at least one person." in client.get(
        response.headers["Location"]
    ).get_data(as_text=True)


def test_official_enrols_the_approved_registrations_of_a_filtered_list(
    client: FlaskClient,
    logged_in_official: int,
    pact: int,
    make_registration: Callable[..., Any],
):
    workshop = new_workshop(logged_in_official, pact, title="Energy audit day")
    sme = make_registration(status="approved", kind="sme")["person"]
    make_registration(status="approved", kind="ngo")
    make_registration(status="pending", kind="sme")
    listing = "/staff/p/ilfov/registrations?kind=sme"
    html = client.get(listing).get_data(as_text=True)
    assert "Energy audit day" in html
    assert f'formaction="{STAFF}/{workshop}/enrol-filtered"' in html

    response = post_form(
        client,
        f"{STAFF}/{workshop}/enrol-filtered",
        {"kind": "sme", "status": "pending"},  # the status filter cannot widen it
        page=listing,
    )

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/staff/p/ilfov/registrations?")
    assert "kind=sme" in response.headers["Location"]
    assert people_with(workshop, "enrolled") == [sme]
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "1 enrolled, 0 on the waiting list." in html


def test_the_filtered_enrolment_is_offered_to_officials_only(
    client: FlaskClient,
    official: int,
    pact: int,
    make_staff: Callable[..., int],
    login: Callable[[int], None],
):
    new_workshop(official, pact, title="Energy audit day")
    login(make_staff("facilitator"))
    html = client.get("/staff/p/ilfov/registrations").get_data(as_text=True)
    assert "Energy audit day" not in html


def test_the_detail_page_shows_the_join_code_the_enrolled_and_the_waitlist(
    client: FlaskClient,
    logged_in_official: int,
    pact: int,
    make_registration: Callable[..., Any],
):
    workshop = new_workshop(logged_in_official, pact, capacity=1)
    names = ["Ana Enrolled", "Bogdan First", "Carmen Second"]
    people = [
        make_registration(status="approved", contact_name=name)["person"]
        for name in names
    ]
    enrol_people(logged_in_official, workshop, people)

    html = client.get(f"{STAFF}/{workshop}").get_data(as_text=True)

    code = load_workshop(workshop).join_code
    assert '<p class="join-code__code" lang="en"' in html
    assert f">{code}</p>" in html
    assert f"http://localhost/join?code={code}" in html
    enrolled = html.index('id="enrolled-title"')
    waitlist = html.index('id="waitlist-title"')
    assert enrolled < html.index(names[0]) < waitlist
    assert waitlist < html.index(names[1]) < html.index(names[2])


@pytest.mark.parametrize(
    ("action", "expected"),
    [("resend", "enrolled"), ("revoke", "enrolled"), ("decline", "declined")],
)
def test_official_resends_revokes_or_cancels_a_place(
    client: FlaskClient,
    logged_in_official: int,
    pact: int,
    make_registration: Callable[..., Any],
    action: str,
    expected: str,
):
    workshop = new_workshop(logged_in_official, pact)
    (person,) = approved_people(make_registration, 1)
    enrol_people(logged_in_official, workshop, [person])
    enrolment = enrolment_of(workshop, person)
    version, since = enrolment.token_version, last_message_id()
    page = f"{STAFF}/{workshop}"

    response = post_form(
        client, f"{page}/enrolments/{enrolment.id}/{action}", {}, page=page
    )

    assert response.status_code == 302
    after = enrolment_of(workshop, person)
    assert after.status == expected
    assert after.revoked == (action != "resend")
    assert (after.token_version > version) == (action != "resend")
    assert len(outbox(since)) == (1 if action == "resend" else 0)


def test_attendance_is_marked_once_the_workshop_runs(
    client: FlaskClient,
    logged_in_official: int,
    pact: int,
    make_registration: Callable[..., Any],
):
    later = new_workshop(logged_in_official, pact)
    now = running_workshop(logged_in_official, pact)
    (person,) = approved_people(make_registration, 1)
    pages = {}
    for workshop in (later, now):
        enrol_people(logged_in_official, workshop, [person])
        page = f"{STAFF}/{workshop}"
        enrolment = enrolment_of(workshop, person).id
        response = post_form(
            client,
            f"{page}/enrolments/{enrolment}/attendance",
            {"attendance": "present"},
            page=page,
        )
        pages[workshop] = client.get(response.headers["Location"]).get_data(
            as_text=True
        )

    assert enrolment_of(later, person).attendance is None
    assert "Attendance can be marked once the workshop starts." in pages[later]
    assert enrolment_of(now, person).attendance == "present"
    assert ": Present." in pages[now]


def test_an_enrolment_of_another_workshop_is_404(
    client: FlaskClient,
    logged_in_official: int,
    pact: int,
    make_registration: Callable[..., Any],
):
    first = new_workshop(logged_in_official, pact)
    second = new_workshop(logged_in_official, pact)
    (person,) = approved_people(make_registration, 1)
    enrol_people(logged_in_official, first, [person])
    enrolment = enrolment_of(first, person).id
    url = f"{STAFF}/{second}/enrolments/{enrolment}/decline"
    assert post_form(client, url, {}, page=STAFF).status_code == 404
    assert enrolment_of(first, person).status == "enrolled"


def test_the_attendance_list_exports_as_csv_and_xlsx(
    client: FlaskClient,
    logged_in_official: int,
    pact: int,
    make_registration: Callable[..., Any],
):
    workshop = new_workshop(logged_in_official, pact, capacity=1)
    first = make_registration(
        status="approved", contact_name="=cmd|' /C calc'!A0", organisation_name="A SRL"
    )["person"]
    second = make_registration(status="approved", organisation_name="B SRL")["person"]
    enrol_people(logged_in_official, workshop, [first, second])

    response = client.get(f"{STAFF}/{workshop}/attendance.csv")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert list(rows[0]) == [
        "name",
        "organisation",
        "email",
        "status",
        "position",
        "source",
        "attendance",
    ]
    assert rows[0]["name"] == "'=cmd|' /C calc'!A0"
    assert [(r["organisation"], r["status"], r["position"]) for r in rows] == [
        ("A SRL", "enrolled", ""),
        ("B SRL", "waitlisted", "1"),
    ]
    xlsx = client.get(f"{STAFF}/{workshop}/attendance.xlsx?lang=en")
    sheet = load_workbook(io.BytesIO(xlsx.get_data())).active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:5] == (
        "Name",
        "Organisation",
        "E-mail",
        "Status",
        "Place on the waiting list",
    )
    assert values[1][0] == "'=cmd|' /C calc'!A0"
    assert [row[3:5] for row in values[1:]] == [
        ("Enrolled", None),
        ("On the waiting list", 1),
    ]


# --- join links and "My workshops" -------------------------------------------------


@pytest.fixture
def invited(
    official: int, pact: int, make_registration: Callable[..., Any]
) -> dict[str, int]:
    """A workshop next week with one enrolled, invited participant."""
    workshop = new_workshop(official, pact, title="Circular packaging")
    (person,) = approved_people(make_registration, 1)
    enrol_people(official, workshop, [person])
    return {"workshop": workshop, "person": person}


def test_a_valid_join_link_opens_a_participant_session(
    client: FlaskClient, invited: dict[str, int]
):
    response = client.get(join_path(invited["workshop"], invited["person"]))

    assert response.status_code == 302
    assert response.headers["Location"] == "/me"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    html = client.get("/me").get_data(as_text=True)
    assert "Circular packaging" in html
    assert "Cancel my place" in html
    assert "Otopeni town hall" in html


def tampered(link_path: str) -> str:
    head, _sep, signature = link_path.rpartition(".")
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    return f"{head}.{flipped}"


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("tampered", "This link is not valid"),
        ("expired", "This link has expired."),
        ("revoked", "This link no longer works"),
        ("other workshop", "This link belongs to another workshop."),
        ("declined", "You no longer have a place in this workshop"),
        ("cancelled", "This workshop has been cancelled."),
    ],
)
def test_a_refused_join_link_explains_why_and_opens_no_session(
    client: FlaskClient,
    official: int,
    pact: int,
    invited: dict[str, int],
    case: str,
    message: str,
):
    workshop, person = invited["workshop"], invited["person"]
    path = join_path(workshop, person)
    enrolment = enrolment_of(workshop, person)
    if case == "tampered":
        path = tampered(path)
    elif case == "expired":
        token = participant_token(person, workshop, enrolment.token_version, -10)
        path = f"/w/{workshop}/join/{token}"
    elif case == "revoked":
        revoke_invitation(official, enrolment.id)
    elif case == "other workshop":
        other = new_workshop(official, pact)
        path = path.replace(f"/w/{workshop}/", f"/w/{other}/")
    elif case == "declined":
        decline_for(official, enrolment.id)
    else:
        cancel_workshop(official, workshop)

    response = client.get(path)

    assert response.status_code == 403
    html = response.get_data(as_text=True)
    assert message in html
    assert response.headers["Referrer-Policy"] == "no-referrer"
    me = client.get("/me").get_data(as_text=True)
    assert "open the personal join link from your invitation e-mail" in me
    assert "Circular packaging" not in me


def test_a_refused_link_leaves_an_existing_session_as_it_was(
    client: FlaskClient, official: int, pact: int, invited: dict[str, int]
):
    open_participant_session(client, invited["workshop"], invited["person"])
    refused = client.get(tampered(join_path(invited["workshop"], invited["person"])))
    assert refused.status_code == 403
    assert "Circular packaging" in client.get("/me").get_data(as_text=True)


def test_a_new_link_is_sent_only_to_an_enrolled_address_with_the_same_answer(
    client: FlaskClient, invited: dict[str, int]
):
    workshop, person = invited["workshop"], invited["person"]
    email = db.session.get(Person, person).email  # type: ignore[union-attr]
    problem = f"/w/{workshop}/join/not-a-token"
    answers = []
    for address in (email.upper(), "stranger@example.org"):
        since = last_message_id()
        response = post_form(
            client, f"/w/{workshop}/new-link", {"email": address}, page=problem
        )
        assert response.status_code == 200
        answers.append(response.get_data(as_text=True))
        sent = [m.recipient for m in outbox(since)]
        assert sent == ([email] if address == email.upper() else [])
    assert "If this address is enrolled, a new link is on its way." in answers[0]
    assert answers[0] == answers[1]


def test_my_workshops_explains_the_link_to_anonymous_visitors_and_sends_staff_away(
    client: FlaskClient, official: int, login: Callable[[int], None]
):
    html = client.get("/me").get_data(as_text=True)
    assert "open the personal join link from your invitation e-mail" in html
    login(official)
    response = client.get("/me")
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/"


def test_declining_from_my_workshops_promotes_the_first_person_waiting(
    client: FlaskClient,
    official: int,
    pact: int,
    make_registration: Callable[..., Any],
):
    workshop = new_workshop(official, pact, capacity=1)
    holder, first_waiting, second_waiting = approved_people(make_registration, 3)
    enrol_people(official, workshop, [holder, first_waiting, second_waiting])
    open_participant_session(client, workshop, holder)
    enrolment = enrolment_of(workshop, holder).id
    since = last_message_id()

    response = post_form(client, f"/me/enrolments/{enrolment}/decline", {}, "/me")

    assert response.status_code == 302
    assert people_with(workshop, "enrolled") == [first_waiting]
    assert people_with(workshop, "waitlisted") == [second_waiting]
    promoted = db.session.get(Person, first_waiting)
    assert promoted is not None
    assert [(m.recipient, m.subject) for m in outbox(since)] == [
        (promoted.email, subject_for("workshop_promoted", first_waiting, workshop))
    ]
    html = client.get("/me").get_data(as_text=True)
    assert "Your place is cancelled." in html
    assert "Cancel my place" not in html


def test_a_participant_cannot_decline_someone_elses_place(
    client: FlaskClient,
    official: int,
    pact: int,
    make_registration: Callable[..., Any],
):
    workshop = new_workshop(official, pact)
    mine, theirs = approved_people(make_registration, 2)
    enrol_people(official, workshop, [mine, theirs])
    open_participant_session(client, workshop, mine)
    other = enrolment_of(workshop, theirs).id
    post_form(client, f"/me/enrolments/{other}/decline", {}, "/me")
    assert enrolment_of(workshop, theirs).status == "enrolled"
    assert "This enrolment does not exist." in client.get("/me").get_data(as_text=True)


def test_a_participant_enrols_in_an_open_workshop_and_sees_their_rank(
    client: FlaskClient,
    official: int,
    pact: int,
    make_registration: Callable[..., Any],
    invited: dict[str, int],
):
    full = new_workshop(official, pact, title="Green mobility", capacity=1)
    enrol_people(official, full, approved_people(make_registration, 1))
    open_participant_session(client, invited["workshop"], invited["person"])
    html = client.get("/me").get_data(as_text=True)
    assert "Workshops you can join" in html
    assert "Green mobility" in html

    post_form(client, f"/me/workshops/{full}/enrol", {}, "/me")

    assert people_with(full, "waitlisted") == [invited["person"]]
    html = client.get("/me").get_data(as_text=True)
    assert "you are on its waiting list" in html
    assert "On the waiting list, number 1" in html


# --- walk-ins ----------------------------------------------------------------------


def walk_in(code: str, /, **overrides: str) -> dict[str, str]:
    return {
        "code": code,
        "contact_name": "Ion Ionescu",
        "contact_email": "ion@fermaverde.ro",
        "organisation_name": "Ferma Verde SRL",
        "kind": "sme",
        "consent": "y",
        "consent_version": CONSENT_VERSION,
        **overrides,
    }


def test_a_walk_in_joins_a_running_workshop_and_awaits_approval(
    client: FlaskClient, official: int, pact: int, login: Callable[[int], None]
):
    workshop = running_workshop(official, pact, title="Circular packaging")
    code = load_workshop(workshop).join_code

    response = post_form(
        client, "/join", walk_in(f"{code[:3].lower()} {code[3:]}"), page="/join"
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/me"
    assert "Circular packaging" in client.get("/me").get_data(as_text=True)
    person = db.session.scalars(
        select(Person).where(Person.email == "ion@fermaverde.ro")
    ).one()
    assert enrolment_of(workshop, person.id).source == "walk_in"
    consent = db.session.scalars(select(Consent)).one()
    assert "GreenPact" in consent.text
    post_form(client, "/logout", {}, page="/me")
    login(official)
    pending = client.get("/staff/p/ilfov/registrations?status=pending")
    assert "Ferma Verde SRL" in pending.get_data(as_text=True)


def test_a_workshop_started_by_its_facilitator_takes_walk_ins_early(
    client: FlaskClient, official: int, pact: int
):
    workshop = new_workshop(official, pact, starts_at=next_week())
    set_workshop_status(official, workshop, "running")
    code = load_workshop(workshop).join_code
    response = post_form(client, "/join", walk_in(code), page="/join")
    assert response.status_code == 302


def test_a_planned_workshop_next_week_refuses_its_code(
    client: FlaskClient, official: int, pact: int
):
    code = load_workshop(new_workshop(official, pact)).join_code
    response = post_form(client, "/join", walk_in(code), page="/join")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "This code is not valid now." in html
    assert count(Organisation) == 0
    assert "open the personal join link" in client.get("/me").get_data(as_text=True)


def test_a_walk_in_with_an_address_already_known_gets_no_session(
    client: FlaskClient, official: int, pact: int, invited: dict[str, int]
):
    """Typing someone else's address must not open their session: the link goes to
    that mailbox instead."""
    workshop = running_workshop(official, pact)
    enrol_people(official, workshop, [invited["person"]])
    email = db.session.get(Person, invited["person"]).email  # type: ignore[union-attr]
    code = load_workshop(workshop).join_code
    since = last_message_id()

    response = post_form(
        client, "/join", walk_in(code, contact_email=email), page="/join"
    )

    assert response.status_code == 200
    assert "Check your e-mail" in response.get_data(as_text=True)
    assert [m.recipient for m in outbox(since)] == [email]
    assert "open the personal join link" in client.get("/me").get_data(as_text=True)
    assert count(Organisation) == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("code", "ABC", "The code has 6 characters."),
        ("contact_email", "not-an-address", "Please enter a valid e-mail address."),
        ("consent", "", "Please agree to the processing of your data."),
        ("organisation_name", "<script>", "Please remove the HTML tags"),
        ("kind", "alien", "Not a valid choice."),
    ],
)
def test_invalid_walk_in_forms_are_shown_again_with_the_error(
    client: FlaskClient,
    official: int,
    pact: int,
    field: str,
    value: str,
    message: str,
):
    code = load_workshop(running_workshop(official, pact)).join_code
    response = post_form(client, "/join", walk_in(code, **{field: value}), "/join")
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert count(Organisation) == 0


# --- calendar ----------------------------------------------------------------------


def test_the_public_calendar_feed_parses_and_lists_the_pacts_workshops(
    client: FlaskClient, official: int, pact: int
):
    first = new_workshop(official, pact, title="Energy")
    second = new_workshop(official, pact, title="Mobility")
    cancel_workshop(official, second)

    response = client.get("/p/ilfov/workshops.ics")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.get_data())
    events = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {"Energy", "Mobility"}
    assert str(events["Mobility"]["status"]) == "CANCELLED"
    assert str(events["Energy"]["url"]) == "http://localhost/me"
    assert events["Energy"].decoded("dtstart") == load_workshop(first).starts_at
    assert client.get("/p/atlantis/workshops.ics").status_code == 404


def test_my_workshops_and_the_workshop_page_lead_to_the_live_board(
    app: Flask,
    client: FlaskClient,
    official: int,
    invited: dict[str, int],
    login: Callable[[int], None],
):
    workshop = invited["workshop"]
    board_url = f"/w/{workshop}/board"
    participant = app.test_client()
    open_participant_session(participant, workshop, invited["person"])
    assert board_url in participant.get("/me").get_data(as_text=True)
    assert participant.get(board_url).status_code == 200
    login(official)
    page = client.get(f"/staff/p/ilfov/workshops/{workshop}").get_data(as_text=True)
    assert board_url in page
