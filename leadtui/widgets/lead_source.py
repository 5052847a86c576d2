"""Lead source on a card: the UTM first touch of a contact or company, read-only (SPEC.md 1.1, 1.2, 5.1), and why
the distribution of new leads gave it its owner (DESIGN.md decision 11).

`LeadSource(contact_id=...)` or `LeadSource(company_id=...)` loads it in a worker; it shows nothing when the record
was neither created with lead source data nor assigned by the distribution. `reload(contact_id=..)` points it at
another record.
"""

from __future__ import annotations

from typing import Any

from rich.markup import escape
from textual import work
from textual.widgets import Static

from leadtui.i18n import _
from leadtui.i18n.format import format_datetime
from leadtui.services import distribution, utm


class LeadSource(Static):
    DEFAULT_CSS = """
    LeadSource { height: auto; padding: 0 1; margin-top: 1; color: $text-muted; }
    LeadSource.-none { display: none; }
    """

    def __init__(self, *, contact_id: int | None = None, company_id: int | None = None, **kwargs: Any) -> None:
        super().__init__("", **kwargs)
        self.contact_id = contact_id
        self.company_id = company_id
        self.data: utm.UtmOut | None = None
        self.assignment: distribution.AssignmentLogOut | None = None
        self.add_class("-none")

    def on_mount(self) -> None:
        self.reload(contact_id=self.contact_id, company_id=self.company_id)

    def reload(self, *, contact_id: int | None = None, company_id: int | None = None) -> None:
        self.contact_id, self.company_id = contact_id, company_id
        if contact_id is None and company_id is None:
            self.show(None)
            return
        self._load()

    @work(exclusive=True, group="lead-source")
    async def _load(self) -> None:
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        if self.contact_id is not None:
            data = await utm.utm_for_contact(backend.db, self.contact_id)
            found = await distribution.assignments_for_contact(backend.db, self.contact_id)
        else:
            data = await utm.utm_for_company(backend.db, self.company_id)  # type: ignore[arg-type]
            found = await distribution.assignments_for_company(backend.db, self.company_id)  # type: ignore[arg-type]
        assignment = found[0] if found else None
        self.show(data, assignment)

    def show(self, data: utm.UtmOut | None, assignment: distribution.AssignmentLogOut | None = None) -> None:
        self.data, self.assignment = data, assignment
        if data is None and assignment is None:
            self.update("")
            self.add_class("-none")
            return
        lines: list[str] = []
        if data is not None:
            title = _("Lead source (first touch)") if self.contact_id is not None else _("Lead creation source")
            lines += [f"[b]{title}[/b]"] + [f"{escape(label)}: {escape(value)}" for label, value in data.lines()]
        if assignment is not None:
            lines.append(f"[b]{_('Assigned by the distribution of new leads')}[/b]")
            lines.append(
                escape(
                    _("{user}, {when} ({source}): {reason}").format(
                        user=assignment.user,
                        when=format_datetime(assignment.at),
                        source=assignment.source,
                        reason=assignment.reason,
                    )
                )
            )
        self.update("\n".join(lines))
        self.remove_class("-none")
