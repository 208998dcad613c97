"""Helpers shared by the pact tests, built on the real use cases: approved
organisations (`Party`), commitments added, agreed and signed, the pact document
written and the pact backdated, progress reported, the personal links the e-mails
carry, and the officials' pages as a browser uses them. Plain functions and
dataclasses, so any module may use them beside the fixtures (tests/conftest.py and
tests/pacts/conftest.py, whose `world` is a `World`). Call inside an app context."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask import current_app
from flask.testing import FlaskClient
from flask_babel import force_locale, gettext
from sqlalchemy import func, select

from commitments.models import Commitment
from commitments.operations import (
    CommitmentData,
    add_commitment,
    agree_commitment,
    member_link,
    sign_commitment,
)
from core.models import Pact, Theme
from core.pacts import find_pact
from core.time import today_in
from extensions import db
from pacts.monitoring import ProgressData, report_progress
from pacts.publishing import PactDocumentData, publish_pact, update_pact_document
from stakeholders.models import Organisation, Person
from tests.conftest import csrf_from
from tests.workshops.factories import load_person

COMPILE = "/staff/p/ilfov/pact"


# --- parties -------------------------------------------------------------------------


@dataclass(frozen=True)
class Party:
    """An approved organisation and its contact person."""

    organisation: int
    person: int
    name: str


@dataclass(frozen=True)
class World:
    """A pact with an official, a lead, a co-signer and an outsider (not a party to
    the commitments the helpers below make for the world)."""

    pact: int
    official: int
    lead: Party
    co_signer: Party
    outsider: Party


def approved_party(
    make_registration: Callable[..., dict[str, Any]],
    name: str,
    pact: str = "ilfov",
    language: str = "en",
) -> Party:
    made = make_registration(
        pact, status="approved", organisation_name=name, language=language
    )
    return Party(made["organisation"], made["person"], name)


def organisation_of(person_id: int) -> int:
    organisation_id = load_person(person_id).organisation_id
    assert organisation_id is not None
    return organisation_id


def email_of(person_id: int) -> str:
    return load_person(person_id).email


# --- pacts ---------------------------------------------------------------------------


def load_pact(slug: str) -> Pact:
    pact = find_pact(slug)
    assert pact is not None
    return pact


def theme_id(pact_id: int, key: str = "circular-economy") -> int:
    found = db.session.scalar(
        select(Theme.id).where(Theme.pact_id == pact_id, Theme.key == key)
    )
    assert found is not None, f"pact {pact_id} has no theme {key}"
    return int(found)


def write_document(official: int, pact_id: int, **overrides: Any) -> None:
    """The pact document; `overrides` replace PactDocumentData's defaults."""
    document = PactDocumentData(
        introduction="Ilfov își asumă o economie verde.\n\nSecond paragraph.",
        governance="A steering group meets twice a year.",
        partners="Ilfov County Council\nSME4GREEN",
        authority_name="Consiliul Județean Ilfov",
        report_frequency="yearly",
        licence="CC-BY-4.0",
    )
    update_pact_document(official, pact_id, replace(document, **overrides))


def publish_on(pact_id: int, day: date) -> None:
    """Move the pact's publication to noon UTC of `day` (the reminders count from
    it)."""
    pact = db.session.get(Pact, pact_id)
    assert pact is not None
    moved = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
    for commitment in db.session.scalars(
        select(Commitment).where(Commitment.joined_at == pact.published_at)
    ):
        commitment.joined_at = moved  # those published with it move with it
    pact.published_at = moved
    db.session.commit()


def backdate(pact_id: int, days: int) -> None:
    """Move the pact's signing, and its commitments' creation and signatures, `days`
    into the past, as if it had been published that long ago (the use cases stamp
    them with the current time)."""
    shift = timedelta(days=days)
    pact = db.session.get(Pact, pact_id)
    assert pact is not None
    assert pact.published_at is not None
    pact.published_at -= shift
    for commitment in db.session.scalars(
        select(Commitment).where(Commitment.pact_id == pact_id)
    ):
        commitment.created_at -= shift
        if commitment.joined_at is not None:
            commitment.joined_at -= shift
        for signature in commitment.signatures:
            signature.signed_at -= shift
    db.session.commit()


# --- commitments ---------------------------------------------------------------------


def commitment_data(theme: int, lead: int, **overrides: Any) -> CommitmentData:
    """A commitment in `theme` led by the organisation `lead`; `overrides` replace
    CommitmentData's defaults (no co-signers unless `co_signer_ids`)."""
    data = CommitmentData(
        title="Reusable packaging for 40 clients",
        action="Replace single-use boxes with returnable crates.",
        theme_id=theme,
        lead_id=lead,
        co_signer_ids=(),
        indicator_name="Clients using returnable crates",
        indicator_unit="clients",
        indicator_baseline=0.0,
        indicator_target=40.0,
        deadline=date(2028, 12, 31),
        support_requested="A collection point at the county depot.",
        support_promised="Space at the Otopeni depot.",
    )
    return replace(data, **overrides)


def new_commitment(official: int, pact_id: int, lead: int, **overrides: Any) -> int:
    """A draft, added by the official outside a workshop, in the circular economy
    theme unless `theme_id` says otherwise."""
    theme = overrides.pop("theme_id", None) or theme_id(pact_id)
    data = commitment_data(theme, lead, **overrides)
    return int(add_commitment(official, pact_id, data)["commitment"])


def sign_for(commitment_id: int, *organisations: int) -> None:
    """Each organisation's contact signs the commitment for it."""
    for organisation_id in organisations:
        organisation = db.session.get(Organisation, organisation_id)
        assert organisation is not None
        assert organisation.contact is not None
        sign_commitment(organisation.contact.id, commitment_id, organisation_id)


def signed_commitment(
    official: int,
    pact_id: int,
    lead: int,
    *,
    signers: tuple[int, ...] = (),
    **overrides: Any,
) -> int:
    """A commitment agreed by the official and signed by its lead's contact (then
    by those of the organisations `signers`)."""
    commitment_id = new_commitment(official, pact_id, lead, **overrides)
    agree_commitment(official, commitment_id)
    sign_for(commitment_id, lead, *signers)
    return commitment_id


def load_commitment(commitment_id: int) -> Commitment:
    db.session.expire_all()
    found = db.session.get(Commitment, commitment_id)
    assert found is not None
    return found


def data_for(world: World, **overrides: Any) -> CommitmentData:
    """The world's commitment: led by its lead, co-signed by its co-signer, in the
    pact's first theme."""
    overrides.setdefault("co_signer_ids", (world.co_signer.organisation,))
    return commitment_data(theme_id(world.pact), world.lead.organisation, **overrides)


def draft(world: World, **overrides: Any) -> int:
    data = data_for(world, **overrides)
    return int(add_commitment(world.official, world.pact, data)["commitment"])


def agreed(world: World, **overrides: Any) -> int:
    commitment_id = draft(world, **overrides)
    agree_commitment(world.official, commitment_id)
    return commitment_id


def published(world: World, **overrides: Any) -> int:
    """An agreed commitment signed by its lead, in a published pact."""
    commitment_id = agreed(world, **overrides)
    sign_for(commitment_id, load_commitment(commitment_id).lead_organisation_id)
    pact = db.session.get(Pact, world.pact)
    assert pact is not None
    if pact.published_at is None:
        publish_pact(world.official, world.pact)
    return commitment_id


# --- progress ------------------------------------------------------------------------


def report(
    reporter: int,
    pact_id: int,
    commitment_id: int,
    value: float,
    days_ago: int = 0,
    **fields: Any,
) -> int:
    """A progress report dated `days_ago` days before today in the pact's time zone;
    `fields` override ProgressData's (reported_on, narrative, status, evidence...)."""
    pact = db.session.get(Pact, pact_id)
    assert pact is not None
    values: dict[str, Any] = {
        "reported_on": today_in(pact) - timedelta(days=days_ago),
        "narrative": "Work is going to plan.",
        "status": "in progress",
    }
    data = ProgressData(value=value, **(values | fields))
    return int(report_progress(reporter, pact_id, commitment_id, data)["report"])


# --- personal links ------------------------------------------------------------------


def path_of(url: str) -> str:
    return url.removeprefix(str(current_app.config["PUBLIC_URL"]).rstrip("/"))


def link_path(person_id: int) -> str:
    """The path of the person's personal link (what the e-mails carry)."""
    return path_of(member_link(load_person(person_id)))


def open_member_session(client: FlaskClient, person_id: int) -> None:
    response = client.get(link_path(person_id))
    assert response.status_code == 302
    assert response.headers["Location"] == "/me/commitments"


# --- pages ---------------------------------------------------------------------------


def commitment_form(theme: int, lead: int, /, **overrides: Any) -> dict[str, Any]:
    """A valid submission of the commitment form, typed as a Romanian official
    would (a decimal comma)."""
    data: dict[str, Any] = {
        "title": "Reusable crates for fresh produce",
        "action": "Replace single-use boxes with a deposit crate system.",
        "theme": str(theme),
        "lead": str(lead),
        "indicator_name": "Single-use boxes avoided",
        "indicator_unit": "thousand boxes",
        "indicator_baseline": "0",
        "indicator_target": "12,5",
        "deadline": "2030-12-31",
        "support_requested": "A depot in the county's logistics park.",
        "support_promised": "",
    }
    data.update(overrides)
    return data


def count_of(model: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def page_text(response: Any) -> str:
    """The page's HTML with entities read back (`pact&#39;s` is `pact's`)."""
    return html.unescape(response.get_data(as_text=True))


def post_form(
    client: FlaskClient, url: str, data: dict[str, Any], page: str | None = None
) -> Any:
    """Submit a form as the browser would: with the CSRF token of a page it shows."""
    token = csrf_from(client.get(page or url).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token})


def switch_to(client: FlaskClient, login: Callable[[int], None], person: int) -> None:
    """Log out whoever is logged in, then log `person` in."""
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/staff/").text)})
    login(person)


def in_language_of(recipient: str, text: str, **values: Any) -> str:
    """`text` from the catalogue as the recipient of an e-mail reads it (in their
    language)."""
    person = db.session.scalars(select(Person).where(Person.email == recipient)).one()
    with force_locale(person.language):
        return str(gettext(text, **values))
