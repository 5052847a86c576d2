"""Typed domain errors. Every refusal names the field (when there is one) and the rule.

The TUI shows them next to the field or as a notification; the CLI prints one line and exits with `exit_code`.
"""

from __future__ import annotations

from typing import Any

from leadtui import exit_codes


class DomainError(Exception):
    exit_code = exit_codes.RULE_VIOLATION

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


class RuleViolation(DomainError):
    """Bad input or a business rule said no. Nothing was saved."""


class PermissionDenied(DomainError):
    exit_code = exit_codes.PERMISSION_DENIED

    def __init__(self, message: str, *, right: str | None = None) -> None:
        super().__init__(message)
        self.right = right


class NotFound(DomainError):
    exit_code = exit_codes.NOT_FOUND


class StaleEdit(DomainError):
    """Someone else saved this record after it was loaded; `current` holds what is in the database now."""

    exit_code = exit_codes.STALE_EDIT

    def __init__(self, message: str, *, current: Any = None, changed: dict[str, tuple[Any, Any]] | None = None) -> None:
        super().__init__(message)
        self.current = current
        self.changed = changed or {}


class DatabaseUnavailable(DomainError):
    """The database cannot be opened or created (bad path, no server, schema from a newer leadtui)."""
