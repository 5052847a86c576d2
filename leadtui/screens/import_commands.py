"""Command palette entries for import, export and the distribution of new leads (listed on every screen).

Kept apart from the screens so that the palette can list them without importing the import machinery.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import App, SystemCommand

from leadtui.i18n import _


def system_commands(app: App) -> Iterable[SystemCommand]:
    def open_import() -> None:
        from leadtui.screens.import_screen import ImportScreen

        app.push_screen(ImportScreen())

    def open_crm_import() -> None:
        from leadtui.screens.crm_import_screen import CrmImportScreen

        app.push_screen(CrmImportScreen())

    def open_export(target: str) -> None:
        from leadtui.screens.export_dialog import ExportDialog

        app.push_screen(ExportDialog(target))

    def open_distribution() -> None:
        from leadtui.screens.distribution_dialog import DistributionDialog

        def saved(result) -> None:  # noqa: ANN001
            if result is not None:
                app.notify(_("Saved the distribution of new leads."))

        app.push_screen(DistributionDialog(), saved)

    def open_new_leads() -> None:
        from leadtui.screens.new_leads import NewLeadsScreen

        app.push_screen(NewLeadsScreen())

    yield SystemCommand(
        _("Import: Contacts from CSV"),
        _("Map the columns, check every row, then import in one transaction"),
        open_import,
    )
    yield SystemCommand(
        _("Import: From another CRM"),
        _("HubSpot, Pipedrive, Salesforce or SuperOffice exports: profile, columns, value mapping"),
        open_crm_import,
    )
    yield SystemCommand(
        _("Export: Contacts to CSV or JSON"),
        _("Contacts matching criteria, chosen columns"),
        lambda: open_export("contact"),
    )
    yield SystemCommand(
        _("Export: Companies to CSV or JSON"),
        _("Companies matching criteria, chosen columns"),
        lambda: open_export("company"),
    )
    yield SystemCommand(
        _("Leads: Show my new leads"),
        _("Leads the distribution gave you since you last looked, with the reason"),
        open_new_leads,
    )
    yield SystemCommand(
        _("Settings: Distribute new leads"),
        _("Who gets new contacts from imports and web forms, in turn"),
        open_distribution,
    )
