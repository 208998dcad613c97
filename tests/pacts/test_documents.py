"""The printable pact: a real PDF with a title page, contents, one bookmarked section
per theme that has commitments, every commitment's title (diacritics intact), the
signatories, and page numbers in the footer."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader

from commitments.models import Commitment
from extensions import db
from pacts.documents import pact_html
from pacts.indicators import IndicatorData, add_programme_indicator
from tests.pacts.factories import load_pact, report, write_document

PDF = "/p/ilfov/pact.pdf"


def flat(text: str) -> str:
    """Text with every run of white space as one space (lines wrap in a PDF)."""
    return " ".join(text.split())


@pytest.fixture
def pdf(client: FlaskClient, published_pact: dict[str, Any]) -> PdfReader:
    response = client.get(PDF)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(response.data))


def outline(reader: PdfReader) -> list[tuple[str, list[str]]]:
    """Top-level bookmarks, each with the titles of its children."""
    entries: list[tuple[str, list[str]]] = []
    for item in reader.outline:
        if isinstance(item, list):
            entries[-1][1].extend(child.title for child in item)
        else:
            entries.append((item.title, []))
    return entries


def titles(commitment_ids: list[int]) -> list[str]:
    return [flat(db.session.get(Commitment, cid).title) for cid in commitment_ids]


def test_pdf_is_served_inline_with_a_file_name(
    client: FlaskClient, published_pact: dict[str, Any]
):
    response = client.get(PDF)
    disposition = response.headers["Content-Disposition"]
    assert disposition == 'inline; filename="ilfov-pact.pdf"'


def test_outline_has_one_top_level_entry_per_theme_with_commitments(
    pdf: PdfReader, published_pact: dict[str, Any]
):
    packaging, compost, solar, bikes = titles(published_pact["commitments"])
    assert outline(pdf) == [
        ("Contents", []),
        ("Progress at a glance", []),
        ("Introduction", []),
        ("Governance", []),
        ("Circular economy", [packaging, compost]),
        ("Energy efficiency and renewables", [solar]),
        ("Sustainable mobility", [bikes]),
        ("Signatories", []),
    ]


def test_pdf_text_has_every_commitment_and_not_the_unsigned_one(
    pdf: PdfReader, published_pact: dict[str, Any]
):
    text = flat(" ".join(page.extract_text() for page in pdf.pages))
    for title in titles(published_pact["commitments"]):
        assert title in text
    assert "Ambalaje reutilizabile în Otopeni" in text
    assert "Lanț valoric nesemnat" not in text


def test_title_page_names_the_pact_authority_date_and_signatory(pdf: PdfReader):
    cover = flat(pdf.pages[0].extract_text())
    assert "Ilfov Local Green Pact" in cover
    assert "Ilfov County" in cover
    assert "Consiliul Județean Ilfov" in cover
    assert "Test official" in cover
    assert re.search(r"\b20\d\d\b", cover), "publication date"


def test_document_texts_commitment_facts_progress_and_signatories_are_printed(
    pdf: PdfReader,
):
    text = flat(" ".join(page.extract_text() for page in pdf.pages))
    assert "EcoPack Ambalaje, SRL" in text
    assert "0 → 5,000 crates" in text
    assert "2,500 crates" in text
    assert "50% of the way" in text
    assert "120 → 80.5 t CO₂/year" in text
    assert "No progress reported yet." in text
    assert "Spațiu de depozitare la primărie." in text
    assert "Solar Ștefănești SRL" in text
    assert "Ilfov își asumă o economie verde." in text
    assert "SME4GREEN" in text


def test_contents_list_page_numbers_and_every_page_but_the_cover_is_numbered(
    pdf: PdfReader,
):
    pages = len(pdf.pages)
    # The cover alone, then the parts flow: no page per part (that made nine).
    assert 3 <= pages <= 5
    contents = flat(pdf.pages[1].extract_text())
    assert re.search(r"Sustainable mobility \.+ ?\d+", contents), contents
    assert f"/ {pages}" not in flat(pdf.pages[0].extract_text())
    for number in range(2, pages + 1):
        page_text = flat(pdf.pages[number - 1].extract_text())
        assert f"{number} / {pages}" in page_text


def test_headline_figures_indicators_and_each_commitments_progress_are_printed(
    app: Flask, client: FlaskClient, published_pact: dict[str, Any]
):
    add_programme_indicator(
        published_pact["official"],
        load_pact("ilfov").id,
        IndicatorData(
            name="Crates in the county",
            unit="crates",
            source="commitments",
            commitment_ids=(published_pact["commitments"][0],),
            service=None,
            target=10_000,
        ),
    )
    pdf = PdfReader(io.BytesIO(client.get(PDF).data))

    cover = flat(pdf.pages[0].extract_text())
    assert re.search(r"4 ?Commitments 4 ?Signatories 3 ?Themes", cover), cover
    glance = flat(pdf.pages[1].extract_text())
    assert "Progress at a glance" in glance
    assert "3 On track 1 At risk 0 Done 0 Dropped" in glance
    assert "Programme indicators Crates in the county 2,500 of 10,000 crates" in glance
    assert "25% of the target" in glance
    text = flat(" ".join(page.extract_text() for page in pdf.pages))
    assert "50% of the way" in text  # the crates: 2,500 of 5,000
    assert "10% of the way" in text  # the compost: 2 → 3 of 12
    # Each commitment's chart and progress bar, drawn as on the public page.
    with app.test_request_context("/p/ilfov/pact.pdf"):
        html = pact_html(load_pact("ilfov"))
    assert html.count('<svg class="line-chart"') == 4
    assert html.count('<svg class="meter"') == 4 + 1  # and the programme indicator


def test_the_pdf_follows_the_readers_language_and_the_pacts_texts_in_it(
    client: FlaskClient, published_pact: dict[str, Any]
):
    write_document(
        published_pact["official"],
        load_pact("ilfov").id,
        title="Pactul Verde Local Ilfov",
        texts={"en": {"title": "Ilfov Local Green Pact", "governance": "In English."}},
    )

    def text_of(url: str) -> str:
        reader = PdfReader(io.BytesIO(client.get(url).data))
        return flat(" ".join(page.extract_text() for page in reader.pages))

    english, romanian = text_of(f"{PDF}?lang=en"), text_of(f"{PDF}?lang=ro")

    assert "Ilfov Local Green Pact" in english
    assert "In English." in english
    assert "Progress at a glance" in english
    assert "Pactul Verde Local Ilfov" in romanian
    assert "A steering group meets twice a year." in romanian
    assert "Ilfov Local Green Pact" not in romanian
    assert "Economie circulară" in romanian
    assert "Circular economy" not in romanian


def test_the_pdf_is_rendered_once_until_the_pact_changes(
    app: Flask, client: FlaskClient, published_pact: dict[str, Any], tmp_path: Path
):
    app.config["DOCUMENT_CACHE_FOLDER"] = str(tmp_path)
    first = client.get(PDF)
    etag = first.headers["ETag"]
    cached = list(tmp_path.glob("pact-ilfov-*.pdf"))
    assert len(cached) == 1
    # Another language is another file, the first one kept.
    client.get(f"{PDF}?lang=ro")
    assert len(list(tmp_path.glob("pact-ilfov-ro-*.pdf"))) == 1
    client.get(f"{PDF}?lang=en")
    assert list(tmp_path.glob("pact-ilfov-en-*.pdf")) == cached

    again = client.get(PDF)
    assert again.data == first.data
    assert again.headers["ETag"] == etag
    assert client.get(PDF, headers={"If-None-Match": etag}).status_code == 304
    # What the cache holds is served: no second rendering took place.
    cached[0].write_bytes(b"%PDF-cached")
    assert client.get(PDF).data == b"%PDF-cached"

    lead = published_pact["parties"][0]
    report(lead.person, load_pact("ilfov").id, published_pact["commitments"][0], 7)
    changed = client.get(PDF)
    assert changed.headers["ETag"] != etag
    assert changed.data.startswith(b"%PDF-1")
    assert [p.name for p in tmp_path.glob("pact-ilfov-en-*.pdf")] != [cached[0].name]
    assert len(list(tmp_path.glob("pact-ilfov-en-*.pdf"))) == 1
