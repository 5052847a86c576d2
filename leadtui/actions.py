"""One table of every keyboard action: it makes the BINDINGS of each screen and widget, the command palette's
entries for the screen in front and the key reference (docs/keys.md); users remap its keys in keymap.toml.

An action's id is "<scope>.<name>". The scope names a screen or widget: its class says `BINDINGS =
bindings("companies")`. Each binding carries the action's id, so Textual's keymap (`App.set_keymap`) can give it
other keys; `load_keymap` reads the user's file (`keymap_path()`), and the palette and hints show the key in use
(`key_hint`). Descriptions, palette titles and helps are English msgids (N_), translated where shown.

    python -m leadtui.actions --markdown > docs/keys.md
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from textual.actions import parse as parse_action
from textual.binding import Binding, BindingType
from textual.keys import format_key

from leadtui.i18n import N_, _, pgettext

# the navigator's keys (navigation.SECTIONS, the app's bindings): no screen or widget binds them
NAVIGATOR_KEYS = frozenset("cpsfbdtqi12345678")


@dataclass(frozen=True)
class Action:
    id: str  # "<scope>.<name>": the name in keymap.toml and docs/keys.md
    keys: str  # Textual key names, comma-separated; the first is the one hints show ("" for palette-only)
    action: str  # the Textual action string, run on the screen or widget of the scope
    description: str  # N_: the Footer's label
    show: bool = True  # in the Footer
    priority: bool = False
    palette: str = ""  # N_ "Area: Action": the command palette's title ("" = not in the palette)
    help: str = ""  # N_: the palette's help; the key in use is added when shown
    bind: bool = True  # False: the key belongs to a widget inside (Enter on a table); listed for palette and docs
    keys_of: str = ""  # a palette-only entry of an action bound elsewhere (a card's Edit): that action's id

    @property
    def scope(self) -> str:
        return self.id.split(".", 1)[0]


A = Action

# scope -> (heading in docs/keys.md, where it is)
SCOPES: dict[str, tuple[str, str]] = {
    "app": ("Everywhere", "the navigator and the app"),
    "companies": ("Companies", "section c"),
    "contacts": ("Contacts", "section p"),
    "contacts_table": ("Contacts table", "the Contacts section and a company card's Contacts tab"),
    "sales": ("Sales", "section s"),
    "sale_list": ("Sales table", "the Sales section and the Sales tab of company and contact cards"),
    "paged_table": ("Paged table", "the table of the Companies, Contacts and Sales lists"),
    "find": ("Find", "section f"),
    "selections": ("Selections", "Find, l"),
    "board": ("Board", "section b"),
    "board_cards": ("Board column", "a column of the Board"),
    "dashboard": ("Dashboard", "section d"),
    "dashboard_tile": ("Dashboard tile", "a tile of the Dashboard"),
    "tile_dialog": ("Add tile dialog", "Dashboard, a"),
    "settings": ("Settings", "section t"),
    "users": ("Users", "Settings, u"),
    "user_keys": ("SSH keys", "Users, k"),
    "user": ("User dialog", "Users, a or e"),
    "audit": ("Audit", "a card, ctrl+y"),
    "card": ("Every card", "company, contact and sale cards"),
    "company_card": ("Company card", ""),
    "contact_card": ("Contact card", ""),
    "sale_card": ("Sale card", ""),
    "new_leads": ("My new leads", "command palette"),
    "import": ("Import contacts", "command palette"),
    "crm_import": ("Import from another CRM", "command palette"),
    "confirm": ("Confirm dialog", ""),
    "sale_delete": ("Delete sale dialog", ""),
    "conflict": ("Someone else saved", "a card's save after another user's"),
    "bulk_update": ("Bulk update dialog", ""),
    "columns": ("Columns dialog", ""),
    "company_picker": ("Company picker", ""),
    "contacts_view": ("Columns, sort, filter, group of the contacts table", ""),
    "criterion": ("Criterion dialog", ""),
    "distribution": ("Distribute new leads", ""),
    "export": ("Export dialog", ""),
    "follow_up": ("Follow-up dialog", ""),
    "guide_item": ("Sales guide item dialog", ""),
    "guide_suggestion": ("Suggested follow-up", ""),
    "list_item": ("List item dialog", ""),
    "pick": ("Pick dialog", ""),
    "picker": ("Picker dialog", ""),
    "sales_guide": ("Sales guide", "Settings, g"),
    "save_selection": ("Save selection dialog", ""),
    "move_contact": ("Move contact dialog", "Contact card, m"),
    "recycle_bin": ("Recycle bin", "Settings, R"),
    "text": ("Text dialog", ""),
    # lead categorization (SPEC 2.5)
    "lead_categorization": ("Lead categorization", "Settings, l"),
    "category_suggestion": ("Suggested category", "after a sale or lead status change a rule asks about"),
    "combine": ("Combine selections dialog", ""),
    # follow-ups (issue 15)
    "activities_tab": ("Activities tab", "the Activities tab of contact and company cards"),
    "my_follow_ups": ("My follow-ups", "section i"),
}

ACTIONS: list[Action] = [
    # app-wide: the navigator's keys (built from navigation.SECTIONS below), quit and undo
    A("app.quit", "q", "quit", N_("Quit")),
    A("app.undo", "ctrl+z", "undo", N_("Undo"), show=False),
    A(
        "app.navigator",
        "ctrl+b",
        "toggle_navigator",
        N_("Navigator"),
        show=False,
        palette=N_("View: Narrow or wide navigator"),
        help=N_("Show the sections as a narrow rail of keys, or with their names"),
    ),
    # the Companies section
    A(
        "companies.new_company",
        "n",
        "new_company",
        N_("New company"),
        palette=N_("Companies: New company"),
        help=N_("Add a company"),
    ),
    A(
        "companies.open_company",
        "enter",
        "open_company",
        N_("Open"),
        bind=False,
        palette=N_("Companies: Open company"),
        help=N_("Open the highlighted company's card"),
    ),
    A(
        "companies.delete_company",
        "x,delete",
        "delete_company",
        N_("Delete"),
        palette=N_("Companies: Delete company"),
        help=N_("Delete the highlighted company and its contacts"),
    ),
    A(
        "companies.search",
        "slash",
        "search",
        N_("Search"),
        palette=N_("Companies: Search"),
        help=N_("Search by the start of the name or domain"),
    ),
    A("companies.leave_search", "escape", "leave_search", N_("To the list"), show=False),
    # paging keys not in the Footer: the list's status line names them ("page 1 of 3 (PgUp/PgDn)")
    A(
        "companies.next_page",
        "pagedown",
        "page(1)",
        N_("Next page"),
        show=False,
        priority=True,
        palette=N_("Companies: Next page"),
    ),
    A(
        "companies.previous_page",
        "pageup",
        "page(-1)",
        N_("Previous page"),
        show=False,
        priority=True,
        palette=N_("Companies: Previous page"),
    ),
    # the Contacts section
    A("contacts.leave_search", "escape", "leave_search", N_("To the list"), show=False),
    # the contacts table (Contacts section, a company card's Contacts tab)
    A(
        "contacts_table.new_contact",
        "n",
        "new_contact",
        N_("New contact"),
        palette=N_("Contacts: New contact"),
        help=N_("Add a contact"),
    ),
    A(
        "contacts_table.open_contact",
        "enter",
        "open_contact",
        N_("Open"),
        bind=False,
        palette=N_("Contacts: Open contact"),
        help=N_("Open the highlighted contact"),
    ),
    A(
        "contacts_table.mark",
        "space",
        "mark",
        N_("Mark"),
        palette=N_("Contacts: Mark contact"),
        help=N_("Mark or unmark the highlighted contact for bulk update"),
    ),
    A(
        "contacts_table.bulk_update",
        "u",
        "bulk_update",
        N_("Bulk update"),
        palette=N_("Contacts: Bulk update"),
        help=N_("Set lead status, Our contact or email opt-in for many"),
    ),
    A(
        "contacts_table.view_options",
        "o",
        "view_options",
        N_("Columns/sort/filter/group"),
        palette=N_("Contacts: Columns, sort, filter, group"),
        help=N_("Choose what the table shows; remembered for you"),
    ),
    A(
        "contacts_table.delete_contact",
        "x,delete",
        "delete_contact",
        N_("Delete"),
        palette=N_("Contacts: Delete contact"),
        help=N_("Delete the highlighted contact"),
    ),
    A(
        "contacts_table.search",
        "slash",
        "search",
        N_("Search"),
        show=False,
        palette=N_("Contacts: Search"),
        help=N_("Search by the start of a name or email"),
    ),
    A(
        "contacts_table.next_page",
        "pagedown",
        "page(1)",
        N_("Next page"),
        show=False,
        priority=True,
        palette=N_("Contacts: Next page"),
    ),
    A(
        "contacts_table.previous_page",
        "pageup",
        "page(-1)",
        N_("Previous page"),
        show=False,
        priority=True,
        palette=N_("Contacts: Previous page"),
    ),
    # the Sales section
    A("sales.new_sale", "n", "new_sale", N_("New sale"), palette=N_("Sales: New sale"), help=N_("Register a sale")),
    A(
        "sales.focus_search",
        "slash",
        "focus_search",
        N_("Search"),
        palette=N_("Sales: Search"),
        help=N_("Search by heading, company or number"),
    ),
    A("sales.focus_table", "escape", "focus_table", N_("Table"), show=False),
    # the sales table (Sales section, the Sales tab of company and contact cards)
    A("sale_list.new_sale", "n", "new_sale", N_("New sale")),
    A(
        "sale_list.open_sale",
        "enter",
        "open_sale",
        N_("Open"),
        bind=False,
        palette=N_("Sales: Open sale"),
        help=N_("Open the highlighted sale's card"),
    ),
    A(
        "sale_list.delete_sale",
        "x,delete",
        "delete_sale",
        N_("Delete"),
        palette=N_("Sales: Delete sale"),
        help=N_("Delete the highlighted sale"),
    ),
    A("sale_list.next_page", "right_square_bracket", "page(1)", N_("Next page"), palette=N_("Sales: Next page")),
    A("sale_list.prev_page", "left_square_bracket", "page(-1)", N_("Prev page"), palette=N_("Sales: Previous page")),
    # the paged table inside the lists (companies, contacts, sales): its keys work while it has focus
    A("paged_table.next_page", "pagedown", "page(1)", N_("Next page"), show=False, priority=True),
    A("paged_table.previous_page", "pageup", "page(-1)", N_("Previous page"), show=False, priority=True),
    A("paged_table.next_page_bracket", "right_square_bracket", "page(1)", N_("Next page"), show=False),
    A("paged_table.previous_page_bracket", "left_square_bracket", "page(-1)", N_("Previous page"), show=False),
    # Find
    A("find.target", "o", "target", N_("Target")),
    A(
        "find.add_criterion",
        "a",
        "add_criterion",
        N_("Add criterion"),
        palette=N_("Find: Add criterion"),
        help=N_("Field, operator, values"),
    ),
    A(
        "find.or_group",
        "g",
        "or_group",
        N_("Or"),
        palette=N_("Find: Or (new group)"),
        help=N_("Start an OR group: matches of any group are found"),
    ),
    A(
        "find.edit_criterion",
        "e",
        "edit_criterion",
        N_("Edit criterion"),
        show=False,
        palette=N_("Find: Edit criterion"),
        help=N_("The highlighted criterion"),
    ),
    A(
        "find.remove_criterion",
        "x",
        "remove_criterion",
        N_("Remove criterion"),
        palette=N_("Find: Remove criterion"),
        help=N_("The highlighted criterion"),
    ),
    A(
        "find.clear_criteria",
        "z",
        "clear_criteria",
        N_("Clear criteria"),
        show=False,
        palette=N_("Find: Clear all criteria"),
        help=N_("Every record matches again"),
    ),
    A(
        "find.next_page",
        "pagedown",
        "page(1)",
        N_("Next page"),
        show=False,
        priority=True,
        palette=N_("Find: Next page"),
    ),
    A(
        "find.previous_page",
        "pageup",
        "page(-1)",
        N_("Previous page"),
        show=False,
        priority=True,
        palette=N_("Find: Previous page"),
    ),
    A("find.columns", "v", "columns", N_("Columns"), palette=N_("Find: Columns"), help=N_("Choose the result columns")),
    A(
        "find.sort",
        "n",
        "sort",
        N_("Sort"),
        show=False,
        palette=N_("Find: Sort"),
        help=N_("Sort the results by a column"),
    ),
    A(
        "find.save_selection",
        "w",
        "save_selection",
        N_("Save as selection"),
        palette=N_("Find: Save as selection"),
        help=N_("Dynamic or static selection"),
    ),
    A(
        "find.add_to_selection",
        "plus",
        "add_to_selection",
        N_("Add to selection"),
        show=False,
        palette=N_("Find: Add to static selection"),
        help=N_("The highlighted record"),
    ),
    A(
        "find.selections",
        "l",
        "selections",
        N_("Selections"),
        palette=N_("Find: Selections"),
        help=N_("Open, rename, delete, export selections"),
    ),
    A(
        "find.board",
        "k",
        "board",
        N_("Board"),
        show=False,
        palette=N_("Find: Board of these results"),
        help=N_("Contacts, companies or sales in columns"),
    ),
    A("find.refresh", "r", "refresh", N_("Search again"), show=False, palette=N_("Find: Search again")),
    # Selections
    A("selections.close", "escape", "close", N_("Back"), palette=N_("Selections: Back")),
    A(
        "selections.open_in_find",
        "g",
        "open_in_find",
        N_("Open in Find"),
        palette=N_("Selections: Open in Find"),
        help=N_("Show and edit the criteria of a dynamic selection"),
    ),
    A(
        "selections.board",
        "k",
        "board",
        N_("Board"),
        palette=N_("Selections: Board"),
        help=N_("Board view of the selection"),
    ),
    A("selections.rename", "n", "rename", N_("Rename"), palette=N_("Selections: Rename")),
    A(
        "selections.delete",
        "x,delete",
        "delete",
        N_("Delete"),
        palette=N_("Selections: Delete"),
        help=N_("Always asks first"),
    ),
    A(
        "selections.make_static",
        "m",
        "make_static",
        N_("Make static"),
        palette=N_("Selections: Make static"),
        help=N_("Keep the current members; cannot be undone"),
    ),
    A(
        "selections.export",
        "e",
        "export",
        N_("Export CSV"),
        palette=N_("Selections: Export CSV"),
        help=N_("The members to a CSV file"),
    ),
    A(
        "selections.add_members",
        "plus",
        "add_members",
        N_("Add members"),
        show=False,
        palette=N_("Selections: Add members"),
        help=N_("By id, to a static selection"),
    ),
    A(
        "selections.remove_member",
        "minus",
        "remove_member",
        N_("Remove member"),
        show=False,
        palette=N_("Selections: Remove member"),
        help=N_("The highlighted member of a static selection"),
    ),
    A("selections.next_page", "pagedown", "page(1)", N_("Next page"), show=False, priority=True),
    A("selections.previous_page", "pageup", "page(-1)", N_("Previous page"), show=False, priority=True),
    A("selections.refresh", "r", "refresh", N_("Refresh"), show=False),
    # Selections: combined selections, copy, the task menu (SPEC 1.12, 4.5)
    A(
        "selections.tasks",
        "a",
        "tasks",
        N_("Tasks"),
        palette=N_("Selections: Task menu"),
        help=N_("Bulk update, generate follow-ups, export, delete (on the marked members only if you like)"),
    ),
    A(
        "selections.mark",
        "space",
        "mark",
        N_("Mark"),
        show=False,
        palette=N_("Selections: Mark member"),
        help=N_("Mark or unmark the highlighted member for a task"),
    ),
    A(
        "selections.combine",
        "u",
        "combine",
        N_("Combine"),
        show=False,
        palette=N_("Selections: Combine selections"),
        help=N_("Union, intersection or difference of selections of one kind; on a combined one: change it"),
    ),
    A(
        "selections.copy",
        "y",
        "copy",
        N_("Copy"),
        show=False,
        palette=N_("Selections: Copy selection"),
        help=N_("A copy that is yours"),
    ),
    # the Board
    A("board.column_left", "left,h", "column(-1)", N_("Column left"), show=False),
    A("board.column_right", "right,l", "column(1)", N_("Column right"), show=False),
    A("board.card_down", "j", "cursor(1)", N_("Card down"), show=False),
    A("board.card_up", "k", "cursor(-1)", N_("Card up"), show=False),
    A(
        "board.move_left",
        "H,less_than_sign",
        "move_step(-1)",
        N_("Move left"),
        palette=N_("Board: Move card left"),
        help=N_("To the previous column"),
    ),
    A(
        "board.move_right",
        "L,greater_than_sign",
        "move_step(1)",
        N_("Move right"),
        palette=N_("Board: Move card right"),
        help=N_("To the next column"),
    ),
    A(
        "board.move_to",
        "m",
        "move_to",
        N_("Move to …"),
        palette=N_("Board: Move to column …"),
        help=N_("By the column's number or name"),
    ),
    A("board.mark", "space", "mark", N_("Mark"), palette=N_("Board: Mark card"), help=N_("Marked cards move together")),
    A("board.clear_marks", "escape", "clear_marks", N_("Clear marks"), show=False, palette=N_("Board: Clear marks")),
    A(
        "board.source",
        "o",
        "source",
        N_("Show …"),
        palette=N_("Board: Show …"),
        help=N_("All contacts, all sales or a selection"),
    ),
    A(
        "board.refresh",
        "r",
        "refresh",
        N_("Reload"),
        palette=N_("Board: Reload"),
        help=N_("Counts and cards from the database"),
    ),
    A(
        "board.tasks",
        "full_stop",
        "tasks",
        N_("Tasks"),
        palette=N_("Board: Task menu of the card"),
        help=N_("Edit, follow-up, sale, next category, sold / lost, delete"),
    ),
    A(
        "board.group_by",
        "g",
        "group_by",
        N_("Group by"),
        palette=N_("Board: Group by …"),
        help=N_("The columns' field"),
    ),
    A(
        "board.subgroup_by",
        "G",
        "subgroup_by",
        N_("Subgroup"),
        show=False,
        palette=N_("Board: Subgroup by …"),
        help=N_("Headings inside the columns"),
    ),
    A(
        "board.filter",
        "F",
        "filter",
        N_("Filter"),
        show=False,
        palette=N_("Board: Filter by field …"),
        help=N_("Only cards whose field is one of the chosen values"),
    ),
    A(
        "board.title_filter",
        "slash",
        "title_filter",
        N_("Title filter"),
        show=False,
        palette=N_("Board: Filter by title"),
        help=N_("Only cards whose title contains a text"),
    ),
    A("board.sort", "S", "sort", N_("Sort"), show=False, palette=N_("Board: Sort cards by …")),
    A(
        "board.hide_closed",
        "z",
        "hide_closed",
        N_("Hide closed"),
        show=False,
        palette=N_("Board: Hide or show closed sales"),
    ),
    A(
        "board.move_to_subgroup",
        "M",
        "move_to_subgroup",
        N_("Move to subgroup …"),
        show=False,
        palette=N_("Board: Move card to subgroup …"),
        help=N_("Sets the subgroup's field (a row of a subgrouped board)"),
    ),
    A(
        "board.badge",
        "D",
        "badge",
        N_("Days badge"),
        show=False,
        palette=N_("Board: Days in stage or since registered"),
        help=N_("What the days on each card count"),
    ),
    # a column of the Board (the keys reach the screen's column moves while a column has focus)
    A("board_cards.column_left", "left,h", "screen.column(-1)", N_("Column left"), show=False),
    A("board_cards.column_right", "right,l", "screen.column(1)", N_("Column right"), show=False),
    A("board_cards.cursor_down", "j", "cursor_down", N_("Card down"), show=False),
    A("board_cards.cursor_up", "k", "cursor_up", N_("Card up"), show=False),
    # the Dashboard
    A("dashboard.refresh", "r", "refresh", N_("Reload"), palette=N_("Dashboard: Reload"), help=N_("Count again")),
    A("dashboard.next_period", "n", "period(1)", N_("Next period"), palette=N_("Dashboard: Next funnel period")),
    A(
        "dashboard.previous_period",
        "N",
        "period(-1)",
        N_("Previous period"),
        show=False,
        palette=N_("Dashboard: Previous funnel period"),
    ),
    A("dashboard_tile.open", "enter", "open", N_("Open list")),
    A("dashboard_tile.previous_tile", "left,up", "app.focus_previous", N_("Previous tile"), show=False),
    A("dashboard_tile.next_tile", "right,down", "app.focus_next", N_("Next tile"), show=False),
    # the Dashboard's tile sets and the tiles a user adds (issue 15)
    A(
        "dashboard.next_set",
        "v",
        "tile_set(1)",
        N_("Tile set"),
        palette=N_("Dashboard: Next tile set"),
        help=N_("Leads, Sales, My tiles"),
    ),
    A(
        "dashboard.add_tile",
        "a",
        "add_tile",
        N_("Add tile"),
        palette=N_("Dashboard: Add a tile"),
        help=N_("A tile of your own, from a selection or from criteria"),
    ),
    A(
        "dashboard.remove_tile",
        "x,delete",
        "remove_tile",
        N_("Remove tile"),
        palette=N_("Dashboard: Remove the tile"),
        help=N_("Take the highlighted tile of your own off the dashboard"),
    ),
    A(
        "dashboard.tile_earlier",
        "less_than_sign",
        "move_tile(-1)",
        N_("Move tile earlier"),
        show=False,
        palette=N_("Dashboard: Move the tile earlier"),
    ),
    A(
        "dashboard.tile_later",
        "greater_than_sign",
        "move_tile(1)",
        N_("Move tile later"),
        show=False,
        palette=N_("Dashboard: Move the tile later"),
    ),
    A("tile_dialog.save", "ctrl+s", "save", N_("OK / Save")),
    A("tile_dialog.cancel", "escape", "cancel", N_("Cancel")),
    # Settings
    A(
        "settings.add",
        "a",
        "add",
        N_("Add"),
        palette=N_("Settings: Add list item"),
        help=N_("Add an item to the list shown"),
    ),
    A(
        "settings.edit",
        "e",
        "edit",
        N_("Edit"),
        palette=N_("Settings: Edit list item"),
        help=N_("Edit the highlighted item"),
    ),
    A(
        "settings.delete",
        "x,delete",
        "delete",
        N_("Delete"),
        palette=N_("Settings: Delete list item"),
        help=N_("Hide the highlighted item"),
    ),
    A(
        "settings.restore",
        "r",
        "restore",
        N_("Restore"),
        palette=N_("Settings: Restore list item"),
        help=N_("Bring a deleted item back"),
    ),
    A(
        "settings.toggle_deleted",
        "v",
        "toggle_deleted",
        N_("Show deleted"),
        palette=N_("Settings: Show deleted items"),
        help=N_("Toggle deleted items"),
    ),
    A("settings.move_up", "ctrl+up", "move(-1)", N_("Move up"), show=False, palette=N_("Settings: Move item up")),
    A(
        "settings.move_down",
        "ctrl+down",
        "move(1)",
        N_("Move down"),
        show=False,
        palette=N_("Settings: Move item down"),
    ),
    A(
        "settings.users",
        "u",
        "users",
        N_("Users"),
        palette=N_("Settings: Users"),
        help=N_("Users, roles, groups and rights"),
    ),
    A(
        "settings.recycle_bin",
        "R",
        "recycle_bin",
        N_("Recycle bin"),
        palette=N_("Settings: Recycle bin"),
        help=N_("Deleted companies, contacts and sales of the last 14 days"),
    ),
    A(
        "settings.guide",
        "g",
        "guide",
        N_("Sales guide"),
        palette=N_("Settings: Sales guide"),
        help=N_("Stages and sales guide of the highlighted sale type"),
    ),
    A(
        "settings.lead_categorization",
        "l",
        "lead_categorization",
        N_("Lead categorization"),
        palette=N_("Settings: Lead categorization"),
        help=N_("Update a company's category when a sale is registered, sold or lost, or a lead status is set"),
    ),
    A("sales_guide.close", "escape", "close", N_("Close")),
    A("sales_guide.stage_up", "ctrl+up", "move(-1)", N_("Stage up")),
    A("sales_guide.stage_down", "ctrl+down", "move(1)", N_("Stage down")),
    A("sales_guide.add_item", "a", "add_item", N_("Add suggestion")),
    A("sales_guide.edit_item", "e", "edit_item", N_("Edit suggestion")),
    A("sales_guide.delete_item", "x,delete", "delete_item", N_("Delete suggestion")),
    # Users and their SSH keys
    A("users.add", "a", "add", N_("Add user"), palette=N_("Users: Add user"), help=N_("A new associate")),
    A("users.edit", "e", "edit", N_("Edit"), palette=N_("Users: Edit user"), help=N_("Role, group, rights, active")),
    A(
        "users.keys",
        "k",
        "keys",
        N_("SSH keys"),
        palette=N_("Users: SSH keys"),
        help=N_("The keys the user signs in with to leadtui serve ssh"),
    ),
    A(
        "users.sign_ins",
        "ctrl+y",
        "sign_ins",
        N_("Sign-ins"),
        palette=N_("Users: Sign-ins"),
        help=N_("The user's served sessions: sign-in, sign-out, refused"),
    ),
    A(
        "users.all_sign_ins",
        "",
        "all_sign_ins",
        N_("All sign-ins"),
        bind=False,
        palette=N_("Users: All sign-ins"),
        help=N_("Every served sign-in, sign-out and refusal, unknown keys included"),
    ),
    A("users.back", "escape", "app.pop_screen", N_("Back")),
    A("user_keys.add", "a", "add", N_("Add key"), palette=N_("Keys: Add key"), help=N_("An OpenSSH public key line")),
    A("user_keys.remove", "x", "remove", N_("Remove key"), palette=N_("Keys: Remove key"), help=N_("The selected key")),
    A("user_keys.back", "escape", "app.pop_screen", N_("Back")),
    A("user.save", "ctrl+s", "save", N_("Save")),
    A("user.cancel", "escape", "cancel", N_("Cancel")),
    A("audit.back", "escape", "app.pop_screen", N_("Back")),
    # every card (card_base.CardScreen): company, contact and sale cards
    A("card.edit", "e", "edit", N_("Edit")),
    A("card.save", "ctrl+s", "save", N_("Save")),
    A("card.cancel", "escape", "cancel", N_("Cancel / Back")),
    A("card.next_tab", "greater_than_sign,alt+right", "tab(1)", N_("Next tab")),
    A("card.previous_tab", "less_than_sign,alt+left", "tab(-1)", N_("Previous tab"), show=False),
    # ctrl+PgDn/PgUp switch tabs from anywhere on the card: a table inside (the sales guide, a Contacts tab) binds
    # them to paging sideways, which would win over the card's keys
    A("card.next_tab_page", "ctrl+pagedown", "tab(1)", N_("Next tab"), show=False, priority=True),
    A("card.previous_tab_page", "ctrl+pageup", "tab(-1)", N_("Previous tab"), show=False, priority=True),
    A("card.audit", "ctrl+y", "audit", N_("Audit")),
    # the company card (its Edit, Save, Back and tabs are the card's keys)
    A(
        "company_card.edit",
        "e",
        "edit",
        N_("Edit"),
        bind=False,
        keys_of="card.edit",
        palette=N_("Company: Edit"),
        help=N_("Edit the company's fields"),
    ),
    A(
        "company_card.save",
        "ctrl+s",
        "save",
        N_("Save"),
        bind=False,
        keys_of="card.save",
        palette=N_("Company: Save"),
        help=N_("Save the changes"),
    ),
    A(
        "company_card.delete_company",
        "x",
        "delete_company",
        N_("Delete company"),
        palette=N_("Company: Delete"),
        help=N_("Delete the company and its contacts"),
    ),
    A(
        "company_card.open_duplicate",
        "ctrl+g",
        "open_duplicate",
        N_("Open duplicate"),
        palette=N_("Company: Open possible duplicate"),
        help=N_("Open the existing company the hint names"),
    ),
    A(
        "company_card.next_tab",
        ">",
        "tab(1)",
        N_("Next tab"),
        bind=False,
        keys_of="card.next_tab",
        palette=N_("Company: Next tab"),
    ),
    A(
        "company_card.back",
        "escape",
        "cancel",
        N_("Back"),
        bind=False,
        keys_of="card.cancel",
        palette=N_("Company: Back"),
        help=N_("Close the card"),
    ),
    # the contact card
    A(
        "contact_card.edit",
        "e",
        "edit",
        N_("Edit"),
        bind=False,
        keys_of="card.edit",
        palette=N_("Contact: Edit"),
        help=N_("Edit the contact, its lead status included"),
    ),
    A(
        "contact_card.save",
        "ctrl+s",
        "save",
        N_("Save"),
        bind=False,
        keys_of="card.save",
        palette=N_("Contact: Save"),
        help=N_("Save the changes"),
    ),
    A(
        "contact_card.move",
        "m",
        "move",
        N_("Move contact"),
        palette=N_("Contact: Move to another company"),
        help=N_("Move or disconnect the contact"),
    ),
    A(
        "contact_card.delete_contact",
        "x",
        "delete_contact",
        N_("Delete contact"),
        palette=N_("Contact: Delete"),
        help=N_("Delete the contact"),
    ),
    A(
        "contact_card.choose_company",
        "ctrl+o",
        "choose_company",
        N_("Choose company"),
        palette=N_("Contact: Choose company"),
        help=N_("Company of a new contact"),
    ),
    A(
        "contact_card.open_duplicate",
        "ctrl+g",
        "open_duplicate",
        N_("Open duplicate"),
        palette=N_("Contact: Open possible duplicate"),
        help=N_("Open the existing contact the hint names"),
    ),
    A(
        "contact_card.next_tab",
        ">",
        "tab(1)",
        N_("Next tab"),
        bind=False,
        keys_of="card.next_tab",
        palette=N_("Contact: Next tab"),
        help=N_("Contact, History, Sales"),
    ),
    A(
        "contact_card.back",
        "escape",
        "cancel",
        N_("Back"),
        bind=False,
        keys_of="card.cancel",
        palette=N_("Contact: Back"),
        help=N_("Close the card"),
    ),
    # the sale card
    A(
        "sale_card.edit",
        "e",
        "edit",
        N_("Edit"),
        bind=False,
        keys_of="card.edit",
        palette=N_("Sale: Edit"),
        help=N_("Enter edit mode"),
    ),
    A(
        "sale_card.save",
        "ctrl+s",
        "save",
        N_("Save"),
        bind=False,
        keys_of="card.save",
        palette=N_("Sale: Save"),
        help=N_("Save and leave edit mode"),
    ),
    A(
        "sale_card.cancel",
        "escape",
        "cancel",
        N_("Cancel"),
        bind=False,
        keys_of="card.cancel",
        palette=N_("Sale: Cancel"),
        help=N_("Drop changes and leave edit mode, or go back"),
    ),
    A(
        "sale_card.delete",
        "x",
        "delete",
        N_("Delete"),
        palette=N_("Sale: Delete"),
        help=N_("Delete this sale after confirming"),
    ),
    A(
        "sale_card.add_follow_up",
        "a",
        "add_follow_up",
        N_("Add follow-up"),
        palette=N_("Sale: Add follow-up"),
        help=N_("Plan a follow-up for this sale"),
    ),
    A("sale_card.toggle_done", "space", "toggle_done", N_("Done/undone")),
    A("sale_card.create_suggested", "g", "create_suggested", N_("Create suggested")),
    A(
        "sale_card.next_tab",
        ">",
        "tab(1)",
        N_("Next tab"),
        bind=False,
        keys_of="card.next_tab",
        palette=N_("Sale: Next tab"),
    ),
    A(
        "sale_card.previous_tab",
        "<",
        "tab(-1)",
        N_("Previous tab"),
        bind=False,
        keys_of="card.previous_tab",
        palette=N_("Sale: Previous tab"),
    ),
    # My new leads
    A(
        "new_leads.open",
        "enter",
        "open",
        N_("Open card"),
        palette=N_("Leads: Open"),
        help=N_("Open the highlighted lead's card"),
    ),
    A(
        "new_leads.toggle_all",
        "a",
        "toggle_all",
        N_("Earlier leads too"),
        palette=N_("Leads: Earlier leads too"),
        help=N_("Show the leads you have seen before as well"),
    ),
    A("new_leads.close", "escape", "close", N_("Close")),
    # imports
    A(
        "import.load",
        "ctrl+l",
        "load",
        N_("Load file"),
        palette=N_("Import: Load the file"),
        help=N_("Read the file and map its columns"),
    ),
    A(
        "import.preview",
        "ctrl+r",
        "preview",
        N_("Check again"),
        palette=N_("Import: Check again"),
        help=N_("Check every row with the current mapping"),
    ),
    A(
        "import.apply",
        "ctrl+s",
        "apply",
        N_("Import"),
        palette=N_("Import: Import the contacts"),
        help=N_("Write them in one transaction"),
    ),
    A("import.back", "escape", "back", N_("Back")),
    A("crm_import.load", "ctrl+l", "load", N_("Load file")),
    A("crm_import.check", "ctrl+r", "check", N_("Check again")),
    A("crm_import.apply", "ctrl+s", "apply", N_("Import")),
    A("crm_import.back", "escape", "back", N_("Back")),
    # dialogs
    A("confirm.yes", "y", "answer(True)", N_("Yes")),
    A("confirm.no", "n", "answer(False)", N_("No")),
    A("confirm.cancel", "escape", "answer(False)", N_("Cancel")),
    A("sale_delete.yes_delete", "y", "answer(True)", N_("Yes, delete")),
    A("sale_delete.no", "n", "answer(False)", N_("No")),
    A("sale_delete.cancel", "escape", "answer(False)", N_("Cancel")),
    A("conflict.reload", "r", "choose('reload')", N_("Reload")),
    A("conflict.keep_editing", "k", "choose('keep')", N_("Keep editing")),
    A("conflict.keep_editing_escape", "escape", "choose('keep')", N_("Keep editing"), show=False),
    A("bulk_update.preview", "ctrl+s", "preview", N_("Show counts")),
    A("bulk_update.apply", "y", "apply", N_("Update"), show=False),
    A("bulk_update.back", "n", "back", N_("Back"), show=False),
    A("bulk_update.back_escape", "escape", "back", N_("Back / Cancel")),
    A("columns.save", "ctrl+s", "save", N_("OK / Save")),
    A("columns.reset", "r", "reset", N_("Reset")),
    A("columns.cancel", "escape", "cancel", N_("Cancel")),
    A("company_picker.cancel", "escape", "cancel", N_("Cancel")),
    A("company_picker.to_results", "down", "to_results", N_("Results"), show=False),
    A("contacts_view.ok", "ctrl+s", "ok", N_("OK")),
    A("contacts_view.reset", "ctrl+r", "reset", N_("Reset to defaults")),
    A("contacts_view.cancel", "escape", "cancel", N_("Cancel")),
    A("criterion.save", "ctrl+s", "save", N_("OK / Save")),
    A("criterion.cancel", "escape", "cancel", N_("Cancel")),
    A("distribution.save", "ctrl+s", "save", N_("Save")),
    A("distribution.cancel", "escape", "cancel", N_("Cancel")),
    A("export.export", "ctrl+s", "export", N_("Export")),
    A("export.cancel", "escape", "cancel", N_("Cancel")),
    A("follow_up.save", "ctrl+s", "save", N_("Save")),
    A("follow_up.cancel", "escape", "cancel", N_("Skip / Cancel")),
    A("guide_item.save", "ctrl+s", "save", N_("OK / Save")),
    A("guide_item.cancel", "escape", "cancel", N_("Cancel")),
    A("guide_suggestion.cancel", "escape", "cancel", N_("Cancel")),
    A("list_item.save", "ctrl+s", "save", N_("OK / Save")),
    A("list_item.cancel", "escape", "cancel", N_("Cancel")),
    A("pick.cancel", "escape", "cancel", N_("Cancel")),
    A("picker.cancel", "escape", "cancel", N_("Cancel")),
    A("picker.to_list", "down", "to_list", N_("Results"), show=False),
    A("save_selection.save", "ctrl+s", "save", N_("OK / Save")),
    A("save_selection.cancel", "escape", "cancel", N_("Cancel")),
    # lead categorization (SPEC 2.5)
    A("lead_categorization.save", "ctrl+s", "save", N_("Save")),
    A("lead_categorization.cancel", "escape", "cancel", N_("Cancel")),
    A("category_suggestion.skip", "escape", "cancel", N_("Skip")),
    A("text.submit", "ctrl+s", "submit", N_("OK / Save")),
    A("text.cancel", "escape", "cancel", N_("Cancel")),
    # the move contact dialog and the recycle bin (Settings)
    A("move_contact.save", "ctrl+s", "save", N_("Move")),
    A("move_contact.cancel", "escape", "cancel", N_("Cancel")),
    A(
        "recycle_bin.restore",
        "r",
        "restore",
        N_("Restore"),
        palette=N_("Recycle bin: Restore"),
        help=N_("Bring the highlighted record back"),
    ),
    A("recycle_bin.back", "escape", "app.pop_screen", N_("Back")),
    A("combine.save", "ctrl+s", "save", N_("OK / Save")),
    A("combine.cancel", "escape", "cancel", N_("Cancel")),
    # follow-ups (issue 15): the Activities tab of the cards and My follow-ups
    A(
        "activities_tab.add_follow_up",
        "a",
        "add_follow_up",
        N_("Add follow-up"),
        palette=N_("Activities: Add follow-up"),
        help=N_("Plan a follow-up for this contact or company"),
    ),
    A(
        "activities_tab.edit_follow_up",
        "enter",
        "edit_follow_up",
        N_("Change"),
        bind=False,
        palette=N_("Activities: Change follow-up"),
        help=N_("Change the date, type or text of the highlighted follow-up"),
    ),
    A(
        "activities_tab.toggle_done",
        "space",
        "toggle_done",
        N_("Done/undone"),
        palette=N_("Activities: Done / not done"),
        help=N_("Complete the highlighted follow-up, or un-complete it"),
    ),
    A(
        "activities_tab.delete_follow_up",
        "delete",
        "delete_follow_up",
        N_("Delete follow-up"),
        palette=N_("Activities: Delete follow-up"),
        help=N_("Delete the highlighted follow-up (not a completed one)"),
    ),
    A(
        "my_follow_ups.edit",
        "enter",
        "edit",
        N_("Change"),
        bind=False,
        palette=N_("My follow-ups: Change follow-up"),
        help=N_("Change the date, type or text of the highlighted follow-up"),
    ),
    A(
        "my_follow_ups.open_card",
        "o",
        "open_card",
        N_("Open card"),
        palette=N_("My follow-ups: Open card"),
        help=N_("Open the sale, contact or company card of the highlighted follow-up"),
    ),
    A(
        "my_follow_ups.complete",
        "space",
        "complete",
        N_("Done"),
        palette=N_("My follow-ups: Done"),
        help=N_("Complete the highlighted follow-up"),
    ),
    A(
        "my_follow_ups.reschedule",
        "r,plus",
        "reschedule",
        N_("Reschedule +N"),
        palette=N_("My follow-ups: Reschedule"),
        help=N_("Move the highlighted follow-up N days from today (or to a date)"),
    ),
    A(
        "my_follow_ups.log_call",
        "l",
        "log_call",
        N_("Log call"),
        palette=N_("My follow-ups: Log a call"),
        help=N_("Note a call made about the highlighted follow-up; it may complete it too"),
    ),
    A(
        "my_follow_ups.filter",
        "v",
        "cycle_filter",
        N_("Due filter"),
        palette=N_("My follow-ups: Due filter"),
        help=N_("Show all open, overdue, today's or this week's follow-ups"),
    ),
    A("my_follow_ups.refresh", "ctrl+r", "refresh", N_("Refresh"), show=False),
]


def _navigation_actions() -> list[Action]:
    from leadtui.navigation import SECTIONS

    # the navigator (or its rail) shows the section keys: the Footer keeps its room for the screen's own keys
    letters = [A(f"app.{mode}", key, f"section('{mode}')", label, show=False) for mode, key, label, _help in SECTIONS]
    numbers = [
        A(f"app.{mode}_by_number", str(n), f"section('{mode}')", label, show=False)
        for n, (mode, _key, label, _help) in enumerate(SECTIONS, start=1)
    ]
    return letters + numbers


ACTIONS[0:0] = _navigation_actions()
BY_ID: dict[str, Action] = {action.id: action for action in ACTIONS}


def actions_of(scope: str) -> list[Action]:
    return [action for action in ACTIONS if action.scope == scope]


def bindings(scope: str) -> list[BindingType]:
    """The BINDINGS of a screen or widget: its scope's actions, each with its id (remappable by the keymap)."""
    if scope not in SCOPES:
        raise KeyError(f"no action scope {scope!r}")
    made = [
        Binding(
            action.keys, action.action, action.description, show=action.show, priority=action.priority, id=action.id
        )
        for action in actions_of(scope)
        if action.bind
    ]
    if scope == "app":  # the navigator's keys say where they go
        from leadtui.navigation import SECTIONS

        tooltips = {f"app.{mode}": help_ for mode, _key, _label, help_ in SECTIONS}
        made = [
            Binding(b.key, b.action, b.description, show=b.show, id=b.id, tooltip=tooltips.get(b.id or "", ""))
            for b in made
        ]
    return list(made)  # as Textual's BINDINGS type (a list is invariant)


# ------------------------------------------------------------------ keys as people read them

_KEY_NAMES = {
    "slash": "/",
    "plus": "+",
    "minus": "-",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "less_than_sign": "<",
    "greater_than_sign": ">",
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
}


def _key_word(key: str) -> str | None:
    """A key whose name is a word, in the language (short: the Footer holds many)."""
    # TRANSLATORS: key names as the Footer, the palette and texts show them; keep them short (a keyboard's legend)
    words = {
        "escape": pgettext("key", "Esc"),
        "enter": pgettext("key", "Enter"),
        "space": pgettext("key", "space"),
        "delete": pgettext("key", "Del"),
        "pagedown": pgettext("key", "PgDn"),
        "pageup": pgettext("key", "PgUp"),
        "tab": pgettext("key", "Tab"),
        "home": pgettext("key", "Home"),
        "end": pgettext("key", "End"),
        "backspace": pgettext("key", "Backspace"),
        "insert": pgettext("key", "Ins"),
        "ctrl": pgettext("key", "ctrl"),
        "shift": pgettext("key", "shift"),
    }
    return words.get(key)


def key_display(key: str, *, compact: bool = False) -> str:
    """ "ctrl+pagedown" -> "ctrl+PgDn", "slash" -> "/", in the language; `compact` (the Footer): "^" for ctrl."""
    *mods, last = key.split("+")
    name = _KEY_NAMES.get(last) or _key_word(last) or format_key(last)
    if compact and "ctrl" in mods:
        mods.remove("ctrl")
        name = "^" + name
    return "+".join([*[_key_word(mod) or mod for mod in mods], name])


def keys_in_use(app: Any, action_id: str) -> list[str]:
    """The keys of an action as the user has them: the keymap's, else the table's."""
    keymap = getattr(app, "_keymap", None) or {}
    action_id = BY_ID[action_id].keys_of or action_id
    keys = keymap.get(action_id) or BY_ID[action_id].keys
    return [key.strip() for key in keys.split(",") if key.strip()]


def key_hint(app: Any, action_id: str) -> str:
    """The key an action answers to, for a text that names it ("x", "ctrl+s", "/")."""
    keys = keys_in_use(app, action_id)
    return key_display(keys[0]) if keys else ""


# ------------------------------------------------------------------ the command palette


def scopes_of(node: Any) -> list[str]:
    """The action scopes a screen or widget class binds (its own and inherited, in table order)."""
    ids = (
        {
            binding.id
            for bindings_ in type(node)._merged_bindings.key_to_bindings.values()
            for binding in bindings_
            if binding.id
        }
        if type(node)._merged_bindings
        else set()
    )
    declared = {getattr(cls, "ACTION_SCOPE", None) for cls in type(node).__mro__}
    found = {action_id.split(".", 1)[0] for action_id in ids} | {scope for scope in declared if scope}
    return [scope for scope in SCOPES if scope in found and scope != "app"]


def palette_text(text: str) -> str:
    """A help text for the command palette, which reads markup: every "[" shown as it is, so key hints like
    [Enter], [Esc], [c] and [/] stay (rich's escape leaves "[Enter]" to be read, and dropped, as a tag)."""
    return text.replace("[", "\\[")


def palette_commands(screen: Any) -> list[tuple[str, str, Callable[[], Any]]]:
    """The palette's entries for the screen in front: the table's actions of the screen and of the widgets on it,
    each run on its screen or widget; the help ends with the key in use."""
    owners: dict[str, Any] = {}
    for node in [screen, *screen.walk_children()]:
        for scope in scopes_of(node):
            owners.setdefault(scope, node)
    commands: list[tuple[str, str, Callable[[], Any]]] = []
    for scope, node in owners.items():
        for action in actions_of(scope):
            if not action.palette:
                continue
            name, params = parse_action(action.action)[1:]
            if node.check_action(name, params) is False:
                continue
            hint = key_hint(node.app, action.id)
            help_ = _(action.help) if action.help else ""
            if hint:
                help_ = f"{help_} [{hint}]" if help_ else f"[{hint}]"
            commands.append((_(action.palette), help_, partial(node.run_action, action.action)))
    return commands


# ------------------------------------------------------------------ the user's keymap

_KEY = re.compile(r"^[A-Za-z0-9_]+(\+[A-Za-z0-9_]+)*$")


def keymap_path() -> Path:
    """keymap.toml in the user's config directory (LEADTUI_KEYMAP names another file)."""
    if os.environ.get("LEADTUI_KEYMAP"):
        return Path(os.environ["LEADTUI_KEYMAP"])
    from platformdirs import user_config_dir

    return Path(user_config_dir("leadtui", appauthor=False)) / "keymap.toml"


def check_keymap(entries: dict[str, Any]) -> tuple[dict[str, str], list[str]]:
    """The entries that can be used (action id -> keys) and one line per entry that cannot."""
    keymap: dict[str, str] = {}
    problems: list[str] = []
    for action_id, value in entries.items():
        action = BY_ID.get(action_id)
        if action is None:
            problems.append(_("keymap: '{id}' is no action (see docs/keys.md)").format(id=action_id))
            continue
        keys = [key.strip() for key in value.split(",")] if isinstance(value, str) else []
        if not keys or not all(_KEY.match(key) for key in keys):
            problems.append(_("keymap: '{id}' needs key names such as \"ctrl+n\" or \"x,delete\"").format(id=action_id))
            continue
        if action.action.startswith("section(") or not action.bind:
            problems.append(_("keymap: '{id}' keeps its key").format(id=action_id))
            continue
        navigator = [key for key in keys if key in NAVIGATOR_KEYS]
        if navigator:
            problems.append(_("keymap: '{key}' belongs to the navigator ({id})").format(key=navigator[0], id=action_id))
            continue
        keymap[action_id] = ",".join(keys)
    # a key may mean one thing per scope: a remap onto a key the scope already uses is refused
    for scope in sorted({BY_ID[action_id].scope for action_id in keymap}):
        used: dict[str, str] = {}
        for action in actions_of("app") + ([] if scope == "app" else actions_of(scope)):
            if not action.bind:
                continue
            for key in (keymap.get(action.id) or action.keys).split(","):
                other = used.setdefault(key, action.id)
                if other != action.id:
                    changed = action.id if action.id in keymap else other
                    if changed in keymap:
                        problems.append(
                            _("keymap: '{key}' already means '{other}' ({id} not changed)").format(
                                key=key, other=other if changed == action.id else action.id, id=changed
                            )
                        )
                        del keymap[changed]
    return keymap, problems


def load_keymap(path: Path | None = None) -> tuple[dict[str, str], list[str]]:
    """Read keymap.toml: `"sale_list.delete_sale" = "ctrl+d"` lines. A missing file is no keymap; a file that
    cannot be read or an entry that cannot be used is one line each, never an error."""
    import tomllib

    path = path or keymap_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}, []
    except (OSError, UnicodeDecodeError) as exc:
        return {}, [_("keymap: {path} cannot be read ({reason})").format(path=path, reason=exc.__class__.__name__)]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return {}, [_("keymap: {path} is not TOML: {reason}").format(path=path, reason=exc)]
    flat: dict[str, Any] = {}

    def walk(prefix: str, table: dict[str, Any]) -> None:  # `[sale_list]` tables and dotted keys alike
        for name, value in table.items():
            if isinstance(value, dict):
                walk(f"{prefix}{name}.", value)
            else:
                flat[f"{prefix}{name}"] = value

    walk("", data)
    return check_keymap(flat)


# ------------------------------------------------------------------ docs/keys.md


def markdown() -> str:
    """The key reference, generated from the table (docs/keys.md)."""
    lines = [
        "# Keys",
        "",
        "Generated from `leadtui/actions.py` by `python -m leadtui.actions --markdown > docs/keys.md`; "
        "do not edit by hand.",
        "",
        "Remap a key in `keymap.toml` in the user config directory (`~/.config/leadtui/keymap.toml` on "
        "Linux; `LEADTUI_KEYMAP` names another file): one line per action, `\"<id>\" = \"<keys>\"`, e.g. "
        "`\"sale_list.delete_sale\" = \"ctrl+d\"`. The navigator's keys "
        f"({' '.join(sorted(NAVIGATOR_KEYS, key=lambda k: (k.isdigit(), k)))}) stay as they are.",
        "",
    ]
    for scope, (heading, where) in SCOPES.items():
        rows = actions_of(scope)
        if not rows:
            continue
        lines += [
            f"## {heading}" + (f" ({where})" if where else ""),
            "",
            "| Key | Action | Id | Palette |",
            "|---|---|---|---|",
        ]
        for action in rows:
            shown = BY_ID[action.keys_of].keys if action.keys_of else action.keys
            keys = " ".join(f"`{key_display(key)}`" for key in shown.split(",") if key) or "—"
            note = "" if action.show else " (not in the footer)"
            lines.append(f"| {keys} | {action.description}{note} | `{action.id}` | {action.palette} |")
        lines.append("")
    return "\n".join(lines)


def _main(argv: Iterable[str]) -> int:
    if list(argv) != ["--markdown"]:
        print("usage: python -m leadtui.actions --markdown > docs/keys.md", file=sys.stderr)
        return 1
    sys.stdout.write(markdown())
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
