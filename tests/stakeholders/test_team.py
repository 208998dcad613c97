"""A pact's team page: officials invite (a new account gets a link to set its
password; an existing staff account just joins, with a notice), change roles,
remove members and deactivate accounts, with confirmations and audit entries;
facilitators only see the team; another pact's official gets 404; a pact never
loses its last active official; roles stay per pact."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from core.audit import AuditEntry
from core.mail import OutboxMessage
from extensions import db
from stakeholders.models import Person
from stakeholders.team import grant_role
from tests.conftest import PASSWORD, csrf_from
from tests.stakeholders.accounts_helpers import links_sent_to, post_form, set_password
from tests.stakeholders.test_login import log_in

TEAM = "/staff/p/ilfov/team"
NEW_PASSWORD = "the invited person's password"


@pytest.fixture
def people(
    make_pact: Callable[..., int], make_staff: Callable[..., int]
) -> dict[str, int]:
    make_pact("torino", languages="it,en")
    return {
        "official": make_staff("official", pacts=("ilfov",)),
        "second_official": make_staff("official", pacts=("ilfov",)),
        "facilitator": make_staff("facilitator", pacts=("ilfov",)),
        "torino_official": make_staff("official", pacts=("torino",)),
    }


def person(person_id: int) -> Person:
    found = db.session.get(Person, person_id)
    assert found is not None
    db.session.refresh(found)
    return found


def logged_in(app: Flask, person_id: int) -> FlaskClient:
    client = app.test_client()
    assert log_in(client, person(person_id).email, PASSWORD).status_code == 302
    return client


def invite(client: FlaskClient, **data: str) -> Any:
    values = {"name": "Ioana Marin", "email": "ioana@ilfov.ro", "role": "facilitator"}
    values |= {"language": "ro", **data}
    return post_form(client, f"{TEAM}?lang=en", f"{TEAM}/invite", **values)


def actions(pact_id: int) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.pact_id == pact_id, AuditEntry.action != "log_in")
            .order_by(AuditEntry.id)
        )
    )


def test_an_official_invites_a_new_facilitator_who_sets_a_password(
    app: Flask, people: dict[str, int], make_pact: Callable[..., int]
):
    official = logged_in(app, people["official"])

    response = invite(official)

    assert response.status_code == 302
    invited = db.session.scalars(
        select(Person).where(Person.email == "ioana@ilfov.ro")
    ).one()
    assert invited.password_hash is None
    assert invited.role_in(make_pact("ilfov")) == "facilitator"
    assert invited.language == "ro"
    page = official.get(TEAM + "?lang=en").get_data(as_text=True)
    assert "Invited, not yet accepted" in page
    [path] = links_sent_to("ioana@ilfov.ro", "/invitation/")
    subject = db.session.scalars(
        select(OutboxMessage.subject).where(OutboxMessage.recipient == invited.email)
    ).one()
    assert "Ilfov" in subject

    newcomer = app.test_client()
    form = newcomer.get(path + "?lang=en").get_data(as_text=True)
    assert 'value="Ioana Marin"' in form  # the name, prefilled
    accepted = set_password(newcomer, path, NEW_PASSWORD, name="Ioana Marin-Pop")

    assert accepted.headers["Location"] == "/staff/"
    assert newcomer.get("/staff/").status_code == 200
    assert person(invited.id).name == "Ioana Marin-Pop"
    assert log_in(app.test_client(), invited.email, NEW_PASSWORD).status_code == 302
    assert actions(make_pact("ilfov")) == ["invite_staff"]
    # Used: the link now says so, and points to "Forgot your password?".
    again = app.test_client().get(path)
    assert again.status_code == 403
    assert "/login/forgot" in again.get_data(as_text=True)


def test_an_official_of_b_invited_to_a_as_facilitator_keeps_roles_per_pact(
    app: Flask, people: dict[str, int], make_pact: Callable[..., int]
):
    torino_official = person(people["torino_official"])
    official = logged_in(app, people["official"])

    response = invite(official, email=torino_official.email, name="Someone else")

    assert response.status_code == 302
    ilfov, torino = make_pact("ilfov"), make_pact("torino")
    joined = person(torino_official.id)
    assert joined.role_in(ilfov) == "facilitator"
    assert joined.role_in(torino) == "official"
    assert joined.name == "Test official"  # not renamed by the invitation
    assert links_sent_to(joined.email) == []  # a notice, no link
    notices = db.session.scalars(
        select(OutboxMessage.body).where(OutboxMessage.recipient == joined.email)
    ).all()
    assert len(notices) == 1
    assert "/staff/" in notices[0]
    client = logged_in(app, joined.id)
    assert client.get("/staff/p/ilfov/workshops").status_code == 200
    assert client.get("/staff/p/ilfov/audit").status_code == 403  # facilitator here
    assert client.get("/staff/p/torino/audit").status_code == 200  # official there


def test_inviting_a_member_again_or_with_bad_input_is_refused_clearly(
    app: Flask, people: dict[str, int]
):
    official = logged_in(app, people["official"])
    member = person(people["facilitator"]).email

    twice = invite(official, email=member)
    bad = invite(official, email="not-an-email", role="boss", language="de", name="")

    assert twice.status_code == 400
    assert "in the pact&#39;s team already" in twice.get_data(as_text=True)
    assert bad.status_code == 400
    page = bad.get_data(as_text=True)
    assert "This field is required." in page
    assert "Not a valid choice" in page or "choose" in page


def test_a_facilitator_sees_the_team_but_cannot_manage_it(
    app: Flask, people: dict[str, int]
):
    facilitator = logged_in(app, people["facilitator"])

    page = facilitator.get(TEAM + "?lang=en")

    assert page.status_code == 200
    assert "Test official" in page.get_data(as_text=True)
    assert "Invite a person" not in page.get_data(as_text=True)
    assert invite(facilitator).status_code == 403


def team_emails(people: dict[str, int]) -> list[str]:
    return [person(person_id).email for person_id in people.values()]


def test_a_facilitator_sees_the_teams_names_and_roles_but_no_email_address(
    app: Flask, people: dict[str, int]
):
    facilitator = logged_in(app, people["facilitator"])

    page = facilitator.get(TEAM + "?lang=en").get_data(as_text=True)

    assert "Test official" in page
    assert "Facilitator" in page
    assert "@" not in page.split("<main", 1)[1]
    assert not any(email in page for email in team_emails(people))


@pytest.mark.parametrize("who", ["official", "administrator"])
def test_the_pacts_officials_and_administrators_see_the_teams_email_addresses(
    app: Flask, people: dict[str, int], who: str
):
    from stakeholders.services import create_staff

    if who == "administrator":
        admin = create_staff("admin@greenpact.example", "Admin", "admin", PASSWORD, [])
        people = {**people, who: int(admin["id"])}
    viewer = logged_in(app, people[who])

    page = viewer.get(TEAM + "?lang=en").get_data(as_text=True)

    ilfov_team = ("official", "second_official", "facilitator")
    for member in ilfov_team:
        assert person(people[member]).email in page, member


def test_another_pacts_official_gets_404_for_every_team_page(
    app: Flask, people: dict[str, int]
):
    torino = logged_in(app, people["torino_official"])
    target = people["facilitator"]
    token = csrf_from(torino.get("/staff/p/torino/team").get_data(as_text=True))

    assert torino.get(TEAM).status_code == 404
    assert torino.get(f"{TEAM}/{target}/remove").status_code == 404
    assert torino.get(f"{TEAM}/{target}/deactivate").status_code == 404
    for action in ("role", "resend", "reactivate", "remove", "deactivate"):
        response = torino.post(
            f"{TEAM}/{target}/{action}", data={"csrf_token": token, "role": "official"}
        )
        assert response.status_code == 404, action
    assert invite(torino).status_code == 404


def test_an_official_changes_a_role_and_it_is_audited(
    app: Flask, people: dict[str, int], make_pact: Callable[..., int]
):
    official = logged_in(app, people["official"])
    target = people["facilitator"]

    response = post_form(official, TEAM, f"{TEAM}/{target}/role", role="official")

    assert response.status_code == 302
    assert person(target).role_in(make_pact("ilfov")) == "official"
    assert actions(make_pact("ilfov")) == ["change_role"]


def test_the_last_active_official_cannot_be_demoted_removed_or_deactivated(
    app: Flask, make_staff: Callable[..., int], make_pact: Callable[..., int]
):
    only = make_staff("official", pacts=("ilfov",))
    other = make_staff("official", pacts=("ilfov", "torino"))
    grant_role(other, make_pact("ilfov"), "facilitator")
    client = logged_in(app, only)

    demoted = post_form(client, TEAM, f"{TEAM}/{only}/role", role="facilitator")
    page = client.get(TEAM + "?lang=en").get_data(as_text=True)
    removed = post_form(client, TEAM, f"{TEAM}/{only}/remove", confirm="y")
    deactivated = post_form(client, TEAM, f"{TEAM}/{only}/deactivate", confirm="y")

    assert demoted.status_code == 302
    assert "without an active official" in page
    assert removed.status_code == 409
    assert "without an active official" in removed.get_data(as_text=True)
    assert deactivated.status_code == 409  # and not their own account anyway
    assert person(only).role_in(make_pact("ilfov")) == "official"
    assert actions(make_pact("ilfov")) == []


def test_removing_a_member_needs_a_confirmation(
    app: Flask, people: dict[str, int], make_pact: Callable[..., int]
):
    official = logged_in(app, people["official"])
    target = people["facilitator"]

    asked = official.get(f"{TEAM}/{target}/remove?lang=en")
    unconfirmed = post_form(official, TEAM, f"{TEAM}/{target}/remove")
    confirmed = post_form(official, TEAM, f"{TEAM}/{target}/remove", confirm="y")

    assert asked.status_code == 200
    assert "Yes, I am sure." in asked.get_data(as_text=True)
    assert unconfirmed.status_code == 400
    assert confirmed.status_code == 302
    assert person(target).role_in(make_pact("ilfov")) is None
    assert person(target).active  # the account stays
    assert actions(make_pact("ilfov")) == ["remove_staff"]


def test_a_deactivated_account_is_logged_out_at_once_and_cannot_log_in(
    app: Flask, people: dict[str, int], make_pact: Callable[..., int]
):
    target = people["facilitator"]
    victim = logged_in(app, target)
    official = logged_in(app, people["official"])

    done = post_form(official, TEAM, f"{TEAM}/{target}/deactivate", confirm="y")

    assert done.status_code == 302
    assert victim.get("/staff/").status_code == 302  # its session ended
    refused = log_in(app.test_client(), person(target).email, PASSWORD)
    assert refused.status_code == 200
    assert "Wrong e-mail or password." in refused.get_data(as_text=True)
    page = official.get(TEAM + "?lang=en").get_data(as_text=True)
    assert "Deactivated" in page
    assert actions(make_pact("ilfov")) == ["deactivate_account"]

    again = post_form(official, TEAM, f"{TEAM}/{target}/reactivate")

    assert again.status_code == 302
    assert log_in(app.test_client(), person(target).email, PASSWORD).status_code == 302
    assert actions(make_pact("ilfov"))[-1] == "reactivate_account"


def test_an_official_cannot_deactivate_staff_of_a_pact_they_do_not_run(
    app: Flask, people: dict[str, int], make_pact: Callable[..., int]
):
    # Official of Torino, and a facilitator in Ilfov.
    target = people["torino_official"]
    grant_role(target, make_pact("ilfov"), "facilitator")
    official = logged_in(app, people["official"])

    page = official.get(TEAM + "?lang=en").get_data(as_text=True)
    refused = post_form(official, TEAM, f"{TEAM}/{target}/deactivate", confirm="y")
    removed = post_form(official, TEAM, f"{TEAM}/{target}/remove", confirm="y")

    assert f"{TEAM}/{target}/deactivate" not in page
    assert refused.status_code == 409
    assert "you can remove them from this pact" in refused.get_data(as_text=True)
    assert person(target).active
    assert removed.status_code == 302
    assert person(target).role_in(make_pact("torino")) == "official"


def test_no_one_deactivates_their_own_account(app: Flask, people: dict[str, int]):
    me = people["official"]
    official = logged_in(app, me)

    refused = post_form(official, TEAM, f"{TEAM}/{me}/deactivate", confirm="y")

    assert refused.status_code == 409
    assert "your own account" in refused.get_data(as_text=True)


def test_an_administrator_manages_any_pacts_team(
    app: Flask,
    people: dict[str, int],
    make_pact: Callable[..., int],
    make_staff: Callable[..., int],
):
    from stakeholders.services import create_staff

    admin = create_staff("admin@greenpact.example", "Admin", "admin", PASSWORD, [])
    client = logged_in(app, admin["id"])
    target = people["torino_official"]
    grant_role(target, make_pact("ilfov"), "facilitator")
    refused = post_form(client, TEAM, f"{TEAM}/{target}/deactivate", confirm="y")
    # Torino's only official: once it has another, the account may go.
    assert refused.status_code == 409
    assert "without an active official" in refused.get_data(as_text=True)
    make_staff("official", pacts=("torino",))

    assert client.get(TEAM).status_code == 200
    invited = invite(client, email="new.official@ilfov.ro", role="official")
    done = post_form(client, TEAM, f"{TEAM}/{target}/deactivate", confirm="y")

    assert invited.status_code == 302
    assert done.status_code == 302
    assert not person(target).active
    # Both pacts of the deactivated person see it in their audit log.
    assert "deactivate_account" in actions(make_pact("torino"))


def test_resending_an_invitation_replaces_its_link(app: Flask, people: dict[str, int]):
    official = logged_in(app, people["official"])
    invite(official)
    invited = db.session.scalars(
        select(Person.id).where(Person.email == "ioana@ilfov.ro")
    ).one()

    response = post_form(official, TEAM, f"{TEAM}/{invited}/resend")

    assert response.status_code == 302
    first, second = links_sent_to("ioana@ilfov.ro", "/invitation/")
    assert app.test_client().get(first).status_code == 403
    accepted = set_password(app.test_client(), second, NEW_PASSWORD, name="Ioana")
    assert accepted.status_code == 302
