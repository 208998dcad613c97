"""The domain's closed vocabularies and limits, with their translatable labels. Forms,
services, exports and (later) the board rules all import them from here, so a value
accepted in one place is accepted everywhere."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from flask_babel import lazy_gettext as _l


class OrganisationKind(StrEnum):
    SME = "sme"
    SUPPORT_ORGANISATION = "support_organisation"
    PUBLIC_AUTHORITY = "public_authority"
    RESEARCH = "research"
    NGO = "ngo"
    OTHER = "other"


class OrganisationSize(StrEnum):
    MICRO = "micro"
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"


class Service(StrEnum):
    MENTORING = "mentoring"
    CROWDFUNDING = "crowdfunding"
    EU_FUNDING = "eu_funding"
    GREEN_DIGITAL = "green_digital"
    WORKSHOPS = "workshops"


class RegistrationStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    # The contact withdrew their consent to data processing (from their page).
    WITHDRAWN = "withdrawn"


class Role(StrEnum):
    """What a person is in one pact: its official or facilitator (staff, per pact:
    StaffMembership), or a participant (a registration's contact)."""

    OFFICIAL = "official"
    FACILITATOR = "facilitator"
    PARTICIPANT = "participant"


STAFF_ROLES = frozenset({Role.OFFICIAL, Role.FACILITATOR})

STAFF_ROLE_LABELS = {
    Role.OFFICIAL: _l("Official"),
    Role.FACILITATOR: _l("Facilitator"),
}


class AccountStatus(StrEnum):
    """A staff account's state: invited (no password set yet), active, or
    deactivated (cannot log in)."""

    INVITED = "invited"
    ACTIVE = "active"
    DEACTIVATED = "deactivated"


ACCOUNT_STATUS_LABELS = {
    AccountStatus.INVITED: _l("Invited, not yet accepted"),
    AccountStatus.ACTIVE: _l("Active"),
    AccountStatus.DEACTIVATED: _l("Deactivated"),
}


class AccountKind(StrEnum):
    """What a person's account is across the installation: a participant's (bound to
    one pact), a staff member's (roles per pact), or an administrator's (creates
    pacts and their first staff; may also be staff of pacts)."""

    PARTICIPANT = "participant"
    STAFF = "staff"
    ADMIN = "admin"


KIND_LABELS = {
    OrganisationKind.SME: _l("SME"),
    OrganisationKind.SUPPORT_ORGANISATION: _l("Support organisation"),
    OrganisationKind.PUBLIC_AUTHORITY: _l("Public authority"),
    OrganisationKind.RESEARCH: _l("Research / university"),
    OrganisationKind.NGO: _l("NGO"),
    OrganisationKind.OTHER: _l("Other"),
}

SIZE_LABELS = {
    OrganisationSize.MICRO: _l("Micro (fewer than 10 employees)"),
    OrganisationSize.SMALL: _l("Small (10 to 49 employees)"),
    OrganisationSize.MEDIUM: _l("Medium (50 to 249 employees)"),
    OrganisationSize.LARGE: _l("Large (250 employees or more)"),
}

SERVICE_LABELS = {
    Service.MENTORING: _l("Mentoring in innovation management"),
    Service.CROWDFUNDING: _l("Crowdfunding campaign support"),
    Service.EU_FUNDING: _l("Guidance on EU funding"),
    Service.GREEN_DIGITAL: _l("Green and digital solutions"),
    Service.WORKSHOPS: _l("Taking part in pact workshops"),
}

STATUS_LABELS = {
    RegistrationStatus.PENDING: _l("Pending"),
    RegistrationStatus.APPROVED: _l("Approved"),
    RegistrationStatus.REJECTED: _l("Rejected"),
    RegistrationStatus.WITHDRAWN: _l("Withdrawn"),
}


class CommitmentStatus(StrEnum):
    DRAFT = "draft"
    AGREED = "agreed"
    SIGNED = "signed"
    IN_PROGRESS = "in progress"
    DONE = "done"
    AT_RISK = "at risk"
    DROPPED = "dropped"
    # Taken out of the published pact by an official, with a reason (history kept).
    WITHDRAWN = "withdrawn"


# A pact commitment's status, for every page.
COMMITMENT_STATUS_LABELS = {
    CommitmentStatus.DRAFT: _l("Draft"),
    CommitmentStatus.AGREED: _l("Agreed"),
    CommitmentStatus.SIGNED: _l("Signed"),
    CommitmentStatus.IN_PROGRESS: _l("In progress"),
    CommitmentStatus.AT_RISK: _l("At risk"),
    CommitmentStatus.DONE: _l("Done"),
    CommitmentStatus.DROPPED: _l("Dropped"),
    CommitmentStatus.WITHDRAWN: _l("Withdrawn from the pact"),
}


# The live board's phases, in order (PROTOCOL.md "Phases"), and its cards' kinds.
class BoardPhase(StrEnum):
    LOBBY = "lobby"
    IDEAS = "ideas"
    CLUSTER = "cluster"
    DRAFT = "draft"
    VOTE = "vote"
    SIGN = "sign"
    CLOSED = "closed"


BOARD_PHASE_LABELS: dict[str, Any] = {
    BoardPhase.LOBBY: _l("Lobby"),
    BoardPhase.IDEAS: _l("Ideas"),
    BoardPhase.CLUSTER: _l("Clustering"),
    BoardPhase.DRAFT: _l("Drafting commitments"),
    BoardPhase.VOTE: _l("Voting"),
    BoardPhase.SIGN: _l("Signing"),
    BoardPhase.CLOSED: _l("Closed"),
}


class CardKind(StrEnum):
    IDEA = "idea"
    NEED = "need"
    QUESTION = "question"


CARD_KIND_LABELS: dict[str, Any] = {
    CardKind.IDEA: _l("Idea"),
    CardKind.NEED: _l("Need"),
    CardKind.QUESTION: _l("Question"),
}

# The headline buckets of a pact's progress (pacts.progress.BUCKETS).
PROGRESS_BUCKET_LABELS = {
    "on track": _l("On track"),
    "at risk": _l("At risk"),
    "done": _l("Done"),
    "dropped": _l("Dropped"),
}

# NACE Rev. 2 sections (the level SMEs can answer without looking anything up).
SECTOR_LABELS = {
    "A": _l("A: Agriculture, forestry and fishing"),
    "B": _l("B: Mining and quarrying"),
    "C": _l("C: Manufacturing"),
    "D": _l("D: Electricity, gas, steam and air conditioning supply"),
    "E": _l("E: Water supply, sewerage, waste management and remediation"),
    "F": _l("F: Construction"),
    "G": _l("G: Wholesale and retail trade; repair of motor vehicles"),
    "H": _l("H: Transportation and storage"),
    "I": _l("I: Accommodation and food service activities"),
    "J": _l("J: Information and communication"),
    "K": _l("K: Financial and insurance activities"),
    "L": _l("L: Real estate activities"),
    "M": _l("M: Professional, scientific and technical activities"),
    "N": _l("N: Administrative and support service activities"),
    "O": _l("O: Public administration and defence"),
    "P": _l("P: Education"),
    "Q": _l("Q: Human health and social work activities"),
    "R": _l("R: Arts, entertainment and recreation"),
    "S": _l("S: Other service activities"),
    "T": _l("T: Activities of households as employers"),
    "U": _l("U: Activities of extraterritorial organisations"),
}

# The themes every new pact starts with: key -> label.
DEFAULT_THEMES = {
    "circular-economy": _l("Circular economy"),
    "energy": _l("Energy efficiency and renewables"),
    "mobility": _l("Sustainable mobility"),
    "green-digital": _l("Green and digital transition"),
    "value-chains": _l("Sustainable value chains"),
}

# The largest id (and version) a column holds: ids are `integer` columns, 32-bit on
# PostgreSQL (SQLite's are 64-bit). A larger one, in a URL or a socket payload, names
# nothing: 404 or `invalid`, never a query that overflows.
ID_MAX = 2**31 - 1

# Limits (characters, after trimming surrounding white space).
NAME_MAX = 200
SHORT_TEXT_MAX = 120
REGISTRATION_NUMBER_MAX = 40
URL_MAX = 300
EMAIL_MAX = 254
PHONE_MAX = 30
MOTIVATION_MAX = 1000
REASON_MAX = 1000
PASSWORD_MIN = 12

# The live board (PROTOCOL.md "Limits").
CID_MAX = 64
CARD_TEXT_MAX = 2000
COMMENT_TEXT_MAX = 500
COMMITMENT_TITLE_MAX = 200
COMMITMENT_TEXT_MAX = 2000
INDICATOR_NAME_MAX = 200
INDICATOR_UNIT_MAX = 50
SOURCE_CARDS_MAX = 50
MERGE_MAX = 50
# Breakout groups: how many groups a room may be split into.
BREAKOUT_GROUPS_MIN = 2
BREAKOUT_GROUPS_MAX = 20


class BreakoutMode(StrEnum):
    RANDOM = "random"  # shuffled, then dealt round the groups
    THEME = "theme"  # one group per theme of the workshop; by the organisation's themes
    MANUAL = "manual"  # the facilitator's own `assignment`


TIMER_MAX_SECONDS = 4 * 3600
# Votes one person may have on a board (the facilitator's budget, and per card).
VOTE_BUDGET_MAX = 50
# What the facilitator may put in the spotlight.
SPOTLIGHT_TYPES = ("card", "cluster", "commitment")
MESSAGE_MAX_BYTES = 64 * 1024
# Lists and objects in one message (an event is at most 4: the event's list, the
# payload, `indicator`, a value); deeper ones are `invalid` before any code walks them.
MESSAGE_MAX_DEPTH = 16
EVENTS_PER_SECOND = 20
EVENT_BURST = 40
