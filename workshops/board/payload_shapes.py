"""The JSON shapes of the board's payloads, checked against their WTForms form
classes before validation: a JSON boolean for a StrictBoolean, an integer for an
id, nested objects and lists of the right kind; and a posted HTML form's strings
turned into the JSON values its fields take (the board without JavaScript)."""

from __future__ import annotations

from typing import Any

from wtforms import (
    Field,
    FieldList,
    FloatField,
    Form,
    FormField,
    IntegerField,
)

from workshops.board.rules import BoardError


class StrictBoolean(Field):
    """`true` or `false` only (a JSON boolean), nothing else."""

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist or valuelist[0] not in ("true", "false"):
            self.data = None
            raise ValueError("must be true or false")
        self.data = valuelist[0] == "true"


SCALARS = (str, int, float, bool, type(None))


def _takes(kind: type, value: Any) -> bool:
    """Whether a scalar field of class `kind` takes this JSON value: a JSON boolean
    for StrictBoolean, a JSON integer (or null) for an id, a number (or null) for a
    FloatField; text fields take any scalar. `true` is never a number here."""
    if issubclass(kind, StrictBoolean):
        return isinstance(value, bool)
    if issubclass(kind, IntegerField | FloatField) and isinstance(value, bool):
        return False
    if issubclass(kind, IntegerField):
        return isinstance(value, int | None)
    if issubclass(kind, FloatField):
        return isinstance(value, int | float | None)
    return isinstance(value, SCALARS)


def _wrong_type(name: str, field: Any, value: Any) -> dict[str, str]:
    kind = field.field_class
    if issubclass(kind, FormField):
        if isinstance(value, dict):
            return _wrong_types(field.args[0], value, f"{name}.")
    elif issubclass(kind, FieldList):
        if isinstance(value, list):
            item = field.args[0]
            wrong = any(_wrong_type(name, item, entry) for entry in value)
            return {name: "invalid item"} if wrong else {}
    elif _takes(kind, value):
        return {}
    return {name: "wrong type"}


def _wrong_types(
    form_class: type[Form], payload: dict[str, Any], prefix: str = ""
) -> dict[str, str]:
    wrong: dict[str, str] = {}
    for name, value in payload.items():
        field = getattr(form_class, name, None)
        if hasattr(field, "field_class"):
            wrong.update(_wrong_type(f"{prefix}{name}", field, value))
    return wrong


def check_shapes(form_class: type[Form], payload: Any) -> None:
    """Refuse values of the wrong JSON type, nested ones included (`"5"` or `true`
    for an id, `[[1]]` for a list of ids): `as_formdata` would flatten them into
    strings a field accepts or keys no field reads."""
    if not isinstance(payload, dict):
        return
    wrong = _wrong_types(form_class, payload)
    if wrong:
        raise BoardError("invalid", "the request is not valid", fields=wrong)


def _plain_digits(value: str) -> bool:
    # Long enough for any number past ID_MAX (refused by its range), short enough
    # for int() (which refuses more than 4,300 digits).
    return value.isascii() and value.isdigit() and len(value) <= 100


def typed_values(form_class: type[Form], values: dict[str, Any]) -> dict[str, Any]:
    return {
        name: _typed_value(getattr(form_class, name, None), value)
        for name, value in values.items()
    }


def _typed_value(field: Any, value: Any) -> Any:
    kind = getattr(field, "field_class", None)
    if kind is None:
        return value
    if issubclass(kind, FormField) and isinstance(value, dict):
        return typed_values(field.args[0], value)
    if issubclass(kind, FieldList) and isinstance(value, list):
        return [_typed_value(field.args[0], entry) for entry in value]
    if not isinstance(value, str):
        return value
    if issubclass(kind, IntegerField) and _plain_digits(value):
        return int(value)
    if issubclass(kind, FloatField):
        try:
            return float(value)
        except ValueError:
            return value
    return value
