"""A registrant's contact details on the staff pages a facilitator may read, on a
need-to-know basis: a registration's page and a service request's page show the
contact's e-mail address (and phone, and the address the consent came from) to the
pact's officials, who decide on registrations and write to registrants;
facilitators, who run workshops, see the contact's name only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

EMAIL = "maria@ecopack.ro"
PHONE = "+40721234567"
CONSENT_ADDRESS = "192.0.2.1"


@pytest.fixture
def organisation(make_registration: Callable[..., dict[str, Any]]) -> int:
    registration = make_registration(
        status="approved",
        contact_email=EMAIL,
        contact_phone=PHONE,
        services=["mentoring"],
    )
    return int(registration["organisation"])


def pages(organisation: int) -> dict[str, str]:
    return {
        "registration": f"/staff/p/ilfov/registrations/{organisation}?lang=en",
        "service": f"/staff/p/ilfov/services/{organisation}/mentoring?lang=en",
    }


def page_as(
    client: FlaskClient,
    login: Callable[[int], None],
    make_staff: Callable[..., int],
    role: str,
    url: str,
) -> str:
    login(make_staff(role))
    response = client.get(url)
    assert response.status_code == 200
    return str(response.get_data(as_text=True))


@pytest.mark.parametrize("page", ["registration", "service"])
def test_a_facilitator_sees_the_contacts_name_but_not_their_email_or_phone(
    client: FlaskClient,
    login: Callable[[int], None],
    make_staff: Callable[..., int],
    organisation: int,
    page: str,
):
    html = page_as(client, login, make_staff, "facilitator", pages(organisation)[page])

    assert "Maria Popescu" in html
    assert EMAIL not in html
    assert PHONE not in html
    assert CONSENT_ADDRESS not in html


def test_an_official_sees_the_contacts_email_phone_and_consent_address(
    client: FlaskClient,
    login: Callable[[int], None],
    make_staff: Callable[..., int],
    organisation: int,
):
    url = pages(organisation)["registration"]
    html = page_as(client, login, make_staff, "official", url)

    assert f'href="mailto:{EMAIL}"' in html
    assert f'href="tel:{PHONE}"' in html
    assert CONSENT_ADDRESS in html


def test_an_official_sees_the_contacts_email_on_a_service_request(
    client: FlaskClient,
    login: Callable[[int], None],
    make_staff: Callable[..., int],
    organisation: int,
):
    url = pages(organisation)["service"]
    html = page_as(client, login, make_staff, "official", url)

    assert f'href="mailto:{EMAIL}"' in html
