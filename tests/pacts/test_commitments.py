"""The commitment use cases on SQLite and PostgreSQL: adding outside a workshop,
agreeing (signatories e-mailed a personal link), signing (only for one's own
organisation, only for a party), editing with history (signatures invalidated and
asked for again), reordering within a theme, publishing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import func, select

from commitments.models import Commitment, CommitmentRevision, Signature
from commitments.operations import (
    add_commitment,
    commitment_data,
    edit_commitment,
    move_commitment,
    sign_commitment,
)
from core.errors import DomainError
from core.mail import OutboxMessage
from core.models import Pact
from core.pacts import find_pact
from extensions import db
from pacts.publishing import publish_pact
from tests.pacts.factories import (
    World,
    agreed,
    data_for,
    email_of,
    load_commitment,
    theme_id,
)
from tests.workshops.factories import outbox

pytestmark = pytest.mark.usefixtures("db_app")


def recipients() -> list[str]:
    return [message.recipient for message in outbox()]


def test_official_adds_a_draft_commitment_outside_a_workshop(world: World):
    created = add_commitment(world.official, world.pact, data_for(world))
    commitment = load_commitment(created["commitment"])
    assert commitment.status == "draft"
    assert commitment.board_id is None
    assert [o.id for o in commitment.co_signers] == [world.co_signer.organisation]


@pytest.mark.parametrize(
    "field",
    ["theme_id", "lead_id", "co_signer_ids"],
    ids=["theme", "lead", "co-signer"],
)
def test_parties_and_theme_must_belong_to_the_pact(
    world: World, make_registration: Callable[..., dict[str, Any]], field: str
):
    foreign = make_registration("torino", status="approved")["organisation"]
    other_theme = find_pact("torino").themes[0].id  # type: ignore[union-attr]
    value: Any = {
        "theme_id": other_theme,
        "lead_id": foreign,
        "co_signer_ids": (foreign,),
    }[field]
    with pytest.raises(DomainError) as refused:
        add_commitment(world.official, world.pact, data_for(world, **{field: value}))
    assert refused.value.code == "invalid"
    assert db.session.scalar(select(func.count(Commitment.id))) == 0


def test_only_officials_of_the_pact_compile_it(
    world: World, make_staff: Callable[..., int]
):
    for actor in (make_staff("facilitator"), make_staff("official", ("torino",))):
        with pytest.raises(DomainError) as refused:
            add_commitment(actor, world.pact, data_for(world))
        assert refused.value.code == "forbidden"


def test_agreeing_emails_each_party_a_personal_link(world: World):
    agreed(world)
    bodies = list(db.session.scalars(select(OutboxMessage.body)))
    assert sorted(recipients()) == sorted(
        [
            email_of(world.lead.person),
            email_of(world.co_signer.person),
        ]
    )
    assert all("/me/link/" in body for body in bodies)


def test_lead_and_cosigner_sign_and_the_lead_makes_it_signed(world: World):
    commitment_id = agreed(world)
    sign_commitment(world.co_signer.person, commitment_id, world.co_signer.organisation)
    assert load_commitment(commitment_id).status == "agreed"
    sign_commitment(world.lead.person, commitment_id, world.lead.organisation)
    sign_commitment(world.official, commitment_id, None)
    commitment = load_commitment(commitment_id)
    assert commitment.status == "signed"
    assert sorted(s.signatory for s in commitment.signatures) == sorted(
        [
            commitment.lead_organisation.name,
            commitment.co_signers[0].name,
            commitment.pact.authority,
        ]
    )
    assert {s.commitment_version for s in commitment.signatures} == {1}


def test_a_person_cannot_sign_for_an_organisation_they_do_not_belong_to(
    world: World,
):
    commitment_id = agreed(world)
    with pytest.raises(DomainError) as refused:
        sign_commitment(world.co_signer.person, commitment_id, world.lead.organisation)
    assert refused.value.code == "forbidden"
    assert load_commitment(commitment_id).signatures == []


def test_an_organisation_that_is_not_a_party_cannot_sign(world: World):
    commitment_id = agreed(world)
    with pytest.raises(DomainError) as refused:
        sign_commitment(
            world.outsider.person,
            commitment_id,
            world.outsider.organisation,
        )
    assert refused.value.code == "forbidden"


def test_a_participant_cannot_sign_for_the_authority(world: World):
    commitment_id = agreed(world)
    with pytest.raises(DomainError) as refused:
        sign_commitment(world.lead.person, commitment_id, None)
    assert refused.value.code == "forbidden"


def test_a_draft_cannot_be_signed_and_nobody_signs_twice(world: World):
    draft = add_commitment(world.official, world.pact, data_for(world))
    lead = world.lead
    with pytest.raises(DomainError) as refused:
        sign_commitment(lead.person, draft["commitment"], lead.organisation)
    assert refused.value.code == "conflict"
    commitment_id = agreed(world, title="Second")
    sign_commitment(lead.person, commitment_id, lead.organisation)
    with pytest.raises(DomainError) as again:
        sign_commitment(lead.person, commitment_id, lead.organisation)
    assert again.value.code == "conflict"
    assert len(load_commitment(commitment_id).signatures) == 1


def test_editing_a_signed_commitment_invalidates_its_signatures_and_asks_again(
    world: World,
):
    commitment_id = agreed(world, indicator_target=80.0)
    lead, cosigner = world.lead, world.co_signer
    sign_commitment(lead.person, commitment_id, lead.organisation)
    sign_commitment(cosigner.person, commitment_id, cosigner.organisation)
    before = len(recipients())
    changed = replace(
        commitment_data(load_commitment(commitment_id)), indicator_target=60.0
    )
    result = edit_commitment(world.official, commitment_id, changed, version=1)
    commitment = load_commitment(commitment_id)
    assert result["version"] == 2
    assert commitment.status == "agreed"
    assert commitment.signatures == []
    assert db.session.scalar(select(func.count(Signature.id))) == 0
    revision = db.session.scalars(select(CommitmentRevision)).one()
    assert revision.changes == {"indicator_target": {"from": 80.0, "to": 60.0}}
    assert revision.version == 1
    assert revision.signatures_invalidated == 2
    asked_again = recipients()[before:]
    assert sorted(asked_again) == sorted(
        [email_of(lead.person), email_of(cosigner.person)]
    )
    # The new version is signed afresh.
    sign_commitment(lead.person, commitment_id, lead.organisation)
    assert load_commitment(commitment_id).signatures[0].commitment_version == 2


def test_a_stale_edit_is_a_conflict_and_changes_nothing(world: World):
    commitment_id = agreed(world)
    data = commitment_data(load_commitment(commitment_id))
    edit_commitment(world.official, commitment_id, replace(data, title="New"), 1)
    with pytest.raises(DomainError) as refused:
        edit_commitment(world.official, commitment_id, replace(data, title="Old"), 1)
    assert refused.value.code == "conflict"
    assert load_commitment(commitment_id).title == "New"


def test_an_edit_that_changes_nothing_keeps_version_and_signatures(
    world: World,
):
    commitment_id = agreed(world)
    lead = world.lead
    sign_commitment(lead.person, commitment_id, lead.organisation)
    data = commitment_data(load_commitment(commitment_id))
    assert edit_commitment(world.official, commitment_id, data, 1)["version"] == 1
    assert len(load_commitment(commitment_id).signatures) == 1


def test_reordering_moves_a_commitment_within_its_theme_only(world: World):
    first, second, third = (
        add_commitment(world.official, world.pact, data_for(world, title=t))[
            "commitment"
        ]
        for t in ("A", "B", "C")
    )
    elsewhere = add_commitment(
        world.official,
        world.pact,
        data_for(world, title="D", theme_id=theme_id(world.pact, "energy")),
    )["commitment"]
    move_commitment(world.official, third, -1)
    move_commitment(world.official, first, -1)  # already first: stays

    def order() -> list[str]:
        db.session.expire_all()
        rows = db.session.scalars(
            select(Commitment)
            .where(Commitment.theme_id == theme_id(world.pact))
            .order_by(Commitment.position)
        )
        return [c.title for c in rows]

    assert order() == ["A", "C", "B"]
    assert load_commitment(elsewhere).position == 1
    assert load_commitment(second).position == 3


def test_publishing_needs_a_signed_commitment_and_records_the_authority_signature(
    world: World,
):
    commitment_id = agreed(world)
    with pytest.raises(DomainError) as refused:
        publish_pact(world.official, world.pact)
    assert refused.value.code == "conflict"
    lead = world.lead
    sign_commitment(lead.person, commitment_id, lead.organisation)
    publish_pact(world.official, world.pact)
    db.session.expire_all()
    pact = db.session.get(Pact, world.pact)
    assert pact is not None
    assert pact.published_at is not None
    assert pact.signed_by_id == world.official
    assert pact.status == "published"
    with pytest.raises(DomainError):
        publish_pact(world.official, world.pact)
