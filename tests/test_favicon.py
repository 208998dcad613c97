"""The site icon: served at /favicon.ico (browsers ask there on every page, so a
missing one was a 404 per page view) and linked from every page, SVG first."""

from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient


def test_the_icon_is_served_at_favicon_ico_and_may_be_cached(client: FlaskClient):
    response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert response.mimetype == "image/vnd.microsoft.icon"
    assert response.get_data()[:4] == b"\x00\x00\x01\x00"  # an ICO header
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_every_page_links_the_svg_icon_and_its_fallback(
    client: FlaskClient, make_pact: Callable[..., int]
):
    make_pact("ilfov")
    for path in ("/", "/login", "/p/ilfov/register"):
        html = client.get(path).get_data(as_text=True)
        assert 'rel="icon" href="/static/favicon.svg" type="image/svg+xml"' in html
        assert 'rel="icon" href="/favicon.ico"' in html

    with client.get("/static/favicon.svg") as svg:
        assert svg.status_code == 200
        assert svg.mimetype == "image/svg+xml"
