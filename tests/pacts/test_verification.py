"""A progress report's verification rules, cell by cell: the table below is written
out from the issue's words ("self-reported, evidence attached, verified by an
official, or returned for correction with a comment; the lead corrects by a new
report that supersedes the old one"), independently of pacts/verification.py, and
compared for every (state, action, reviewer); then the first state, which states
count in the figures, and the verified share of an indicator."""

from __future__ import annotations

import itertools

import pytest

from core.errors import DomainError
from pacts import verification
from pacts.progress import IndicatorPart
from pacts.verification import ReviewAction, Reviewer, Verification

S = Verification
REVIEWERS = (Reviewer.OFFICIAL, Reviewer.LEAD, Reviewer.OTHER)
# One row per state; one cell per reviewer, in the order of REVIEWERS: the state
# after the action, or f = forbidden (not theirs), c = conflict (not from here).
TABLE: dict[ReviewAction, dict[Verification, tuple[Verification | str, ...]]] = {
    ReviewAction.VERIFY: {
        S.SELF_REPORTED: (S.VERIFIED, "f", "f"),
        S.EVIDENCE: (S.VERIFIED, "f", "f"),
        S.VERIFIED: ("c", "f", "f"),
        S.RETURNED: ("c", "f", "f"),
        S.SUPERSEDED: ("c", "f", "f"),
    },
    ReviewAction.RETURN: {
        S.SELF_REPORTED: (S.RETURNED, "f", "f"),
        S.EVIDENCE: (S.RETURNED, "f", "f"),
        S.VERIFIED: ("c", "f", "f"),
        S.RETURNED: ("c", "f", "f"),
        S.SUPERSEDED: ("c", "f", "f"),
    },
    ReviewAction.SUPERSEDE: {
        S.SELF_REPORTED: ("c", "c", "f"),
        S.EVIDENCE: ("c", "c", "f"),
        S.VERIFIED: ("c", "c", "f"),
        S.RETURNED: (S.SUPERSEDED, S.SUPERSEDED, "f"),
        S.SUPERSEDED: ("c", "c", "f"),
    },
}
CODES = {"f": "forbidden", "c": "conflict"}
CELLS = [
    (action, state, reviewer, row[index])
    for action, rows in TABLE.items()
    for state, row in rows.items()
    for index, reviewer in enumerate(REVIEWERS)
]


def test_the_table_covers_every_state_action_and_reviewer():
    expected = set(itertools.product(ReviewAction, Verification, REVIEWERS))
    assert {(a, s, r) for a, s, r, _ in CELLS} == expected


@pytest.mark.parametrize(("action", "state", "reviewer", "outcome"), CELLS)
def test_each_transition_is_allowed_or_refused_as_the_table_says(
    app, action, state, reviewer, outcome
):
    with app.test_request_context():
        if isinstance(outcome, Verification):
            assert verification.after(reviewer, state, action) is outcome
            return
        with pytest.raises(DomainError) as refused:
            verification.after(reviewer, state, action)
        assert refused.value.code == CODES[outcome]
        assert refused.value.message


def test_a_report_starts_self_reported_or_with_its_evidence():
    assert verification.initial(has_evidence=False) is S.SELF_REPORTED
    assert verification.initial(has_evidence=True) is S.EVIDENCE


@pytest.mark.parametrize(
    ("state", "counted"),
    [
        (S.SELF_REPORTED, True),
        (S.EVIDENCE, True),
        (S.VERIFIED, True),
        (S.RETURNED, True),  # shown as returned until its correction arrives
        (S.SUPERSEDED, False),
    ],
)
def test_only_a_superseded_report_leaves_the_figures(state, counted):
    assert verification.counts(state) is counted


def part(baseline: float, target: float, latest: float | None) -> IndicatorPart:
    return IndicatorPart(baseline, target, latest)


@pytest.mark.parametrize(
    ("parts", "verified", "share"),
    [
        ([], [], None),
        ([part(0, 10, None)], [False], None),  # nothing achieved yet
        ([part(0, 10, 6)], [True], 100),
        ([part(0, 10, 6)], [False], 0),
        ([part(0, 100, 42), part(0, 100, 58)], [True, False], 42),
        # a cut counts the fall: 120 -> 80 achieved 40, 0 -> 10 achieved 10
        ([part(120, 80, 80), part(0, 10, 10)], [True, False], 80),
        # a verified move the wrong way takes nothing below zero
        ([part(0, 10, -5), part(0, 10, 10)], [True, False], 0),
        ([part(0, 10, 5), part(0, 10, -2)], [True, False], 100),
        ([part(0, 3, 1), part(0, 3, 1), part(0, 3, 1)], [True, True, False], 67),
    ],
)
def test_the_verified_share_of_an_indicator(parts, verified, share):
    assert verification.verified_share(parts, verified) == share
