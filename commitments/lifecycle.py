"""A commitment's lifecycle as pure functions (no database, no socket), the same for
the live board, the staff pages and the stakeholders' own pages: who may edit, agree
and sign a commitment in each status, what an edit does to its status and signatures,
and when it becomes part of the published pact. Table-tested cell by cell in
tests/commitments/test_lifecycle.py.

The rules in words:
- A commitment drafted on a board (or added by an official) is a *proposal*
  (`draft`). Anyone may sign a proposal: a party for its organisation, an
  organisation in the room by joining it as a co-signer, an official for the public
  authority. Signing a proposal never takes it into the pact.
- Only an official agrees a proposal (`agreed`). An agreed commitment is `signed`
  once its lead has signed the current version (and the public authority too, where
  the pact's rules ask for it); signatures given to the proposal count, because
  agreeing does not change what was signed.
- Once agreed, only its parties sign for their organisations; nobody joins by
  signing any more: the parties are what the official agreed.
- An edit is a new version: every signature goes. An official's edit carries the
  official's agreement (a signed commitment is agreed again and its signatories are
  asked to sign again); anybody else's edit is a new proposal (`draft`) that an
  official must agree again. Once progress is reported, only an official edits.
- The published pact (page, PDF, open data) holds only commitments that passed the
  gate: signed, or reported on since. One that passes it after the publication
  joins the living pact then, once (its joining date is shown).
- Only an official withdraws a commitment of the published pact, with a reason: it
  leaves the pact's totals and list but stays in its history. A withdrawn
  commitment is closed: nobody edits, agrees or signs it any more."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from flask_babel import gettext as _

from commitments.models import PACT_STATUSES
from core.choices import CommitmentStatus
from core.errors import DomainError

Status = CommitmentStatus


class Standing(StrEnum):
    """A person's standing towards one commitment."""

    OFFICIAL = "official"  # an official of the pact (signs for the public authority)
    FACILITATOR = "facilitator"  # staff of the pact who is not an official
    LEAD = "lead"  # a representative of the lead organisation
    CO_SIGNER = "co-signer"  # a representative of a co-signing organisation
    OTHER = "other"  # a representative of an organisation that is not a party


class Action(StrEnum):
    EDIT = "edit"
    AGREE = "agree"
    SIGN = "sign"
    WITHDRAW = "withdraw"


# Statuses in which something has been reported since the commitment was signed.
REPORTED = frozenset({Status.IN_PROGRESS, Status.AT_RISK, Status.DONE, Status.DROPPED})
# A commitment that is done or dropped takes no more signatures.
CLOSED = frozenset({Status.DONE, Status.DROPPED, Status.WITHDRAWN})
# Statuses of the proposal-to-signature part of the life, before any report.
UNREPORTED = frozenset({Status.DRAFT, Status.AGREED, Status.SIGNED})
PARTIES = frozenset({Standing.LEAD, Standing.CO_SIGNER})
STAFF = frozenset({Standing.OFFICIAL, Standing.FACILITATOR})


@dataclass(frozen=True)
class Signatures:
    """Which of the signatures that matter for the status the current version has."""

    lead: bool = False
    authority: bool = False


def check(standing: Standing, status: str, action: Action) -> None:
    """Raise DomainError (`forbidden` or `conflict`) unless a person of `standing`
    may take `action` on a commitment in `status`."""
    RULES[action](standing, Status(status))


def _check_edit(standing: Standing, status: Status) -> None:
    if status is Status.WITHDRAWN:
        raise DomainError("conflict", _("This commitment was withdrawn from the pact."))
    if standing is Standing.OFFICIAL or status in UNREPORTED:
        return
    raise DomainError(
        "conflict",
        _("Progress has been reported on this commitment: only an official edits it."),
    )


def _check_agree(standing: Standing, status: Status) -> None:
    if standing is not Standing.OFFICIAL:
        raise DomainError("forbidden", _("Only an official agrees a commitment."))
    if status is not Status.DRAFT:
        raise DomainError("conflict", _("Only a draft can be marked as agreed."))


def _check_sign(standing: Standing, status: Status) -> None:
    if standing is Standing.FACILITATOR:
        raise DomainError(
            "forbidden",
            _("Only an organisation's representative or an official can sign."),
        )
    if status in CLOSED:
        raise DomainError("conflict", _("This commitment is closed."))
    if standing is Standing.OTHER and status is not Status.DRAFT:
        raise DomainError(
            "forbidden", _("Your organisation is not a party to this commitment.")
        )


def _check_withdraw(standing: Standing, status: Status) -> None:
    if standing is not Standing.OFFICIAL:
        raise DomainError("forbidden", _("Only an official withdraws a commitment."))
    if not in_pact(status):
        raise DomainError(
            "conflict", _("Only a commitment of the published pact can be withdrawn.")
        )


RULES = {
    Action.EDIT: _check_edit,
    Action.AGREE: _check_agree,
    Action.SIGN: _check_sign,
    Action.WITHDRAW: _check_withdraw,
}


def signers_by_status() -> dict[str, list[str]]:
    """For each status, the standings whose signature a commitment in it takes (the
    SIGN rule above, read for every cell): pages offer "Sign" only where it works."""
    return {
        status.value: [s.value for s in Standing if _may_sign(s, status)]
        for status in Status
    }


def _may_sign(standing: Standing, status: Status) -> bool:
    try:
        _check_sign(standing, status)
    except DomainError:
        return False
    return True


def joins_as_co_signer(standing: Standing) -> bool:
    """Whether signing makes the signer's organisation a co-signer (a proposal grows
    by the organisations that sign it in the room)."""
    return standing is Standing.OTHER


def after_edit(standing: Standing, status: str) -> Status:
    """The status once an edit is applied (its signatures are gone)."""
    current = Status(status)
    if standing is not Standing.OFFICIAL:
        return Status.DRAFT
    if current is Status.SIGNED:
        return Status.AGREED
    return current


def asks_to_sign_again(status_after: Status, signatures_lost: int) -> bool:
    """Whether the parties are asked to sign again after an edit: only when the
    edit kept the agreement and took signatures away."""
    return status_after is Status.AGREED and signatures_lost > 0


def settled(status: str, signed: Signatures, authority_required: bool) -> Status:
    """The status once the signatures are counted: an agreed commitment signed by its
    lead (and by the authority where required) is signed; anything else stays."""
    current = Status(status)
    if current is not Status.AGREED or not signed.lead:
        return current
    if authority_required and not signed.authority:
        return current
    return Status.SIGNED


def in_pact(status: str) -> bool:
    """Whether a commitment in `status` is part of the published pact."""
    return Status(status) in PACT_STATUSES


def joins_pact(status: str, published: bool, joined: bool) -> bool:
    """Whether a commitment now in `status` joins the pact at this moment: the
    pact is published, the commitment is in it by its status, and it never joined
    before (one re-signed after an official's edit is not new)."""
    return published and not joined and in_pact(status)
