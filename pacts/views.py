"""Public pages of pacts: the home page listing the installation's pacts."""

from __future__ import annotations

from flask import render_template

from pacts import bp
from pacts.services import list_pacts


@bp.get("/")
def home() -> str:
    return render_template("pacts/home.html", pacts=list_pacts())
