"""QR codes drawn on the server (segno) as inline SVG: no script, no image request,
no inline style, so the strict CSP holds, and the code scales with the page's CSS
(its size comes from the viewBox). Used for the walk-in address shown in the room."""

from __future__ import annotations

import segno
from markupsafe import Markup

# Medium error correction survives a projector's glare or a phone held at an angle;
# a quiet zone of 4 modules is what the standard asks for.
ERROR_CORRECTION = "m"
QUIET_ZONE = 4


def qr_code(text: str) -> segno.QRCode:
    """The QR code of `text` (never a Micro QR: not every phone reads those)."""
    return segno.make(text, error=ERROR_CORRECTION, micro=False)


def qr_svg(text: str, title: str) -> Markup:
    """The QR code of `text` as an `<svg role="img">` named by `title` (escaped by
    segno), dark modules on white whatever the page's colours."""
    svg = qr_code(text).svg_inline(
        omitsize=True,
        title=title,
        svgclass="qr",
        lineclass=None,
        border=QUIET_ZONE,
        dark="#000",
        light="#fff",
    )
    # segno's markup is generated and its one text (the title) escaped.
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S704
