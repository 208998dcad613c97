"""Officials handling registrations from the list: approving or rejecting one or the
ticked ones (a rejection, and several at once, confirmed first), "next pending",
editing a registration with its history of changes, and deleting spam."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select, update

from core.audit import AuditEntry
from core.mail import OutboxMessage
from core.models import Pact
from extensions import db
from stakeholders.models import Organisation, Person, RegistrationChange
from tests.conftest import csrf_from
from tests.pacts.factories import theme_id
from workshops.board.path import apply_board_change
from workshops.enrolment import enrol_people
from workshops.models import Card
from workshops.scheduling import WorkshopData, create_workshop

LIST = "/staff/p/ilfov/registrations"
APPROVE = f"{LIST}/decide/approve"
REJECT = f"{LIST}/decide/reject"


@pytest.fixture
def official(
    client: FlaskClient, make_staff: Callable[..., int], login: Callable[[int], None]
) -> int:
    person = make_staff("official")
    login(person)
    return person


def token(client: FlaskClient) -> str:
    return csrf_from(client.get(LIST).get_data(as_text=True))


def status(organisation_id: int) -> str | None:
    db.session.expire_all()
    row = db.session.get(Organisation, organisation_id)
    return row.status if row else None


def audited(action: str) -> list[AuditEntry]:
    return list(
        db.session.scalars(select(AuditEntry).where(AuditEntry.action == action))
    )


def test_approving_several_shows_who_then_approves_each_once_confirmed(
    client: FlaskClient, official: int, make_registration: Callable[..., Any]
):
    first = make_registration(organisation_name="Alfa SRL")["organisation"]
    second = make_registration(organisation_name="Beta SRL")["organisation"]
    other = make_registration(organisation_name="Gamma SRL")["organisation"]
    data = {"csrf_token": token(client), "ids": [first, second]}
    page = client.post(APPROVE, data=data)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Alfa SRL" in html
    assert "Beta SRL" in html
    assert "Gamma SRL" not in html
    assert (status(first), status(second)) == ("pending", "pending")

    done = client.post(APPROVE, data={**data, "confirmed": "yes", "status": "pending"})
    assert done.status_code == 302
    assert done.headers["Location"] == f"{LIST}?status=pending"
    assert (status(first), status(second), status(other)) == (
        "approved",
        "approved",
        "pending",
    )
    assert len(db.session.scalars(select(OutboxMessage)).all()) == 2
    assert sorted(e.subject_id for e in audited("approve")) == sorted([first, second])
    listed = client.get(done.headers["Location"] + "&lang=en").get_data(as_text=True)
    assert "2 registrations approved." in listed


def test_rejecting_several_with_a_reason_waits_for_confirmation(
    client: FlaskClient, official: int, make_registration: Callable[..., Any]
):
    ids = [make_registration()["organisation"] for _ in range(2)]
    data = {"csrf_token": token(client), "ids": ids, "reason": "Outside Ilfov"}
    page = client.post(REJECT, data=data).get_data(as_text=True)
    assert "Outside Ilfov" in page  # the reason is kept on the confirmation page
    assert [status(i) for i in ids] == ["pending", "pending"]

    client.post(REJECT, data={**data, "confirmed": "yes"})
    assert [status(i) for i in ids] == ["rejected", "rejected"]
    bodies = [m.body for m in db.session.scalars(select(OutboxMessage))]
    assert len(bodies) == 2
    assert all("Outside Ilfov" in body for body in bodies)
    entries = audited("reject")
    assert len(entries) == 2
    assert all(e.details == {"reason": True} for e in entries)


def test_one_rejection_from_its_page_is_confirmed_first(
    client: FlaskClient, official: int, make_registration: Callable[..., Any]
):
    organisation = make_registration(organisation_name="Spam Co")["organisation"]
    data = {"csrf_token": token(client), "ids": [organisation], "origin": organisation}
    page = client.post(REJECT, data=data)
    assert page.status_code == 200
    assert "Spam Co" in page.get_data(as_text=True)
    assert status(organisation) == "pending"
    done = client.post(REJECT, data={**data, "confirmed": "yes"})
    assert done.headers["Location"] == f"{LIST}/{organisation}"
    assert status(organisation) == "rejected"


def test_one_approval_from_a_row_acts_at_once_and_keeps_the_list_page(
    client: FlaskClient, official: int, make_registration: Callable[..., Any]
):
    organisation = make_registration()["organisation"]
    data = {"csrf_token": token(client), "ids": [organisation], "kind": "sme"}
    response = client.post(APPROVE, data=data)
    assert response.status_code == 302
    assert response.headers["Location"] == f"{LIST}?kind=sme"
    assert status(organisation) == "approved"


def test_a_decision_naming_another_pacts_registration_is_refused_whole(
    client: FlaskClient, official: int, make_registration: Callable[..., Any]
):
    own = make_registration()["organisation"]
    foreign = make_registration(pact="torino")["organisation"]
    data = {"csrf_token": token(client), "ids": [own, foreign], "confirmed": "yes"}
    assert client.post(APPROVE, data=data).status_code == 404
    assert (status(own), status(foreign)) == ("pending", "pending")
    assert db.session.scalars(select(OutboxMessage)).all() == []


def test_a_decision_without_the_csrf_token_changes_nothing(
    client: FlaskClient, official: int, make_registration: Callable[..., Any]
):
    organisation = make_registration()["organisation"]
    response = client.post(APPROVE, data={"ids": [organisation], "confirmed": "yes"})
    assert response.status_code == 400
    assert status(organisation) == "pending"


def test_nothing_ticked_is_a_clear_error(client: FlaskClient, official: int):
    response = client.post(APPROVE, data={"csrf_token": token(client)})
    assert response.status_code == 302
    page = client.get(response.headers["Location"] + "?lang=en").get_data(as_text=True)
    assert "Select at least one registration." in page


def test_next_pending_leads_to_the_oldest_other_waiting_registration(
    client: FlaskClient, official: int, make_registration: Callable[..., Any]
):
    oldest = make_registration()["organisation"]
    make_registration(status="approved")
    newer = make_registration()["organisation"]
    html = client.get(f"{LIST}/{newer}?lang=en").get_data(as_text=True)
    assert f'href="{LIST}/{oldest}">Next pending registration' in html
    html = client.get(f"{LIST}/{oldest}?lang=en").get_data(as_text=True)
    assert f'href="{LIST}/{newer}">Next pending registration' in html
    client.post(
        f"{LIST}/{newer}/approve",
        data={"csrf_token": token(client), "confirmed": "yes"},
    )
    html = client.get(f"{LIST}/{oldest}?lang=en").get_data(as_text=True)
    assert "Next pending registration" not in html


# --- editing -------------------------------------------------------------------------


def walk_in(make_registration: Callable[..., Any]) -> int:
    """A walk-in's registration: size, sector and place unknown."""
    organisation_id = int(make_registration()["organisation"])
    row = db.session.get(Organisation, organisation_id)
    assert row is not None
    row.size = row.sector = row.locality = row.region = None
    db.session.commit()
    return organisation_id


def edit_form(client: FlaskClient, organisation: int, **changes: Any) -> dict[str, Any]:
    """What the edit page shows (as a browser would send it back), with changes."""
    html = client.get(f"{LIST}/{organisation}/edit").get_data(as_text=True)
    row = db.session.get(Organisation, organisation)
    assert row is not None
    assert row.contact is not None
    data: dict[str, Any] = {
        "csrf_token": csrf_from(html),
        "organisation_name": row.name,
        "kind": row.kind,
        "size": row.size or "",
        "sector": row.sector or "",
        "locality": row.locality or "",
        "region": row.region or "",
        "country": row.country,
        "contact_name": row.contact.name,
        "contact_position": row.contact.position,
        "contact_email": row.contact.email,
        "contact_phone": row.contact.phone or "",
        "services": row.service_keys,
        "themes": [theme.key for theme in row.themes],
        "motivation": row.motivation,
    }
    data.update(changes)
    return data


def test_an_official_completes_a_walk_in_and_the_history_names_the_fields(
    client: FlaskClient, official: int, make_registration: Callable[..., Any]
):
    organisation = walk_in(make_registration)
    data = edit_form(
        client,
        organisation,
        size="micro",
        sector="F",
        locality="Voluntari",
        region="Ilfov",
        contact_phone="0722 000 111",
    )
    response = client.post(f"{LIST}/{organisation}/edit", data=data)
    assert response.status_code == 302
    row = db.session.get(Organisation, organisation)
    assert row is not None
    assert (row.size, row.sector, row.locality) == ("micro", "F", "Voluntari")
    change = db.session.scalars(select(RegistrationChange)).one()
    fields = ["contact_phone", "locality", "region", "sector", "size"]
    assert (change.actor_id, change.fields) == (official, fields)
    (entry,) = audited("edit")
    assert entry.details == {"fields": fields}  # names only, no old values
    page = client.get(f"{LIST}/{organisation}?lang=en").get_data(as_text=True)
    assert "Test official" in page
    assert "Contact&#39;s phone" in page
    assert "Sector" in page.split("History of changes")[1]


def test_an_edit_keeps_the_public_forms_rules(
    client: FlaskClient, official: int, make_registration: Callable[..., Any]
):
    organisation = make_registration(organisation_name="Rule SRL")["organisation"]
    data = edit_form(client, organisation, contact_email="not an address", size="")
    response = client.post(f"{LIST}/{organisation}/edit?lang=en", data=data)
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert db.session.scalars(select(RegistrationChange)).all() == []


def test_an_edit_refuses_an_address_another_registration_has(
    client: FlaskClient, official: int, make_registration: Callable[..., Any]
):
    make_registration(contact_email="taken@org.ro")
    organisation = make_registration()["organisation"]
    data = edit_form(client, organisation, contact_email="taken@org.ro")
    response = client.post(f"{LIST}/{organisation}/edit?lang=en", data=data)
    assert "Another registration of this pact has this e-mail address." in (
        response.get_data(as_text=True)
    )
    assert db.session.scalars(select(RegistrationChange)).all() == []


def test_saving_unchanged_records_no_history(
    client: FlaskClient, official: int, make_registration: Callable[..., Any]
):
    organisation = make_registration()["organisation"]
    client.post(f"{LIST}/{organisation}/edit", data=edit_form(client, organisation))
    assert db.session.scalars(select(RegistrationChange)).all() == []
    assert audited("edit") == []


def test_another_pacts_registration_cannot_be_edited(
    client: FlaskClient, official: int, make_registration: Callable[..., Any]
):
    foreign = make_registration(pact="torino")["organisation"]
    assert client.get(f"{LIST}/{foreign}/edit").status_code == 404
    data = {"csrf_token": token(client), "organisation_name": "Taken over"}
    assert client.post(f"{LIST}/{foreign}/edit", data=data).status_code == 404


# --- spam ----------------------------------------------------------------------------


def test_spam_is_deleted_with_its_personal_data_after_confirmation(
    client: FlaskClient, official: int, make_registration: Callable[..., Any]
):
    spam = make_registration(
        organisation_name="Cheap Pills Ltd", contact_email="bot@spam.example"
    )
    url = f"{LIST}/{spam['organisation']}/delete"
    page = client.get(url).get_data(as_text=True)
    assert "Cheap Pills Ltd" in page
    client.post(url, data={"csrf_token": csrf_from(page)})  # box not ticked
    assert status(spam["organisation"]) == "pending"

    response = client.post(url, data={"csrf_token": csrf_from(page), "confirm": "y"})
    assert response.headers["Location"] == LIST
    assert status(spam["organisation"]) is None
    assert db.session.get(Person, spam["person"]) is None
    (entry,) = audited("delete_spam")
    assert entry.subject_id == spam["organisation"]
    assert entry.details == {"people": 1, "anonymised": False}
    assert "spam.example" not in str(entry.details)


def test_an_approved_registration_cannot_be_deleted_as_spam(
    client: FlaskClient, official: int, make_registration: Callable[..., Any]
):
    organisation = make_registration(status="approved")["organisation"]
    url = f"{LIST}/{organisation}/delete"
    page = client.get(url + "?lang=en").get_data(as_text=True)
    assert "Only a pending or rejected registration can be deleted as spam." in page
    client.post(url, data={"csrf_token": token(client), "confirm": "y"})
    assert status(organisation) == "approved"


def test_spam_whose_contact_wrote_on_a_board_is_anonymised_not_deleted(
    client: FlaskClient,
    official: int,
    make_registration: Callable[..., Any],
    make_staff: Callable[..., int],
):
    spammer = make_registration(status="approved", contact_name="Spam Bot Ltd Agent")
    pact = db.session.scalars(select(Pact.id).where(Pact.slug == "ilfov")).one()
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)
    workshop = create_workshop(
        official,
        pact,
        WorkshopData("Ideas", starts_at=start, ends_at=start + timedelta(hours=2)),
    )
    enrol_people(official, workshop["workshop"], [spammer["person"]])
    board = workshop["board"]
    facilitator = make_staff("facilitator")
    phase = {"board": board, "cid": "1", "phase": "ideas"}
    apply_board_change(board, facilitator, "board:phase", phase)
    card = {"board": board, "cid": "2", "theme": theme_id(pact), "text": "Buy pills"}
    apply_board_change(board, spammer["person"], "card:create", card)
    db.session.execute(
        update(Organisation)
        .where(Organisation.id == spammer["organisation"])
        .values(status="pending")
    )
    db.session.commit()

    url = f"{LIST}/{spammer['organisation']}/delete"
    client.post(url, data={"csrf_token": token(client), "confirm": "y"})

    db.session.expire_all()
    person = db.session.get(Person, spammer["person"])
    assert person is not None
    assert person.erased_at is not None
    assert person.name != "Spam Bot Ltd Agent"
    assert db.session.scalar(select(Card.text).where(Card.board_id == board)) == (
        "Buy pills"
    )
    (entry,) = audited("delete_spam")
    assert entry.details == {"people": 1, "anonymised": True}
