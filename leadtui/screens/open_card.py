"""Open the card of a contact, company or sale from a list (Find results, selection members, board cards).

The cards are other screens (leadtui.screens.contact_card / company_card / sale_card); they are imported only when
asked for, and a card that is not there (yet) is reported plainly instead of failing.
"""

from __future__ import annotations

import importlib
import inspect

from textual.app import App
from textual.screen import Screen

from leadtui.i18n import _

CARD_MODULES = {"contact": "leadtui.screens.contact_card", "company": "leadtui.screens.company_card",
                "sale": "leadtui.screens.sale_card"}
CARD_NAMES = {"contact": "ContactCard", "company": "CompanyCard", "sale": "SaleCard"}


def _card_class(target: str) -> type[Screen] | None:
    try:
        module = importlib.import_module(CARD_MODULES[target])
    except ModuleNotFoundError as exc:
        if exc.name == CARD_MODULES[target]:
            return None
        raise
    preferred = getattr(module, CARD_NAMES[target], None) or getattr(module, CARD_NAMES[target] + "Screen", None)
    if isinstance(preferred, type) and issubclass(preferred, Screen):
        return preferred
    for _name, value in inspect.getmembers(module, inspect.isclass):
        if issubclass(value, Screen) and value.__module__ == module.__name__ and "card" in value.__name__.lower():
            return value
    return None


def open_card(app: App, target: str, record_id: int, on_close=None) -> bool:  # noqa: ANN001
    """Push the record's card; `on_close` runs when it is closed (to reload the list). False when not possible."""
    card = _card_class(target)
    what = {"contact": _("contact"), "company": _("company"), "sale": _("sale")}[target]
    if card is None:
        app.notify(_("The {what} card is not available in this version.").format(what=what), severity="warning")
        return False
    try:
        parameters = [p for p in inspect.signature(card.__init__).parameters.values() if p.name != "self"]
        names = [p.name for p in parameters]
        named = f"{target}_id" if f"{target}_id" in names else next((n for n in names if n.endswith("_id")), None)
        screen = card(**{named: record_id}) if named else card(record_id)
    except (TypeError, ValueError) as exc:
        app.notify(_("Could not open the {what} card: {error}").format(what=what, error=exc), severity="error")
        return False
    app.push_screen(screen, (lambda _result: on_close()) if on_close else None)
    return True
