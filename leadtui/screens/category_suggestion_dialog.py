"""The Lead categorization question (SPEC.md 2.5 A4, 4.9): a rule with "Ask for user confirmation before updating"
fired on a sale (registered, sold, lost) or a lead status. The suggested category is highlighted: Enter accepts it,
arrows pick another one first, Escape skips (the category stays). Accepting changes the company's category through
the company's own update (history, audit, undo, the lead status rules of its contacts).

`offer_category_suggestions(node, suggestions)` asks for each suggestion in turn; call it from a worker right after
the save or move that returned them (the sale card, the contact card, the board).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.dom import DOMNode
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option

from leadtui.actions import bindings, key_display
from leadtui.i18n import _
from leadtui.screens.dialogs import Dialog
from leadtui.services.errors import DomainError
from leadtui.widgets.inert import cell


class CategorySuggestionDialog(Dialog):
    DEFAULT_CSS = """
    CategorySuggestionDialog > Vertical { width: 72; padding: 0 2 1 2; }
    CategorySuggestionDialog #question { margin-bottom: 1; height: auto; }
    CategorySuggestionDialog #categories { height: auto; max-height: 9; }
    CategorySuggestionDialog #buttons { height: auto; align-horizontal: right; }
    CategorySuggestionDialog Button { margin-left: 1; }
    """
    BINDINGS = bindings("category_suggestion")

    def __init__(self, suggestion: Any, categories: list[Any]) -> None:  # automation.CategorySuggestion, ListItemOut
        super().__init__()
        self.suggestion = suggestion
        self.categories = categories

    def question(self) -> Text:
        s = self.suggestion
        lines = [s.reason] if s.reason else []
        lines.append(
            _(
                "Lead categorization suggests setting the category of '{company}' from '{current}' to '{suggested}'."
            ).format(company=s.company_name, current=s.current_category, suggested=s.suggested_category)
        )
        return Text("\n").join(cell(line) for line in lines)

    def compose(self) -> ComposeResult:
        from leadtui.services.lists import category_group_name

        options = []
        for category in self.categories:
            label = cell(f"{category.name}  ·  {category_group_name(category.category_group or 0)}")
            if category.id == self.suggestion.current_category_id:
                label.append("  " + _("(current)"), style="dim")
            options.append(Option(label, id=str(category.id)))
        with Vertical():
            yield Static(_("Update category?"), classes="section-title")
            yield Static(self.question(), id="question")
            yield Static(_("Pick another category with the arrows."), classes="hint")
            yield OptionList(*options, id="categories")
            with Horizontal(id="buttons"):
                yield Button(_("Update") + f" ({key_display('enter')})", id="accept", variant="primary")
                yield Button(_("Skip") + f" ({key_display('escape')})", id="skip")

    def on_mount(self) -> None:
        options = self.query_one("#categories", OptionList)
        try:
            options.highlighted = options.get_option_index(str(self.suggestion.suggested_category_id))
        except Exception:  # noqa: BLE001 - the suggested category is not in the list (deleted meanwhile)
            options.highlighted = 0 if options.option_count else None
        options.focus()

    def _chosen(self) -> int | None:
        options = self.query_one("#categories", OptionList)
        if options.highlighted is None:
            return None
        option_id = options.get_option_at_index(options.highlighted).id
        return int(option_id) if option_id else None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(int(event.option.id) if event.option.id else None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(self._chosen() if event.button.id == "accept" else None)


async def offer_category_suggestions(node: DOMNode, suggestions: Iterable[Any]) -> int:
    """Ask about each suggestion (one per company) and apply what the user accepts; returns how many categories
    changed. Run from a worker."""
    from leadtui.services import companies, lists

    wanted = [s for s in suggestions if s is not None]
    if not wanted:
        return 0
    app = node.app
    backend = await app.ready_backend()  # type: ignore[attr-defined]
    categories = await lists.list_items(backend.db, "category")
    changed = 0
    seen: set[int] = set()
    for suggestion in wanted:
        if suggestion.company_id in seen:
            continue
        seen.add(suggestion.company_id)
        chosen = await app.push_screen_wait(CategorySuggestionDialog(suggestion, categories))
        if chosen is None or chosen == suggestion.current_category_id:
            continue
        try:
            out = await companies.update_company(backend.db, backend.actor, suggestion.company_id, {"category": chosen})
        except DomainError as exc:
            app.notify(str(exc), severity="error", title=_("Not saved"))
            continue
        changed += 1
        app.notify(_("Category of '{company}' set to '{category}'.").format(company=out.name, category=out.category))
    return changed


def offer_later(node: DOMNode, suggestions: Iterable[Any]) -> None:
    """`offer_category_suggestions` in a worker of its own, so the caller goes on (the board redraws the moved cards
    while the question is open)."""
    wanted = [s for s in suggestions if s is not None]
    if wanted:
        node.run_worker(offer_category_suggestions(node, wanted), group="action")
