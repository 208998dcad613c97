"""The board's commitment changes (commitment:create, commitment:update,
commitment:sign): drafted and signed on the board through the commitments package's
models, each a Change on the one path (workshops.board.path)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from commitments.lifecycle import Standing
from commitments.models import Commitment
from commitments.operations import add_signature, revise_commitment, standing_of
from core.choices import CommitmentStatus
from core.errors import DomainError
from core.time import utcnow
from extensions import db
from stakeholders.models import Organisation, Person
from workshops.board.changes import get_card, get_theme
from workshops.board.objects import (
    commitment_dict,
    signature_dict,
)
from workshops.board.rules import (
    BoardError,
    check_version,
)
from workshops.models import Card

if TYPE_CHECKING:
    # Only annotations: the path imports these handlers for its table.
    from workshops.board.path import Change, Outcome


def get_commitment(change: Change, commitment_id: int) -> Commitment:
    commitment = db.session.get(Commitment, commitment_id)
    if commitment is None or commitment.board_id != change.board.id:
        raise BoardError("not_found", "no such commitment on this board")
    return commitment


def _lead(change: Change, organisation_id: int) -> Organisation:
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or organisation.pact_id != change.member.pact_id:
        raise BoardError("not_found", "no such organisation in this pact")
    return organisation


def _source_cards(change: Change, ids: list[int]) -> list[Card]:
    return [get_card(change, card_id) for card_id in dict.fromkeys(ids)]


def commitment_create(change: Change) -> Outcome:
    change.authorise("commitment:create")
    data = change.data
    indicator = data["indicator"]
    commitment = Commitment(
        pact_id=change.member.pact_id,
        board_id=change.board.id,
        theme_id=get_theme(change, data["theme"]).id,
        lead_organisation_id=_lead(change, data["lead"]).id,
        title=data["title"],
        action=data.get("action") or "",
        indicator_name=indicator["name"],
        indicator_unit=indicator["unit"],
        indicator_baseline=indicator["baseline"],
        indicator_target=indicator["target"],
        deadline=data["deadline"],
        support_requested=data.get("support_requested") or "",
        source_cards=_source_cards(change, data.get("source_cards") or []),
        status=CommitmentStatus.DRAFT,
        version=1,
        created_by_id=change.member.person_id,
        created_at=utcnow(),
        updated_at=utcnow(),
    )
    db.session.add(commitment)
    db.session.flush()
    return {"commitment": commitment_dict(commitment)}, {
        "commitment": commitment_dict(commitment)
    }


COMMITMENT_FIELDS = {
    "title": "title",
    "action": "action",
    "deadline": "deadline",
    "support_requested": "support_requested",
}


def commitment_update(change: Change) -> Outcome:
    commitment = get_commitment(change, change.data["commitment"])
    change.authorise("commitment:update")
    check_version(
        commitment.version, change.data["version"], commitment_dict(commitment)
    )
    data = change.data

    def apply() -> None:
        for key, attribute in COMMITMENT_FIELDS.items():
            if data.get(key) is not None:
                setattr(commitment, attribute, data[key])
        if data.get("theme"):
            current = commitment.theme_id
            commitment.theme_id = get_theme(change, data["theme"], current).id
        if data.get("lead"):
            commitment.lead_organisation_id = _lead(change, data["lead"]).id
        if data.get("indicator"):
            indicator = data["indicator"]
            commitment.indicator_name = indicator["name"]
            commitment.indicator_unit = indicator["unit"]
            commitment.indicator_baseline = indicator["baseline"]
            commitment.indicator_target = indicator["target"]
        if "source_cards" in data:
            commitment.source_cards = _source_cards(change, data["source_cards"] or [])

    with _as_board_error(commitment):
        revise_commitment(
            commitment, change.member.person_id, _standing(change, commitment), apply
        )
    db.session.flush()
    db.session.refresh(commitment)
    return {"commitment": commitment_dict(commitment)}, {
        "commitment": commitment_dict(commitment)
    }


def commitment_sign(change: Change) -> Outcome:
    """Sign for the signer's own organisation, or, for an official, for the public
    authority (commitments.lifecycle says who may sign what)."""
    commitment = get_commitment(change, change.data["commitment"])
    change.authorise("commitment:sign")
    person = db.session.get(Person, change.member.person_id)
    assert person is not None  # noqa: S101 - identified on this event
    with _as_board_error(commitment):
        signature = add_signature(commitment, person, _standing(change, commitment))
    db.session.refresh(commitment)
    data = {
        "commitment": commitment_dict(commitment),
        "signature": signature_dict(signature),
    }
    return data, {"signature": signature_dict(signature)}


def _standing(change: Change, commitment: Commitment) -> Standing:
    person = db.session.get(Person, change.member.person_id)
    assert person is not None  # noqa: S101 - identified on this event
    return standing_of(person, commitment)


@contextmanager
def _as_board_error(commitment: Commitment) -> Iterator[None]:
    """A refusal of the commitment's lifecycle, as the board's error (with the
    commitment as it stands, for a conflict)."""
    try:
        yield
    except BoardError:
        raise
    except DomainError as exc:
        extra = (
            {"current": commitment_dict(commitment)} if exc.code == "conflict" else {}
        )
        raise BoardError(exc.code, exc.message, **extra) from None
