"""How staff views report the outcome of a use case, the same way on every page: a
refused button flashes its reason (a missing thing is a 404), and a refused form shows
the reason beside the field it names, or above the form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort, flash
from flask_babel import gettext as _
from wtforms import Form

from core.errors import DomainError

T = TypeVar("T")


def error_messages(form: Form) -> list[str]:
    """Every error message of a submitted form, flattened (for flash messages)."""
    return [str(error) for errors in form.errors.values() for error in errors]


def perform(form: Any, action: Callable[[], T], done: str | None = None) -> T | None:
    """Check the button's form, run the use case and flash the outcome: its refusal
    as an error (a missing thing is a 404), else `done`."""
    if not form.validate_on_submit():
        for message in error_messages(form) or [_("Please try again.")]:
            flash(message, "error")
        return None
    try:
        result = action()
    except DomainError as exc:
        if exc.code == "not_found":
            abort(404)
        flash(exc.message, "error")
        return None
    if done:
        flash(done, "success")
    return result


def show_refusal(form: Form, exc: DomainError) -> None:
    """A use case's refusal shown beside its field, or above the form."""
    if exc.field and exc.field in form:
        form[exc.field].errors = [*form[exc.field].errors, exc.message]
    else:
        form.form_errors.append(exc.message)


def refuse_on_form(form: Form, exc: DomainError) -> None:
    """A missing thing is a 404; any other refusal is shown on the form."""
    if exc.code == "not_found":
        abort(404)
    show_refusal(form, exc)
