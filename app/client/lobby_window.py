"""The lobby ("Browse rooms" in the main window): the live table of open rooms, creating and
joining rooms."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from PySide6.QtCore import QModelIndex, QObject, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHeaderView, QLabel, QMainWindow, QPushButton, QTableView, QWidget

from app.client import texts
from app.client.chat_window import ChatWindow
from app.client.create_room_dialog import CreateRoomDialog
from app.client.current_session import CurrentSession
from app.client.password_dialog import PasswordDialog
from app.client.room_joiner import RoomJoiner, RoomKey
from app.client.rooms_model import ROOM_ROLE, Column, RoomsModel, is_full
from app.client.session import MainSession
from app.client.ui import BannerKind, hide_banner, icon, show_banner
from app.shared.forms import child, load_form
from app.shared.protocol import (
    CreateRoom,
    ErrorCode,
    ErrorReply,
    ListRooms,
    RoomCreated,
    RoomList,
    RoomSummary,
)

REQUIRED = (
    "signedInLabel",
    "serverLabel",
    "noticeLabel",
    "reloginButton",
    "roomsView",
    "emptyLabel",
    "refreshButton",
    "createButton",
    "joinButton",
)
ACTIONS = ("actionCreateRoom", "actionJoin", "actionRefresh")  # the main window's


class LobbyWindow(QObject):
    """Controller of `forms/lobby_window.ui`, the "Browse rooms" pane of the main window
    `window` (whose Rooms menu and status bar it uses): one per client, following the
    client's `CurrentSession` (it observes the session, never closes or deletes it).

    Its `RoomJoiner` owns the chat windows (by room id), so they outlive a lost session and
    can reconnect once the person has logged in again. Messages for the person (room full,
    wrong password, no such room, lost connection) appear in a banner above the table, never
    in a modal box.

    Signals:
        relogin_requested(): the session ended and the person wants to log in again.
    """

    relogin_requested = Signal()

    def __init__(
        self, current: CurrentSession, window: QMainWindow, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.current = current
        self.window = window
        self.form: QWidget = load_form("lobby_window", None, REQUIRED)
        self.model = RoomsModel(self)
        self.view = child(self.form, QTableView, "roomsView")
        self.view.setModel(self.model)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(Column.NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(Column.MEMBERS, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(Column.OWNER, QHeaderView.ResizeMode.ResizeToContents)
        self.notice_label = child(self.form, QLabel, "noticeLabel")
        self.relogin_button = child(self.form, QPushButton, "reloginButton")
        self.join_button = child(self.form, QPushButton, "joinButton")
        self.create_button = child(self.form, QPushButton, "createButton")
        self.refresh_button = child(self.form, QPushButton, "refreshButton")
        self.actions = {name: child(window, QAction, name) for name in ACTIONS}
        for widget, name in (
            (self.join_button, "join"),
            (self.create_button, "add"),
            (self.refresh_button, "refresh"),
        ):
            widget.setIcon(icon(name))
        self.actions["actionCreateRoom"].setIcon(icon("add"))
        self._observed: MainSession | None = None  # the session whose signals are connected
        # (server address, its database's instance, name) of the last session
        self._last_login: tuple[str, str | None, str] = ("", None, "")
        self.joiner = RoomJoiner(current, window, self)
        self.joiner.join_failed.connect(self.notify)
        self.create_dialog: CreateRoomDialog | None = None
        self.view.activated.connect(self._on_view_activated)
        self.view.selectionModel().currentRowChanged.connect(self._update_controls)
        self.model.dataChanged.connect(self._update_controls)  # a room may fill up, or free
        for signal in (self.model.rowsInserted, self.model.rowsRemoved, self.model.modelReset):
            signal.connect(self._on_model_rows_changed)
        self.join_button.clicked.connect(self._on_join_button_clicked)
        self.actions["actionJoin"].triggered.connect(self._on_join_button_clicked)
        self.create_button.clicked.connect(self.open_create_dialog)
        self.actions["actionCreateRoom"].triggered.connect(self.open_create_dialog)
        self.refresh_button.clicked.connect(self.refresh)
        self.actions["actionRefresh"].triggered.connect(self.refresh)
        self.relogin_button.clicked.connect(self.relogin_requested)
        current.changed.connect(self._on_current_changed)
        hide_banner(self.notice_label)
        self.relogin_button.hide()

    @property
    def session(self) -> MainSession | None:
        """The client's current session (the lobby's to read, not to close)."""
        return self.current.session

    @property
    def connected(self) -> bool:
        return self.session is not None and self.session.logged_in

    @property
    def name(self) -> str:
        """The logged-in person's name, as the session has it ("" when signed out)."""
        return self.current.name

    @property
    def chats(self) -> dict[RoomKey, ChatWindow]:
        return self.joiner.chats

    @property
    def password_dialog(self) -> PasswordDialog | None:
        return self.joiner.password_dialog

    def join(self, room: RoomSummary, password: str | None = None) -> None:
        """Join a room of the table. A full one is refused at once, as the table shows it
        full: no password is asked for a seat there is not (the chat windows' reconnects
        go to the joiner, and the server decides)."""
        hide_banner(self.notice_label)
        chat = self.joiner.chat_for(room.id)
        if is_full(room) and not (chat is not None and chat.connected):
            self.notify(texts.request_error(ErrorReply(ErrorCode.ROOM_FULL, ""), room.name))
            return
        self.joiner.join(room, password)

    @Slot(object)
    def _on_current_changed(self, session: MainSession | None) -> None:
        """Follow the client's new session (None: logged out)."""
        self._observe(session)
        if session is None:
            return
        address, instance, last_name = self._last_login
        name = session.name
        # Another node of the same server (one database: its instance) is the same server.
        elsewhere = address and address != session.address
        if elsewhere and instance is not None and instance == session.instance:
            elsewhere = False
        if (last_name and last_name != name) or elsewhere:
            self.close_chats()  # room ids mean nothing on another server or for another person
        self._last_login = (session.address, session.instance, name)

    def show_rooms(self, rooms: Sequence[RoomSummary]) -> None:
        """Show the lobby for the freshly logged-in session; `rooms` may be only the first
        page of the list (the rest then follow as `room_added`)."""
        session = self.session
        self.model.set_rooms(rooms)
        signed_in = self.tr("Signed in as {name}").format(name=self.name)
        child(self.form, QLabel, "signedInLabel").setText(signed_in)  # an ElidedLabel
        child(self.form, QLabel, "serverLabel").setText(session.address if session else "")
        hide_banner(self.notice_label)
        self.relogin_button.hide()
        self._on_model_rows_changed()

    def _show_signed_out(self) -> None:
        child(self.form, QLabel, "signedInLabel").setText(self.tr("Signed out"))

    def notify(self, text: str, kind: BannerKind = BannerKind.ERROR) -> None:
        show_banner(self.notice_label, text, kind)

    # --- the person's commands ------------------------------------------------------------

    @Slot()
    def refresh(self) -> None:
        if self.session is not None and self.connected:
            self.session.request(
                ListRooms(), RoomList, self._on_rooms_listed, self._on_request_failed
            )

    def _on_rooms_listed(self, listed: RoomList) -> None:
        self.model.set_rooms(listed.rooms, more=bool(listed.more))

    @Slot()
    def open_create_dialog(self) -> None:
        if not self.connected:
            return
        if self.create_dialog is None:
            self.create_dialog = CreateRoomDialog(self.form)
            self.create_dialog.create_requested.connect(self._on_create_dialog_create_requested)
            self.create_dialog.closed.connect(self._on_create_dialog_closed)
        if self.session is not None:  # the server says its largest room in its welcome
            self.create_dialog.capacity_spin.setMaximum(self.session.max_room_capacity)
        self.create_dialog.open()

    @Slot(str, int, object)
    def _on_create_dialog_create_requested(
        self, name: str, capacity: int, password: str | None
    ) -> None:
        if self.session is None:
            return
        self.session.request(
            CreateRoom(name, capacity, password),
            RoomCreated,
            partial(self._on_room_created, password),
            partial(self._on_create_failed, name),
        )

    def _on_room_created(self, password: str | None, created: RoomCreated) -> None:
        if self.create_dialog is not None and self.create_dialog.is_open:
            self.create_dialog.finish()
        self.joiner.open_chat(created.room, created.ticket, password)

    def _on_create_failed(self, name: str, error: ErrorReply) -> None:
        text = texts.request_error(error, name)
        if self.create_dialog is not None and self.create_dialog.is_open:
            field = "password" if error.code == ErrorCode.INVALID_PASSWORD else "name"
            self.create_dialog.show_error(text, field)
        else:
            self.notify(text)

    @Slot()
    def _on_create_dialog_closed(self) -> None:
        if self.create_dialog is not None:
            self.create_dialog.deleteLater()
            self.create_dialog = None

    @Slot()
    def _on_join_button_clicked(self) -> None:
        self._on_view_activated(self.view.currentIndex())

    @Slot(QModelIndex)
    def _on_view_activated(self, index: QModelIndex) -> None:
        room = index.data(ROOM_ROLE) if index.isValid() else None
        if isinstance(room, RoomSummary):
            self.join(room)

    def _on_request_failed(self, error: ErrorReply) -> None:
        if self.connected:
            self.notify(texts.request_error(error))

    # --- leaving ---------------------------------------------------------------------------

    def close_chats(self) -> None:
        self.joiner.close_chats()

    def sign_out(self) -> None:
        """Leave every room and forget the list (the person logs out)."""
        self.close_chats()
        self._last_login = ("", None, "")
        self.model.clear()
        self._show_signed_out()

    def shutdown(self) -> None:
        """Leave every room and stop following the session (the client is ending)."""
        self.close_chats()
        self._observe(None)

    def _observe(self, session: MainSession | None) -> None:
        """Listen to `session` (and no longer to the one before)."""
        old, self._observed = self._observed, session
        if old is not None and old is not session:
            old.room_added.disconnect(self.model.upsert)
            old.room_updated.disconnect(self.model.upsert)
            old.room_removed.disconnect(self.model.remove)
            old.connection_lost.disconnect(self._on_session_connection_lost)
        if session is not None and old is not session:
            session.room_added.connect(self.model.upsert)
            session.room_updated.connect(self.model.upsert)
            session.room_removed.connect(self.model.remove)
            session.connection_lost.connect(self._on_session_connection_lost)
        self._update_controls()

    @Slot(str)
    def _on_session_connection_lost(self, code: str) -> None:
        if self.create_dialog is not None and self.create_dialog.is_open:
            self.create_dialog.form.reject()
        self.joiner.forget_requests()
        self.model.clear()
        self._show_signed_out()
        self.notify(texts.connection_ended(code))
        self.relogin_button.show()
        self.relogin_button.setFocus()

    @Slot()
    def _on_model_rows_changed(self) -> None:
        count = self.model.rowCount()
        child(self.form, QLabel, "emptyLabel").setVisible(count == 0 and self.connected)
        if count and not self.view.currentIndex().isValid():
            self.view.setCurrentIndex(self.model.index(0, 0))
        status = self.tr("Rooms open: {count}").format(count=count) if self.connected else ""
        self.window.statusBar().showMessage(status)
        self._update_controls()

    @Slot()
    def _update_controls(self) -> None:
        connected = self.connected
        index = self.view.currentIndex()
        room = index.data(ROOM_ROLE) if connected and index.isValid() else None
        may_join = isinstance(room, RoomSummary) and not is_full(room)
        self.join_button.setEnabled(may_join)
        self.actions["actionJoin"].setEnabled(may_join)
        for widget in (self.create_button, self.refresh_button):
            widget.setEnabled(connected)
        self.actions["actionCreateRoom"].setEnabled(connected)
        self.actions["actionRefresh"].setEnabled(connected)
