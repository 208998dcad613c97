"""Browser steps of the administrator's pages, reusable by any browser test (the
acceptance journey among them): log in, and create a pact with its languages, titles
and exactly the themes given. The steps find fields by name and buttons by the form
they submit, so they work whatever language the page is in."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from playwright.sync_api import Page, expect


def log_in_in_browser(page: Page, base_url: str, email: str, password: str) -> None:
    page.goto(f"{base_url}/login")
    page.locator("[name=email]").fill(email)
    page.locator("[name=password]").fill(password)
    with page.expect_navigation():
        page.locator("main form.form button[type=submit]").first.click()
    expect(page.locator("form[action$='/logout']")).to_have_count(1)


def theme_items(page: Page) -> list[str]:
    """The ids (`theme-<id>`) of the themes listed on the pact's admin page."""
    ids = page.locator("ol.themes > li").evaluate_all("items => items.map(i => i.id)")
    return [str(item) for item in ids]


def submit(page: Page, form_selector: str) -> None:
    """Press the form's submit button and wait for the page that answers."""
    with page.expect_navigation():
        page.locator(f"{form_selector} button[type=submit]").first.click()


def add_theme_in_browser(page: Page, names: Mapping[str, str]) -> None:
    """On the pact's admin page: add a theme named in each language given."""
    for language, name in names.items():
        page.locator(f"[name='new-theme-name_{language}']").fill(name)
    submit(page, "form[action$='/themes']")
    expect(page.locator(".error-summary")).to_have_count(0)


def theme_form(item: str) -> str:
    """The selector of a theme's action form (`archive`, `restore`, `move`)."""
    return f"#{item} form[action$='/{item.removeprefix('theme-')}/"


def archive_theme_in_browser(page: Page, item: str) -> None:
    submit(page, theme_form(item) + "archive']")


def create_pact_in_browser(
    page: Page,
    base_url: str,
    slug: str,
    titles: Mapping[str, str],
    languages: Sequence[str],
    themes: Sequence[Mapping[str, str]],
    *,
    territory: str = "Test County",
    country: str = "RO",
    timezone: str = "Europe/Bucharest",
) -> str:
    """As a logged-in administrator: create the pact (its default language the first
    of `languages`), add `themes` (each {language: name}) and archive the themes a
    new pact starts with, so that exactly `themes` are offered. Returns the address
    of the pact's admin page."""
    page.goto(f"{base_url}/admin/pacts/new")
    page.locator("[name=slug]").fill(slug)
    for language in languages:
        page.locator(f"input[name=languages][value={language}]").check()
    page.locator("[name=default_language]").select_option(languages[0])
    for language, title in titles.items():
        page.locator(f"[name=title_{language}]").fill(title)
    page.locator("[name=territory]").fill(territory)
    page.locator("[name=country]").select_option(country)
    page.locator("[name=timezone]").select_option(timezone)
    submit(page, "main form.form")
    admin_page = f"{base_url}/admin/pacts/{slug}"
    expect(page).to_have_url(admin_page)
    starting = theme_items(page)
    for names in themes:
        add_theme_in_browser(page, names)
    for item in starting:
        archive_theme_in_browser(page, item)
    return admin_page
