"""A line under a new contact's or company's fields: "Possible duplicate: Ann Berg (Acme) - same email".

The form calls `check_contact(...)` / `check_company(...)` whenever a field changes; the widget waits a moment
(typing goes on), asks services/duplicates.py in a worker and shows the strongest match, or nothing. The form binds
a key (ctrl+g by default, shown in the hint) to `action_open_duplicate` -> `hint.open()`, and a click on the hint
does the same: the widget posts `DuplicateHint.Open` with the match; the form opens that record's card.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import work
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Static

from leadtui.i18n import _, ngettext
from leadtui.services import duplicates
from leadtui.services.errors import DomainError


class DuplicateHint(Static):
    DEFAULT_CSS = """
    DuplicateHint { color: $warning; height: auto; padding: 0 1; }
    DuplicateHint.-none { display: none; }
    """

    class Open(Message):
        """Open the card of the possible duplicate (kind "contact" or "company", id)."""

        def __init__(self, hint: "DuplicateHint", match: duplicates.DuplicateOut) -> None:
            super().__init__()
            self.hint = hint
            self.match = match

        @property
        def kind(self) -> str:
            return self.match.kind

        @property
        def record_id(self) -> int:
            return self.match.id

    def __init__(
        self,
        kind: str = "contact",
        *,
        exclude_id: int | None = None,
        key: str = "ctrl+g",
        delay: float = 0.35,
        **kwargs: Any,
    ) -> None:
        super().__init__("", **kwargs)
        self.kind = kind
        self.exclude_id = exclude_id
        self.key = key
        self.delay = delay
        self.matches: list[duplicates.DuplicateOut] = []
        self._timer: Timer | None = None
        self._asked: tuple | None = None
        self.add_class("-none")

    # ------------------------------------------------------------------ asking

    def check_contact(self, first: str, last: str, email: str = "", company_id: int | None = None) -> None:
        """The new contact's fields as typed so far."""
        self._schedule(("contact", (first or "").strip(), (last or "").strip(), (email or "").strip(), company_id))

    def check_company(self, name: str, website: str = "", email: str = "") -> None:
        """The new company's fields as typed so far."""
        self._schedule(("company", (name or "").strip(), (website or "").strip(), (email or "").strip()))

    def _schedule(self, values: tuple) -> None:
        if values == self._asked:
            return
        self._asked = values
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(self.delay, lambda: self._look(values))

    @work(exclusive=True, group="duplicate-hint")
    async def _look(self, values: tuple) -> None:
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        try:
            if values[0] == "contact":
                _kind, first, last, email, company_id = values
                enough = "@" in email or (first and last)
                found = (
                    await duplicates.similar_contacts(
                        backend.db, first, last, email, company_id, exclude_id=self.exclude_id
                    )
                    if enough
                    else []
                )
            else:
                _kind, name, website, email = values
                enough = len(name) >= duplicates.MIN_CORE or website or "@" in email
                found = (
                    await duplicates.similar_companies(backend.db, name, website, email, exclude_id=self.exclude_id)
                    if enough
                    else []
                )
        except DomainError:
            found = []
        if values != self._asked:
            return  # typing went on; a newer check follows
        self.show(found)

    # ------------------------------------------------------------------ showing and opening

    def show(self, found: list[duplicates.DuplicateOut]) -> None:
        self.matches = list(found)
        if not self.matches:
            self.update("")
            self.tooltip = None
            self.add_class("-none")
            self._bindings_changed()
            return
        first = self.matches[0]
        text = _("Possible duplicate: {name} ({why}) · {key} opens it").format(
            name=first.label, why=first.reason, key=self.key
        )
        more = len(self.matches) - 1
        if more:
            text += " · " + ngettext("{n} more", "{n} more", more).format(n=more)
        self.update(Text(text))
        self.tooltip = "\n".join(f"{m.label}: {m.reason}" for m in self.matches)
        self.remove_class("-none")
        self._bindings_changed()

    def _bindings_changed(self) -> None:
        """The form shows its "Open duplicate" key in the Footer only while there is a match."""
        if self.is_attached:
            self.screen.refresh_bindings()

    def open(self) -> bool:
        """Ask the form to open the strongest match; False when there is none."""
        if not self.matches:
            return False
        self.post_message(self.Open(self, self.matches[0]))
        return True

    def on_click(self) -> None:
        self.open()

    def clear(self) -> None:
        self._asked = None
        if self._timer is not None:
            self._timer.stop()
        self.show([])
