"""The benchmarks keep working as the code they measure changes: `make bench` is not
part of the suite (its timings are no test), so its data builders run here, small."""

from __future__ import annotations

from pathlib import Path

from bench.__main__ import build, published_pact
from extensions import db
from pacts.documents import pact_pdf
from pacts.queries import published_commitments
from tests.pacts.factories import load_pact


def test_the_pdf_benchmark_builds_a_published_pact_with_reports(tmp_path: Path):
    app = build(tmp_path)
    with app.app_context():
        try:
            published_pact("bench-smoke", 3)
            pact = load_pact("bench-smoke")
            commitments = published_commitments(pact.id)
            assert len(commitments) == 3
            assert all(len(c.reports) == 2 for c in commitments)
            assert pact_pdf(pact).startswith(b"%PDF-")
        finally:
            db.session.remove()
            db.engine.dispose()
