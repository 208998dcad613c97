"""The walk-in QR code on a workshop's staff page: drawn on the server as inline
SVG (no inline style, named for screen readers), it decodes to the join page with
the workshop's code filled in."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from core.qrcodes import qr_svg
from tests.workshops.factories import load_workshop, new_workshop
from tests.workshops.qr_reader import decode, svg_bitmap

STAFF = "/staff/p/ilfov/workshops"


def test_a_qr_code_decodes_to_its_text(app: Flask) -> None:
    text = "https://pact.example.org/join?code=K7RM2Q"
    assert decode(svg_bitmap(str(qr_svg(text, "QR code")))) == text


def test_the_staff_page_shows_the_qr_code_of_the_join_page_with_its_code(
    client: FlaskClient,
    app: Flask,
    pact: int,
    official: int,
    login: Callable[[int], None],
) -> None:
    workshop = new_workshop(official, pact)
    code = load_workshop(workshop).join_code
    login(official)

    html = client.get(f"{STAFF}/{workshop}").get_data(as_text=True)

    start = html.index('<svg role="img"')
    svg = html[start : html.index("</svg>", start) + len("</svg>")]
    url = f"{app.config['PUBLIC_URL'].rstrip('/')}/join?code={code}"
    assert decode(svg_bitmap(svg)) == url
    assert f"<title>QR code of {url}</title>" in svg
    assert "style" not in svg
    assert f'data-copy="{code}"' in html
    assert f'data-copy="{url}"' in html
