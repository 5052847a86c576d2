"""Turn pydantic validation errors into one clear RuleViolation naming the field and the rule."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from leadtui import text as inert
from leadtui.i18n import N_, _
from leadtui.services.errors import RuleViolation

M = TypeVar("M", bound=BaseModel)

FIELD_LABELS: dict[str, str] = {"search": N_("Search"), "where": "--where"}


def field_label(field: str) -> str:
    label = FIELD_LABELS.get(field)
    return _(label) if label else field.replace("_", " ").capitalize()


def _rule_text(error: ErrorDetails) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "string_too_short":
        return (
            _("is required")
            if ctx.get("min_length") == 1
            else _("must have at least {n} characters").format(n=ctx.get("min_length"))
        )
    if kind == "string_too_long":
        return _("must have at most {n} characters").format(n=ctx.get("max_length"))
    if kind in ("greater_than_equal", "greater_than"):
        return _("must be at least {n}").format(n=ctx.get("ge", ctx.get("gt")))
    if kind in ("less_than_equal", "less_than"):
        return _("must be at most {n}").format(n=ctx.get("le", ctx.get("lt")))
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("must be a whole number")
    if kind in ("decimal_parsing", "decimal_type", "float_parsing"):
        return _("must be a number")
    if kind in ("date_parsing", "date_from_datetime_parsing", "date_type"):
        from leadtui.i18n.format import date_hint

        return _("must be a date ({hint})").format(hint=date_hint())
    if kind == "value_error":
        return str(ctx.get("error") or error.get("msg", ""))
    return error.get("msg", _("is not valid"))


# fields whose text may hold several lines (tab and newline allowed); every other text field is one line
MULTILINE_FIELDS = {"note", "description", "text", "default_text", "purpose"}


def text_rule(kind: str) -> str:
    if kind == inert.ENCODING:
        return _("is not valid UTF-8 text")
    if kind == inert.BIDI:
        return _("must not contain bidirectional override characters")
    return _("must not contain control characters or escape sequences")


def check_text(field: str, value: Any, *, multiline: bool | None = None) -> None:
    """Refuse control characters, escape sequences, bidi overrides and invalid UTF-8 in `value` (a text, or
    texts nested in lists and dicts), naming `field`; multi-line fields allow tab and newline."""
    if isinstance(value, str):
        kind = inert.problem(value, multiline=field in MULTILINE_FIELDS if multiline is None else multiline)
        if kind is not None:
            raise RuleViolation(f"{field_label(field)}: {text_rule(kind)}", field=field)
    elif isinstance(value, dict):
        for item in value.values():
            check_text(field, item, multiline=multiline)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            check_text(field, item, multiline=multiline)


def check_values(values: dict[str, str]) -> None:
    """check_text for every value of an imported row (CSV, intake): one scan of the row in the common case."""
    if inert.problem("".join(values.values())) is None:
        return
    for field, value in values.items():
        check_text(field, value)


def _clean_input(data: dict[str, Any]) -> dict[str, Any]:
    """CR LF in a multi-line field becomes LF; any text that a terminal would obey is refused."""
    cleaned = dict(data)
    for field, value in data.items():
        if field in MULTILINE_FIELDS and isinstance(value, str) and "\r" in value:
            cleaned[field] = value = value.replace("\r\n", "\n")
        check_text(str(field), value)
    return cleaned


def parse(model: type[M], data: dict[str, Any]) -> M:
    if isinstance(data, dict):
        data = _clean_input(data)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first.get("loc", ())) or "value"
        raise RuleViolation(f"{field_label(field)}: {_rule_text(first)}", field=field) from None
