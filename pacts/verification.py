"""A progress report's verification lifecycle as pure functions (no database): the
state a new report starts in, one table of every allowed transition, who may take
each action, and the share of a programme indicator's total that rests on verified
figures. Table-tested cell by cell in tests/pacts/test_verification.py.

The rules in words:
- A report starts *self-reported*, or *evidence attached* when it came with a link or
  a file.
- An official of the pact either *verifies* it (who and when are kept) or *returns*
  it for correction with a comment. A verified report is settled: nothing more
  happens to it.
- The lead answers a returned report with a correcting report, a new report that
  *supersedes* it. The returned one stays in the history; only the reports not
  superseded count in the figures."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core.errors import DomainError
from pacts.progress import IndicatorPart, achieved_change


class Verification(StrEnum):
    SELF_REPORTED = "self-reported"
    EVIDENCE = "evidence attached"
    VERIFIED = "verified"
    RETURNED = "returned"
    SUPERSEDED = "superseded"


class ReviewAction(StrEnum):
    VERIFY = "verify"
    RETURN = "return"
    SUPERSEDE = "supersede"


class Reviewer(StrEnum):
    """A person's standing towards a report."""

    OFFICIAL = "official"  # an official of the report's pact
    LEAD = "lead"  # a representative of the commitment's lead organisation
    OTHER = "other"


VERIFICATION_LABELS = {
    Verification.SELF_REPORTED: _l("Self-reported"),
    Verification.EVIDENCE: _l("Evidence attached"),
    Verification.VERIFIED: _l("Verified by the public authority"),
    Verification.RETURNED: _l("Returned for correction"),
    Verification.SUPERSEDED: _l("Superseded by a correction"),
}

# (state, action) -> the state after it: every transition there is.
TRANSITIONS: dict[tuple[Verification, ReviewAction], Verification] = {
    (Verification.SELF_REPORTED, ReviewAction.VERIFY): Verification.VERIFIED,
    (Verification.EVIDENCE, ReviewAction.VERIFY): Verification.VERIFIED,
    (Verification.SELF_REPORTED, ReviewAction.RETURN): Verification.RETURNED,
    (Verification.EVIDENCE, ReviewAction.RETURN): Verification.RETURNED,
    (Verification.RETURNED, ReviewAction.SUPERSEDE): Verification.SUPERSEDED,
}
# Who takes each action (an official may also correct on the lead's behalf, as an
# official may report on its behalf).
ACTORS: dict[ReviewAction, frozenset[Reviewer]] = {
    ReviewAction.VERIFY: frozenset({Reviewer.OFFICIAL}),
    ReviewAction.RETURN: frozenset({Reviewer.OFFICIAL}),
    ReviewAction.SUPERSEDE: frozenset({Reviewer.OFFICIAL, Reviewer.LEAD}),
}
# The states whose figures count (a superseded report's value was replaced).
COUNTED = frozenset(set(Verification) - {Verification.SUPERSEDED})


def initial(has_evidence: bool) -> Verification:
    """The state of a new report."""
    return Verification.EVIDENCE if has_evidence else Verification.SELF_REPORTED


def after(reviewer: Reviewer, state: str, action: ReviewAction) -> Verification:
    """The state once `reviewer` takes `action` on a report in `state`; DomainError
    `forbidden` (not theirs to take) or `conflict` (not from this state)."""
    if reviewer not in ACTORS[action]:
        raise DomainError("forbidden", _("Only the pact's officials can do this."))
    following = TRANSITIONS.get((Verification(state), action))
    if following is None:
        raise DomainError("conflict", _refusal(Verification(state)))
    return following


def _refusal(state: Verification) -> str:
    if state is Verification.VERIFIED:
        return str(_("This report is verified already."))
    if state is Verification.SUPERSEDED:
        return str(_("This report has been corrected by a newer one."))
    if state is Verification.RETURNED:
        return str(_("This report is waiting for its correction."))
    return str(_("Only a report returned for correction can be corrected."))


def counts(state: str) -> bool:
    """Whether a report in `state` counts in the figures."""
    return Verification(state) in COUNTED


def verified_share(
    parts: Sequence[IndicatorPart], verified: Sequence[bool]
) -> int | None:
    """The whole percentage of an indicator's achieved total that comes from
    commitments whose latest figure is verified (`verified[i]` for `parts[i]`),
    between 0 and 100; None while nothing has been achieved."""
    total = sum(achieved_change(p.baseline, p.target, p.latest) for p in parts)
    if total <= 0:
        return None
    checked = sum(
        achieved_change(p.baseline, p.target, p.latest)
        for p, ok in zip(parts, verified, strict=True)
        if ok
    )
    return max(0, min(100, round(100 * checked / total)))
