"""Turn pydantic validation errors into one clear RuleViolation naming the field and the rule."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from leadtui.i18n import _
from leadtui.services.errors import RuleViolation

M = TypeVar("M", bound=BaseModel)

FIELD_LABELS: dict[str, str] = {}


def field_label(field: str) -> str:
    label = FIELD_LABELS.get(field)
    return _(label) if label else field.replace("_", " ").capitalize()


def _rule_text(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "string_too_short":
        return _("is required") if ctx.get("min_length") == 1 else _("must have at least {n} characters").format(n=ctx.get("min_length"))
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
        return _("must be a date (YYYY-MM-DD)")
    if kind == "value_error":
        return str(ctx.get("error") or error.get("msg", ""))
    return error.get("msg", _("is not valid"))


def parse(model: type[M], data: dict[str, Any]) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first.get("loc", ())) or "value"
        raise RuleViolation(f"{field_label(field)}: {_rule_text(first)}", field=field) from None
