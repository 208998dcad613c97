"""The commitment lifecycle's pure rules, cell by cell. The tables are written out here
from the rules as DESIGN.md states them ("what a board drafts and signs is a proposal
until an official agrees it; only agreed commitments reach the published pact"),
independently of commitments/lifecycle.py, and compared for every (standing, status,
action), every edit and every count of signatures."""

from __future__ import annotations

import itertools

import pytest

from commitments import lifecycle
from commitments.lifecycle import Action, Signatures, Standing, Status
from core.errors import DomainError

STANDINGS = (
    Standing.OFFICIAL,
    Standing.FACILITATOR,
    Standing.LEAD,
    Standing.CO_SIGNER,
    Standing.OTHER,
)
# One row per status; one letter per standing, in the order of STANDINGS:
# y = allowed, f = forbidden, c = conflict.
MAY: dict[Action, dict[Status, str]] = {
    Action.EDIT: {
        Status.DRAFT: "yyyyy",
        Status.AGREED: "yyyyy",
        Status.SIGNED: "yyyyy",
        Status.IN_PROGRESS: "ycccc",
        Status.AT_RISK: "ycccc",
        Status.DONE: "ycccc",
        Status.DROPPED: "ycccc",
        Status.WITHDRAWN: "ccccc",
    },
    Action.AGREE: {
        Status.DRAFT: "yffff",
        Status.AGREED: "cffff",
        Status.SIGNED: "cffff",
        Status.IN_PROGRESS: "cffff",
        Status.AT_RISK: "cffff",
        Status.DONE: "cffff",
        Status.DROPPED: "cffff",
        Status.WITHDRAWN: "cffff",
    },
    Action.SIGN: {
        Status.DRAFT: "yfyyy",
        Status.AGREED: "yfyyf",
        Status.SIGNED: "yfyyf",
        Status.IN_PROGRESS: "yfyyf",
        Status.AT_RISK: "yfyyf",
        Status.DONE: "cfccc",
        Status.DROPPED: "cfccc",
        Status.WITHDRAWN: "cfccc",
    },
    # Only an official withdraws, and only a commitment that is in the pact.
    Action.WITHDRAW: {
        Status.DRAFT: "cffff",
        Status.AGREED: "cffff",
        Status.SIGNED: "yffff",
        Status.IN_PROGRESS: "yffff",
        Status.AT_RISK: "yffff",
        Status.DONE: "yffff",
        Status.DROPPED: "yffff",
        Status.WITHDRAWN: "cffff",
    },
}
CODES = {"y": None, "f": "forbidden", "c": "conflict"}

CELLS = [
    (action, status, standing, CODES[row[index]])
    for action, rows in MAY.items()
    for status, row in rows.items()
    for index, standing in enumerate(STANDINGS)
]


def test_the_table_covers_every_standing_status_and_action() -> None:
    assert {(a, s, p) for a, s, p, _ in CELLS} == set(
        itertools.product(Action, Status, Standing)
    )


@pytest.mark.parametrize(("action", "status", "standing", "expected"), CELLS)
def test_who_may_edit_agree_and_sign_in_each_status(
    action: Action, status: Status, standing: Standing, expected: str | None
) -> None:
    if expected is None:
        lifecycle.check(standing, status, action)
        return
    with pytest.raises(DomainError) as refused:
        lifecycle.check(standing, status, action)
    assert refused.value.code == expected
    assert refused.value.message


def test_the_pages_are_told_who_may_sign_in_each_status() -> None:
    expected = {
        status.value: {
            standing.value
            for standing, cell in zip(STANDINGS, row, strict=True)
            if cell == "y"
        }
        for status, row in MAY[Action.SIGN].items()
    }
    signers = lifecycle.signers_by_status()
    assert {status: set(standings) for status, standings in signers.items()} == (
        expected
    )


# The status after an edit: an official's edit keeps the agreement (a signed
# commitment is agreed again), anybody else's edit is a new proposal.
AFTER_EDIT = {
    (Standing.OFFICIAL, Status.DRAFT): Status.DRAFT,
    (Standing.OFFICIAL, Status.AGREED): Status.AGREED,
    (Standing.OFFICIAL, Status.SIGNED): Status.AGREED,
    (Standing.OFFICIAL, Status.IN_PROGRESS): Status.IN_PROGRESS,
    (Standing.OFFICIAL, Status.AT_RISK): Status.AT_RISK,
    (Standing.OFFICIAL, Status.DONE): Status.DONE,
    (Standing.OFFICIAL, Status.DROPPED): Status.DROPPED,
    **{
        (standing, status): Status.DRAFT
        for standing in STANDINGS
        if standing is not Standing.OFFICIAL
        for status in (Status.DRAFT, Status.AGREED, Status.SIGNED)
    },
}


@pytest.mark.parametrize(("standing", "status"), sorted(AFTER_EDIT))
def test_an_edit_by_an_official_keeps_the_agreement_and_any_other_edit_is_a_draft(
    standing: Standing, status: Status
) -> None:
    assert lifecycle.after_edit(standing, status) is AFTER_EDIT[(standing, status)]


@pytest.mark.parametrize(
    ("status_after", "lost", "asked"),
    [
        (Status.AGREED, 2, True),
        (Status.AGREED, 0, False),
        (Status.DRAFT, 2, False),
        (Status.IN_PROGRESS, 1, False),
    ],
)
def test_signatories_are_asked_again_only_when_the_edit_kept_the_agreement(
    status_after: Status, lost: int, asked: bool
) -> None:
    assert lifecycle.asks_to_sign_again(status_after, lost) is asked


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("lead", [False, True])
@pytest.mark.parametrize("authority", [False, True])
@pytest.mark.parametrize("authority_required", [False, True])
def test_only_an_agreed_commitment_signed_by_its_lead_becomes_signed(
    status: Status, lead: bool, authority: bool, authority_required: bool
) -> None:
    signed = lead and (authority or not authority_required)
    expected = Status.SIGNED if status is Status.AGREED and signed else status
    result = lifecycle.settled(status, Signatures(lead, authority), authority_required)
    assert result is expected


def test_a_signed_proposal_stays_a_draft() -> None:
    assert lifecycle.settled(Status.DRAFT, Signatures(True, True), False) is (
        Status.DRAFT
    )


@pytest.mark.parametrize(
    ("status", "published"),
    [
        (Status.DRAFT, False),
        (Status.AGREED, False),
        (Status.SIGNED, True),
        (Status.IN_PROGRESS, True),
        (Status.AT_RISK, True),
        (Status.DONE, True),
        (Status.DROPPED, True),
        (Status.WITHDRAWN, False),
    ],
)
def test_only_commitments_past_agreement_and_signature_are_in_the_pact(
    status: Status, published: bool
) -> None:
    assert lifecycle.in_pact(status) is published


@pytest.mark.parametrize("standing", STANDINGS)
def test_only_an_organisation_that_is_not_a_party_joins_by_signing(
    standing: Standing,
) -> None:
    assert lifecycle.joins_as_co_signer(standing) is (standing is Standing.OTHER)


# Whether a commitment joins the living pact now: (status, pact published, joined
# before) -> joins. Only a published pact is joined, by a commitment in it by its
# status, and only once.
IN_PACT = {
    Status.SIGNED,
    Status.IN_PROGRESS,
    Status.AT_RISK,
    Status.DONE,
    Status.DROPPED,
}
JOINS = {
    (status, published, joined): status in IN_PACT and published and not joined
    for status in Status
    for published in (False, True)
    for joined in (False, True)
}


@pytest.mark.parametrize(("status", "published", "joined"), sorted(JOINS))
def test_a_commitment_joins_the_published_pact_once_when_it_enters_it(
    status: Status, published: bool, joined: bool
) -> None:
    expected = JOINS[(status, published, joined)]
    assert lifecycle.joins_pact(status, published, joined) is expected


def test_a_signature_after_the_publication_joins_the_pact() -> None:
    assert lifecycle.joins_pact(Status.SIGNED, published=True, joined=False)
    assert not lifecycle.joins_pact(Status.AGREED, published=True, joined=False)
    assert not lifecycle.joins_pact(Status.SIGNED, published=False, joined=False)
