"""The stakeholders' side of commitments over HTTP: the personal link opens a
participant session (and nothing else does), "My commitments" shows the commitments
of the person's organisation in full, and signing is for one's own organisation, on
an agreed commitment it is party to."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from commitments.models import Signature
from core.tokens import member_token
from extensions import db
from stakeholders.models import Person
from tests.conftest import csrf_from
from tests.pacts.factories import (
    World,
    agreed,
    draft,
    email_of,
    in_language_of,
    link_path,
    load_commitment,
    open_member_session,
    path_of,
    post_form,
)
from tests.workshops.factories import TIMEZONE, outbox

LINK = re.compile(r"https?://\S+/me/link/\S+")


def page(client: FlaskClient) -> str:
    response = client.get("/me/commitments")
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def sign(client: FlaskClient, commitment_id: int, organisation: int | str) -> Any:
    url = f"/me/commitments/{commitment_id}/sign"
    return post_form(
        client, url, {"organisation": str(organisation)}, "/me/commitments"
    )


def signatures() -> int:
    return int(db.session.scalar(select(func.count()).select_from(Signature)) or 0)


# --- the personal link -------------------------------------------------------------


def test_personal_link_logs_in_and_lists_only_the_organisations_commitments(
    client: FlaskClient, world: World
):
    leads = agreed(world, title="Returnable crates")
    co_signs = agreed(
        world,
        title="Shared electric van",
        lead_id=world.co_signer.organisation,
        co_signer_ids=(world.lead.organisation,),
    )
    agreed(
        world,
        title="Solar roofs",
        lead_id=world.outsider.organisation,
        co_signer_ids=(),
    )
    draft(world, title="Still a draft")

    response = client.get(link_path(world.lead.person))
    assert response.status_code == 302
    assert response.headers["Location"] == "/me/commitments"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"

    text = page(client)
    assert "Returnable crates" in text
    assert "Shared electric van" in text
    assert "Solar roofs" not in text
    assert "Still a draft" not in text
    assert f'id="commitment-{leads}"' in text
    assert f'id="commitment-{co_signs}"' in text
    # The whole commitment, as signed: action, indicator, deadline, support.
    assert "Replace single-use boxes with returnable crates." in text
    assert "Clients using returnable crates: 0 → 40 clients" in text
    assert "31 Dec 2028" in text
    assert "A collection point at the county depot." in text
    assert "Space at the Otopeni depot." in text
    assert "Verde Logistic SRL (co-signer): not signed yet" in text
    assert "Sign for EcoPack Ambalaje SRL" in text
    assert 'href="/me/commitments"' in text, "the navigation links the page"


def expired(world: World) -> str:
    return f"/me/link/{member_token(world.lead.person, -60)}"


def tampered(world: World) -> str:
    path = link_path(world.lead.person)
    return path[:-3] + ("aaa" if not path.endswith("aaa") else "bbb")


def of_staff(world: World) -> str:
    return f"/me/link/{member_token(world.official, 3600)}"


def of_someone_inactive(world: World) -> str:
    person = db.session.get(Person, world.lead.person)
    assert person is not None
    person.active = False
    db.session.commit()
    return link_path(world.lead.person)


NEW_LINK_FORM = 'action="/me/link/new"'
ASK_THE_TEAM = "ask the pact's team for a new link"


@pytest.mark.parametrize(
    ("path_for", "reason", "what_next"),
    [
        (expired, "This link has expired.", NEW_LINK_FORM),
        (tampered, "This link is not valid", NEW_LINK_FORM),
        (of_staff, "This link is not valid", NEW_LINK_FORM),
        (of_someone_inactive, "This link no longer works", ASK_THE_TEAM),
    ],
)
def test_a_bad_personal_link_is_refused_with_its_reason_and_no_session(
    client: FlaskClient,
    world: World,
    path_for: Callable[[World], str],
    reason: str,
    what_next: str,
):
    agreed(world)
    response = client.get(path_for(world))
    assert response.status_code == 403
    text = html.unescape(response.get_data(as_text=True))
    assert reason in text
    assert what_next in text
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"
    after = client.get("/me/commitments")
    assert after.status_code == 302
    assert after.headers["Location"] == "/me"


def test_my_commitments_needs_a_participant_session(
    client: FlaskClient, world: World, login: Callable[[int], None]
):
    anonymous = client.get("/me/commitments")
    assert anonymous.headers["Location"] == "/me"
    login(world.official)
    staff = client.get("/me/commitments")
    assert staff.status_code == 302
    assert staff.headers["Location"] == "/staff/"


def test_agreeing_emails_each_party_a_link_that_opens_its_page(
    app: Flask, world: World
):
    agreed(world, title="Returnable crates")
    messages = outbox()
    assert len(messages) == 2
    for message in messages:
        assert message.subject == in_language_of(
            message.recipient, "Please sign: %(title)s", title="Returnable crates"
        )
    for message in messages:
        found = LINK.search(message.body)
        assert found is not None
        client = app.test_client()
        response = client.get(path_of(found.group(0)))
        assert response.headers["Location"] == "/me/commitments"
        assert "Returnable crates" in page(client)


# --- signing -----------------------------------------------------------------------


def test_the_lead_signs_and_the_commitment_becomes_signed(
    client: FlaskClient, world: World
):
    commitment_id = agreed(world)
    open_member_session(client, world.lead.person)
    response = sign(client, commitment_id, world.lead.organisation)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(
        f"/me/commitments#commitment-{commitment_id}"
    )
    commitment = load_commitment(commitment_id)
    assert commitment.status == "signed"
    [signature] = commitment.signatures
    assert signature.organisation_id == world.lead.organisation
    assert signature.person_id == world.lead.person
    assert signature.commitment_version == commitment.version
    text = page(client)
    assert "Signed for EcoPack Ambalaje SRL. Thank you!" in text
    assert "Sign for EcoPack Ambalaje SRL" not in text
    signed_on = signature.signed_at.astimezone(ZoneInfo(TIMEZONE)).strftime("%-d %B %Y")
    assert f"EcoPack Ambalaje SRL (lead): signed on {signed_on} by Maria Popescu" in (
        text
    )


def test_a_co_signer_signs_for_its_organisation(client: FlaskClient, world: World):
    commitment_id = agreed(world)
    open_member_session(client, world.co_signer.person)
    response = sign(client, commitment_id, world.co_signer.organisation)
    assert response.status_code == 303
    commitment = load_commitment(commitment_id)
    assert [s.organisation_id for s in commitment.signatures] == [
        world.co_signer.organisation
    ]
    assert commitment.status == "agreed", "only the lead's signature makes it signed"
    assert "Verde Logistic SRL (co-signer): signed on" in page(client)


def closed(world: World) -> int:
    """An agreed commitment its lead has since reported done."""
    commitment_id = agreed(world)
    load_commitment(commitment_id).status = "done"
    db.session.commit()
    return commitment_id


@pytest.mark.parametrize(
    ("make", "signer", "organisation", "status", "message"),
    [
        (
            agreed,
            "lead",
            "co_signer",
            403,
            "You can sign only for your own organisation.",
        ),
        (agreed, "outsider", "outsider", 403, "Your organisation is not a party"),
        (closed, "lead", "lead", 409, "This commitment is closed."),
    ],
    ids=["for-an-organisation-not-ones-own", "not-a-party", "a-closed-one"],
)
def test_a_refused_signature_says_why_and_stores_nothing(
    client: FlaskClient,
    world: World,
    make: Callable[[World], int],
    signer: str,
    organisation: str,
    status: int,
    message: str,
):
    commitment_id = make(world)
    open_member_session(client, getattr(world, signer).person)
    response = sign(client, commitment_id, getattr(world, organisation).organisation)
    assert response.status_code == status
    assert message in html.unescape(response.get_data(as_text=True))
    assert signatures() == 0


@pytest.mark.parametrize("organisation", ["", "abc", "-1"])
def test_a_malformed_organisation_field_is_refused(
    client: FlaskClient, world: World, organisation: str
):
    commitment_id = agreed(world)
    open_member_session(client, world.lead.person)
    assert sign(client, commitment_id, organisation).status_code == 400
    assert signatures() == 0


def test_signing_needs_the_csrf_token(client: FlaskClient, world: World):
    commitment_id = agreed(world)
    open_member_session(client, world.lead.person)
    response = client.post(
        f"/me/commitments/{commitment_id}/sign",
        data={"organisation": str(world.lead.organisation)},
    )
    assert response.status_code == 400
    assert signatures() == 0


def ask_for_a_new_link(client: FlaskClient, email: str) -> Any:
    page = client.get("/me/link/new")
    assert page.status_code == 200
    token = csrf_from(page.get_data(as_text=True))
    return client.post("/me/link/new", data={"email": email, "csrf_token": token})


def test_a_party_asking_for_a_new_link_gets_one_that_works(
    app: Flask, client: FlaskClient, world: World
):
    agreed(world)
    before = len(outbox())
    response = ask_for_a_new_link(client, email_of(world.co_signer.person).upper())
    assert response.status_code == 200
    sent = outbox()[before:]
    assert [m.recipient for m in sent] == [email_of(world.co_signer.person)]
    found = LINK.search(sent[0].body)
    assert found is not None
    opened = app.test_client().get(path_of(found.group(0)))
    assert opened.headers["Location"] == "/me/commitments"


@pytest.mark.parametrize("who", ["unknown", "draft only"])
def test_no_link_goes_to_an_address_that_is_no_party_and_the_answer_is_the_same(
    client: FlaskClient, world: World, who: str
):
    if who == "draft only":
        draft(world)
        email = email_of(world.lead.person)
    else:
        agreed(world)
        email = "nobody@example.ro"
    before = len(outbox())
    response = ask_for_a_new_link(client, email)
    assert response.status_code == 200
    assert "If this address is enrolled, a new link is on its way." in html.unescape(
        response.get_data(as_text=True)
    )
    assert outbox()[before:] == []


def test_a_malformed_address_for_a_new_link_is_refused_beside_the_field(
    client: FlaskClient, world: World
):
    response = ask_for_a_new_link(client, "not-an-address")
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.get_data(as_text=True)


def test_the_anonymous_my_page_leads_to_a_new_personal_link(client: FlaskClient):
    page = client.get("/me").get_data(as_text=True)
    assert 'href="/me/link/new"' in page
    assert NEW_LINK_FORM in client.get("/me/link/new").get_data(as_text=True)
