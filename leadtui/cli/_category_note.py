"""A line on stderr for a Lead categorization rule that asks (SPEC.md 2.5 A4): the command line does not ask, it
names the suggestion and the command that applies it (the rules without confirmation have applied already)."""

from __future__ import annotations

import shlex
from typing import Any

import click

from leadtui.i18n import _


def note_suggestions(*suggestions: Any) -> None:
    """Print one line per suggestion (None and duplicates of a company are skipped)."""
    seen: set[int] = set()
    for suggestion in suggestions:
        if suggestion is None or suggestion.company_id in seen:
            continue
        seen.add(suggestion.company_id)
        command = f"leadtui company set {suggestion.company_id} --category {shlex.quote(suggestion.suggested_category)}"
        click.echo(
            _(
                "Lead categorization suggests category '{suggested}' for company '{company}' (now '{current}'); "
                "to apply it: {command}"
            ).format(
                suggested=suggestion.suggested_category,
                company=suggestion.company_name,
                current=suggestion.current_category,
                command=command,
            ),
            err=True,
        )
