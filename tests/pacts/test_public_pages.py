"""The public pages of a pact: the page of a pact being co-created, the published
pact with its commitments, headline figures and charts, one commitment's page, and
the download of a report's evidence file. The data is built through the real use
cases (tests/pacts/factories.py)."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import unescape
from typing import Any

import pytest
from flask.testing import FlaskClient

from commitments.operations import agree_commitment
from core.pacts import find_pact
from extensions import db
from pacts.models import ProgrammeIndicator
from pacts.monitoring import Evidence
from pacts.publishing import publish_pact
from tests.pacts.factories import (
    Party,
    approved_party,
    new_commitment,
    report,
    signed_commitment,
    theme_id,
    write_document,
)

PDF = b"%PDF-1.4\n% evidence\n"


@pytest.fixture
def official(make_staff: Callable[..., int]) -> int:
    return make_staff()


@pytest.fixture
def pact_id(official: int) -> int:
    pact = find_pact("ilfov")
    assert pact is not None
    return pact.id


@pytest.fixture
def ecopack(make_registration: Callable[..., dict[str, Any]]) -> Party:
    return approved_party(make_registration, "EcoPack Ambalaje SRL")


@pytest.fixture
def solar(make_registration: Callable[..., dict[str, Any]]) -> Party:
    return approved_party(make_registration, "Solar Voluntari SRL")


def page(client: FlaskClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def article(html: str, commitment_id: int) -> str:
    """The card of one commitment on the pact page."""
    match = re.search(
        rf'<article class="commitment" aria-labelledby="commitment-{commitment_id}">'
        r"(.*?)</article>",
        html,
        re.DOTALL,
    )
    assert match, f"commitment {commitment_id} is not on the page"
    return match.group(1)


def text(html: str) -> str:
    """The page's words, without tags and with white space collapsed."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


# --- the pact page -------------------------------------------------------------------


def test_pact_being_cocreated_invites_to_register_and_shows_no_commitments(
    client: FlaskClient, official: int, pact_id: int, ecopack: Party
):
    signed_commitment(official, pact_id, ecopack.organisation, title="Reusable crates")

    html = page(client, "/p/ilfov")

    assert "This pact is being co-created" in html
    assert 'href="/p/ilfov/register"' in html
    assert "Reusable crates" not in html
    assert "<svg" not in html


def test_unknown_pact_is_not_found(client: FlaskClient, official: int):
    assert client.get("/p/nowhere").status_code == 404
    assert client.get("/p/nowhere/commitments/1").status_code == 404


def test_published_pact_shows_each_commitment_with_its_lead_latest_value_and_percent(
    client: FlaskClient, official: int, pact_id: int, ecopack: Party, solar: Party
):
    jobs = signed_commitment(
        official,
        pact_id,
        solar.organisation,
        title="Green jobs in Voluntari",
        theme_id=theme_id(pact_id, "energy"),
        indicator_name="Green jobs",
        indicator_unit="jobs",
        indicator_baseline=0.0,
        indicator_target=20.0,
        support_promised="Free advice on EU funding.",
    )
    cut = signed_commitment(
        official,
        pact_id,
        ecopack.organisation,
        title="Cut packaging waste",
        indicator_unit="t",
        indicator_baseline=100.0,
        indicator_target=60.0,
    )
    unreported = signed_commitment(
        official, pact_id, ecopack.organisation, title="Compost"
    )
    publish_pact(official, pact_id)
    report(solar.person, pact_id, jobs, 5, days_ago=30)
    report(ecopack.person, pact_id, cut, 90, days_ago=60)
    report(ecopack.person, pact_id, cut, 80, days_ago=10)

    html = page(client, "/p/ilfov")

    jobs_card = text(article(html, jobs))
    assert "Green jobs in Voluntari" in jobs_card
    assert "Solar Voluntari SRL" in jobs_card
    assert "Green jobs: 0 → 20 jobs" in jobs_card
    assert "Free advice on EU funding." in jobs_card
    assert "5 jobs" in jobs_card
    assert "25% of the way from baseline to target" in jobs_card
    cut_card = text(article(html, cut))
    assert "EcoPack Ambalaje SRL" in cut_card
    assert "100 → 60 t" in cut_card
    assert "80 t" in cut_card
    assert "50% of the way from baseline to target" in cut_card
    assert "No progress reported yet" in text(article(html, unreported))
    assert f'href="/p/ilfov/commitments/{cut}"' in html


def test_drafts_and_agreed_commitments_are_not_public(
    client: FlaskClient, official: int, pact_id: int, ecopack: Party
):
    signed_commitment(official, pact_id, ecopack.organisation, title="Signed one")
    new_commitment(official, pact_id, ecopack.organisation, title="Still a draft")
    agreed = new_commitment(
        official, pact_id, ecopack.organisation, title="Agreed, unsigned"
    )
    agree_commitment(official, agreed)
    publish_pact(official, pact_id)

    html = page(client, "/p/ilfov")

    assert "Signed one" in html
    assert "Still a draft" not in html
    assert "Agreed, unsigned" not in html


def test_page_names_signatories_cosigners_and_who_signed_for_the_authority(
    client: FlaskClient,
    make_registration: Callable[..., dict[str, Any]],
    official: int,
    pact_id: int,
    ecopack: Party,
    solar: Party,
):
    farm = approved_party(make_registration, "AgroVerde Snagov SRL")
    commitment = signed_commitment(
        official,
        pact_id,
        ecopack.organisation,
        co_signer_ids=(solar.organisation, farm.organisation),
        signers=(solar.organisation,),
    )
    publish_pact(official, pact_id)

    html = page(client, "/p/ilfov")

    card = text(article(html, commitment))
    assert "Solar Voluntari SRL ✓ (signed)" in card
    assert "AgroVerde Snagov SRL (not signed yet)" in card
    signatories = text(html.split('id="signatories-title"', 1)[1])
    assert "2 organisations signed commitments of this pact" in signatories
    assert "EcoPack Ambalaje SRL" in signatories
    assert "Solar Voluntari SRL" in signatories
    assert "AgroVerde" not in signatories
    assert re.search(
        r"Signed for Ilfov County by Test official on \d+ \w+ \d{4}\.", text(html)
    )
    for path in (
        "/p/ilfov/pact.pdf",
        "/p/ilfov/open-data/commitments.json",
        "/p/ilfov/open-data/commitments.csv",
    ):
        assert f'href="{path}"' in html


def test_texts_are_escaped_and_split_into_paragraphs(
    client: FlaskClient, official: int, pact_id: int, ecopack: Party
):
    write_document(
        official,
        pact_id,
        introduction="Ilfov <b>commits</b>.\n\n\nSecond paragraph,\nsame one.",
        partners="Ilfov County Council\nChamber of Commerce",
        authority_name="Ilfov County Council",
    )
    signed_commitment(
        official,
        pact_id,
        ecopack.organisation,
        title="<script>alert('x')</script> crates",
    )
    publish_pact(official, pact_id)

    html = page(client, "/p/ilfov")

    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; crates" in html
    assert "<b>commits</b>" not in html
    assert '<p class="text">Ilfov &lt;b&gt;commits&lt;/b&gt;.</p>' in html
    assert '<p class="text">Second paragraph,\nsame one.</p>' in html
    assert "<li>Chamber of Commerce</li>" in html
    assert "Signed for Ilfov County Council by Test official" in text(html)


def test_charts_are_labelled_svg_images_with_table_alternatives(
    client: FlaskClient, official: int, pact_id: int, ecopack: Party, solar: Party
):
    on_track = signed_commitment(
        official, pact_id, ecopack.organisation, title="On track one"
    )
    at_risk = signed_commitment(
        official, pact_id, solar.organisation, title="At risk one"
    )
    db.session.add(
        ProgrammeIndicator(
            pact_id=pact_id, name="Tonnes of waste avoided", unit="t", target=20.0
        )
    )
    db.session.commit()
    publish_pact(official, pact_id)
    report(ecopack.person, pact_id, on_track, 4)
    report(solar.person, pact_id, at_risk, 1, status="at risk")

    html = page(client, "/p/ilfov")

    svgs = re.findall(r"<svg [^>]*>\s*<title id=\"([^\"]+)\">([^<]+)</title>", html)
    assert len(svgs) >= 4, "bucket bars, indicator meter and commitment meters"
    for tag in re.findall(r"<svg [^>]*>", html):
        assert 'role="img"' in tag
        assert "aria-labelledby=" in tag
    ids = re.findall(r' id="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "ids are unique"
    for labels in re.findall(r'aria-labelledby="([^"]+)"', html):
        assert set(labels.split()) <= set(ids), labels
    assert ("pact-progress-title", "All 2 commitments by progress") in svgs
    whole_pact = html.split('id="pact-progress-title"', 1)[1]
    table = re.search(
        r'<div class="visually-hidden"><table>(.*?)</table>', whole_pact, re.S
    )
    assert table
    rows = re.findall(r"<th scope=\"row\">([^<]+)</th><td>(\d+)</td>", table.group(1))
    assert rows == [
        ("On track", "1"),
        ("At risk", "1"),
        ("Done", "0"),
        ("Dropped", "0"),
    ]
    assert "Tonnes of waste avoided" in html
    assert "0 of 20 t" in text(html)


def test_commitment_page_shows_fields_chart_reports_and_signatures(
    client: FlaskClient, official: int, pact_id: int, ecopack: Party, solar: Party
):
    commitment = signed_commitment(
        official,
        pact_id,
        ecopack.organisation,
        co_signer_ids=(solar.organisation,),
        title="Cut packaging waste",
        action="Reusable crates for every delivery.",
        indicator_name="Packaging waste",
        indicator_unit="t",
        indicator_baseline=100.0,
        indicator_target=60.0,
        support_requested="A depot for crates.",
        support_promised="Space in the county depot.",
    )
    publish_pact(official, pact_id)
    report(
        ecopack.person,
        pact_id,
        commitment,
        80,
        days_ago=3,
        narrative="Half the deliveries use crates.",
        evidence_url="https://ecopack.example.ro/report",
        evidence=Evidence("report.pdf", PDF),
    )

    html = page(client, f"/p/ilfov/commitments/{commitment}")

    words = text(html)
    for expected in (
        "Cut packaging waste",
        "Reusable crates for every delivery.",
        "Packaging waste: 100 → 60 t",
        "A depot for crates.",
        "Space in the county depot.",
        "Half the deliveries use crates.",
        "50% of the way from baseline to target",
        "EcoPack Ambalaje SRL",
        "Solar Voluntari SRL (not signed yet)",
    ):
        assert expected in words
    assert 'class="line-chart__svg"' in html
    assert '<polyline class="line-chart__actual"' in html
    table = re.search(r'<div class="visually-hidden"><table>(.*?)</table>', html, re.S)
    assert table
    rows = text(table.group(1))
    assert re.search(r"100 Baseline .* 80 Reported .* 60 Target", rows)
    assert 'href="https://ecopack.example.ro/report"' in html
    assert re.search(rf'href="/p/ilfov/commitments/{commitment}/evidence/\d+"', html)
    signatures = text(html.split('id="signatures-title"', 1)[1])
    assert "EcoPack Ambalaje SRL" in signatures


def test_evidence_link_that_is_not_http_is_not_a_link(
    client: FlaskClient, official: int, pact_id: int, ecopack: Party
):
    commitment = signed_commitment(official, pact_id, ecopack.organisation)
    publish_pact(official, pact_id)
    report(ecopack.person, pact_id, commitment, 3, evidence_url="javascript:alert(1)")

    html = page(client, f"/p/ilfov/commitments/{commitment}")

    assert 'href="javascript:' not in html
    assert "javascript:alert(1)" in html


@pytest.mark.parametrize("state", ["draft", "agreed", "unpublished", "other pact"])
def test_commitment_page_is_not_found_unless_part_of_the_published_pact(
    client: FlaskClient,
    make_staff: Callable[..., int],
    official: int,
    pact_id: int,
    ecopack: Party,
    state: str,
):
    signed = signed_commitment(
        official, pact_id, ecopack.organisation, title="Signed one"
    )
    commitment = signed
    if state in ("draft", "agreed"):
        commitment = new_commitment(official, pact_id, ecopack.organisation)
    if state == "agreed":
        agree_commitment(official, commitment)
    if state != "unpublished":
        publish_pact(official, pact_id)
    slug = "ilfov"
    if state == "other pact":
        make_staff(pacts=("torino",))
        slug = "torino"

    assert client.get(f"/p/{slug}/commitments/{commitment}").status_code == 404


def test_pages_render_in_romanian(
    client: FlaskClient, official: int, pact_id: int, ecopack: Party
):
    commitment = signed_commitment(official, pact_id, ecopack.organisation)
    publish_pact(official, pact_id)
    report(ecopack.person, pact_id, commitment, 4, days_ago=40)

    pages = {
        "/p/ilfov?lang=ro": ("Semnatari", "Signatories"),
        f"/p/ilfov/commitments/{commitment}?lang=ro": (
            "Rapoarte de progres",
            "Progress reports",
        ),
    }
    for path, (romanian, english) in pages.items():
        html = page(client, path)
        assert '<html lang="ro">' in html
        assert romanian in html, path
        assert english not in html, path


def test_home_page_links_to_each_pact_page(client: FlaskClient, official: int):
    assert 'href="/p/ilfov"' in page(client, "/")


# --- evidence ------------------------------------------------------------------------


def test_evidence_downloads_as_attachment_with_its_type_and_name(
    client: FlaskClient, official: int, pact_id: int, ecopack: Party
):
    commitment = signed_commitment(official, pact_id, ecopack.organisation)
    publish_pact(official, pact_id)
    report_id = report(
        ecopack.person,
        pact_id,
        commitment,
        3,
        evidence=Evidence("Raport anual 2025.pdf", PDF),
    )

    response = client.get(f"/p/ilfov/commitments/{commitment}/evidence/{report_id}")
    body = response.data
    response.close()

    assert response.status_code == 200
    assert body == PDF
    assert response.mimetype == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert 'filename="Raport anual 2025.pdf"' in disposition


def test_evidence_is_not_found_for_a_report_without_file_or_of_another_commitment(
    client: FlaskClient, official: int, pact_id: int, ecopack: Party
):
    first = signed_commitment(official, pact_id, ecopack.organisation)
    second = signed_commitment(official, pact_id, ecopack.organisation)
    publish_pact(official, pact_id)
    with_file = report(
        ecopack.person, pact_id, first, 3, evidence=Evidence("a.pdf", PDF)
    )
    without_file = report(ecopack.person, pact_id, second, 3)

    for path in (
        f"/p/ilfov/commitments/{second}/evidence/{with_file}",
        f"/p/ilfov/commitments/{second}/evidence/{without_file}",
        f"/p/ilfov/commitments/{first}/evidence/999",
        f"/p/torino/commitments/{first}/evidence/{with_file}",
    ):
        assert client.get(path).status_code == 404, path
