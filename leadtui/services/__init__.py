"""The async service layer: every business rule, once. No Textual here."""

from leadtui.services import audit as _audit  # noqa: F401  (registers the audit hook on every write session)
