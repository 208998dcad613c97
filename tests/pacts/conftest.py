"""Fixtures of the pact tests: `published_pact`, the Ilfov pact published through the
real use cases, with commitments in three themes (one with two co-signers, one cutting
emissions with no report yet, one titled like a formula), progress reports, and an
agreed commitment nobody signed, not part of the pact; and `world`, a pact in
Europe/Bucharest with an official, a lead, a co-signer and an outsider (it needs an
app context, so tests request `app` or `db_app` before it)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from commitments.operations import agree_commitment, sign_commitment
from pacts.publishing import publish_pact
from tests.pacts.factories import (
    World,
    approved_party,
    load_pact,
    new_commitment,
    report,
    signed_commitment,
    theme_id,
    write_document,
)
from tests.workshops.factories import TIMEZONE

# What the commitments of `published_pact` say unless they say otherwise.
CRATES: dict[str, Any] = {
    "title": "Ambalaje reutilizabile în Otopeni",
    "action": "Replace single-use packaging with returnable crates.",
    "indicator_name": "Returnable crates in use",
    "indicator_unit": "crates",
    "indicator_baseline": 0.0,
    "indicator_target": 5000.0,
    "deadline": date(2027, 12, 31),
    "support_requested": "A collection point at the town hall.",
    "support_promised": "Spațiu de depozitare la primărie.",
}


@pytest.fixture
def published_pact(
    make_staff: Callable[..., int], make_registration: Callable[..., dict[str, Any]]
) -> dict[str, Any]:
    official = make_staff("official")
    pact = load_pact("ilfov").id
    ecopack = approved_party(make_registration, "EcoPack Ambalaje, SRL")
    magurele = approved_party(make_registration, "Măgurele Photonics Lab SRL")
    solar = approved_party(make_registration, "Solar Ștefănești SRL")
    velo = approved_party(make_registration, 'Velo "Verde" Voluntari SRL')
    write_document(official, pact)

    def signed(lead: int, signers: tuple[int, ...] = (), **changes: Any) -> int:
        return signed_commitment(
            official, pact, lead, signers=signers, **CRATES | changes
        )

    packaging = signed(
        ecopack.organisation,
        (magurele.organisation,),
        co_signer_ids=(magurele.organisation,),
    )
    sign_commitment(official, packaging, None)
    compost = signed(
        magurele.organisation,
        title="Compost din deșeurile cantinei",
        indicator_name="Compost produced",
        indicator_unit="t",
        indicator_baseline=2.0,
        indicator_target=12.0,
        support_promised="",
    )
    solar_roof = signed(
        solar.organisation,
        theme_id=theme_id(pact, "energy"),
        title='Panouri solare, "Ștefănești" pe acoperișul fabricii',
        action="Install 200 kWp.\nSecond line, with a comma.",
        indicator_name="CO₂ emissions",
        indicator_unit="t CO₂/year",
        indicator_baseline=120.0,
        indicator_target=80.5,
    )
    bikes = signed(
        velo.organisation,
        (ecopack.organisation,),
        theme_id=theme_id(pact, "mobility"),
        co_signer_ids=(ecopack.organisation, magurele.organisation),
        title="=Biciclete electrice pentru livrări\nîn Voluntari",
        indicator_name="Change in delivery van trips",
        indicator_unit="%",
        indicator_baseline=0.0,
        indicator_target=-30.0,
        deadline=date(2028, 6, 30),
        support_requested="-2+3 parking spaces",
    )
    unsigned = new_commitment(
        official,
        pact,
        ecopack.organisation,
        **CRATES
        | {
            "theme_id": theme_id(pact, "value-chains"),
            "title": "Lanț valoric nesemnat",
        },
    )
    agree_commitment(official, unsigned)
    publish_pact(official, pact)
    reports = [
        report(ecopack.person, pact, packaging, 2500, reported_on=date(2025, 3, 1)),
        report(
            magurele.person,
            pact,
            compost,
            3,
            reported_on=date(2025, 3, 2),
            status="at risk",
        ),
        report(velo.person, pact, bikes, -10, reported_on=date(2025, 3, 3)),
        report(
            velo.person,
            pact,
            bikes,
            -12.5,
            reported_on=date(2025, 9, 3),
            evidence_url="https://velo.example.ro/report-2025.pdf",
        ),
    ]
    return {
        "official": official,
        "parties": [ecopack, magurele, solar, velo],
        "commitments": [packaging, compost, solar_roof, bikes],
        "draft": unsigned,
        "reports": reports,
    }


@pytest.fixture
def world(
    make_pact: Callable[..., int],
    make_staff: Callable[..., int],
    make_registration: Callable[..., dict[str, Any]],
) -> World:
    pact = make_pact("ilfov", timezone=TIMEZONE)
    return World(
        pact=pact,
        official=make_staff("official"),
        lead=approved_party(make_registration, "EcoPack Ambalaje SRL"),
        co_signer=approved_party(make_registration, "Verde Logistic SRL"),
        outsider=approved_party(make_registration, "Solaris Ilfov SRL"),
    )
