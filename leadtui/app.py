"""LeadApp: the shell. Paints first, opens the database in a worker, then fills the sections.

Sections are Textual modes, each reachable by a single key from anywhere; the command palette (ctrl+p)
lists every action: navigation plus the actions of the screen in front.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING

from rich.markup import escape
from textual import events, on
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from leadtui.actions import bindings, palette_text
from leadtui import navigation
from leadtui.i18n import LANGUAGE_NAMES, LANGUAGES, N_, _, language_from_locale, set_language
from leadtui.navigation import SECTIONS, section_screen

RIGHTS_REFRESH_S = 2.0  # how old the user's rights may be when an action starts
# what a section re-reads when it is shown again after this session saved elsewhere (the record kinds of the
# live updates: services/changes.py)
OWN_CHANGE_KINDS = ("company", "contact", "sale", "lead_status", "category", "sale_stage", "selection")

if TYPE_CHECKING:
    from leadtui.backend import Backend
    from leadtui.live import LiveUpdates
    from textual.notifications import SeverityLevel


class LeadApp(App[int]):
    TITLE = "leadtui"
    CSS_PATH = "app.tcss"
    MODES = {mode: partial(section_screen, mode) for mode, *_rest in SECTIONS}
    DEFAULT_MODE = "companies"
    BINDINGS = bindings("app")

    def __init__(
        self,
        *,
        db_url: str | None = None,
        user: str | None = None,
        lang: str | None = None,
        served_user_id: int | None = None,
    ) -> None:
        super().__init__()
        from leadtui.widgets.inert import install_terminal_guard

        install_terminal_guard()  # no ESC, BEL, C1 or bidi override from the data ever reaches the terminal
        self.db_url = db_url
        self.user = user
        # served mode (leadtui serve ssh): the server fixed the user by their key; nothing in the session changes it
        self.served_user_id = served_user_id
        self.served = served_user_id is not None
        # the interface language is known before the first paint: --lang, LEADTUI_LANG, the locale
        self.lang = lang or os.environ.get("LEADTUI_LANG") or language_from_locale()
        if self.lang not in LANGUAGES:
            self.lang = "en"
        set_language(self.lang)
        self.backend: Backend | None = None
        self._backend_ready = asyncio.Event()
        self._rights_read_at = 0.0
        self._open_error: BaseException | None = None
        self.exit_message: str | None = None
        # the navigator: None follows the terminal's width (a rail of keys below 100 columns), else the user's choice
        self.navigator_wide: bool | None = None
        self.live: LiveUpdates | None = None

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Notifications carry names and messages from the data: shown as they are (no markup unless asked),
        control characters made visible."""
        from leadtui.widgets.inert import message_safe

        super().notify(
            message_safe(message), title=message_safe(title), severity=severity, timeout=timeout, markup=markup
        )

    def get_theme_variable_defaults(self) -> dict[str, str]:
        """$form-label-width for every .tcss file: the one label column of the forms (widgets/form.py)."""
        from leadtui.widgets.form import LABEL_WIDTH

        return {**super().get_theme_variable_defaults(), "form-label-width": str(LABEL_WIDTH)}

    def format_title(self, title: str, sub_title: str):  # noqa: ANN201 - textual.content.Content
        """The header: the user's name comes from the database; control characters are shown visibly."""
        from leadtui.text import visible

        return super().format_title(visible(title), visible(sub_title))

    def on_mount(self) -> None:
        self._shown: Screen | None = None
        self._gc_at = self._busy_at = 0.0  # when the idle collection ran, when something last happened
        self.screen_change_signal.subscribe(self, self._forget_hidden_lines)
        self.screen_change_signal.subscribe(self, self._catch_up_on_own_changes)
        self._own_writes_seen: dict[int, int] = {}
        if not self.served:  # a served session's keys are the server's, not from a file of the server's user
            self.load_keymap()
        if self.served:  # the server ends a session with SIGTERM (sign-out, key removed, shutdown): close cleanly
            import signal

            for signum in (signal.SIGTERM, signal.SIGHUP):
                asyncio.get_running_loop().add_signal_handler(signum, self.exit)
        if os.environ.get("LEADTUI_EXIT_AFTER_PAINT"):  # bench/startup.py: time to the first painted screen
            self.call_after_refresh(self.exit)
            return
        # paint the shell first: importing the database layer takes longer than painting it
        self.call_after_refresh(lambda: self.run_worker(self._open(), name="open-database", exit_on_error=False))

    def _catch_up_on_own_changes(self, screen: Screen) -> None:
        """A section shown again after this session saved elsewhere (a contact added on a company card, then the
        Board): the live stream does not announce a session's own changes, so the section is told here, as if
        another session had changed everything it shows."""
        from leadtui.live import post_changes
        from leadtui.screens.card_base import CardScreen

        backend = self.backend
        if backend is None or isinstance(screen, CardScreen) or screen.is_modal:
            return
        written = len(getattr(backend.db, "local_changesets", ()))
        seen = self._own_writes_seen.get(id(screen))
        self._own_writes_seen[id(screen)] = written
        if seen is None or seen == written:
            return
        post_changes(screen, {kind: None for kind in OWN_CHANGE_KINDS}, {}, "", None)

    def _forget_hidden_lines(self, screen: Screen) -> None:
        """The screen left behind (a section, or the list under a card) keeps its widgets, not its rendered lines:
        tables and card lists drop their caches, which are drawn again in a frame when the screen is shown."""
        hidden, self._shown = self._shown, screen
        self._busy_at = asyncio.get_running_loop().time()
        if hidden is None or hidden is screen or not hidden.is_attached:
            return
        from textual.widgets import DataTable, OptionList

        for table in hidden.query(DataTable):
            table._clear_caches()
        for options in hidden.query(OptionList):
            options._option_render_cache.clear()

    def _collect_when_idle(self) -> None:
        """The collector's full pass, only while nothing happens (no screen change, no worker running)."""
        now = asyncio.get_running_loop().time()
        if any(not w.is_finished and w.group not in ("new-leads", "live") for w in self.workers):
            self._busy_at = now
            return
        if now - self._busy_at >= GC_IDLE_S and now - self._gc_at >= GC_EVERY_S and self._busy_at > self._gc_at:
            self._gc_at = now
            collect_and_freeze()

    def load_keymap(self) -> None:
        """The user's keymap.toml (leadtui/actions.py): keys given to actions; an entry that cannot be used is
        one line in a notification, and the rest is used."""
        from leadtui.actions import load_keymap

        keymap, problems = load_keymap()
        if keymap:
            self.set_keymap(keymap)
        for problem in problems:
            self.notify(problem, severity="warning", timeout=10)

    async def _open(self) -> None:
        from leadtui.backend import open_backend, open_served_backend
        from leadtui.services.errors import DomainError

        try:
            if self.served_user_id is not None:
                self.backend = await open_served_backend(self.db_url or "", self.served_user_id, self.lang)
            else:
                self.backend = await open_backend(self.db_url, self.user, self.lang)
        except DomainError as exc:
            self._open_error = exc
            self._backend_ready.set()
            self.exit_message = f"leadtui: {exc}"
            self.exit(exc.exit_code, return_code=exc.exit_code)
            return
        if self.served:  # a served user is not told where the database is
            self.sub_title = self.backend.actor.display_name
        else:
            from leadtui.services.database import _describe as describe_database  # never shows a password

            self.sub_title = f"{self.backend.actor.display_name} · {describe_database(self.backend.url)}"
        self._backend_ready.set()
        tune_gc()  # the code the app runs is imported now: freeze it out of the collector's passes
        self._gc_at = self._busy_at = asyncio.get_running_loop().time()
        self.set_interval(GC_IDLE_S / 2, self._collect_when_idle, name="gc-when-idle")
        if self.backend.created:
            self.notify(_("Created a new database with the default lists."), title=_("Welcome"))
        from leadtui.screens.new_leads import watch_new_leads  # leads the distribution gave this user

        look_for_new_leads = watch_new_leads(self)
        from leadtui.live import LiveUpdates  # what other sessions commit shows up here (one subscription)

        self.live = LiveUpdates(self, look_for_new_leads)
        self.live.start(self.backend.db)

    async def ready_backend(self) -> "Backend":
        """The open backend; waits for the start-up worker. Raises the error that stopped it from opening."""
        await self._backend_ready.wait()
        if self.backend is None:
            raise self._open_error or RuntimeError("database not open")
        await self._refresh_rights()
        return self.backend

    async def _refresh_rights(self) -> None:
        """Judge each action by the rights the user has now (an administrator may have changed them since the
        session began): re-read the user at most every RIGHTS_REFRESH_S seconds. A refusal (deactivated) keeps the
        old Actor: every write re-checks in its own transaction and is refused there (services/current_rights)."""
        backend = self.backend
        now = asyncio.get_running_loop().time()
        if backend is None or now - self._rights_read_at < RIGHTS_REFRESH_S:
            return
        self._rights_read_at = now
        await backend.refresh_actor()

    # keys typed into a field are text: the navigator's letters and digits and a screen's single-letter actions
    # never fire while an Input, a TextArea or a drop-down (open or only focused) has focus
    async def _check_bindings(self, key: str, priority: bool = False) -> bool:
        if priority or not _is_typed(key) or not _takes_text(self.focused):
            return await super()._check_bindings(key, priority)
        focused = self.focused
        for namespace, bound in self.screen._modal_binding_chain:
            if namespace is not focused:
                continue  # only the field's own keys (a drop-down opens on space): not the screen's, not the app's
            for binding in bound.key_to_bindings.get(key, ()):
                if not binding.priority and await self.run_action(binding.action, namespace):
                    return True
        return False

    def action_section(self, mode: str) -> None:
        """A section key always shows that section's list: cards opened over the list are closed (a card with
        unsaved edits asks first), in the section left and in the one shown."""
        self.run_worker(self._to_section_list(mode), group="section", exclusive=True)

    async def _to_section_list(self, mode: str) -> None:
        from leadtui.screens.card_base import CardScreen

        unsaved = [s for s in self.screen_stack if isinstance(s, CardScreen) and s.unsaved_edits()]
        if unsaved:  # the section being left holds a card with unsaved edits: ask first
            from leadtui.screens.dialogs import ConfirmDialog

            what = _(unsaved[-1].WHAT)
            question = _("Discard your unsaved changes to this {what}?").format(what=what)
            if not await self.push_screen_wait(ConfirmDialog(_("Discard changes"), question)):
                return
        if self.current_mode != mode:
            await self._close_cards()
            await self.switch_mode(mode)
        await self._close_cards()

    async def _close_cards(self) -> None:
        """Close the cards over the current section's list, each telling its list how it was closed."""
        from leadtui.screens.card_base import CardScreen

        while len(self.screen_stack) > 1 and isinstance(self.screen, CardScreen):
            card = self.screen
            card.dismiss(card.close_result())
            while self.screen is card:  # dismiss pops the card after its callback
                await asyncio.sleep(0)

    def action_toggle_navigator(self) -> None:
        from leadtui.widgets.navigator import Navigator

        shown = self.screen.query(Navigator)
        self.navigator_wide = bool(shown) and shown.first().has_class("-rail")
        self._apply_navigator()

    def on_resize(self) -> None:
        self._apply_navigator()

    def _apply_navigator(self) -> None:
        from leadtui.widgets.navigator import Navigator

        for navigator in self.screen.query(Navigator):
            navigator.apply_width()

    # widgets ask for cards and dialogs by message (leadtui/navigation.py): they never import a screen
    def on_open_record(self, message: navigation.OpenRecord) -> None:
        navigation.open_record(self, message.kind, message.record_id, message.on_close)

    def on_new_record(self, message: navigation.NewRecord) -> None:
        navigation.new_record(self, message.kind, message.on_close, **message.prefill)

    def on_ask(self, message: navigation.Ask) -> None:
        navigation.show(self, message)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for mode, key, label, help_ in SECTIONS:
            yield SystemCommand(
                _("Go: {section}").format(section=_(label)),
                palette_text(f"{_(help_)} [{key}]"),  # "[c]" is a key, not markup
                lambda mode=mode: self.action_section(mode),
            )
        from leadtui.actions import palette_commands  # the table's actions of the screen in front and its widgets

        extra = getattr(screen, "palette_commands", None)  # what the table cannot hold (a tile per dashboard tile)
        for title, help_, callback in [*palette_commands(screen), *(extra() if extra is not None else [])]:
            # key hints like "[/]" must not be read as markup by the palette
            yield SystemCommand(escape(title), palette_text(help_), callback)
        yield SystemCommand(
            _("Edit: Undo my last change"),
            palette_text(_("Revert your last change unless someone changed it since [ctrl+z]")),
            self.action_undo,
        )
        from leadtui.screens.import_commands import system_commands as import_commands  # import, export, distribute

        for command in import_commands(self):
            if self.served and command.title in (
                _("Import: Contacts from CSV"),
                _("Export: Contacts to CSV or JSON"),
                _("Export: Companies to CSV or JSON"),
            ):
                continue  # files on the server are not the served user's (server/child.py confines them too)
            yield command
        for code in LANGUAGES:
            if code != self.lang:
                yield SystemCommand(
                    _("Language: {name}").format(name=LANGUAGE_NAMES[code]),
                    _("Show leadtui in this language"),
                    lambda code=code: self.switch_language(code),
                )
        for command in super().get_system_commands(screen):
            if self.served and command.title == "Screenshot":
                continue  # a served session does not write files on the server
            if command.title == "Keys":
                continue  # Textual's key panel describes its widgets' keys in English; the Footer and this palette
                # name every key of the screen in the language
            yield textual_command(command)

    @on(events.DeliveryComplete)
    def _screenshot_saved(self, event: events.DeliveryComplete) -> None:
        """Textual's word after the palette's Screenshot, in the language (and without its markup)."""
        if event.name == "screenshot":
            event.prevent_default()
            saved = _("Saved a picture of the screen to {path}").format(path=event.path) if event.path else ""
            self.notify(saved or _("Saved a picture of the screen"), title=_("Screenshot"))

    @on(events.DeliveryFailed)
    def _screenshot_failed(self, event: events.DeliveryFailed) -> None:
        if event.name == "screenshot":
            event.prevent_default()
            self.notify(_("Could not save the picture of the screen"), title=_("Screenshot"), severity="error")

    def get_key_display(self, binding: Binding) -> str:
        """Keys in the Footer in the language, short ("^p", "Esc", "PgDn"): the action table's key names."""
        from leadtui.actions import key_display

        return binding.key_display or key_display(binding.key, compact=True)

    def action_command_palette(self) -> None:
        """The command palette in the language (its search box, its 'no matches' line)."""
        from leadtui.screens.command_palette import LeadCommandPalette

        if self.use_command_palette and not LeadCommandPalette.is_open(self):  # type: ignore[arg-type]
            self.push_screen(LeadCommandPalette(id="--command-palette"))

    def search_themes(self) -> None:
        """Textual's theme picker, its search box in the language."""
        from textual.theme import ThemeProvider

        from leadtui.screens.command_palette import LeadCommandPalette

        self.push_screen(LeadCommandPalette([ThemeProvider], placeholder=_("Search for themes…")))

    def action_undo(self) -> None:
        self.run_worker(self._undo(), group="undo")

    async def _undo(self) -> None:
        from leadtui.services import undo
        from leadtui.services.errors import DomainError

        backend = await self.ready_backend()
        try:
            result = await undo.undo_last(backend.db, backend.actor)
        except DomainError as exc:
            self.notify(str(exc), severity="error", title=_("Not undone"))
            return
        self.notify(_("Undone: {what}").format(what=result.description))
        self._reload_lists()

    def _reload_lists(self) -> None:
        """After an undo every list shows the restored values: each section's screen reloads, and so does each
        paged list (the Contacts list, a company card's Contacts tab ...) in place, keeping its cursor."""
        from leadtui.live import section_screens
        from leadtui.widgets.paged_table import PagedTable

        for screen in section_screens(self):
            reload = getattr(screen, "reload", None)
            if callable(reload) and screen.is_attached:
                reload()
            for paged in screen.query(PagedTable):
                paged.refresh_records()

    def switch_language(self, lang: str) -> None:
        """Show every screen in another language: the sections are built anew (cards on top are closed)."""
        self.run_worker(self._switch_language(lang), group="language")

    async def _switch_language(self, lang: str) -> None:
        # the section in front keeps its state (Find its target and criteria): it says how to give it back
        base = self.screen_stack[0] if self.screen_stack else None
        state = getattr(base, "language_state", None)
        restore = state() if callable(state) else None
        self.lang = lang
        set_language(lang)
        current = self.current_mode
        spare = next(mode for mode, *_rest in SECTIONS if mode != current)
        await self.switch_mode(spare)
        for mode, *_rest in SECTIONS:
            if mode != spare:
                await self.remove_mode(mode)
                self.add_mode(mode, partial(section_screen, mode))
        await self.switch_mode(current)
        await self.remove_mode(spare)
        self.add_mode(spare, partial(section_screen, spare))
        if restore is not None:
            shown = self.screen
            self.call_after_refresh(restore, shown)
        self.notify(_("Language: {name}").format(name=LANGUAGE_NAMES[lang]))

    async def on_unmount(self) -> None:
        if self.live is not None:
            await self.live.stop()
        await _let_closing_connections_finish()
        if self.backend is not None:
            await self.backend.db.dispose()


async def _let_closing_connections_finish(timeout: float = 2.0) -> None:
    """A query cancelled with its worker leaves its connection closing in a task of its own (SQLAlchemy's graceful
    close of an aiosqlite connection): let it finish before the engine stops the connections' threads, or it waits
    for ever on a stopped thread and the event loop never closes."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while (left := deadline - loop.time()) > 0:
        closing = [
            task
            for task in asyncio.all_tasks()
            if not task.done() and "_terminate_graceful_close" in getattr(task.get_coro(), "__qualname__", "")
        ]
        if not closing:
            return
        await asyncio.wait(closing, timeout=left)


_NOT_TYPED = {"enter", "escape", "tab", "backspace", "delete", "insert", "home", "end", "pageup", "pagedown"}
_NOT_TYPED |= {"up", "down", "left", "right"} | {f"f{n}" for n in range(1, 25)}


def _is_typed(key: str) -> bool:
    """A key that types a character (a letter, a digit, a sign, space): no ctrl/alt, not a named key."""
    return "+" not in key and key not in _NOT_TYPED


def _takes_text(widget: object) -> bool:
    from textual.widgets import Input, Select, TextArea
    from textual.widgets._select import SelectOverlay

    return isinstance(widget, (Input, TextArea, Select, SelectOverlay))


# Textual's own palette commands, in the language (their titles and helps are English in Textual)
TEXTUAL_COMMANDS = {
    "Theme": (N_("Theme"), N_("Change the colours of leadtui")),
    "Quit": (N_("Quit"), N_("Quit leadtui")),
    "Maximize": (N_("Maximize"), N_("Show the focused part on the whole screen")),
    "Minimize": (N_("Minimize"), N_("Show the whole screen again")),
    "Screenshot": (N_("Screenshot"), N_("Save a picture of the screen as an SVG file")),
}


def textual_command(command: SystemCommand) -> SystemCommand:
    """One of Textual's built-in palette commands with its title and help in the language."""
    title, help_ = TEXTUAL_COMMANDS.get(command.title, (command.title, command.help))
    return SystemCommand(_(title), _(help_), command.callback, command.discover)


GC_THRESHOLDS = (5_000, 10, 10)  # young collections every 5,000 allocations (Python's default: 700, 10, 10)
GC_IDLE_S = 2.0  # the full collection waits until no screen changed and no worker ran for this long
GC_EVERY_S = 30.0  # and runs at most this often


def tune_gc() -> None:
    """Python's collector walks every live object on a full pass: with Textual, SQLAlchemy, pydantic and the
    services imported that is hundreds of thousands of objects, and full passes paused the app up to 290 ms. What is
    alive once the database is open (the code, the shell) is frozen: never walked again. The young generation is
    collected less often, so fewer objects of a screen being built reach the older generations. While the app is
    idle (`LeadApp._collect_when_idle`) everything is collected once and what is still alive frozen again."""
    import gc

    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def collect_and_freeze() -> None:
    """A full collection of everything (the frozen objects too: a screen closed since is freed), then what is
    alive is frozen again, so the passes during the next keys walk only what those keys create."""
    import gc

    gc.unfreeze()
    gc.collect()
    gc.freeze()


def run_app(*, db: str | None, user: str | None, lang: str | None) -> int:
    app = LeadApp(db_url=db, user=user, lang=lang)
    app.run()
    if app.exit_message:
        print(app.exit_message, file=sys.stderr)
    return app.return_code or 0
