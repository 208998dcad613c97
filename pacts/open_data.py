"""Public documents of a published pact, no login: the printable PDF and the open
data (commitments as JSON and CSV, progress reports as CSV) with the JSON Schema that
describes them. An unpublished or unknown pact is 404. The open data may be read by
any site (`Access-Control-Allow-Origin: *`): it is public."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from flask import Response, abort, current_app, request

from core.headers import public_page
from core.models import Pact
from core.pacts import find_pact
from pacts import bp
from pacts.documents import (
    SCHEMA_PATH,
    cached_pact_pdf,
    commitments_csv,
    commitments_json,
    progress_csv,
    schema_url,
)

CSV = "text/csv; charset=utf-8"


def _published(slug: str) -> Pact:
    pact = find_pact(slug)
    if pact is None or pact.published_at is None:
        abort(404)
    return pact


def _open(body: str, mimetype: str, filename: str | None = None) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Access-Control-Allow-Origin"] = "*"
    if filename is not None:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _json(document: dict[str, Any], mimetype: str) -> Response:
    return _open(json.dumps(document, ensure_ascii=False, indent=2), mimetype)


@bp.get("/p/<slug>/pact.pdf")
@public_page
def pact_document(slug: str) -> Response:
    pact = _published(slug)
    pdf, digest = cached_pact_pdf(pact)
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{pact.slug}-pact.pdf"'
    response.set_etag(digest)
    response.make_conditional(request)  # 304 when the visitor has this version
    return response


@bp.get("/p/<slug>/open-data/commitments.json")
@public_page
def commitments_open_json(slug: str) -> Response:
    return _json(commitments_json(_published(slug)), "application/json")


@bp.get("/p/<slug>/open-data/commitments.csv")
@public_page
def commitments_open_csv(slug: str) -> Response:
    pact = _published(slug)
    return _open(commitments_csv(pact), CSV, f"{pact.slug}-commitments.csv")


@bp.get("/p/<slug>/open-data/progress.csv")
@public_page
def progress_open_csv(slug: str) -> Response:
    pact = _published(slug)
    return _open(progress_csv(pact), CSV, f"{pact.slug}-progress.csv")


@bp.get(SCHEMA_PATH)
@public_page
def commitments_schema() -> Response:
    """The schema file, its `$id` being this installation's address of it."""
    path = Path(str(current_app.static_folder)) / SCHEMA_PATH.removeprefix("/")
    schema = json.loads(path.read_text(encoding="utf-8"))
    return _json(schema | {"$id": schema_url()}, "application/schema+json")
