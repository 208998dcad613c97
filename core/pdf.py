"""HTML to PDF with WeasyPrint, off the event loop (core/offload.py): the pact
document and the workshop summary attached to the closing e-mail both come through
here. Only files under static/ may be loaded (the stylesheet): never the network."""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from core.offload import off_the_event_loop


def render_pdf(html: str) -> bytes:
    """The PDF of `html` (our own escaped template output), its relative URLs read
    from the app's static folder."""
    # Imported on the first PDF, in the calling thread (under gevent, a module that
    # makes locks as it loads must not load in the render thread): WeasyPrint is a
    # quarter of an idle process's memory (26 MB) and most processes never render a
    # PDF; the first rendering of a process waits for it once (about 0.4 s).
    import weasyprint.urls  # noqa: F401

    static = Path(str(current_app.static_folder))
    return bytes(off_the_event_loop(_write_pdf, html, f"{static.as_uri()}/"))


def _write_pdf(html: str, base_url: str) -> bytes:
    from weasyprint import HTML  # loaded by render_pdf: only looked up here
    from weasyprint.urls import URLFetcher

    # Only the stylesheet under static/ is loaded: a file URL, never the network.
    fetcher = URLFetcher(allowed_protocols=("file",))
    document = HTML(string=html, base_url=base_url, url_fetcher=fetcher)
    return bytes(document.write_pdf())
