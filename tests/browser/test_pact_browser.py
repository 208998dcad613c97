"""The published pact's public page in a real browser: a pact signed a year ago with
commitments on three themes, progress reports and programme indicators; its charts
are drawn (visible, with a size) and the commitment page shows its line chart.

With GREENPACT_SCREENSHOTS=1 the test also saves the page as docs/pact-page.png
(the README's picture); otherwise it leaves the file alone."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from commitments.models import Commitment
from core.pacts import find_pact
from extensions import db
from pacts.models import ProgrammeIndicator
from pacts.publishing import publish_pact
from stakeholders.services import find_staff
from tests.browser.conftest import LiveServer
from tests.pacts.factories import (
    Party,
    approved_party,
    backdate,
    report,
    signed_commitment,
    theme_id,
    write_document,
)

pytestmark = pytest.mark.browser

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "pact-page.png"

INTRODUCTION = (
    "Ilfov's county council, its small and medium-sized enterprises and their "
    "support organisations commit to a greener local economy: less waste, cleaner "
    "energy and shorter supply chains.\n\n"
    "Every commitment below was drafted together in co-creation workshops and "
    "signed by the organisations that carry it out. Each lead reports its progress "
    "once a year."
)
GOVERNANCE = (
    "A steering group of the county council and two SME representatives meets "
    "twice a year, reviews the progress reports and proposes new commitments."
)
# What the seeded commitments say unless they say otherwise.
SEEDED: dict[str, Any] = {
    "deadline": date(date.today().year + 1, 12, 31),
    "support_requested": "",
    "support_promised": "",
}


def seed_published_pact(
    live_server: LiveServer, make_registration: Callable[..., dict[str, Any]]
) -> int:
    """A pact signed about fourteen months ago; returns one commitment's id."""
    with live_server.app.app_context():
        pact = find_pact("ilfov")
        official = find_staff(live_server.official_email)
        assert pact is not None
        assert official is not None
        ids = (official.id, pact.id)
        write_document(
            *ids,
            introduction=INTRODUCTION,
            governance=GOVERNANCE,
            partners="Consiliul Județean Ilfov\nCamera de Comerț Ilfov (demo)",
        )
        ecopack = approved_party(make_registration, "EcoPack Ambalaje SRL")
        solar = approved_party(make_registration, "Solar Voluntari SRL")
        farm = approved_party(make_registration, "AgroVerde Snagov SRL")
        transport = approved_party(make_registration, "Transport Curat SRL")

        def signed(lead: Party, **fields: Any) -> int:
            return signed_commitment(*ids, lead.organisation, **SEEDED | fields)

        crates = signed(
            ecopack,
            co_signer_ids=(farm.organisation,),
            signers=(farm.organisation,),
            title="Reusable crates for fresh produce",
            action="Replace single-use cardboard with reusable crates.",
            indicator_name="Cardboard packaging used",
            indicator_unit="t/year",
            indicator_baseline=120.0,
            indicator_target=40.0,
            support_promised="A collection point at the county depot.",
        )
        compost = signed(
            farm,
            title="Compost the market's organic waste",
            action="Compost the weekly market's organic waste on the farm.",
            indicator_name="Organic waste composted",
            indicator_unit="t",
            indicator_baseline=0.0,
            indicator_target=50.0,
        )
        panels = signed(
            solar,
            co_signer_ids=(ecopack.organisation,),
            theme_id=theme_id(pact.id, "energy"),
            title="Solar panels on 30 SME roofs",
            action="Group purchase and installation of rooftop solar panels.",
            indicator_name="SME roofs with solar panels",
            indicator_unit="roofs",
            indicator_baseline=0.0,
            indicator_target=30.0,
            support_promised="Guidance on EU funding calls.",
        )
        vans = signed(
            transport,
            theme_id=theme_id(pact.id, "mobility"),
            title="Electric delivery vans",
            action="Replace diesel delivery vans with electric ones.",
            indicator_name="Electric vans in the fleet",
            indicator_unit="vans",
            indicator_baseline=2.0,
            indicator_target=12.0,
        )
        db.session.add(
            ProgrammeIndicator(
                pact_id=pact.id,
                name="Green investments made",
                unit="investments",
                target=40.0,
                commitments=[db.session.get(Commitment, c) for c in (panels, vans)],
            )
        )
        db.session.add(
            ProgrammeIndicator(
                pact_id=pact.id,
                name="Waste avoided or composted",
                unit="t",
                commitments=[db.session.get(Commitment, c) for c in (crates, compost)],
            )
        )
        db.session.commit()
        publish_pact(*ids)
        backdate(pact.id, 420)
        report(ecopack.person, pact.id, crates, 100, days_ago=300)
        report(ecopack.person, pact.id, crates, 85, days_ago=160)
        report(ecopack.person, pact.id, crates, 70, days_ago=20)
        report(farm.person, pact.id, compost, 18, days_ago=200)
        report(farm.person, pact.id, compost, 50, days_ago=15, status="done")
        report(solar.person, pact.id, panels, 12, days_ago=40)
        report(
            transport.person,
            pact.id,
            vans,
            3,
            days_ago=30,
            status="at risk",
            status_reason="The vans' delivery slipped to next year.",
        )
        db.session.remove()
    return crates


def test_published_pact_page_draws_its_charts(
    page: Page,
    live_server: LiveServer,
    make_registration: Callable[..., dict[str, Any]],
) -> None:
    commitment = seed_published_pact(live_server, make_registration)
    page.set_viewport_size({"width": 1200, "height": 900})

    page.goto(live_server.url("/p/ilfov?lang=en"))

    expect(page.locator("h1")).to_have_text("Ilfov Local Green Pact")
    charts = page.locator("svg[role=img]")
    # The pact's bar, three themes' bars, two indicators and four commitments.
    expect(charts).to_have_count(1 + 3 + 2 + 4)
    for index in range(charts.count()):
        chart = charts.nth(index)
        expect(chart).to_be_visible()
        box = chart.bounding_box()
        assert box is not None
        assert box["width"] > 0
        assert box["height"] > 0
    if os.environ.get("GREENPACT_SCREENSHOTS") == "1":
        page.screenshot(path=str(SCREENSHOT), full_page=True)

    page.goto(live_server.url(f"/p/ilfov/commitments/{commitment}?lang=en"))
    line = page.locator("svg.line-chart__svg")
    expect(line).to_be_visible()
    box = line.bounding_box()
    assert box is not None
    assert box["width"] > 300
    assert box["height"] > 100
    expect(page.locator("circle.line-chart__report")).to_have_count(3)


def test_the_pact_and_a_commitment_print_without_menus_or_buttons_but_with_charts(
    page: Page,
    live_server: LiveServer,
    make_registration: Callable[..., dict[str, Any]],
) -> None:
    commitment = seed_published_pact(live_server, make_registration)
    page.emulate_media(media="print")

    for path in ("/p/ilfov?lang=en", f"/p/ilfov/commitments/{commitment}?lang=en"):
        page.goto(live_server.url(path))
        expect(page.locator(".site-header")).to_be_hidden()
        expect(page.locator(".site-footer")).to_be_hidden()
        expect(page.locator("h1")).to_be_visible()
        expect(page.locator("svg[role=img]").first).to_be_visible()
    page.goto(live_server.url("/p/ilfov?lang=en"))
    expect(page.locator(".downloads")).to_be_hidden()
    assert page.pdf(format="A4").startswith(b"%PDF")
    # Printed, an outside link says where it leads, and a button is left out.
    printed = page.evaluate(
        """() => {
            const main = document.querySelector("main");
            const link = main.appendChild(document.createElement("a"));
            link.href = "https://open.example.org/data";
            link.textContent = "open data";
            const button = main.appendChild(document.createElement("button"));
            return [getComputedStyle(link, "::after").content,
                    getComputedStyle(button).display];
        }"""
    )
    assert printed == ['" (" attr(href) ")"', "none"] or printed == [
        '" (https://open.example.org/data)"',
        "none",
    ]

    page.emulate_media(media="screen")
    expect(page.locator(".site-header")).to_be_visible()
