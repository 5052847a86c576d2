"""The current user and their rights, passed to every service call."""

from __future__ import annotations

from dataclasses import dataclass

from leadtui.i18n import _
from leadtui.model.enums import Role
from leadtui.services.errors import PermissionDenied


@dataclass(frozen=True)
class Actor:
    id: int
    login: str
    full_name: str
    role: Role
    primary_group_id: int | None = None
    delete_others_sales: bool = False
    allow_bulk_update: bool = True
    can_manage_entities: bool = True

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMINISTRATOR

    @property
    def display_name(self) -> str:
        return self.full_name or self.login


def require_list_administrator(actor: Actor) -> None:
    """R1: only administrators change the Settings lists."""
    if not actor.is_admin:
        raise PermissionDenied(
            _("Only administrators may change lists (missing right: List administrator)."),
            right="List administrator",
        )
