"""An official importing registrations in the browser, as reusable steps (the
acceptance tests call them): write a workbook of registrations, upload it, accept
the guessed columns, read the preview's problems, confirm and follow the progress
bar to the end. The steps find the page's parts by their names and ids, not their
words, so they work whatever language the official reads."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from playwright.sync_api import Page, expect

# The people's headers and labels (as the site's XLSX export writes them in English).
HEADER = [
    "Organisation",
    "Kind",
    "Size",
    "Sector",
    "Locality",
    "County / region",
    "Country",
    "Contact person",
    "E-mail",
    "Services wanted",
    "Themes",
]
# What makes a row bad, by the column it spoils.
BAD_CELLS = {"E-mail": "not-an-address", "Kind": "Spaceship"}
IMPORT_MS = 60_000


@dataclass(frozen=True)
class ImportOutcome:
    problems: list[str]  # the preview's rows not imported: "Row N  field  message"
    summary: str  # "N imported, M skipped."


def write_registrations_xlsx(
    path: Path, count: int, bad: Mapping[int, str] | None = None
) -> Path:
    """A workbook of `count` registrations of SMEs (row n of the data is line n + 1
    of the sheet); `bad` spoils the column named (a key of BAD_CELLS) of some."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    for n in range(1, count + 1):
        row = {
            "Organisation": f"Firma Verde {n} SRL",
            "Kind": "SME",
            "Size": "Small (10 to 49 employees)",
            "Sector": "C: Manufacturing",
            "Locality": "Otopeni",
            "County / region": "Ilfov",
            "Country": "Romania",
            "Contact person": f"Persoana {n}",
            "E-mail": f"contact{n}@firma-verde-{n}.ro",
            "Services wanted": "Guidance on EU funding; Mentoring in innovation "
            "management",
            "Themes": "Circular economy",
        }
        spoiled = (bad or {}).get(n)
        if spoiled:
            row[spoiled] = BAD_CELLS[spoiled]
        sheet.append([row[column] for column in HEADER])
    book.save(path)
    return path


def upload_file(page: Page, base_url: str, slug: str, path: Path) -> None:
    """From the import page to the columns page."""
    page.goto(f"{base_url}/staff/p/{slug}/registrations/import")
    page.locator("input[name=file]").set_input_files(str(path))
    with page.expect_navigation():
        page.locator("main form.form button[type=submit]").click()
    expect(page.locator("select[name=contact_email]")).to_be_visible()


def accept_columns(page: Page) -> list[str]:
    """Keep the guessed columns; on the preview, the rows that will not be imported."""
    with page.expect_navigation():
        page.locator("main form.form button[type=submit]").click()
    expect(page.locator("form[action$='/start']")).to_be_visible()
    return [
        " ".join(text.split())
        for text in page.locator("#import-problems tbody tr").all_inner_texts()
    ]


def run_import(page: Page) -> str:
    """Confirm on the preview, wait for the progress bar to reach its end; the
    summary."""
    page.locator("form[action$='/start'] button[type=submit]").click()
    done = page.locator("#import-done")
    expect(done).to_be_visible(timeout=IMPORT_MS)
    bar = page.locator("#import-progress")
    assert bar.get_attribute("value") == bar.get_attribute("max"), "the bar is full"
    return " ".join(done.inner_text().split())


def import_registrations(
    page: Page,
    base_url: str,
    slug: str,
    xlsx_path: Path,
    before_import: Callable[[list[str]], None] | None = None,
) -> ImportOutcome:
    """Upload, keep the guessed columns, (check the preview's problems with
    `before_import`), import: what the preview reported and the summary."""
    upload_file(page, base_url, slug, xlsx_path)
    problems = accept_columns(page)
    if before_import is not None:
        before_import(problems)
    return ImportOutcome(problems, run_import(page))
