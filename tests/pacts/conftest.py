"""Fixtures of the pact tests: the Ilfov pact published through the real use cases,
with commitments in three themes (one with two co-signers, one cutting emissions with
no report yet, one titled like a formula), progress reports, and a draft that is not
part of the pact."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from pacts.commitments import sign_commitment
from tests.pacts.factories import (
    approved_party,
    commitment_data,
    publish,
    report,
    signed_commitment,
    write_document,
)

SLUG = "ilfov"


@pytest.fixture
def published_pact(
    make_staff: Callable[..., int], make_registration: Callable[..., dict[str, Any]]
) -> dict[str, Any]:
    official = make_staff("official")
    ecopack = approved_party(make_registration, "EcoPack Ambalaje, SRL")
    magurele = approved_party(make_registration, "Măgurele Photonics Lab SRL")
    solar = approved_party(make_registration, "Solar Ștefănești SRL")
    velo = approved_party(make_registration, 'Velo "Verde" Voluntari SRL')
    write_document(official, SLUG)
    packaging = signed_commitment(
        official,
        SLUG,
        commitment_data(SLUG, "circular-economy", ecopack, (magurele,)),
        (ecopack, magurele),
    )
    sign_commitment(official, packaging, None)
    compost = signed_commitment(
        official,
        SLUG,
        commitment_data(
            SLUG,
            "circular-economy",
            magurele,
            title="Compost din deșeurile cantinei",
            indicator_name="Compost produced",
            indicator_unit="t",
            indicator_baseline=2.0,
            indicator_target=12.0,
            support_promised="",
        ),
        (magurele,),
    )
    solar_roof = signed_commitment(
        official,
        SLUG,
        commitment_data(
            SLUG,
            "energy",
            solar,
            title='Panouri solare, "Ștefănești" pe acoperișul fabricii',
            action="Install 200 kWp.\nSecond line, with a comma.",
            indicator_name="CO₂ emissions",
            indicator_unit="t CO₂/year",
            indicator_baseline=120.0,
            indicator_target=80.5,
        ),
        (solar,),
    )
    bikes = signed_commitment(
        official,
        SLUG,
        commitment_data(
            SLUG,
            "mobility",
            velo,
            (ecopack, magurele),
            title="=Biciclete electrice pentru livrări\nîn Voluntari",
            indicator_name="Change in delivery van trips",
            indicator_unit="%",
            indicator_baseline=0.0,
            indicator_target=-30.0,
            deadline=date(2028, 6, 30),
            support_requested="-2+3 parking spaces",
        ),
        (velo, ecopack),
    )
    draft = signed_commitment(
        official,
        SLUG,
        commitment_data(SLUG, "value-chains", ecopack, title="Lanț valoric nesemnat"),
        (),
    )
    publish(official, SLUG)
    reports = [
        report(ecopack.person, SLUG, packaging, 2500, date(2025, 3, 1)),
        report(magurele.person, SLUG, compost, 3, date(2025, 3, 2), status="at risk"),
        report(velo.person, SLUG, bikes, -10, date(2025, 3, 3)),
        report(
            velo.person,
            SLUG,
            bikes,
            -12.5,
            date(2025, 9, 3),
            evidence_url="https://velo.example.ro/report-2025.pdf",
        ),
    ]
    return {
        "official": official,
        "parties": [ecopack, magurele, solar, velo],
        "commitments": [packaging, compost, solar_roof, bikes],
        "draft": draft,
        "reports": reports,
    }
