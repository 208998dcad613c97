"""The demo installation (`seed-demo`): the Ilfov and Torino pacts with their staff,
about thirty registrations of mixed kinds, sizes, sectors and statuses, a workshop
with its board, and the Ilfov pact published and monitored (demo/pact.py), while
Torino's is still being co-created, so that a newcomer sees a living system. Every
step is a use case (a unit of work of its own) that checks what exists first:
running it again changes nothing. The people and organisations are invented."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from core.choices import RegistrationStatus
from core.errors import DomainError
from core.models import Pact
from core.pacts import create_pact, find_pact
from core.time import utcnow
from demo.live import seed_live_workshop
from demo.pact import seed_pact_document, seed_published_pact
from demo.pact_data import TORINO_DOCUMENT
from extensions import db
from stakeholders.consent import CONSENT_VERSION
from stakeholders.models import Organisation, Person
from stakeholders.services import create_staff, find_staff, register_organisation
from workshops.enrolment import enrol_people
from workshops.models import Workshop
from workshops.scheduling import WorkshopData, create_workshop

PACTS = [
    {
        "slug": "ilfov",
        "title": "Pactul Verde Local Ilfov",
        "territory": "Ilfov County",
        "languages": "ro,en",
        "country": "RO",
        "timezone": "Europe/Bucharest",
    },
    {
        "slug": "torino",
        "title": "Patto Verde Locale di Torino",
        "territory": "Città di Torino",
        "languages": "it,en",
        "country": "IT",
        "timezone": "Europe/Rome",
    },
]

STAFF = [
    (
        "official@ilfov.demo",
        "Ana Official (demo)",
        "official",
        "ilfov-official-demo",
        "ilfov",
    ),
    (
        "facilitator@ilfov.demo",
        "Radu Facilitator (demo)",
        "facilitator",
        "ilfov-facilitator-demo",
        "ilfov",
    ),
    (
        "official@torino.demo",
        "Giulia Official (demo)",
        "official",
        "torino-official-demo",
        "torino",
    ),
    (
        "facilitator@torino.demo",
        "Marco Facilitator (demo)",
        "facilitator",
        "torino-facilitator-demo",
        "torino",
    ),
    # The administrator: creates pacts and invites their staff (/admin).
    (
        "admin@greenpact.demo",
        "Elena Admin (demo)",
        "admin",
        "greenpact-admin-demo",
        "",
    ),
]

# name, kind, size, sector, locality, services, themes
ILFOV_ORGS = [
    (
        "EcoPack Ambalaje SRL",
        "sme",
        "small",
        "C",
        "Otopeni",
        ["mentoring", "eu_funding"],
        ["circular-economy"],
    ),
    (
        "Solar Voluntari SRL",
        "sme",
        "micro",
        "D",
        "Voluntari",
        ["crowdfunding"],
        ["energy"],
    ),
    (
        "AgroVerde Snagov SRL",
        "sme",
        "small",
        "A",
        "Snagov",
        ["eu_funding", "workshops"],
        ["value-chains"],
    ),
    (
        "Măgurele Photonics Lab SRL",
        "sme",
        "micro",
        "M",
        "Măgurele",
        ["green_digital"],
        ["green-digital"],
    ),
    (
        "Transport Curat Chitila SRL",
        "sme",
        "medium",
        "H",
        "Chitila",
        ["mentoring"],
        ["mobility"],
    ),
    (
        "Construcții Pasive Bragadiru SRL",
        "sme",
        "small",
        "F",
        "Bragadiru",
        ["eu_funding"],
        ["energy"],
    ),
    (
        "Reciclare Popești SRL",
        "sme",
        "small",
        "E",
        "Popești-Leordeni",
        ["crowdfunding", "workshops"],
        ["circular-economy"],
    ),
    (
        "Cafeneaua Verde Pantelimon SRL",
        "sme",
        "micro",
        "I",
        "Pantelimon",
        ["workshops"],
        ["circular-economy"],
    ),
    (
        "DigitalFarm Ilfov SRL",
        "sme",
        "micro",
        "J",
        "Corbeanca",
        ["green_digital", "mentoring"],
        ["green-digital"],
    ),
    (
        "Mobila Circulară Buftea SRL",
        "sme",
        "small",
        "C",
        "Buftea",
        ["mentoring"],
        ["circular-economy", "value-chains"],
    ),
    (
        "Asociația Parc Științific Demo",
        "support_organisation",
        "small",
        "M",
        "Măgurele",
        ["workshops"],
        ["green-digital"],
    ),
    (
        "Camera de Comerț Ilfov (demo)",
        "support_organisation",
        "medium",
        "S",
        "Buftea",
        ["workshops"],
        ["value-chains"],
    ),
    (
        "Primăria Orașului Demo",
        "public_authority",
        "medium",
        "O",
        "Otopeni",
        ["workshops"],
        ["mobility"],
    ),
    (
        "Universitatea Tehnică Demo",
        "research",
        "large",
        "P",
        "București",
        ["workshops"],
        ["energy", "green-digital"],
    ),
    (
        "ONG Ilfov Verde (demo)",
        "ngo",
        "micro",
        "S",
        "Tunari",
        ["workshops"],
        ["circular-economy"],
    ),
    (
        "LogiStoc Ștefăneștii SRL",
        "sme",
        "medium",
        "H",
        "Ștefăneștii de Jos",
        ["eu_funding"],
        ["mobility", "value-chains"],
    ),
    (
        "BioPâine Berceni SRL",
        "sme",
        "micro",
        "C",
        "Berceni",
        ["crowdfunding"],
        ["value-chains"],
    ),
    (
        "Termo Eficient Jilava SRL",
        "sme",
        "small",
        "F",
        "Jilava",
        ["eu_funding", "mentoring"],
        ["energy"],
    ),
]

TORINO_ORGS = [
    (
        "Riciclo Po S.r.l.",
        "sme",
        "small",
        "E",
        "Torino",
        ["eu_funding"],
        ["circular-economy"],
    ),
    (
        "Bici Sabauda S.r.l.",
        "sme",
        "micro",
        "H",
        "Torino",
        ["crowdfunding"],
        ["mobility"],
    ),
    (
        "Officine Verdi Lingotto S.r.l.",
        "sme",
        "medium",
        "C",
        "Torino",
        ["mentoring"],
        ["value-chains"],
    ),
    (
        "SmartEnergy Mirafiori S.r.l.",
        "sme",
        "small",
        "D",
        "Torino",
        ["green_digital"],
        ["energy"],
    ),
    (
        "Caffè Circolare S.n.c.",
        "sme",
        "micro",
        "I",
        "Torino",
        ["workshops"],
        ["circular-economy"],
    ),
    (
        "Parco Tecnologico Demo",
        "support_organisation",
        "medium",
        "M",
        "Torino",
        ["workshops"],
        ["green-digital"],
    ),
    (
        "Tessile Rinnovato S.r.l.",
        "sme",
        "small",
        "C",
        "Collegno",
        ["eu_funding", "mentoring"],
        ["circular-economy"],
    ),
    (
        "Data Verde S.r.l.",
        "sme",
        "micro",
        "J",
        "Torino",
        ["green_digital"],
        ["green-digital"],
    ),
    (
        "Associazione Quartieri Green (demo)",
        "ngo",
        "micro",
        "S",
        "Torino",
        ["workshops"],
        ["mobility"],
    ),
    ("Politecnico Demo", "research", "large", "P", "Torino", ["workshops"], ["energy"]),
    (
        "Edilizia Passiva Moncalieri S.r.l.",
        "sme",
        "small",
        "F",
        "Moncalieri",
        ["eu_funding"],
        ["energy"],
    ),
    (
        "Logistica Ultimo Miglio S.r.l.",
        "sme",
        "medium",
        "H",
        "Settimo Torinese",
        ["crowdfunding"],
        ["mobility"],
    ),
]

STATUS_CYCLE = [
    RegistrationStatus.APPROVED,
    RegistrationStatus.PENDING,
    RegistrationStatus.APPROVED,
    RegistrationStatus.APPROVED,
    RegistrationStatus.PENDING,
    RegistrationStatus.REJECTED,
]


def seed_demo() -> dict[str, Any]:
    """Create what is missing of the demo; report the main pact, workshop, board,
    logins, the published pact's public path and the live workshop (with a
    participant's join link)."""
    for spec in PACTS:
        if find_pact(spec["slug"]) is None:
            create_pact(
                spec["slug"],
                spec["title"],
                spec["territory"],
                languages=spec["languages"],
                country=spec["country"],
                timezone=spec["timezone"],
            )
    for email, name, role, password, slug in STAFF:
        if find_staff(email) is None:
            create_staff(email, name, role, password, [slug] if slug else [])
    torino, torino_official = _pact_and_official("torino")
    seed_pact_document(torino, torino_official.id, TORINO_DOCUMENT)
    _seed_registrations("ilfov", "RO", "Ilfov", "ro", ILFOV_ORGS)
    _seed_registrations("torino", "IT", "Piemonte", "it", TORINO_ORGS)
    workshop, board = _seed_workshop("ilfov")
    published = _seed_published("ilfov", board)
    live = seed_live_workshop("ilfov")
    logins = [
        {"email": email, "password": password, "role": role, "pact": slug}
        for email, _name, role, password, slug in STAFF
    ]
    return {
        "pact": "ilfov",
        "workshop": workshop,
        "board": board,
        "logins": logins,
        "published": published,
        "live": live,
    }


def _seed_registrations(
    slug: str, country: str, region: str, language: str, orgs: list[tuple[Any, ...]]
) -> None:
    pact = find_pact(slug)
    if pact is None:
        return
    for index, (name, kind, size, sector, locality, services, themes) in enumerate(
        orgs
    ):
        data = {
            "organisation_name": name,
            "kind": kind,
            "size": size,
            "sector": sector,
            "locality": locality,
            "region": region,
            "country": country,
            "registration_number": f"DEMO-{slug.upper()}-{index + 1:03d}",
            "website": None,
            "contact_name": f"Demo Contact {index + 1}",
            "contact_position": "Manager",
            "contact_email": f"contact{index + 1}@{slug}-org.demo",
            "contact_phone": None,
            "services": services,
            "themes": themes,
            "motivation": "We want to take part in the pact (demo data).",
            "registered_at": utcnow() - timedelta(days=60 - index),
        }
        consent = {
            "version": CONSENT_VERSION,
            "language": language,
            "text": "(demo)",
            "ip_address": None,
            "given_at": data["registered_at"],
        }
        status = STATUS_CYCLE[index % len(STATUS_CYCLE)]
        try:
            register_organisation(pact.id, data, consent, status=status, notify=False)
        except DomainError:
            continue  # already seeded


def _pact_and_official(slug: str) -> tuple[Pact, Person]:
    pact = find_pact(slug)
    official = find_staff(f"official@{slug}.demo")
    if pact is None or official is None:
        raise DomainError("not_found", "the demo pact and its staff come first")
    return pact, official


def _seed_published(slug: str, board_id: int) -> str:
    """The pact published, its commitments signed and reported on."""
    pact, official = _pact_and_official(slug)
    return seed_published_pact(pact, official.id, board_id)


def _seed_workshop(slug: str) -> tuple[int, int]:
    """The demo workshop, two weeks ahead, with some approved stakeholders enrolled."""
    pact, official = _pact_and_official(slug)
    facilitator = find_staff(f"facilitator@{slug}.demo")
    if facilitator is None:
        raise DomainError("not_found", "the demo pact and its staff come first")
    title = "Co-creation workshop 1: circular economy and energy"
    workshop = db.session.scalar(
        select(Workshop).where(Workshop.pact_id == pact.id, Workshop.title == title)
    )
    if workshop is not None:
        return workshop.id, workshop.board.id
    starts = (utcnow() + timedelta(days=14)).replace(
        hour=7, minute=0, second=0, microsecond=0
    )
    data = WorkshopData(
        title=title,
        description="Turn ideas into measurable commitments (demo).",
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        place="Consiliul Județean Ilfov (demo address)",
        capacity=60,
        language="ro",
        theme_keys=("circular-economy", "energy"),
        facilitator_ids=(facilitator.id,),
    )
    created = create_workshop(official.id, pact.id, data)
    approved = db.session.scalars(
        select(Person.id)
        .join(Organisation, Organisation.id == Person.organisation_id)
        .where(Organisation.pact_id == pact.id, Organisation.status == "approved")
        .order_by(Person.id)
        .limit(5)
    ).all()
    enrol_people(official.id, created["workshop"], approved)
    return created["workshop"], created["board"]
