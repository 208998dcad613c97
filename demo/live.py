"""The demo's live workshop (`seed-demo`): an Ilfov workshop scheduled by the pact's
facilitator, running now, its board in the ideas phase with a few cards from the
enrolled stakeholders, so that a newcomer can open it at once, as staff or as a
participant through the join link the command prints. Every change goes through the
use cases and the board's one path (client message ids make it idempotent); seeding
again finds the workshop by its title and adds nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from core.errors import DomainError
from core.links import public_url
from core.models import Pact, Theme
from core.pacts import find_pact
from core.time import utcnow
from extensions import db
from stakeholders.models import Organisation, Person
from stakeholders.services import find_staff
from workshops.board.path import apply_board_change
from workshops.enrolment import enrol_people
from workshops.invitations import join_link
from workshops.models import Enrolment, Workshop
from workshops.scheduling import WorkshopData, create_workshop, set_workshop_status

LIVE_TITLE = "Live workshop: sustainable mobility and energy (demo)"
LIVE_THEMES = ("mobility", "energy")
PARTICIPANTS = 4
# (which participant, theme, text): ideas as a room in Ilfov would write them.
CARDS = [
    (0, "mobility", "Shared electric vans for deliveries between Otopeni and Buftea"),
    (1, "mobility", "Bike parking and showers at the industrial parks"),
    (2, "energy", "Solar roofs on the warehouses, with the surplus for neighbours"),
    (3, "energy", "A joint energy audit for the small bakeries of the county"),
    (0, "energy", "Heat pumps instead of gas boilers in our workshops"),
]


def seed_live_workshop(slug: str) -> dict[str, Any]:
    """The running workshop, its board, a participant's join link and the walk-in
    address with its code."""
    pact = find_pact(slug)
    facilitator = find_staff(f"facilitator@{slug}.demo")
    official = find_staff(f"official@{slug}.demo")
    if pact is None or facilitator is None or official is None:
        raise DomainError("not_found", "the demo pact and its staff come first")
    same_title = (Workshop.pact_id == pact.id) & (Workshop.title == LIVE_TITLE)
    workshop = db.session.scalar(select(Workshop).where(same_title))
    if workshop is None:
        workshop_id = _start_workshop(pact, facilitator.id, official.id)
        workshop = db.session.get(Workshop, workshop_id)
        assert workshop is not None  # noqa: S101 - created just now
    first = db.session.scalars(
        select(Enrolment)
        .where(Enrolment.workshop_id == workshop.id)
        .order_by(Enrolment.position)
    ).first()
    assert first is not None  # noqa: S101 - the workshop is seeded with people
    return {
        "workshop": workshop.id,
        "board": workshop.board.id,
        "participant": first.person.email,
        "join_link": join_link(first),
        "walk_in": f"{public_url()}/join?code={workshop.join_code}",
    }


def _start_workshop(pact: Pact, facilitator_id: int, official_id: int) -> int:
    now = utcnow().replace(second=0, microsecond=0)
    data = WorkshopData(
        title=LIVE_TITLE,
        description="Running now: open the live board (demo).",
        starts_at=now - timedelta(minutes=30),
        ends_at=now + timedelta(hours=3),
        place="Primăria Orașului Demo, sala de consiliu (demo address)",
        capacity=30,
        language="ro",
        theme_keys=LIVE_THEMES,
        facilitator_ids=(facilitator_id,),
    )
    # Facilitators of the pact schedule workshops too; officials enrol people.
    created = create_workshop(facilitator_id, pact.id, data)
    people = _approved_people(pact.id)
    enrol_people(official_id, created["workshop"], people)
    set_workshop_status(facilitator_id, created["workshop"], "running")
    board = int(created["board"])
    _change(board, facilitator_id, "board:phase", "demo-phase", phase="ideas")
    themes = {theme.key: theme.id for theme in _themes(pact.id)}
    for index, (who, theme, text) in enumerate(CARDS):
        payload = {"theme": themes[theme], "text": text, "kind": "idea"}
        _change(board, people[who], "card:create", f"demo-card-{index}", **payload)
    return int(created["workshop"])


def _change(board: int, person: int, event: str, cid: str, **payload: Any) -> None:
    apply_board_change(board, person, event, {**payload, "cid": cid})


def _approved_people(pact_id: int) -> list[int]:
    return list(
        db.session.scalars(
            select(Person.id)
            .join(Organisation, Organisation.id == Person.organisation_id)
            .where(Organisation.pact_id == pact_id, Organisation.status == "approved")
            .order_by(Person.id)
            .limit(PARTICIPANTS)
        )
    )


def _themes(pact_id: int) -> list[Theme]:
    return list(db.session.scalars(select(Theme).where(Theme.pact_id == pact_id)))
