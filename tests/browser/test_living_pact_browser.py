"""A living pact in a real browser: after the pact's publication a commitment signed
later joins it and the public page shows its joining date; the official withdraws a
published commitment through its confirmation page (a reason is required, then
given); the public pact no longer lists it, its own page says why, and the pact's
change log shows the publication, the joining and the withdrawal with its reason,
also on a phone. The pages answer in Romanian; texts are read through the app's
catalogue."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask_babel import force_locale, gettext, ngettext
from playwright.sync_api import Page, expect

from commitments.models import Commitment
from commitments.operations import agree_commitment
from core.choices import CommitmentStatus
from extensions import db
from pacts.publishing import publish_pact
from stakeholders.services import find_staff
from tests.browser.conftest import LiveServer, fits_the_screen
from tests.pacts.factories import (
    approved_party,
    load_pact,
    new_commitment,
    sign_for,
    signed_commitment,
    write_document,
)

pytestmark = pytest.mark.browser

REASON = "Firma și-a închis punctul de lucru din Otopeni."


def ro(live_server: LiveServer, text: str, **values: Any) -> str:
    with live_server.app.test_request_context(), force_locale("ro"):
        return str(gettext(text, **values))


def published_with(live_server: LiveServer, count: int) -> str:
    with live_server.app.test_request_context(), force_locale("ro"):
        return str(
            ngettext(
                "The pact was signed and published with %(num)d commitment.",
                "The pact was signed and published with %(num)d commitments.",
                count,
            )
        )


def seed(
    live_server: LiveServer, make_registration: Callable[..., dict[str, Any]]
) -> tuple[int, int]:
    """A published pact with two commitments, and a third signed after the
    publication: (the first commitment, the one that joined later)."""
    with live_server.app.app_context():
        official = find_staff(live_server.official_email)
        assert official is not None
        pact = load_pact("ilfov").id
        write_document(official.id, pact)
        lead = approved_party(make_registration, "EcoPack Ambalaje SRL")
        other = approved_party(make_registration, "Verde Logistic SRL")
        first = signed_commitment(official.id, pact, lead.organisation)
        signed_commitment(
            official.id, pact, other.organisation, title="Flotă electrică de livrare"
        )
        late = new_commitment(
            official.id, pact, other.organisation, title="Compost pentru parcuri"
        )
        agree_commitment(official.id, late)
        publish_pact(official.id, pact)
        sign_for(late, other.organisation)
        db.session.remove()
    return first, late


def status_of(live_server: LiveServer, commitment_id: int) -> str:
    with live_server.app.app_context():
        try:
            commitment = db.session.get(Commitment, commitment_id)
            assert commitment is not None
            return commitment.status
        finally:
            db.session.remove()


def test_official_withdraws_a_commitment_and_the_change_log_shows_the_living_pact(
    page: Page,
    phone: Page,
    live_server: LiveServer,
    make_registration: Callable[..., dict[str, Any]],
) -> None:
    first, late = seed(live_server, make_registration)
    title = "Reusable packaging for 40 clients"

    # The public page shows the commitment that joined later with its date.
    page.goto(live_server.url("/p/ilfov"))
    joined = page.locator(f"#commitment-{late}").locator("xpath=ancestor::article")
    expect(joined).to_contain_text(ro(live_server, "Joined the pact"))
    expect(page.locator(f"#commitment-{first}")).to_be_visible()

    # The official withdraws the first one, from its staff page.
    page.goto(live_server.url("/login"))
    page.locator("#email").fill(live_server.official_email)
    page.get_by_label(ro(live_server, "Password")).fill(live_server.official_password)
    page.get_by_role("button", name=ro(live_server, "Log in"), exact=True).click()
    page.wait_for_url(re.compile(r"/staff/$"))
    page.goto(live_server.url(f"/staff/p/ilfov/pact/commitments/{first}"))
    page.get_by_role("link", name=ro(live_server, "Withdraw from the pact")).click()
    page.wait_for_url(re.compile(rf"/commitments/{first}/withdraw$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        ro(live_server, "Withdraw the commitment from the pact")
    )
    withdraw = page.get_by_role(
        "button", name=ro(live_server, "Withdraw the commitment")
    )
    withdraw.click()  # no reason: refused, nothing withdrawn
    expect(page.locator(".error-summary")).to_be_visible()
    assert status_of(live_server, first) != CommitmentStatus.WITHDRAWN
    page.get_by_label(
        ro(live_server, "Why is the commitment withdrawn? (shown to the public)")
    ).fill(REASON)
    withdraw.click()
    page.wait_for_url(re.compile(rf"/staff/p/ilfov/pact/commitments/{first}$"))
    expect(page.locator(".flash--success")).to_have_text(
        ro(live_server, "The commitment is withdrawn from the pact.")
    )
    assert status_of(live_server, first) == CommitmentStatus.WITHDRAWN

    # The public: the pact no longer lists it; the change log says why, on a phone.
    phone.goto(live_server.url("/p/ilfov"))
    expect(phone.locator(f"#commitment-{first}")).to_have_count(0)
    phone.get_by_role(
        "link", name=ro(live_server, "What changed since the publication")
    ).click()
    phone.wait_for_url(re.compile(r"/p/ilfov/changes$"))
    entries = phone.locator(".change-log > li")
    expect(entries).to_have_count(3)
    expect(entries.nth(0)).to_contain_text(
        ro(live_server, "A commitment was withdrawn from the pact:")
    )
    expect(entries.nth(0)).to_contain_text(REASON)
    expect(entries.nth(1)).to_contain_text(
        ro(live_server, "A commitment joined the pact:")
    )
    expect(entries.nth(1)).to_contain_text("Compost pentru parcuri")
    expect(entries.nth(2)).to_contain_text(
        published_with(live_server, 2), use_inner_text=True
    )
    assert fits_the_screen(phone)
    entries.nth(0).get_by_role("link", name=title).click()
    phone.wait_for_url(re.compile(rf"/p/ilfov/commitments/{first}$"))
    expect(phone.locator(".status-reason")).to_contain_text(REASON)
    assert fits_the_screen(phone)
