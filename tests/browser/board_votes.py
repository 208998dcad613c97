"""What a facilitator does with the vote and the spotlight on the board page, and
what a page shows of them: small steps for the browser tests (the votes and
spotlight test, and tests that combine them with other screens)."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import open_panel


def set_vote_settings(page: Page, budget: int, per_card: int) -> None:
    """The facilitator saves the votes per person and the most on one card."""
    open_panel(page, "votes")
    page.get_by_label("Votes per person").fill(str(budget))
    page.get_by_label("Most votes on one card").fill(str(per_card))
    page.get_by_role("button", name="Save the vote settings").click()


def reveal_votes(page: Page) -> None:
    open_panel(page, "votes")
    page.get_by_role("button", name="Reveal the votes").click()
    expect(page.locator("#reveal-button")).to_have_attribute("aria-pressed", "true")


def spotlight(page: Page, kind: str, target: int) -> None:
    """The facilitator puts a card, cluster or commitment in the spotlight."""
    open_panel(page, "votes")
    page.get_by_label("Spotlight", exact=True).select_option(f"{kind}:{target}")
    page.get_by_role("button", name="Put in the spotlight").click()


def release_spotlight(page: Page) -> None:
    open_panel(page, "votes")
    page.locator("#spotlight-form").get_by_role(
        "button", name="Release the spotlight"
    ).click()


def spotlight_panel(page: Page) -> Locator:
    """The spotlight as the page shows it (a modal dialog while something is in it)."""
    return page.get_by_role("dialog", name="In the spotlight")


def close_spotlight(page: Page) -> None:
    """The viewer closes the spotlight for themselves."""
    spotlight_panel(page).get_by_role("button", name="Close").click()


def card_order(page: Page, column: Locator) -> list[int]:
    """The ids of a column's cards, top to bottom (cards in clusters left out)."""
    ids = column.locator("ol.card-list > li.card").evaluate_all(
        "nodes => nodes.map(node => Number(node.dataset.card))"
    )
    return [int(card_id) for card_id in ids]
