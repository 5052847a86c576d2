"""The board (SPEC.md 4.6): a selection, all contacts, companies or sales as columns of cards, moved by keyboard.

Contacts are in one column per lead status, sales in one per stage plus Sold and Lost, companies per category
(g groups by another field: category, Our contact / owner, sale type; G adds subgroup headings inside the
columns). Each column header shows its number, name and count (sales: amount and weighted amount), all counted in
the database; cards are read a page at a time, the next page when the cursor nears the end of a column.

Keys: ←/→ or h/l column, ↑/↓ or j/k card; H or < / L or > move the card (or every marked card) to the previous /
next column; m move to a column chosen by number or name; M to another subgroup row; space marks a card, Escape
clears the marks; Enter opens the card; o chooses what the board shows; r reloads; g / G group and subgroup by;
F filters a field, / filters by title, S sorts, z hides closed sales, D switches the days badge (in stage / since
registered): all remembered per user and board; . opens the card's task menu. Digits are the app's section keys.
A move goes through the card's own service call: refusals (a contact whose company does not use lead status,
someone else's newer change, no right) are reported and the others moved; Sold and Lost ask for the reason.
"""

from __future__ import annotations

import asyncio

from decimal import Decimal
from typing import Any

from rich.text import Text
from textual import on, work
from textual.css.query import NoMatches
from textual.app import ComposeResult
from textual.containers import HorizontalScroll, Vertical
from textual.screen import Screen
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option, OptionDoesNotExist
from textual.content import Content

from leadtui.actions import bindings
from leadtui import navigation
from leadtui.screens.category_suggestion_dialog import offer_later
from leadtui.i18n import _, ngettext
from leadtui.services import board as svc
from leadtui.services import find
from leadtui.services.errors import DomainError
from leadtui.widgets.footer import Footer
from leadtui.widgets.navigator import Navigator

PAGE = 30
LOAD_AHEAD = 3  # load the next page when the cursor is this close to a column's last card
CARD_WIDTH = 28  # what fits on a card's second line
LIVE_FEW = 200  # another session changed at most this many cards: read only those (more: the whole board)
LIVE_FLASH = 1.5  # seconds a card another session moved shows highlighted in its new column


def _money(value: Any) -> str:
    from leadtui.services.money import format_money

    return format_money(value)


def _adjust(column: svc.ColumnOut, card: svc.CardOut, sign: int) -> None:
    """A card left (-1) or joined (+1) a column: its count, and for sales its sum and weighted sum."""
    column.count += sign
    if column.amount is not None and card.amount is not None:
        column.amount += sign * card.amount
        column.weighted = (column.weighted or Decimal(0)) + sign * (
            card.amount * (card.probability or 0) / 100
        ).quantize(Decimal("0.01"))


class CardList(OptionList):
    """The cards of one column. Left/right are bound here: the scrolling row of columns would take them first."""

    BINDINGS = bindings("board_cards")

    def __init__(self, column_key: str) -> None:
        super().__init__(id=f"cards-{column_key}", classes="cards")
        self.column_key = column_key


class BoardColumn(Vertical):
    DEFAULT_CSS = """
    BoardColumn { width: 34; height: 100%; border: round $panel; margin-right: 1; }
    BoardColumn:focus-within { border: round $accent; }
    BoardColumn .column-header { height: auto; padding: 0 1; background: $boost; }
    BoardColumn.refuses .column-header { color: $text-muted; }
    BoardColumn CardList, BoardColumn CardList:focus { height: 1fr; border: none; padding: 0; }
    BoardColumn.arrived .column-header { background: $success 30%; }
    """

    def __init__(self, column: svc.ColumnOut, page: svc.CardPage, target: str) -> None:
        super().__init__(id=f"column-{column.key}", classes="" if column.accepts else "refuses")
        self.column = column
        self.cards: list[svc.CardOut] = list(page.cards)
        self.more = page.more
        self.moved_in: set[int] = set()  # cards moved here by this board: not read in order, so no paging mark
        self.fetching = False
        self.target = target
        self.arrived: set[int] = set()  # cards another session just moved here: highlighted for LIVE_FLASH s
        self.arrived_timer: Any = None

    def read_to(self) -> int | None:
        """The id the next page of cards starts after: the last card read in order."""
        return max((c.id for c in self.cards if c.id not in self.moved_in), default=None)

    def compose(self) -> ComposeResult:
        yield Static(self.header(), classes="column-header")
        yield CardList(self.column.key)

    def header(self) -> Text:
        c = self.column
        text = Text(f"{c.number} ", style="bold")
        text.append(c.name, style="bold")
        if c.deleted:
            text.append(" (" + _("deleted") + ")", style="dim")
        text.append(f"  {c.count}")
        if c.amount is not None:
            text.append("\n" + _("Σ {amount}").format(amount=_money(c.amount)))
            text.append("\n" + _("weighted {amount}").format(amount=_money(c.weighted)), style="dim")
        elif not c.accepts:
            text.append("\n" + _("(cards cannot be moved here)"), style="dim")
        return text

    def card_list(self) -> CardList:
        return self.query_one(CardList)


class BoardScreen(Screen):
    DEFAULT_CSS = """
    BoardScreen #board-main { padding: 0 1; }
    BoardScreen #board-title { height: auto; }
    BoardScreen #columns { height: 1fr; }
    BoardScreen #board-empty { color: $text-muted; padding: 1 2; }
    """
    BINDINGS = bindings("board")

    def __init__(self) -> None:
        super().__init__(name="board")
        self.target: str = "contact"
        self.selection_id: int | None = None
        self.criteria: list[find.Criterion] = []
        self.board: svc.BoardOut | None = None
        self.marked: dict[int, svc.CardOut] = {}
        self.focus_column = 0
        self.focus_card: int | None = None
        self.source_note = ""
        self.chosen = False  # a source was asked for (from Find or a selection) before the saved one was read
        self.settings = svc.BoardSettings()
        self.from_find = False
        self._settings_for: tuple[str, int | None, bool] | None = None  # the board whose settings are read

    def compose(self) -> ComposeResult:
        yield Header()
        yield Navigator("board")
        with Vertical(id="board-main"):
            yield Static(_("Loading the board …"), id="board-title", classes="section-title", markup=False)
            yield HorizontalScroll(id="columns")
        yield Footer()

    def on_mount(self) -> None:
        self.start()

    @work(exclusive=True, group="start")
    async def start(self) -> None:
        from leadtui.services import preferences

        if self.chosen:
            return
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        try:
            saved = await preferences.get_preference(backend.db, backend.actor, "board.source")
        except DomainError:
            saved = {}
        if not self.chosen and saved.get("target") in ("contact", "company", "sale"):
            self.target = saved["target"]
            self.selection_id = saved.get("selection_id")
        self.load()

    # ------------------------------------------------------------------ what the board shows

    def show_source(
        self, *, target: str | None, selection_id: int | None, criteria: list[find.Criterion] | None = None
    ) -> None:
        """Show a selection's board, or all contacts / all sales narrowed by `criteria` (from Find)."""
        self.target = find.normalise_target(target) if target else self.target
        self.selection_id = selection_id
        self.criteria = list(criteria or [])
        self.source_note = _("Find results") if self.criteria and selection_id is None else ""
        self.from_find = bool(self.criteria) and selection_id is None
        self._settings_for = None
        self.chosen = True
        self.marked.clear()
        self.focus_column, self.focus_card = 0, None
        self.load()

    def _settings_place(self) -> tuple[str, int | None, bool]:
        return (self.target, self.selection_id, self.from_find)

    async def _read_settings(self, backend: Any) -> None:
        """The user's remembered settings of the board now shown (per selection, per Find target, or all)."""
        place = self._settings_place()
        if self._settings_for == place:
            return
        target = self.target
        if self.selection_id is not None:
            try:  # the selection decides the target
                from leadtui.services import selections

                target = (await selections.get_selection(backend.db, backend.actor, self.selection_id)).target
            except DomainError:
                pass
        try:
            self.settings = await svc.load_settings(
                backend.db, backend.actor, target, selection_id=self.selection_id, from_find=self.from_find
            )
        except DomainError:
            self.settings = svc.BoardSettings()
        self._settings_for = place

    async def _save_settings(self) -> None:
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        try:
            self.settings = await svc.save_settings(
                backend.db,
                backend.actor,
                self.target,
                self.settings,
                selection_id=self.selection_id,
                from_find=self.from_find,
            )
        except DomainError as exc:
            self.notify(str(exc), severity="error")

    @work(exclusive=True, group="load")
    async def load(self) -> None:
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        title = self.query_one("#board-title", Static)
        await self._read_settings(backend)
        try:
            out = await svc.open_board(
                backend.db,
                backend.actor,
                target=self.target,
                selection_id=self.selection_id,
                criteria=self.criteria,
                page=PAGE,
                settings=self.settings,
            )
        except DomainError as exc:
            if self.selection_id is not None and exc.exit_code == 4:  # the selection is gone: back to all
                self.selection_id = None
                self.notify(str(exc), severity="warning")
                self.load()
                return
            title.update(Text(str(exc), style="bold red"))
            self.notify(str(exc), severity="error", title=_("Board"))
            return
        self.board = out
        self.target = out.target
        if out.settings is not None:
            self.settings = out.settings
        self.refresh_bindings()  # what check_action offers depends on the board (its target, subgroups)
        live = {card.id for page in out.pages.values() for card in page.cards}
        self.marked = {i: c for i, c in self.marked.items() if i in live}
        await self._build(out)
        self._title()

    async def _build(self, out: svc.BoardOut) -> None:
        container = self.query_one("#columns", HorizontalScroll)
        await container.remove_children()
        empty = svc.CardPage(column="", cards=[], more=False)
        columns = [BoardColumn(column, out.pages.get(column.key, empty), out.target) for column in out.columns]
        await container.mount_all(columns)
        for column in columns:
            self._fill(column)
        if columns:
            index = min(self.focus_column, len(columns) - 1)
            cards = columns[index].card_list()
            if self.focus_card is not None and cards.option_count:
                cards.highlighted = min(self.focus_card, cards.option_count - 1)
            elif cards.option_count:
                cards.highlighted = 0
            cards.focus()

    def _prompt(self, card: svc.CardOut, heading: str | None = None) -> Text:
        mark = "● " if card.id in self.marked else "  "
        text = Text()
        if heading is not None:  # the first card of a subgroup carries its heading
            text.append("── " + heading + " ──\n", style="bold italic")
        text.append(mark, style="bold")
        title = ("▲ " if card.status == "stalled" else "") + card.title
        title = title if len(title) <= CARD_WIDTH else title[: CARD_WIDTH - 1] + "…"
        text.append(title, style="bold" if card.movable else "dim")
        parts = [card.subtitle] if card.subtitle else []
        if card.amount is not None:
            parts.append(_money(card.amount))
        badge = _("{n} d").format(n=card.days) if card.days is not None else ""
        if not card.movable:
            parts.append(_("not a lead"))
        room_for = CARD_WIDTH - (len(badge) + 3 if badge else 0)
        line = " · ".join(parts)
        if len(line) > room_for and card.subtitle:
            rest = len(line) - len(card.subtitle)
            room = max(6, room_for - rest)
            parts[0] = card.subtitle[: room - 1] + "…"
            line = " · ".join(parts)
        text.append("\n  " + line, style="dim")
        if badge:  # days in lead status / stage: red past the overdue rule (services/board.py, _overdue)
            text.append(" · " if line else "", style="dim")
            text.append(badge, style="bold red" if card.overdue else "dim")
        return text

    def _headings(self, column: BoardColumn) -> list[str | None]:
        """Per card: the subgroup heading it starts, or None."""
        if self.board is None or not self.board.subgroup_by:
            return [None] * len(column.cards)
        names = {s.key: s.name for s in self.board.subgroups}
        out: list[str | None] = []
        previous: object = object()
        for card in column.cards:
            out.append(names.get(card.sub or "none", "") if card.sub != previous else None)
            previous = card.sub
        return out

    def _fill(self, column: BoardColumn) -> None:
        cards = column.card_list()
        highlighted = cards.highlighted
        cards.clear_options()
        headings = self._headings(column)
        cards.add_options(
            [Option(self._prompt(card, heading), id=str(card.id)) for card, heading in zip(column.cards, headings)]
        )
        if column.more:
            cards.add_option(Option(Text(_("  … more cards below"), style="dim italic"), id="more", disabled=True))
        if highlighted is not None and column.cards:
            cards.highlighted = min(highlighted, len(column.cards) - 1)

    def _title(self) -> None:
        out = self.board
        if out is None:
            return
        group = svc.group_label(out.target, out.group_by)
        what = _("{target} by {group}").format(target=find.target_label(out.target).lower(), group=group.lower())
        if out.subgroup_by:
            what += " / " + svc.group_label(out.target, out.subgroup_by).lower()
        source = self.source_note or out.source
        text = ngettext(
            "Board: {source} · {what} · {n} card", "Board: {source} · {what} · {n} cards", out.total
        ).format(source=source, what=what, n=out.total)
        if self.marked:
            text += " · " + ngettext("{n} marked", "{n} marked", len(self.marked)).format(n=len(self.marked))
        settings = out.settings or svc.BoardSettings()
        narrowed = len(settings.filters) + (1 if settings.title else 0)
        if narrowed:
            text += " · " + ngettext("{n} filter", "{n} filters", narrowed).format(n=narrowed)
        if settings.hide_closed:
            text += " · " + _("closed hidden")
        if out.target != "company" and settings.badge == "registered":
            legend = _("d = days since registered")
            if out.target == "sale":
                legend += ", " + _("red = past the sale date")
        elif out.target == "contact":
            legend = _("d = days in lead status, red = over {n}").format(n=svc.OVERDUE_DAYS)
        elif out.target == "sale":
            legend = _("d = days in stage, red = overdue, ▲ stalled")
        else:
            legend = _("d = days since registered")
        text += f"   ({legend})"
        self.query_one("#board-title", Static).update(text)

    # ------------------------------------------------------------------ cursor

    def columns(self) -> list[BoardColumn]:
        return list(self.query(BoardColumn))

    def current_column(self) -> BoardColumn | None:
        """The column the cursor is in (kept here, not read from the focus, which moves a moment later)."""
        columns = self.columns()
        if not columns:
            return None
        self.focus_column = max(0, min(self.focus_column, len(columns) - 1))
        return columns[self.focus_column]

    def on_descendant_focus(self, event) -> None:  # noqa: ANN001
        for index, column in enumerate(self.columns()):
            if event.widget is column or event.widget in column.walk_children():
                self.focus_column = index
                return

    def current_card(self) -> svc.CardOut | None:
        column = self.current_column()
        if column is None:
            return None
        index = column.card_list().highlighted
        if index is None or index >= len(column.cards):
            return None
        return column.cards[index]

    def action_column(self, step: int) -> None:
        columns = self.columns()
        current = self.current_column()
        if current is None:
            return
        index = self.focus_column
        row = current.card_list().highlighted
        index = max(0, min(len(columns) - 1, index + step))
        self.focus_column = index
        target = columns[index].card_list()
        if target.option_count and len(columns[index].cards):
            target.highlighted = min(row or 0, len(columns[index].cards) - 1)
        target.focus()

    def action_cursor(self, step: int) -> None:
        column = self.current_column()
        if column is None:
            return
        cards = column.card_list()
        cards.action_cursor_down() if step > 0 else cards.action_cursor_up()

    @on(OptionList.OptionHighlighted, ".cards")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        cards = event.option_list
        column = cards.parent
        if not isinstance(column, BoardColumn):
            return
        self.focus_card = event.option_index
        if column.more and not column.fetching and event.option_index >= len(column.cards) - LOAD_AHEAD:
            column.fetching = True
            self.load_more(column)

    @work(group="more")
    async def load_more(self, column: BoardColumn) -> None:
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        try:
            page = await svc.column_cards(
                backend.db,
                backend.actor,
                column.column.key,
                target=self.target,
                selection_id=self.selection_id,
                criteria=self.criteria,
                after=column.read_to(),
                limit=PAGE,
                offset=len([c for c in column.cards if c.id not in column.moved_in]),
                settings=self.settings,
            )
        except DomainError as exc:
            self.notify(str(exc), severity="error")
            column.fetching = False
            return
        known = {card.id for card in column.cards}
        column.cards.extend(card for card in page.cards if card.id not in known)
        column.cards.sort(key=self._order())  # a card moved in after the cards read so far goes back in order
        column.more = page.more
        column.fetching = False
        if column.is_attached:
            self._fill(column)

    @on(OptionList.OptionSelected, ".cards")
    def _open(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        card = self.current_card()
        if card is not None:
            navigation.open_record(self.app, self.target, card.id, lambda _closed: self.load())

    # ------------------------------------------------------------------ marking and moving

    def action_mark(self) -> None:
        card = self.current_card()
        column = self.current_column()
        if card is None or column is None:
            return
        if card.id in self.marked:
            del self.marked[card.id]
        else:
            self.marked[card.id] = card
        cards = column.card_list()
        cards.replace_option_prompt(str(card.id), self._prompt(card))
        if cards.highlighted is not None and cards.highlighted < cards.option_count - 1:
            cards.action_cursor_down()  # as in the lists: space marks and goes on to the next card
        self._title()

    def action_clear_marks(self) -> None:
        if not self.marked:
            return
        self.marked.clear()
        for column in self.columns():
            self._fill(column)
        self._title()

    def _moving(self) -> list[svc.CardOut]:
        if self.marked:
            return list(self.marked.values())
        card = self.current_card()
        return [card] if card is not None else []

    def action_move_step(self, step: int) -> None:
        if self.board is None:
            return
        column = self.current_column()
        if column is None:
            return
        keys = [c.key for c in self.board.columns]
        index = keys.index(column.column.key) + step
        while 0 <= index < len(keys) and not self.board.columns[index].accepts:
            index += step
        if not 0 <= index < len(keys):
            self.notify(_("There is no column further that way."), severity="warning")
            return
        self.move(keys[index], follow=step)

    def action_move_to(self) -> None:
        from leadtui.screens.pick_dialog import PickDialog

        if self.board is None or not self._moving():
            self.notify(_("No card to move: highlight one or mark some with space."), severity="warning")
            return
        options = [
            (c.key, f"{c.name} ({c.count})" + ("" if c.accepts else "  – " + _("cannot take cards")))
            for c in self.board.columns
        ]
        if (
            self.board.group_by == "owner"
            and self.target != "sale"
            and "none" not in {c.key for c in self.board.columns}
        ):
            options.append(("none", _("No selection")))  # unassign: the column shows once a card is in it
        n = len(self._moving())
        title = ngettext("Move {n} card to column …", "Move {n} cards to column …", n).format(n=n)

        def done(key: str | None) -> None:
            if key is not None:
                self.move(key)

        self.app.push_screen(
            PickDialog(title, options, numbered=True, hint=_("Type the column's number (or name) and press Enter.")),
            done,
        )

    def action_move_to_subgroup(self) -> None:
        """A subgrouped board's rows: move the card(s) to another subgroup, which sets the subgroup's field."""
        from leadtui.screens.pick_dialog import PickDialog

        board = self.board
        if board is None or not board.subgroup_by or not self._moving():
            return
        sub = board.subgroup_by
        options = [
            (s.key, s.name)
            for s in board.subgroups
            if s.key != "none" or (sub == "owner" and self.target != "sale")  # "No selection" unassigns
        ]
        n = len(self._moving())
        title = ngettext("Move {n} card to subgroup …", "Move {n} cards to subgroup …", n).format(n=n)

        def done(key: str | None) -> None:
            if key is not None:
                self.run_move(key, 0, group_by=sub)

        self.app.push_screen(PickDialog(title, options, numbered=True), done)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hiding closed sales is offered on a board of sales only; the days badge choice not for companies (their
        days are always since registered); moving to a subgroup on a subgrouped board only."""
        if action == "hide_closed":
            return self.target == "sale"
        if action == "badge":
            return self.target != "company"
        if action == "move_to_subgroup":
            return self.board is not None and bool(self.board.subgroup_by)
        return True

    def move(self, key: str, follow: int = 0) -> None:
        self.run_move(key, follow)

    @work(group="action")
    async def run_move(
        self, key: str, follow: int, only: svc.CardOut | None = None, group_by: str | None = None
    ) -> None:
        """Move the marked cards (or the highlighted one; `only`: that card) to column `key` of the board's
        grouping (`group_by`: of that field instead, e.g. Sold / Lost from the task menu of a board by owner)."""
        from leadtui.screens.pick_dialog import PickDialog

        group_by = group_by or (self.board.group_by if self.board is not None else None)
        cards = [only] if only is not None else self._moving()
        if not cards or self.board is None:
            self.notify(_("No card to move: highlight one or mark some with space."), severity="warning")
            return
        same_grouping = group_by == self.board.group_by
        column = next((c for c in self.board.columns if c.key == key), None) if same_grouping else None
        if column is not None and not column.accepts:
            self.notify(_("Cards cannot be moved to '{name}'.").format(name=column.name), severity="warning")
            return
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        reason: str | None = None
        try:
            need = await svc.reason_needed(backend.db, self.target, key, group_by=group_by)
        except DomainError as exc:
            self.notify(str(exc), severity="error")
            return
        if need is not None and need.reasons:
            reason = await self.app.push_screen_wait(
                PickDialog(
                    ngettext(
                        "{label} for {n} sale moved to {column}", "{label} for {n} sales moved to {column}", len(cards)
                    ).format(label=need.label, n=len(cards), column=column.name if column else key),
                    [(r.value, r.label) for r in need.reasons],
                    hint=_("Required. Escape cancels the move.") if need.required else "",
                )
            )
            if reason is None:
                self.notify(_("Not moved: no reason chosen."), severity="warning")
                return
        try:
            result = await svc.move_cards(
                backend.db,
                backend.actor,
                self.target,
                [(card.id, card.version) for card in cards],
                key,
                reason=reason,
                group_by=group_by,
            )
        except DomainError as exc:
            self.notify(str(exc), severity="error", title=_("Not moved"))
            return
        if result.refused:
            self.notify(
                result.summary(),
                severity="warning" if result.moved else "error",
                title=_("Some cards were not moved") if result.moved else _("Not moved"),
                timeout=10,
            )
        elif result.moved:
            self.notify(result.summary())
        else:
            self.notify(_("Already in {column}.").format(column=result.column_name))
        moved = set(result.moved)
        self.marked = {i: c for i, c in self.marked.items() if i not in moved}
        if not moved:
            return
        try:  # what changed: the moved cards as they are now (column, version); only their columns are redrawn
            now = await svc.cards_now(
                backend.db,
                backend.actor,
                sorted(moved),
                target=self.target,
                selection_id=self.selection_id,
                criteria=self.criteria,
                settings=self.settings,
            )
        except DomainError:
            now = None
        missing = moved - {card.id for card in now} if now is not None else set()
        if missing:  # one rule for every board (a dynamic selection's, Find's, filtered): a card moved outside the
            self.notify(  # board's criteria leaves the board at once, as a reload would show it
                ngettext(
                    "{n} moved card no longer matches this board and left it.",
                    "{n} moved cards no longer match this board and left it.",
                    len(missing),
                ).format(n=len(missing)),
                timeout=6,
            )
        if now is None or not self._apply_move([c for c in cards if c.id in moved], now, follow):
            self.load()  # a column the board does not show (or the board changed meanwhile): read it all again
        elif len(now) > 1:
            self._show_moved(now)
        self._after_move(result)

    def _after_move(self, result: svc.MoveOut) -> None:
        """Called once after every move that changed at least one card (the board is redrawn, or being read
        again): lead categorization (SPEC 2.5) asks about a suggested category, in a worker of its own."""
        offer_later(self, result.category_suggestions)

    def _show_moved(self, now: list[svc.CardOut]) -> None:
        """After a move of several cards: each column they went to has its cursor on the first of them, scrolled so
        that they show (they are put in order of id, often out of sight at the end of a long column)."""
        moved = {card.id for card in now}
        for column in self.columns():
            rows = [i for i, card in enumerate(column.cards) if card.id in moved]
            if rows:
                cards = column.card_list()
                cards.highlighted = rows[-1]
                cards.highlighted = rows[0]  # scrolled to the last moved card, then back up to the first

    def _apply_move(self, before: list[svc.CardOut], now: list[svc.CardOut], follow: int) -> bool:
        """Take the moved cards out of their columns and put them (as read after the move) into their new ones;
        the counts (and sums) of those columns are adjusted, not counted again, and only they are redrawn. With
        `follow` (a single card moved by H / L) the cursor goes with the card. False: cannot be done in place."""
        if self.board is None:
            return False
        by_key = {column.column.key: column for column in self.columns()}
        if any(card.column not in by_key for card in [*before, *now]):
            return False
        touched: list[BoardColumn] = []
        for card in before:
            column = by_key[card.column]
            column.cards = [c for c in column.cards if c.id != card.id]
            _adjust(column.column, card, -1)
            touched.append(column)
        for card in now:
            column = by_key[card.column]
            column.cards = sorted([*column.cards, card], key=self._order())
            column.moved_in.add(card.id)
            _adjust(column.column, card, 1)
            touched.append(column)
        self.board.total += len(now) - len(before)
        for column in dict.fromkeys(touched):
            column.query_one(".column-header", Static).update(column.header())
            self._fill(column)
        if follow and len(now) == 1:
            columns = self.columns()
            column = by_key[now[0].column]
            self.focus_column = columns.index(column)
            cards = column.card_list()
            cards.highlighted = [c.id for c in column.cards].index(now[0].id)
            self.focus_card = cards.highlighted
            cards.focus()
        self._title()
        return True

    # ------------------------------------------------------------------ source

    @work(group="action")
    async def action_source(self) -> None:
        from leadtui.screens.pick_dialog import PickDialog
        from leadtui.services import preferences, selections

        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        try:
            items = [
                s
                for s in await selections.list_selections(backend.db, backend.actor)
                if s.target in ("contact", "company", "sale")
            ]
        except DomainError as exc:
            self.notify(str(exc), severity="error")
            return
        options = [
            ("contact", _("All contacts (by lead status)")),
            ("company", _("All companies (by category)")),
            ("sale", _("All sales (by stage)")),
        ]
        options += [(f"sel:{s.id}", f"{s.name}  ·  {s.kind_label.lower()} {s.target_label.lower()}") for s in items]
        current = f"sel:{self.selection_id}" if self.selection_id else self.target
        chosen = await self.app.push_screen_wait(PickDialog(_("What should the board show?"), options, current=current))
        if chosen is None:
            return
        if chosen.startswith("sel:"):
            selection_id = int(chosen[4:])
            target = next(s.target for s in items if s.id == selection_id)
        else:
            selection_id, target = None, chosen
        self.show_source(target=target, selection_id=selection_id, criteria=[])
        try:
            await preferences.set_preference(
                backend.db, backend.actor, "board.source", {"target": target, "selection_id": selection_id}
            )
        except DomainError:
            pass

    def action_refresh(self) -> None:
        self.load()

    def reload(self) -> None:
        self.load()

    # ------------------------------------------------------------------ live updates (leadtui/live.py)

    def on_records_changed(self, message: navigation.RecordsChanged) -> None:
        """Another session changed cards or what decides their column: update the board in place. When only cards
        of the board's kind changed (a move, an edit), just those are read again; else the whole board."""
        if self.board is None:
            return
        kinds = {
            "contact": {"contact", "company", "lead_status", "category"},
            "company": {"company", "category"},
            "sale": {"sale", "sale_stage", "sale_type"},
        }.get(self.target, {"sale", "sale_stage"})
        kinds.add("selection_member")
        changed = kinds & set(message.changes)
        if not changed:
            return
        ids = message.ids(self.target)
        few = changed == {self.target} and ids is not None and 0 < len(ids) <= LIVE_FEW
        # changes wait here while a refresh runs (it is never cancelled half-way: that would lose its cards)
        pending: set[int] | None = getattr(self, "_live_pending", set())
        if pending is None or not few or ids is None:
            self._live_pending: set[int] | None = None
        else:
            self._live_pending = pending | ids
            if len(self._live_pending) > LIVE_FEW:
                self._live_pending = None
        if not getattr(self, "_live_running", False):
            self._live_running = True
            self.refresh_records()

    @work(group="live")
    async def refresh_records(self) -> None:
        """Apply the changes waiting (`_live_pending`: the changed cards, None: the whole board) until none are
        left; the cursor stays on its card (or its row when that card moved away), the focus and the marks stay."""
        retries = 0
        try:
            while True:
                pending = self._live_pending
                if pending is not None and not pending:
                    return
                self._live_pending = set()
                try:
                    if pending is not None and await self._refresh_cards(sorted(pending)):
                        continue
                    await self._refresh_board()
                except NoMatches:  # a column was being redrawn (its card list not there yet): read the board again
                    retries += 1
                    if not self.is_attached or retries > 20:
                        return
                    self._live_pending = None
                    await asyncio.sleep(0.05)
        finally:
            self._live_running = False

    async def _refresh_board(self) -> None:
        """Read the whole board again and redraw only the columns whose header or cards differ."""
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        try:
            out = await svc.open_board(
                backend.db,
                backend.actor,
                target=self.target,
                selection_id=self.selection_id,
                criteria=self.criteria,
                page=PAGE,
                settings=self.settings,
            )
        except DomainError:
            return
        columns = self.columns()
        if self.board is None or [c.key for c in out.columns] != [c.column.key for c in columns]:
            self.load()  # the columns themselves changed (a lead status added, another target): build anew
            return
        focus_column, current = self.focus_column, self.current_card()
        was = {card.id: column.column.key for column in columns for card in column.cards}
        self.board = out
        live = {card.id for page in out.pages.values() for card in page.cards}
        empty = svc.CardPage(column="", cards=[], more=False)
        for index, (column, new) in enumerate(zip(columns, out.columns, strict=True)):
            page = out.pages.get(new.key, empty)
            loaded = len(column.cards)
            cards = list(page.cards)
            if loaded > len(cards) and page.more:  # the user had read further down: keep those cards too
                known = {card.id for card in cards}
                cards += [card for card in column.cards[len(cards) :] if card.id not in known and card.id not in live]
            same = [(c.id, c.version) for c in cards] == [(c.id, c.version) for c in column.cards]
            if same and new == column.column:
                continue
            cursor_id = current.id if current is not None and index == focus_column else None
            row = column.card_list().highlighted
            column.column, column.cards, column.more = new, cards, page.more
            column.moved_in.clear()
            column.query_one(".column-header", Static).update(column.header())
            self._fill(column)
            card_list = column.card_list()
            ids_now = [card.id for card in cards]
            if cursor_id in ids_now:
                card_list.highlighted = ids_now.index(cursor_id)
            elif row is not None and cards:
                card_list.highlighted = min(row, len(cards) - 1)
        self._restore_focus(focus_column)
        self.marked = {i: c for i, c in self.marked.items() if i in live}
        self._title()
        self._flash_arrived(
            {card.id: key for key, page in out.pages.items() for card in page.cards if was.get(card.id, key) != key}
        )

    async def _refresh_cards(self, ids: list[int]) -> bool:
        """Only these cards again (board.cards_now), moved between the columns shown like a move made here. False
        when that cannot be done in place (a card comes from a part of a column not read yet): read everything."""
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        try:
            now = await svc.cards_now(
                backend.db,
                backend.actor,
                ids,
                target=self.target,
                selection_id=self.selection_id,
                criteria=self.criteria,
                settings=self.settings,
            )
        except DomainError:
            return False
        shown = {card.id: card for column in self.columns() for card in column.cards}
        if any(card.id not in shown for card in now):
            return False
        by_id = {card.id: card for card in now}
        before = [
            shown[i]
            for i in ids
            if i in shown
            and (i not in by_id or (by_id[i].version, by_id[i].column) != (shown[i].version, shown[i].column))
        ]
        after = [by_id[card.id] for card in before if card.id in by_id]
        if not before:
            return True
        focus_column, current = self.focus_column, self.current_card()
        rows = {column.column.key: column.card_list().highlighted for column in self.columns()}
        if not self._apply_move(before, after, 0):
            return False
        touched = {card.column for card in [*before, *after]}
        columns = self.columns()
        for index, column in enumerate(columns):
            if column.column.key not in touched:  # redrawn only where a card came or went
                continue
            card_list = column.card_list()
            keep = current.id if current is not None and index == focus_column else None
            ids_now = [card.id for card in column.cards]
            if keep in ids_now:
                card_list.highlighted = ids_now.index(keep)
            elif rows.get(column.column.key) is not None and ids_now:
                card_list.highlighted = min(rows[column.column.key] or 0, len(ids_now) - 1)
        for card in after:
            if card.id in self.marked:
                self.marked[card.id] = card
        for card in before:
            if card.id not in by_id:
                self.marked.pop(card.id, None)
        self._restore_focus(focus_column)
        self._title()
        self._flash_arrived({card.id: card.column for card in after if card.column != shown[card.id].column})
        return True

    def _flash_arrived(self, moved: dict[int, str]) -> None:
        """Cards another session moved (id -> new column) show highlighted in their new column for LIVE_FLASH
        seconds, the column's header too (class `arrived`): the user sees where they went; the cursor stays put."""
        for column in self.columns():
            ids = {i for i, key in moved.items() if key == column.column.key}
            if not ids:
                continue
            if column.arrived_timer is not None:
                column.arrived_timer.stop()
            column.arrived |= ids
            column.add_class("arrived")
            self._paint_arrived(column, on=True)
            column.arrived_timer = column.set_timer(LIVE_FLASH, lambda c=column: self._end_flash(c), name="arrived")

    def _end_flash(self, column: BoardColumn) -> None:
        self._paint_arrived(column, on=False)
        column.arrived.clear()
        column.arrived_timer = None
        column.remove_class("arrived")

    def _paint_arrived(self, column: BoardColumn, on: bool) -> None:
        cards = column.card_list()
        for card, heading in zip(column.cards, self._headings(column), strict=True):
            if card.id in column.arrived:
                prompt: Any = self._prompt(card, heading)
                if on:
                    prompt = Content.from_rich_text(prompt).stylize("on $success 30%")
                try:
                    cards.replace_option_prompt(str(card.id), prompt)
                except OptionDoesNotExist:  # the column was redrawn meanwhile
                    pass

    def _restore_focus(self, focus_column: int) -> None:
        self.focus_column = focus_column
        column = self.current_column()
        if column is not None:
            self.focus_card = column.card_list().highlighted

    def _order(self) -> Any:
        """The order of a column's cards (as the database reads them): by id, or the settings' sort/subgroup."""
        return svc.card_order(self.board) if self.board is not None else (lambda c: c.id)

    # ------------------------------------------------------------------ settings (remembered per user and board)

    def _change(self, **changes: Any) -> None:
        self.apply_settings(self.settings.model_copy(update=changes))

    @work(group="settings")
    async def apply_settings(self, settings: svc.BoardSettings) -> None:
        """Use these settings (checked and remembered for this board), then read the board again."""
        try:
            self.settings = settings.cleaned(self.target)
        except DomainError as exc:  # the previous settings stay
            self.notify(str(exc), severity="error")
            return
        await self._save_settings()
        self.focus_column, self.focus_card = 0, None
        self.marked.clear()
        self.load()

    async def _pick(self, title: str, options: list[tuple[str, str]], current: str | None = None) -> str | None:
        from leadtui.screens.pick_dialog import PickDialog

        return await self.app.push_screen_wait(PickDialog(title, options, current=current))

    @work(group="action")
    async def action_group_by(self) -> None:
        options = [(g, svc.group_label(self.target, g)) for g in svc.GROUPS[self.target]]
        chosen = await self._pick(_("Group by"), options, current=self.settings.group_by)
        if chosen is None:
            return
        sub = self.settings.subgroup_by if self.settings.subgroup_by != chosen else None
        self._change(group_by=chosen, subgroup_by=sub)

    @work(group="action")
    async def action_subgroup_by(self) -> None:
        group = self.settings.group_by or svc.DEFAULT_GROUP[self.target]
        options = [("-", _("(No subgroups)"))]
        options += [(g, svc.group_label(self.target, g)) for g in svc.GROUPS[self.target] if g != group]
        chosen = await self._pick(_("Subgroup by"), options, current=self.settings.subgroup_by or "-")
        if chosen is not None:
            self._change(subgroup_by=None if chosen == "-" else chosen)

    @work(group="action")
    async def action_sort(self) -> None:
        options = [
            (f"{sort}:{int(desc)}", svc.sort_label(sort) + (" ↓" if desc else ""))
            for sort in svc.SORTS
            if sort != "amount" or self.target == "sale"
            for desc in ((False,) if sort == "default" else (False, True))
        ]
        current = f"{self.settings.sort}:{int(self.settings.descending)}"
        chosen = await self._pick(_("Sort cards by"), options, current=current)
        if chosen is not None:
            sort, desc = chosen.split(":")
            self._change(sort=sort, descending=desc == "1")

    def action_hide_closed(self) -> None:
        hide = not self.settings.hide_closed
        self._change(hide_closed=hide)
        self.notify(_("Closed sales hidden.") if hide else _("Closed sales shown."))

    def action_badge(self) -> None:
        badge = "stage" if self.settings.badge == "registered" else "registered"
        self._change(badge=badge)

    @work(group="action")
    async def action_title_filter(self) -> None:
        from leadtui.screens.text_dialog import TextDialog

        async def submit(text: str) -> str:
            return text

        text = await self.app.push_screen_wait(
            TextDialog(
                _("Filter by title"),
                _("Title contains"),
                submit,
                value=self.settings.title,
                hint=_("Empty shows every card."),
            )
        )
        if text is not None:
            self._change(title=str(text).strip())

    @work(group="action")
    async def action_filter(self) -> None:
        """Choose a field, then its values (one at a time, added to the filter); "Clear all filters" resets."""
        from leadtui.screens.pick_dialog import PickDialog

        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        fields = svc.filter_fields(self.target)
        options = [("*", _("Clear all filters"))] if self.settings.filters or self.settings.title else []
        for key, label in fields:
            given = self.settings.filters.get(key)
            options.append((key, label + (f": {', '.join(given)}" if given else "")))
        field = await self._pick(_("Filter by field"), options)
        if field is None:
            return
        if field == "*":
            self._change(filters={}, title="")
            return
        try:
            choices = await svc.filter_choices(backend.db, self.target, field)
        except DomainError as exc:
            self.notify(str(exc), severity="error")
            return
        chosen_now = self.settings.filters.get(field, [])
        values: list[tuple[str, str]] = [("*", _("Clear this filter"))] if chosen_now else []
        values += [(c.label, ("✓ " if c.label in chosen_now else "") + c.label) for c in choices]
        picked = await self.app.push_screen_wait(
            PickDialog(
                _("Show only cards whose {field} is one of …").format(field=dict(fields)[field].lower()),
                values,
                hint=_("Enter adds a value (or takes a ticked one away); press F again for more."),
            )
        )
        if picked is None:
            return
        filters = dict(self.settings.filters)
        if picked == "*":
            filters.pop(field, None)
        elif picked in chosen_now:
            filters[field] = [v for v in chosen_now if v != picked]
        else:
            filters[field] = [*chosen_now, picked]
        self._change(filters={k: v for k, v in filters.items() if v})

    # ------------------------------------------------------------------ a card's task menu

    @work(group="action")
    async def action_tasks(self) -> None:
        """The card's task menu: only what may be done now (rights, the card's state) is offered."""
        card = self.current_card()
        if card is None:
            self.notify(_("No card: highlight one first."), severity="warning")
            return
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        try:
            tasks = await svc.card_tasks(backend.db, backend.actor, self.target, card.id)
        except DomainError as exc:
            self.notify(str(exc), severity="error")
            return
        chosen = await self._pick(
            _("Tasks: {title}").format(title=card.title), [(task, svc.task_label(task, tasks)) for task in tasks.tasks]
        )
        if chosen is None:
            return
        await self.run_task(chosen, card, tasks)

    async def run_task(self, task: str, card: svc.CardOut, tasks: svc.CardTasks) -> None:
        backend = await self.app.ready_backend()  # type: ignore[attr-defined]
        if task == "edit":
            await self._edit(card)
        elif task == "follow_up":
            await self._follow_up(backend, card, tasks)
        elif task == "new_sale":
            navigation.new_record(
                self.app,
                "sale",
                lambda _closed: self.load(),
                company_id=tasks.company_id,
                contact_id=tasks.contact_id,
            )
        elif task == "next_category" and tasks.next_category_id is not None:
            self.run_move(f"s{tasks.next_category_id}", 0, only=card, group_by="category")
        elif task in ("sold", "lost"):
            self.run_move(task, 0, only=card, group_by="stage")
        elif task == "delete":
            await self._delete(backend, card)

    async def _edit(self, card: svc.CardOut) -> None:
        """The card opened in edit mode (a sale card takes `edit`; the others start editing once loaded)."""
        from leadtui.screens.sale_card import SaleCard

        if self.target == "sale":
            screen: Any = SaleCard(card.id, edit=True)
        else:
            screen = navigation._load(navigation.CARDS[self.target])(card.id)
        self.app.push_screen(screen, lambda _closed: self.reload())
        if self.target != "sale":
            for _attempt in range(200):  # until the record is loaded (a few ms), at most 10 s
                if getattr(screen, "loaded", None) is not None or not screen.is_attached:
                    break
                await asyncio.sleep(0.05)
            if screen.is_attached and getattr(screen, "loaded", None) is not None:
                screen.action_edit()

    async def _follow_up(self, backend: Any, card: svc.CardOut, tasks: svc.CardTasks) -> None:
        from leadtui.screens.follow_up_dialog import FollowUpDialog
        from leadtui.services import activities, sales

        links: dict[str, Any] = {}
        if self.target == "sale":
            links["sale_id"] = card.id
        if tasks.contact_id is not None:
            links["contact_id"] = tasks.contact_id
        if tasks.company_id is not None:
            links["company_id"] = tasks.company_id

        async def save(values: dict[str, Any]) -> Any:
            return await activities.create_follow_up(backend.db, backend.actor, {**values, **links})

        try:
            types = [(c.name, c.id) for c in (await sales.sale_form_options(backend.db)).follow_up_types]
        except DomainError as exc:
            self.notify(str(exc), severity="error")
            return
        done = await self.app.push_screen_wait(
            FollowUpDialog(_("New follow-up"), save, types=types, text=card.title, intro=card.title)
        )
        if done is not None:
            self.notify(_("Follow-up added."))

    async def _delete(self, backend: Any, card: svc.CardOut) -> None:
        from leadtui.screens.dialogs import ConfirmDialog
        from leadtui.screens.sale_delete_dialog import DeleteSaleDialog
        from leadtui.services import companies, contacts, sales

        try:
            if self.target == "sale":
                sale = await sales.check_can_delete_sale(backend.db, backend.actor, card.id)
                if not await self.app.push_screen_wait(DeleteSaleDialog(sale)):
                    return
                await sales.delete_sale(backend.db, backend.actor, card.id, expected_version=card.version)
            else:
                what = _("company") if self.target == "company" else _("contact")
                question = _("Delete the {what} '{name}'? It goes to the recycle bin for 14 days.").format(
                    what=what, name=card.title
                )
                if not await self.app.push_screen_wait(ConfirmDialog(_("Delete"), question, yes=_("Yes, delete"))):
                    return
                if self.target == "company":
                    await companies.delete_company(backend.db, backend.actor, card.id)
                else:
                    await contacts.delete_contact(backend.db, backend.actor, card.id)
        except DomainError as exc:
            self.notify(str(exc), severity="error", title=_("Not deleted"))
            return
        self.notify(_("Deleted '{name}'.").format(name=card.title))
        self.load()
