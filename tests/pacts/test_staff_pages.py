"""The officials' pact pages over HTTP: the compile list (filters, agree, reorder,
sign for the authority, publish), adding and editing a commitment (validation,
history, signatures voided, conflicts), the pact document, and who may do what."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from commitments.models import Commitment, CommitmentRevision, Signature
from commitments.operations import edit_commitment, sign_commitment
from core.audit import AuditEntry
from core.choices import CommitmentStatus
from core.models import Pact
from core.pacts import theme_label
from extensions import db
from tests.conftest import csrf_from
from tests.pacts.factories import (
    COMPILE,
    commitment_data,
    commitment_form,
    count_of,
    email_of,
    load_commitment,
    new_commitment,
    page_text,
    post_form,
    signed_commitment,
    switch_to,
    theme_id,
)
from tests.workshops.factories import last_message_id, new_workshop, outbox


@pytest.fixture
def world(
    client: FlaskClient,
    make_pact: Callable[..., int],
    make_staff: Callable[..., int],
    make_registration: Callable[..., dict[str, Any]],
    login: Callable[[int], None],
) -> dict[str, Any]:
    """The pact "ilfov" with a logged-in official, two approved organisations, a
    pending one, and an approved organisation of the pact "torino"."""
    pact = make_pact("ilfov")
    official = make_staff("official")
    lead = make_registration(status="approved", organisation_name="EcoPack SRL")
    partner = make_registration(status="approved", organisation_name="VerdeLog SRL")
    pending = make_registration(status="pending")
    torino = make_registration(pact="torino", status="approved")
    login(official)
    return {
        "pact": pact,
        "official": official,
        "lead": lead["organisation"],
        "lead_person": lead["person"],
        "partner": partner["organisation"],
        "partner_person": partner["person"],
        "pending": pending["organisation"],
        "torino": torino["organisation"],
        "theme": theme_id(pact),
    }


# The title and target `commitment_form` types, for a commitment made directly.
AS_THE_FORM_TYPES_IT: dict[str, Any] = {
    "title": "Reusable crates for fresh produce",
    "indicator_target": 12.5,
}


def page_url(commitment_id: int, action: str = "") -> str:
    return f"{COMPILE}/commitments/{commitment_id}{action}"


# --- adding a commitment -----------------------------------------------------------


def test_official_adds_a_commitment_outside_a_workshop(
    client: FlaskClient, world: dict[str, Any]
):
    form = commitment_form(
        world["theme"], world["lead"], co_signers=[str(world["partner"])]
    )
    response = post_form(client, f"{COMPILE}/commitments/new", form)

    assert response.status_code == 302
    commitment = db.session.scalars(select(Commitment)).one()
    assert response.headers["Location"] == page_url(commitment.id)
    assert commitment.board_id is None
    assert commitment.status == CommitmentStatus.DRAFT
    assert commitment.lead_organisation_id == world["lead"]
    assert [org.id for org in commitment.co_signers] == [world["partner"]]
    assert commitment.indicator_target == 12.5  # typed "12,5"
    assert commitment.created_by_id == world["official"]
    listed = page_text(client.get(f"{COMPILE}?workshop=0"))
    assert "Reusable crates for fresh produce" in listed


TOO_LONG = "x" * 201
BAD_INPUT = [
    ("title", "", "This field is required."),
    ("title", TOO_LONG, "Please use at most 200 characters."),
    ("title", "<b>Crates</b>", "Please remove the HTML tags"),
    ("action", "x" * 2001, "Please use at most 2000 characters."),
    ("theme", "", "This field is required."),
    ("theme", "999999", "Choose one of the pact's themes."),
    ("theme", "energy", "Choose one of the pact's themes."),
    ("lead", "", "This field is required."),
    ("lead", "999999", "Choose an approved organisation of this pact."),
    ("lead", "{pending}", "Choose an approved organisation of this pact."),
    ("lead", "{torino}", "Choose an approved organisation of this pact."),
    ("co_signers", "{torino}", "Choose approved organisations of this pact."),
    ("co_signers", "abc", "Choose approved organisations of this pact."),
    ("indicator_name", "", "This field is required."),
    ("indicator_name", TOO_LONG, "Please use at most 200 characters."),
    ("indicator_unit", "", "This field is required."),
    ("indicator_unit", "x" * 51, "Please use at most 50 characters."),
    ("indicator_baseline", "", "This field is required."),
    ("indicator_baseline", "twelve", "Please enter a number, e.g. 12.5 or 12,5."),
    ("indicator_baseline", "1e999", "Please enter a number, e.g. 12.5 or 12,5."),
    ("indicator_baseline", "nan", "Please enter a number, e.g. 12.5 or 12,5."),
    ("indicator_baseline", "1.000,5", "Please enter a number, e.g. 12.5 or 12,5."),
    ("indicator_target", "inf", "Please enter a number, e.g. 12.5 or 12,5."),
    ("indicator_target", "9" * 400, "Please enter a number, e.g. 12.5 or 12,5."),
    ("deadline", "", "This field is required."),
    ("deadline", "31/12/2030", "Not a valid date value."),
    ("deadline", "2030-02-30", "Not a valid date value."),
    ("deadline", "0202-12-31", "Please enter a date between 2000 and 2100."),
    ("support_requested", "x" * 2001, "Please use at most 2000 characters."),
    ("support_promised", "x" * 2001, "Please use at most 2000 characters."),
]


@pytest.mark.parametrize(
    ("name", "value", "message"),
    BAD_INPUT,
    ids=[f"{name}-{value[:12]}" for name, value, _m in BAD_INPUT],
)
def test_commitment_form_refuses_bad_input_and_creates_nothing(
    client: FlaskClient, world: dict[str, Any], name: str, value: str, message: str
):
    typed = value.format(**world)
    form = commitment_form(world["theme"], world["lead"], **{name: typed})

    response = post_form(client, f"{COMPILE}/commitments/new", form)

    assert response.status_code in (200, 400)
    page = page_text(response)
    assert message in page
    assert f'id="{name}-error"' in page  # beside its field
    assert count_of(Commitment) == 0


# --- editing -----------------------------------------------------------------------


def test_editing_keeps_the_history_with_old_and_new_values(
    client: FlaskClient, world: dict[str, Any]
):
    commitment = new_commitment(
        world["official"], world["pact"], world["lead"], **AS_THE_FORM_TYPES_IT
    )
    form = commitment_form(
        world["theme"],
        world["lead"],
        title="Deposit crates for produce",
        indicator_target="20,5",
        co_signers=[str(world["partner"])],
        version="1",
    )

    response = post_form(client, page_url(commitment, "/edit"), form)

    assert response.status_code == 302
    assert load_commitment(commitment).version == 2
    revision = db.session.scalars(select(CommitmentRevision)).one()
    assert revision.version == 1
    assert revision.changed_by_id == world["official"]
    assert revision.changes["title"] == {
        "from": "Reusable crates for fresh produce",
        "to": "Deposit crates for produce",
    }
    assert revision.changes["indicator_target"] == {"from": 12.5, "to": 20.5}
    assert revision.changes["co_signer_ids"] == {"from": [], "to": [world["partner"]]}
    page = page_text(client.get(page_url(commitment)))
    assert "History of changes" in page
    assert "Test official" in page
    assert "Reusable crates for fresh produce" in page  # the old title
    assert "VerdeLog SRL" in page  # the organisation by name


def test_editing_a_signed_commitment_voids_its_signatures_and_asks_again(
    client: FlaskClient, world: dict[str, Any]
):
    commitment = signed_commitment(
        world["official"],
        world["pact"],
        world["lead"],
        co_signer_ids=(world["partner"],),
    )
    sign_commitment(world["partner_person"], commitment, world["partner"])
    assert load_commitment(commitment).status == CommitmentStatus.SIGNED
    since = last_message_id()
    form = commitment_form(
        world["theme"],
        world["lead"],
        co_signers=[str(world["partner"])],
        indicator_target="15",
        version="1",
    )

    response = post_form(client, page_url(commitment, "/edit"), form)

    assert response.status_code == 302
    edited = load_commitment(commitment)
    assert edited.status == CommitmentStatus.AGREED
    assert edited.signatures == []
    revision = db.session.scalars(select(CommitmentRevision)).one()
    assert revision.signatures_invalidated == 2
    sent = outbox(since)
    assert {message.recipient for message in sent} == {
        email_of(world["lead_person"]),
        email_of(world["partner_person"]),
    }
    assert all("/me/link/" in message.body for message in sent)
    assert "2 signatures removed" in page_text(client.get(page_url(commitment)))


def test_a_stale_version_shows_the_conflict_keeps_the_typing_and_changes_nothing(
    client: FlaskClient, world: dict[str, Any]
):
    commitment = new_commitment(world["official"], world["pact"], world["lead"])
    edit_page = page_text(client.get(page_url(commitment, "/edit")))
    assert 'name="version" type="hidden" value="1"' in edit_page
    edit_commitment(
        world["official"],
        commitment,
        commitment_data(world["theme"], world["lead"], title="Changed meanwhile"),
        1,
    )
    form = commitment_form(
        world["theme"], world["lead"], title="My careful rewording", version="1"
    )

    response = post_form(client, page_url(commitment, "/edit"), form)

    assert response.status_code == 409
    page = page_text(response)
    assert "Someone changed this commitment meanwhile." in page
    assert 'value="My careful rewording"' in page
    assert "Changed meanwhile" in page  # the current version, to compare
    assert 'name="version" type="hidden" value="2"' in page
    assert load_commitment(commitment).title == "Changed meanwhile"
    assert count_of(CommitmentRevision) == 1

    again = post_form(client, page_url(commitment, "/edit"), {**form, "version": "2"})
    assert again.status_code == 302
    assert load_commitment(commitment).title == "My careful rewording"


# --- the compile list --------------------------------------------------------------


def test_the_list_filters_by_theme_status_and_workshop(
    client: FlaskClient, world: dict[str, Any]
):
    official, pact, lead = world["official"], world["pact"], world["lead"]
    energy = theme_id(pact, "energy")
    new_commitment(official, pact, lead, title="Circular outside")
    agreed = new_commitment(
        official, pact, lead, title="Energy agreed", theme_id=energy
    )
    post_form(client, page_url(agreed, "/agree"), {}, page=COMPILE)
    drafted = new_commitment(official, pact, lead, title="Circular from workshop")
    workshop = new_workshop(official, pact, title="Packaging lab")
    load_commitment(drafted).board_id = _board_of(workshop)
    db.session.commit()

    def listed(query: str) -> set[str]:
        page = page_text(client.get(f"{COMPILE}?{query}"))
        titles = ("Circular outside", "Energy agreed", "Circular from workshop")
        return {title for title in titles if title in page}

    assert listed(f"theme={world['theme']}") == {
        "Circular outside",
        "Circular from workshop",
    }
    assert listed("status=agreed") == {"Energy agreed"}
    assert listed("workshop=0") == {"Circular outside", "Energy agreed"}
    assert listed(f"workshop={workshop}") == {"Circular from workshop"}
    assert len(listed("status=bogus&theme=x")) == 3  # a bad filter is ignored
    assert "Packaging lab" in page_text(client.get(page_url(drafted)))


def _board_of(workshop_id: int) -> int:
    from workshops.models import Workshop

    workshop = db.session.get(Workshop, workshop_id)
    assert workshop is not None
    assert workshop.board is not None
    return int(workshop.board.id)


def test_the_list_groups_by_theme_and_counts_by_status(
    client: FlaskClient, world: dict[str, Any]
):
    official, pact, lead = world["official"], world["pact"], world["lead"]
    new_commitment(
        official, pact, lead, title="Energy first", theme_id=theme_id(pact, "energy")
    )
    new_commitment(official, pact, lead, title="Circular first")

    page = page_text(client.get(COMPILE))

    # Document order: the pact's themes in their order (circular economy first).
    circular = page.index("<caption>Circular economy</caption>")
    energy = page.index("<caption>Energy efficiency and renewables</caption>")
    assert circular < page.index("Circular first") < energy
    assert energy < page.index("Energy first")
    assert "<strong>2</strong> Draft" in page


def titles_in_order(pact_id: int, theme: int) -> list[str]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Commitment.title)
            .where(Commitment.pact_id == pact_id, Commitment.theme_id == theme)
            .order_by(Commitment.position, Commitment.id)
        )
    )


def test_reordering_moves_a_commitment_within_its_theme_only(
    client: FlaskClient, world: dict[str, Any]
):
    official, pact, lead = world["official"], world["pact"], world["lead"]
    energy = theme_id(pact, "energy")
    new_commitment(official, pact, lead, title="A1")
    second = new_commitment(official, pact, lead, title="A2")
    new_commitment(official, pact, lead, title="B1", theme_id=energy)

    response = post_form(
        client, page_url(second, "/move"), {"direction": "up"}, page=COMPILE
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"{COMPILE}#c{second}"
    assert titles_in_order(pact, world["theme"]) == ["A2", "A1"]
    post_form(client, page_url(second, "/move"), {"direction": "up"}, page=COMPILE)
    assert titles_in_order(pact, world["theme"]) == ["A2", "A1"]  # already first
    assert titles_in_order(pact, energy) == ["B1"]
    post_form(client, page_url(second, "/move"), {"direction": "down"}, page=COMPILE)
    assert titles_in_order(pact, world["theme"]) == ["A1", "A2"]


def test_marking_agreed_emails_the_lead_and_co_signers_a_personal_link(
    client: FlaskClient, world: dict[str, Any]
):
    commitment = new_commitment(
        world["official"],
        world["pact"],
        world["lead"],
        co_signer_ids=(world["partner"],),
    )
    since = last_message_id()

    response = post_form(client, page_url(commitment, "/agree"), {}, page=COMPILE)

    assert response.status_code == 302
    assert load_commitment(commitment).status == CommitmentStatus.AGREED
    sent = outbox(since)
    assert sorted(message.recipient for message in sent) == sorted(
        [email_of(world["lead_person"]), email_of(world["partner_person"])]
    )
    assert all("/me/link/" in message.body for message in sent)


def test_official_signs_for_the_authority(client: FlaskClient, world: dict[str, Any]):
    commitment = new_commitment(world["official"], world["pact"], world["lead"])
    post_form(client, page_url(commitment, "/agree"), {}, page=COMPILE)

    response = post_form(client, page_url(commitment, "/sign"), {}, page=COMPILE)

    assert response.status_code == 302
    signature = db.session.scalars(select(Signature)).one()
    assert signature.authority is True
    assert signature.organisation_id is None
    assert signature.person_id == world["official"]
    assert signature.commitment_version == 1
    page = page_text(client.get(page_url(commitment)))
    assert "public authority" in page
    assert "Test official" in page


def test_publishing_needs_a_signed_commitment_then_records_who_signed(
    client: FlaskClient, world: dict[str, Any]
):
    commitment = new_commitment(world["official"], world["pact"], world["lead"])
    refused = post_form(client, f"{COMPILE}/publish", {"confirm": "y"}, page=COMPILE)
    assert refused.status_code == 302
    assert "Publish the pact once at least one commitment is signed." in page_text(
        client.get(COMPILE)
    )
    unconfirmed = post_form(client, f"{COMPILE}/publish", {}, page=COMPILE)
    assert unconfirmed.status_code == 302
    assert "Please tick the box to confirm the publication." in page_text(
        client.get(COMPILE)
    )
    pact = db.session.get(Pact, world["pact"])
    assert pact is not None
    assert pact.published_at is None

    post_form(client, page_url(commitment, "/agree"), {}, page=COMPILE)
    sign_commitment(world["lead_person"], commitment, world["lead"])
    post_form(client, f"{COMPILE}/publish", {"confirm": "y"}, page=COMPILE)

    db.session.expire_all()
    assert pact.published_at is not None
    assert pact.signed_by_id == world["official"]
    page = page_text(client.get(COMPILE))
    assert "Published on" in page
    assert "http://localhost/p/ilfov" in page
    assert "Sign and publish the pact" not in page


# --- the pact document -------------------------------------------------------------


def test_official_edits_the_pact_document(client: FlaskClient, world: dict[str, Any]):
    form = {
        "title": "Ilfov Local Green Pact",
        "introduction": "Ilfov's SMEs and the county act together.",
        "governance": "A steering group meets every quarter.",
        "partners": "Chamber of Commerce\nAgency for Development\n",
        "authority_name": "Ilfov County Council",
        "report_frequency": "half-yearly",
        "licence": "CC0-1.0",
    }

    response = post_form(client, f"{COMPILE}/document", form)

    assert response.status_code == 302
    pact = db.session.get(Pact, world["pact"])
    assert pact is not None
    assert pact.partner_list == ["Chamber of Commerce", "Agency for Development"]
    assert pact.authority == "Ilfov County Council"
    assert (pact.report_frequency, pact.licence) == ("half-yearly", "CC0-1.0")
    shown = page_text(client.get(f"{COMPILE}/document"))
    assert "A steering group meets every quarter." in shown


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("introduction", "x" * 10_001, "Please use at most 10000 characters."),
        ("governance", "x" * 10_001, "Please use at most 10000 characters."),
        ("partners", "x" * 5_001, "Please use at most 5000 characters."),
        ("partners", "x" * 201, "at most 200 characters for each partner"),
        ("authority_name", "x" * 201, "Please use at most 200 characters."),
        ("report_frequency", "daily", "Not a valid choice."),
        ("licence", "MIT", "Not a valid choice."),
        ("title", "", "This field is required."),
        ("title", "x" * 201, "Please use at most 200 characters."),
        ("en-title", "x" * 201, "Please use at most 200 characters."),
        ("en-introduction", "<b>x</b>", "Please remove the HTML tags"),
        ("theme-energy", "x" * 121, "Please use at most 120 characters."),
        ("en-theme-energy", "a\nb", "Please write this on a single line."),
    ],
)
def test_the_document_form_refuses_bad_input(
    client: FlaskClient, world: dict[str, Any], name: str, value: str, message: str
):
    form = {
        "title": "Ilfov Local Green Pact",
        "report_frequency": "yearly",
        "licence": "CC-BY-4.0",
        name: value,
    }

    response = post_form(client, f"{COMPILE}/document", form)

    assert response.status_code == 200
    assert message in page_text(response)
    pact = db.session.get(Pact, world["pact"])
    assert pact is not None
    assert (pact.introduction, pact.partners, pact.licence) == ("", "", "CC-BY-4.0")
    assert (pact.title, pact.texts) == ("Ilfov Local Green Pact", [])


def test_official_gives_the_pact_texts_and_theme_names_in_each_language(
    client: FlaskClient, world: dict[str, Any]
):
    form = {
        "title": "Pactul Verde Local Ilfov",
        "introduction": "Firmele din Ilfov și județul acționează împreună.",
        "theme-energy": "Energie curată",
        "en-title": "Ilfov Local Green Pact",
        "en-governance": "A steering group meets every quarter.",
        "en-theme-energy": "",
        "report_frequency": "yearly",
        "licence": "CC-BY-4.0",
    }

    response = post_form(client, f"{COMPILE}/document", form)

    assert response.status_code == 302
    pact = db.session.get(Pact, world["pact"])
    assert pact is not None
    assert pact.text("title", "ro") == "Pactul Verde Local Ilfov"
    assert pact.text("title", "en") == "Ilfov Local Green Pact"
    # Not given in English: read in the pact's default language.
    assert pact.text("introduction", "en") == form["introduction"]
    assert pact.text("governance", "en") == "A steering group meets every quarter."
    assert pact.text("governance", "ro") == ""
    energy = next(theme for theme in pact.themes if theme.key == "energy")
    assert theme_label(energy, "ro") == "Energie curată"
    assert theme_label(energy, "en") == "Energy efficiency and renewables"
    entry = db.session.scalars(select(AuditEntry)).all()[-1]
    assert entry.details["fields"] == [
        "en:governance",
        "en:title",
        "introduction",
        "ro:theme:energy",
        "title",
    ]
    shown = page_text(client.get(f"{COMPILE}/document"))
    assert "A steering group meets every quarter." in shown
    assert "Energie curată" in shown

    form["en-title"] = ""
    post_form(client, f"{COMPILE}/document", form)
    db.session.expire_all()
    assert pact.text("title", "en") == "Pactul Verde Local Ilfov"


# --- who may do what ---------------------------------------------------------------


def test_facilitator_reads_the_list_and_commitments_but_every_change_is_403(
    client: FlaskClient,
    world: dict[str, Any],
    make_staff: Callable[..., int],
    login: Callable[[int], None],
):
    commitment = new_commitment(
        world["official"], world["pact"], world["lead"], **AS_THE_FORM_TYPES_IT
    )
    switch_to(client, login, make_staff("facilitator"))

    assert "Reusable crates" in page_text(client.get(COMPILE))
    page = page_text(client.get(page_url(commitment)))
    assert "Reusable crates" in page
    assert "Mark agreed" not in page
    for url in (f"{COMPILE}/document", f"{COMPILE}/commitments/new"):
        assert client.get(url).status_code == 403
    assert client.get(page_url(commitment, "/edit")).status_code == 403
    token = csrf_from_page(client)
    for path in (
        "/agree",
        "/sign",
        "/move",
        "/edit",
    ):
        response = client.post(
            page_url(commitment, path), data={"csrf_token": token, "direction": "up"}
        )
        assert response.status_code == 403, path
    for url in (
        f"{COMPILE}/publish",
        f"{COMPILE}/document",
        f"{COMPILE}/commitments/new",
    ):
        assert (
            client.post(url, data={"csrf_token": token, "confirm": "y"}).status_code
            == 403
        )
    assert load_commitment(commitment).status == CommitmentStatus.DRAFT


def csrf_from_page(client: FlaskClient) -> str:
    return csrf_from(client.get("/staff/").get_data(as_text=True))


def test_an_official_of_another_pact_gets_404(
    client: FlaskClient,
    world: dict[str, Any],
    make_staff: Callable[..., int],
    login: Callable[[int], None],
):
    commitment = new_commitment(world["official"], world["pact"], world["lead"])
    switch_to(client, login, make_staff("official", pacts=("torino",)))

    assert client.get(COMPILE).status_code == 404
    assert client.get(page_url(commitment)).status_code == 404
    token = csrf_from_page(client)
    response = client.post(page_url(commitment, "/agree"), data={"csrf_token": token})
    assert response.status_code == 404
    assert load_commitment(commitment).status == CommitmentStatus.DRAFT


def test_a_commitment_of_another_pact_is_404_through_this_pact(
    client: FlaskClient,
    world: dict[str, Any],
    make_staff: Callable[..., int],
    login: Callable[[int], None],
):
    both = make_staff("official", pacts=("ilfov", "torino"))
    torino = db.session.scalars(select(Pact.id).where(Pact.slug == "torino")).one()
    elsewhere = new_commitment(both, torino, world["torino"])
    switch_to(client, login, both)

    assert client.get(page_url(elsewhere)).status_code == 404
    assert (
        client.get(f"/staff/p/torino/pact/commitments/{elsewhere}").status_code == 200
    )
