"""The main window: a sidebar of rooms and conversations, "Browse rooms" (the lobby), a pane per
room and per direct conversation, and the People panel."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from PySide6.QtCore import QEvent, QItemSelection, QObject, Qt, Signal, Slot
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QTreeView,
)

from app.client import prefs
from app.client.attention import Attention
from app.client.chat_window import ChatWindow
from app.client.current_session import CurrentSession
from app.client.desktop_notifications import DesktopNotifications
from app.client.direct_conversations import DirectConversations
from app.client.direct_pane import DirectKey, DirectPane
from app.client.leaving import LeaveQuestions
from app.client.lobby_window import LobbyWindow
from app.client.message_jump import MessageJump
from app.client.people_panel import PeoplePanel
from app.client.preferences_dialog import PreferencesDialog
from app.client.quick_switcher import QuickSwitcher
from app.client.room_joiner import RoomKey
from app.client.search_dialog import ACTION as SEARCH_ACTION
from app.client.search_dialog import SearchDialog
from app.client.session import MainSession
from app.client.sidebar import BROWSE, KEY_ROLE, Sidebar
from app.client.sidebar_badges import BadgeDelegate, set_badge
from app.client.tray import Tray
from app.client.ui import icon
from app.shared.forms import child, load_form
from app.shared.protocol import RoomSummary
from app.shared.screens import fit_to_screen

REQUIRED = ("sidebarView", "paneStack", "peopleDock")
ACTIONS = (
    "actionPreferences",
    "actionLogOut",
    "actionQuit",
    "actionBrowse",
    "actionCreateRoom",
    "actionJoin",
    "actionRefresh",
    "actionPopOut",
    "actionQuickSwitch",
    "actionNextRoom",
    "actionPreviousRoom",
)
# The People panel's default width: enough for a name and a status, so that at 900 px the
# room beside it keeps a readable header and message column (the person may drag it wider).
PEOPLE_WIDTH = 210


class MainWindow(QObject):
    """Controller of `forms/main_window.ui`, one per client, following its `CurrentSession`.

    The lobby (`LobbyWindow`, the "Browse rooms" pane) and every room the person is in
    (`ChatWindow` forms, docked as pages of the stack) share the window; the sidebar lists
    them. A room can be popped out into a window of its own and put back (its button, or
    Ctrl+Shift+O), keeping its conversation and connection. Ctrl+K finds a room by name;
    Ctrl+Tab, Ctrl+Shift+Tab, Ctrl+PgDown and Ctrl+PgUp step through the entries.
    Ctrl+Shift+F searches every room (`SearchDialog`); a result opens its room at the message.
    The People panel (`PeoplePanel`, docked on the right) starts direct conversations; each
    is a `DirectPane` in the stack and an entry under "Direct messages" with its unread
    count (`DirectConversations`).

    Signals:
        logged_out(): the person logged out; every room has been left.
        relogin_requested(): the session ended and the person wants to log in again.
        quit_requested(): the person chose Quit or closed the window.
    """

    logged_out = Signal()
    relogin_requested = Signal()
    quit_requested = Signal()

    def __init__(self, current: CurrentSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.current = current
        self.form: QMainWindow = load_form("main_window", None, REQUIRED + ACTIONS)  # type: ignore[assignment]
        self.form.setWindowIcon(icon("roomchat"))
        self.actions = {name: child(self.form, QAction, name) for name in ACTIONS}
        self.actions["actionLogOut"].setIcon(icon("logout"))
        self.actions["actionNextRoom"].setShortcuts(
            [QKeySequence("Ctrl+Tab"), QKeySequence("Ctrl+PgDown")]
        )
        self.actions["actionPreviousRoom"].setShortcuts(
            [QKeySequence("Ctrl+Shift+Tab"), QKeySequence("Ctrl+PgUp")]
        )
        self.sidebar = Sidebar(self)
        self.sidebar_view = child(self.form, QTreeView, "sidebarView")
        self.sidebar_view.setModel(self.sidebar)
        self.sidebar_view.expandAll()
        self.sidebar_view.setItemDelegate(BadgeDelegate(self.sidebar_view))
        self.attention = Attention(self.is_active, self._window_of, self)
        self.attention.changed.connect(self._on_attention_changed)
        self.tray = Tray(self)
        self.tray.do_not_disturb.setChecked(self.attention.do_not_disturb)
        self.notifications = DesktopNotifications(self.tray, self)
        self.attention.notify_requested.connect(self.notifications.notify)
        self.notifications.clicked.connect(self.go_to)
        self.tray.room_chosen.connect(self.go_to)
        self.tray.do_not_disturb_toggled.connect(self.attention.set_do_not_disturb)
        self.tray.quit_chosen.connect(self.ask_quit)
        self.preferences: PreferencesDialog | None = None
        self.stack = child(self.form, QStackedWidget, "paneStack")
        sidebar_width = self.sidebar_view.minimumWidth() + 40
        child(self.form, QSplitter, "splitter").setSizes([sidebar_width, self.form.width()])
        self.lobby = LobbyWindow(current, self.form, self)
        self.stack.addWidget(self.lobby.form)  # the form is the page: no layout by hand
        self.joiner = self.lobby.joiner
        self.switcher = QuickSwitcher(self.form)
        self.questions = LeaveQuestions(self.form, lambda: len(self.chats))
        self.joiner.chat_opened.connect(self._on_joiner_chat_opened)
        self.joiner.signed_out.connect(self.show_browse)
        self.lobby.relogin_requested.connect(self.relogin_requested)
        self.switcher.chosen.connect(self.go_to)
        self.jump = MessageJump(self.joiner, self.lobby.model, self.go_to, self)
        search_action = child(self.form, QAction, SEARCH_ACTION)
        self.search = SearchDialog(self.form, current, self.jump, search_action)
        self.sidebar_view.selectionModel().selectionChanged.connect(
            self._on_sidebar_selection_changed
        )
        self.sidebar_view.activated.connect(lambda _index: self._focus_pane())
        triggered = {
            "actionPreferences": self.open_preferences,
            "actionLogOut": self.ask_log_out,
            "actionQuit": self.ask_quit,
            "actionBrowse": self.show_browse,
            "actionPopOut": self._on_pop_out_triggered,
            "actionQuickSwitch": self.open_switcher,
            "actionNextRoom": partial(self.step, 1),
            "actionPreviousRoom": partial(self.step, -1),
        }
        for name, slot in triggered.items():
            self.actions[name].triggered.connect(slot)
        self._set_up_people()
        current.changed.connect(self._on_current_changed)
        self.stack.currentChanged.connect(self.attention.refresh)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusWindowChanged.connect(self.attention.refresh)
        self.form.installEventFilter(self)
        self._update_title()
        self._select(BROWSE)

    # --- people: the People panel and direct conversations ---------------------------------

    def _set_up_people(self) -> None:
        self.people = PeoplePanel(self.current, self)
        dock = child(self.form, QDockWidget, "peopleDock")
        dock.setWidget(self.people.form)
        self.form.resizeDocks([dock], [PEOPLE_WIDTH], Qt.Orientation.Horizontal)
        self.directs = DirectConversations(self.current, self.people, self)
        self.directs.added.connect(self.sidebar.add_direct)
        self.directs.pane_made.connect(self._on_directs_pane_made)
        self.directs.unread_changed.connect(self.sidebar.set_direct_unread)
        self.directs.cleared.connect(self.sidebar.clear_directs)
        self.people.conversation_requested.connect(self.open_direct)

    @Slot(str)
    def open_direct(self, peer: str) -> None:
        """Show the conversation with `peer` (started if new), ready to type."""
        self.go_to(self.directs.open(peer).key)

    @Slot(object)
    def _on_directs_pane_made(self, pane: DirectPane) -> None:
        self.stack.addWidget(pane.form)

    def _direct(self, key: object) -> DirectPane | None:
        return self.directs.pane(key)

    @property
    def chats(self) -> dict[RoomKey, ChatWindow]:
        return self.joiner.chats

    def _chat(self, key: object) -> ChatWindow | None:
        """The room of `key`, if it is one (not `BROWSE`)."""
        return self.chats.get(key) if isinstance(key, tuple) else None  # type: ignore[arg-type]

    @property
    def confirmation(self) -> QMessageBox | None:
        """The question open before logging out or quitting, if any."""
        return self.questions.confirmation

    def show_rooms(self, rooms: Sequence[RoomSummary]) -> None:
        """Show the window for the freshly logged-in session, on "Browse rooms"."""
        self.lobby.show_rooms(rooms)
        self._update_title()
        fit_to_screen(self.form)
        self.form.show()
        self.show_browse()

    # --- what is shown ---------------------------------------------------------------------

    def current_key(self) -> object:
        """`BROWSE`, or the key of the room whose pane is shown."""
        widget = self.stack.currentWidget()
        for key, chat in self.chats.items():
            if chat.form is widget:
                return key
        for direct_key, pane in list(self.directs.panes.items()):
            if pane.form is widget:
                return direct_key
        return BROWSE

    @Slot()
    def show_browse(self) -> None:
        self.go_to(BROWSE)

    @Slot(object)
    def go_to(self, key: object) -> None:
        """Show the pane of `key` (a popped-out room: raise its window)."""
        chat = self._chat(key)
        if chat is not None and not chat.docked:
            chat.show()
            return
        known = chat is not None or self._direct(key) is not None
        self._select(key if known else BROWSE)
        self.form.show()
        self.form.raise_()
        self.form.activateWindow()
        self._focus_pane()

    def _select(self, key: object) -> None:
        if isinstance(key, DirectKey):
            index = self.sidebar.direct_index(key)
        else:
            index = self.sidebar.browse_index() if key == BROWSE else self.sidebar.room_index(key)
        if index.isValid():
            self.sidebar_view.setCurrentIndex(index)
        self._show_pane(key)

    def _show_pane(self, key: object) -> None:
        chat, direct = self._chat(key), self._direct(key)
        if direct is not None:
            self.stack.setCurrentWidget(direct.form)
        elif chat is not None and chat.docked:
            self.stack.setCurrentWidget(chat.form)
        elif chat is None:
            self.stack.setCurrentWidget(self.lobby.form)
        shown = self.current_key()
        self.directs.show(shown)
        self.actions["actionPopOut"].setEnabled(self._chat(shown) is not None)

    def _focus_pane(self) -> None:
        chat = self._chat(self.current_key()) or self._direct(self.current_key())
        if chat is not None:
            chat.input_edit.setFocus()
        else:
            self.lobby.view.setFocus()

    @Slot(int)
    def step(self, offset: int) -> None:
        """Go to the next (1) or previous (-1) entry of the sidebar, round the end."""
        keys = [BROWSE, *self.sidebar.room_keys(), *self.sidebar.direct_keys()]
        current = self.current_key()
        index = self.sidebar_view.currentIndex()
        selected = index.data(KEY_ROLE) if index.isValid() else current
        position = keys.index(selected) if selected in keys else 0
        self.go_to(keys[(position + offset) % len(keys)])

    @Slot()
    def open_preferences(self) -> None:
        rooms = sorted({name for _key, name in self.sidebar.room_names()}, key=str.casefold)
        self.preferences = PreferencesDialog(self.form, rooms)
        self.preferences.saved.connect(self._on_preferences_saved)
        self.preferences.open()

    @Slot()
    def _on_preferences_saved(self) -> None:
        words = prefs.highlight_words()
        for chat in self.chats.values():
            chat.highlight_words = words
        self.attention.do_not_disturb = prefs.do_not_disturb()
        self.tray.do_not_disturb.setChecked(self.attention.do_not_disturb)

    @Slot()
    def open_switcher(self) -> None:
        self.switcher.open(self.sidebar.room_names())

    @Slot(QItemSelection, QItemSelection)
    def _on_sidebar_selection_changed(self, selected: QItemSelection, _old: QItemSelection) -> None:
        indexes = selected.indexes()
        if indexes:
            key = indexes[0].data(KEY_ROLE)
            chat = self._chat(key)
            if chat is not None and not chat.docked:
                chat.show()
            else:
                self._show_pane(key)

    def is_active(self, key: object) -> bool:
        """Whether the room is in front of the person: its pane shown in the active main
        window, or its own window active."""
        chat = self._chat(key)
        if chat is None:
            return False
        if chat.docked:
            return self.form.isActiveWindow() and self.stack.currentWidget() is chat.form
        return chat.form.isActiveWindow()

    def _window_of(self, key: object) -> QMainWindow:
        chat = self._chat(key)
        return chat.form if chat is not None and not chat.docked else self.form  # type: ignore[return-value]

    def _on_attention_changed(self, key: object) -> None:
        state = self.attention.state(key)
        set_badge(self.sidebar, self.sidebar.room_index(key), state.unread, state.mention)
        self.tray.set_unread(self.attention.total(), self.attention.any_mention())
        self._update_title()

    def _update_title(self) -> None:
        session = self.current.session
        if session is None or not self.current.logged_in:
            title = self.tr("RoomChat")
        else:
            where = session.host if session.port == prefs.DEFAULT_PORT else session.address
            title = self.tr("{name} — RoomChat — {server}").format(
                name=self.current.name, server=where
            )
        unread = self.attention.total()
        if unread:
            title = self.tr("({count}) {title}").format(count=unread, title=title)
        self.form.setWindowTitle(title)

    # --- rooms: docked or in their own windows ----------------------------------------------

    @Slot(object)
    def _on_joiner_chat_opened(self, chat: ChatWindow) -> None:
        key = next(key for key, known in self.chats.items() if known is chat)
        self.sidebar.add_room(key, chat.room.name, chat.room.locked)
        self.attention.track(key, chat)
        chat.in_front = partial(self.is_active, key)
        self.tray.set_rooms(self.sidebar.room_names())
        chat.left.connect(partial(self._on_chat_left, key))
        chat.show_requested.connect(partial(self.go_to, key))
        chat.pop_requested.connect(partial(self.toggle_docked, key))
        chat.room_shown.connect(partial(self.sidebar.rename_room, key))
        self.dock(chat)

    def dock(self, chat: ChatWindow) -> None:
        """Put the room's form into the stack (from its own window, or freshly made)."""
        chat.form.hide()
        self.stack.addWidget(chat.form)  # reparents the form: it is a page now
        chat.set_docked(True)

    def pop_out(self, chat: ChatWindow) -> None:
        """Give the room a window of its own; the conversation and connection stay."""
        was_shown = self.stack.currentWidget() is chat.form
        self.stack.removeWidget(chat.form)
        chat.form.setParent(None)  # a top-level window again
        chat.form.setWindowFlag(Qt.WindowType.Window, True)
        chat.set_docked(False)
        if was_shown:
            self._select(BROWSE)
        chat.show()

    @Slot(object)
    def toggle_docked(self, key: object) -> None:
        chat = self._chat(key)
        if chat is None:
            return
        if chat.docked:
            self.pop_out(chat)
        else:
            self.dock(chat)
            self.go_to(key)

    @Slot()
    def _on_pop_out_triggered(self) -> None:
        key = self.current_key()
        if self._chat(key) is not None:
            self.toggle_docked(key)

    def _on_chat_left(self, key: object, _room_id: int) -> None:
        shown = self.current_key() == key
        self.sidebar.remove_room(key)
        self.attention.forget(key)
        self.tray.set_rooms(self.sidebar.room_names())
        if shown:
            self.show_browse()

    # --- leaving ---------------------------------------------------------------------------

    @Slot(object)
    def _on_current_changed(self, session: MainSession | None) -> None:
        if session is not None:  # signed out once it is lost: the title says so
            session.connection_lost.connect(self._on_session_connection_lost)
        self._update_title()

    @Slot(str)
    def _on_session_connection_lost(self, _code: str) -> None:
        self._update_title()

    @Slot()
    def ask_log_out(self) -> None:
        """Log out, after asking when rooms are open (they would be left)."""
        self.questions.log_out(self.log_out)

    @Slot()
    def ask_quit(self) -> None:
        self.questions.quit(self.quit)

    @Slot()
    def log_out(self) -> None:
        """Leave every room and hide; the client then logs the session out."""
        self.lobby.sign_out()
        self.form.hide()
        self.logged_out.emit()

    @Slot()
    def quit(self) -> None:
        self.shutdown()
        self.quit_requested.emit()

    def shutdown(self) -> None:
        """Leave every room and close the window (the client is ending and logs out)."""
        self.questions.close()
        self.notifications.shutdown()
        self.people.shutdown()
        self.lobby.shutdown()
        self.form.removeEventFilter(self)
        self.form.close()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.form and event.type() == QEvent.Type.Close:
            if self.tray.available and prefs.stay_in_tray():  # still connected, in the tray
                event.ignore()
                self.form.hide()
                return True
            if self.chats:  # ask first; Quit closes the window for real
                event.ignore()
                self.ask_quit()
                return True
            self.quit()
        return False


def name_the_application() -> None:
    """The taskbar and window manager say RoomChat: the application's name (which is also its
    display name) and the desktop file roomchat.desktop. The display name is left to follow
    the name: set explicitly, Qt appends it to every title ("… — RoomChat — RoomChat")."""
    QGuiApplication.setApplicationName(prefs.APPLICATION)
    QGuiApplication.setDesktopFileName("roomchat")
