"""Values of list fields in another CRM's export, mapped to leadtui's list items.

Every list field (lead status, category, sale stage, sale status, sale type, reasons, follow-up type and done,
owner) is resolved value by value, in this order: the user's `--map-value field:SOURCE=TARGET`, the profile's
defaults, then leadtui's own item of that name (ignoring case). What is still unknown is listed once per value
with its row count and the closest item (difflib); those rows are not imported. `--create-missing` adds the
unknown values to their list (administrators only; users are never created: an unknown owner stays unknown).
Owners are matched by login, email or full name.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field as dc_field
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from leadtui.i18n import N_, _
from leadtui.model import tables as t
from leadtui.services.errors import RuleViolation

# field -> (list kind for services/lists.py, table); None kind: not a Settings list
LIST_FIELDS: dict[str, tuple[str | None, Any]] = {
    "lead_status": ("lead-status", t.LeadStatus),
    "category": ("category", t.Category),
    "stage": ("sale-stage", t.SaleStage),
    "sale_type": ("sale-type", t.SaleType),
    "reason_sold": ("reason-sold", t.ReasonSold),
    "reason_lost": ("reason-lost", t.ReasonLost),
    "type": ("follow-up-type", t.FollowUpType),
    "owner": (None, t.Associate),
    "status": (None, None),
    "done": (None, None),
}
FIELD_NAMES = {
    "lead_status": N_("Lead status"),
    "category": N_("Category"),
    "stage": N_("Sale stage"),
    "sale_type": N_("Sale type"),
    "reason_sold": N_("Reason (sold)"),
    "reason_lost": N_("Reason (lost)"),
    "type": N_("Follow-up type"),
    "owner": N_("Owner"),
    "status": N_("Sale status"),
    "done": N_("Completed"),
}
ALIASES = {
    "lead-status": "lead_status",
    "leadstatus": "lead_status",
    "sale-stage": "stage",
    "sale_stage": "stage",
    "sale-type": "sale_type",
    "reason-sold": "reason_sold",
    "reason-lost": "reason_lost",
    "follow-up-type": "type",
    "followup_type": "type",
    "follow_up_type": "type",
    "our_contact": "owner",
    "sale_status": "status",
    "completed": "done",
    "lifecycle_stage": "category",
}
FIXED_ITEMS = {"status": ("open", "sold", "lost", "stalled"), "done": ("yes", "no")}
PSEUDO_STAGES = ("sold", "lost")
YES = {"1", "true", "yes", "y", "x", "ja", "j", "done", "completed", "✓"}
NO = {"0", "false", "no", "n", "nej", "nee", "nei", ""}


def field_name(key: str) -> str:
    return _(FIELD_NAMES.get(key, key))


def canonical_field(text: str) -> str:
    key = text.strip().casefold().replace(" ", "_")
    key = ALIASES.get(key, ALIASES.get(key.replace("_", "-"), key))
    if key not in LIST_FIELDS:
        raise RuleViolation(
            _("--map-value: '{field}' is not a list field (choose one of: {fields}).").format(
                field=text, fields=", ".join(LIST_FIELDS)
            ),
            field="map_value",
        )
    return key


def parse_map_value(text: str) -> tuple[str, str, str]:
    """`--map-value "field:SOURCE=TARGET"`; an empty SOURCE maps empty cells (a closed sale without a reason)."""
    head, colon, rest = text.partition(":")
    source, equals, target = rest.rpartition("=")
    if not colon or not equals or not target.strip():
        raise RuleViolation(
            _("--map-value: '{text}' is not \"field:SOURCE=TARGET\".").format(text=text), field="map_value"
        )
    return canonical_field(head), source.strip(), target.strip()


def value_maps(options: Iterable[str]) -> dict[str, dict[str, str]]:
    maps: dict[str, dict[str, str]] = {}
    for text in options:
        key, source, target = parse_map_value(text)
        maps.setdefault(key, {})[source.casefold()] = target
    return maps


@dataclass
class Unknown:
    field: str
    value: str
    rows: int = 0
    first_line: int = 0
    lines: list[int] = dc_field(default_factory=list)


class UnknownValue(BaseModel):
    field: str
    field_label: str
    value: str
    rows: int
    first_line: int
    suggestion: str | None
    choices: list[str]


class ValueMapper:
    """Resolves a file's list values to leadtui's names; counts what it cannot resolve."""

    def __init__(
        self, session: AsyncSession, defaults: dict[str, dict[str, str]], explicit: dict[str, dict[str, str]]
    ) -> None:
        self.session = session
        self.defaults = {f: {k.casefold(): v for k, v in m.items()} for f, m in defaults.items()}
        self.explicit = explicit
        self.items: dict[str, dict[str, str]] = {}  # field -> {name key: name}
        self.unknown: dict[tuple[str, str], Unknown] = {}
        self.created: list[str] = []

    async def load(self, fields: Iterable[str]) -> None:
        for key in fields:
            if key in self.items or key not in LIST_FIELDS:
                continue
            _kind, model = LIST_FIELDS[key]
            if key in FIXED_ITEMS:
                self.items[key] = {name: name for name in FIXED_ITEMS[key]}
            elif key == "owner":
                names: dict[str, str] = {}
                for login, email, full_name in (
                    await self.session.execute(
                        select(t.Associate.login, t.Associate.email, t.Associate.full_name)
                        .where(t.Associate.active.is_(True))
                        .order_by(t.Associate.id)
                    )
                ).all():
                    for ref in (login, email, full_name):
                        if ref:
                            names.setdefault(ref.strip().casefold(), login)
                self.items[key] = names
            else:
                rows = (
                    (
                        await self.session.execute(
                            select(model.name).where(model.deleted.is_(False)).order_by(model.rank, model.id)
                        )
                    )
                    .scalars()
                    .all()
                )
                self.items[key] = {t.name_key(name): name for name in rows}
                if key == "stage":
                    self.items[key].update({p: p for p in PSEUDO_STAGES})
        for key, mapping in self.explicit.items():
            if key not in self.items:
                continue
            for source, target in mapping.items():
                if self._known(key, target) is None:
                    raise RuleViolation(
                        _(
                            "--map-value: {field} '{source}' maps to '{target}', which is not in "
                            "leadtui's list (choose one of: {names})."
                        ).format(
                            field=field_name(key), source=source, target=target, names=", ".join(self.choices(key))
                        ),
                        field="map_value",
                    )

    def choices(self, key: str) -> list[str]:
        if key == "owner":
            return sorted(set(self.items.get(key, {}).values()))
        return list(dict.fromkeys(self.items.get(key, {}).values()))

    def _known(self, key: str, name: str) -> str | None:
        items = self.items.get(key, {})
        folded = name.strip().casefold()
        if key == "done":
            return "yes" if folded in YES else "no" if folded in NO else None
        return items.get(t.name_key(name)) or items.get(folded)

    def resolve(self, key: str, value: str, line: int) -> str | None:
        """leadtui's name for `value`, or None (and the value is counted as unknown)."""
        folded = value.strip().casefold()
        target = self.explicit.get(key, {}).get(folded)
        if target is not None:
            return self._known(key, target)
        default = self.defaults.get(key, {}).get(folded)
        if default is not None and (found := self._known(key, default)) is not None:
            return found
        if folded and (found := self._known(key, value)) is not None:
            return found
        entry = self.unknown.setdefault((key, folded), Unknown(key, value.strip()))
        entry.rows += 1
        if not entry.first_line:
            entry.first_line = line
        if len(entry.lines) < 20:
            entry.lines.append(line)
        return None

    def message(self, key: str, value: str) -> str:
        shown = value.strip() or _("(empty)")
        return _(
            "{field}: '{value}' is not in leadtui's list; map it with --map-value \"{key}:{value}=NAME\" "
            "or add it with --create-missing."
        ).format(field=field_name(key), value=shown, key=key)

    def suggestion(self, key: str, value: str) -> str | None:
        items = self.items.get(key, {})
        if not value.strip() or not items:
            return None
        close = difflib.get_close_matches(value.strip().casefold(), list(items), n=1, cutoff=0.5)
        if close:
            return items[close[0]]
        # "In Progress" ~ "Contacting" is beyond difflib; a word in common still helps
        words = set(value.casefold().split())
        for name_key, name in items.items():
            if words & set(name_key.split()):
                return name
        return None

    def unknown_values(self) -> list[UnknownValue]:
        return [
            UnknownValue(
                field=u.field,
                field_label=field_name(u.field),
                value=u.value,
                rows=u.rows,
                first_line=u.first_line,
                suggestion=self.suggestion(u.field, u.value),
                choices=self.choices(u.field),
            )
            for u in sorted(self.unknown.values(), key=lambda u: (u.field, u.first_line))
        ]

    def creatable(self) -> list[Unknown]:
        return [u for u in self.unknown.values() if LIST_FIELDS[u.field][0] is not None and u.value.strip()]

    def forget_unknown(self) -> None:
        self.unknown.clear()
