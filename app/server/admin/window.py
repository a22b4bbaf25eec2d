"""The admin window's controller: status, live rooms and members, the event log, actions."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import (
    QEvent,
    QItemSelection,
    QObject,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QGroupBox,
    QHeaderView,
    QLabel,
    QListView,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStatusBar,
    QTableView,
)

from app.server.admin.bridge import CoreBridge
from app.server.admin.log_feed import EventLogModel, LogAttachment, LogFeed
from app.server.admin.models import ROOM_ID_ROLE, SORT_ROLE, Column, MembersModel, RoomsModel
from app.server.admin.moderation_tabs import ModerationTabs
from app.server.admin.nodes_tab import NodesTab
from app.server.admin.report_actions import ReportActions
from app.server.admin.room_actions import RoomActions
from app.server.admin.room_moderation import RoomModeration
from app.server.admin.snapshots import CoreState
from app.server.admin.views import SelectionGuard
from app.shared import logs
from app.shared.forms import FormError, child, load_form
from app.shared.questions import ask

FORM_NAME = "admin_window"
REQUIRED = (
    "addressValue",
    "clientsValue",
    "usersValue",
    "roomsValue",
    "membersGroup",
    "mainSplitter",
    "roomsSplitter",
    "roomsView",
    "membersView",
    "logView",
    "nodesView",
    "nodesHint",
    "closeRoomButton",
    "kickButton",
    "statusBar",
)


class AdminWindow(QObject):
    """Holds the `admin_window` form and keeps it in step with a running server.

    The server runs on a thread of its own; the window knows it only as a `CoreBridge`:
    everything shown comes from the bridge's queued signals (plain data) and the server's
    `roomchat.*` log records, and every action is a request the bridge queues to the core.
    `synced` turns True once the first full snapshot is shown. Closing the window shuts the
    server down (asking first while people are connected): the close is put off until the
    server has said goodbye to every client (`shut_down`), then goes through. The controller
    owns its form (`form`, composition); keep the controller referenced.

    Signals:
        confirmation_opened(object): a `QMessageBox` asking to confirm an action is open
            (non-modal: answer it by clicking one of its buttons).
    """

    confirmation_opened = Signal(object)

    def __init__(self, core: CoreBridge) -> None:
        super().__init__()
        # The form is not our parent: a child holding its parent would make a reference
        # cycle that outlives the interpreter, and Qt would call our filter while dying.
        form = load_form(FORM_NAME, None, required=REQUIRED)
        if not isinstance(form, QMainWindow):
            raise FormError(f"form {FORM_NAME} is not a QMainWindow")
        self.form = form
        self.core = core
        self.address = core.address
        self.confirmation: QMessageBox | None = None
        self.synced = False
        self._users = 0  # logged-in people, as the core last said
        self._server_down = False
        self._find_widgets()
        self.form.setWindowTitle(
            self.tr("RoomChat Server — {address}").format(address=self.address)
        )
        self.address_value.setText(self.address)

        self.rooms_model = RoomsModel(self)
        self.rooms_proxy = QSortFilterProxyModel(self)
        self.rooms_proxy.setSourceModel(self.rooms_model)
        self.rooms_proxy.setSortRole(SORT_ROLE)
        self.members_model = MembersModel(self.rooms_model.room, self)
        self.log_model = EventLogModel(parent=self)
        self._log_at_bottom = True
        # Scrolled from the event loop, not from Python: laying the view out can wait on the
        # display, and a Python call waiting holds the interpreter (and so the core's thread).
        self._follow_log = QTimer(self)
        self._follow_log.setSingleShot(True)
        self._follow_log.setInterval(0)
        self._setup_views()
        self._connect()
        core.publish()  # answered by `state_published`; changes meanwhile come first

        self._feed = LogFeed(self)
        self._feed.record_logged.connect(self.log_model.append)
        self._log = LogAttachment(self._feed)
        self.destroyed.connect(self._log.detach)
        self.form.installEventFilter(self)
        logs.ui.info("admin window opened for %s", self.address)

    def _find_widgets(self) -> None:
        form = self.form
        self.address_value = child(form, QLabel, "addressValue")
        self.clients_value = child(form, QLabel, "clientsValue")
        self.users_value = child(form, QLabel, "usersValue")
        self.rooms_value = child(form, QLabel, "roomsValue")
        self.members_group = child(form, QGroupBox, "membersGroup")
        self.main_splitter = child(form, QSplitter, "mainSplitter")
        self.rooms_splitter = child(form, QSplitter, "roomsSplitter")
        self.rooms_view = child(form, QTableView, "roomsView")
        self.members_view = child(form, QListView, "membersView")
        self.log_view = child(form, QListView, "logView")
        self.close_room_button = child(form, QPushButton, "closeRoomButton")
        self.kick_button = child(form, QPushButton, "kickButton")
        self.status_bar = child(form, QStatusBar, "statusBar")

    def _setup_views(self) -> None:
        SelectionGuard(self.rooms_view, self.rooms_proxy)
        SelectionGuard(self.members_view, self.members_model)
        self.rooms_view.setModel(self.rooms_proxy)
        self.rooms_view.sortByColumn(Column.OPENED, Qt.SortOrder.AscendingOrder)
        header = self.rooms_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(Column.NAME, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(60)
        self.members_view.setModel(self.members_model)
        self.log_view.setModel(self.log_model)
        self._follow_log.timeout.connect(self.log_view.scrollToBottom)  # a C++ slot
        self.log_view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.rooms_splitter.setStretchFactor(0, 3)
        self.rooms_splitter.setStretchFactor(1, 1)
        self.main_splitter.setStretchFactor(0, 3)
        self.main_splitter.setStretchFactor(1, 2)

    def _connect(self) -> None:
        # Every receiver is a slot of an object on this thread, so Qt queues each call
        # here (a plain function would run on the core's thread).
        core = self.core
        self.rooms_model.follow(core)  # the models first: the slots below read them
        self.members_model.follow(core)
        core.state_published.connect(self._on_core_state_published)
        core.clients_changed.connect(self._on_core_clients_changed)
        core.users_changed.connect(self._on_core_users_changed)
        core.room_added.connect(self._on_core_rooms_changed)
        core.room_removed.connect(self._on_core_rooms_changed)
        core.shut_down.connect(self._on_core_shut_down)
        rooms_selection = self.rooms_view.selectionModel()
        rooms_selection.selectionChanged.connect(self._on_rooms_selection_changed)
        self.members_view.selectionModel().selectionChanged.connect(self._update_actions)
        for model in (self.rooms_proxy, self.members_model):
            model.rowsRemoved.connect(self._update_actions)
            model.modelReset.connect(self._update_actions)
        self.log_model.rowsAboutToBeInserted.connect(self._on_log_rows_about_to_be_inserted)
        self.log_model.rowsInserted.connect(self._on_log_rows_inserted)
        self.room_actions = RoomActions(self)
        self.moderation = ModerationTabs(self.form, core, self.status_bar, self)
        self.report_actions = ReportActions(self)
        self.room_moderation = RoomModeration(self)
        self.nodes_tab = NodesTab(self)

    # --- status --------------------------------------------------------------------------

    @Slot(object)
    def _on_core_state_published(self, state: CoreState) -> None:
        self.rooms_model.reset(state.rooms)  # clears the selection, and so the members
        self.clients_value.setText(str(state.clients))
        self._users = state.users
        self.users_value.setText(str(state.users))
        self.rooms_value.setText(str(len(state.rooms)))
        self.synced = True
        self._on_rooms_selection_changed()

    @Slot(int)
    def _on_core_clients_changed(self, count: int) -> None:
        self.clients_value.setText(str(count))

    @Slot(int)
    def _on_core_users_changed(self, count: int) -> None:
        self._users = count
        self.users_value.setText(str(count))

    @Slot()
    def _on_core_rooms_changed(self) -> None:
        self.rooms_value.setText(str(self.rooms_model.rowCount()))

    # --- selection -----------------------------------------------------------------------

    def selected_room_id(self) -> int | None:
        rows = self.rooms_view.selectionModel().selectedRows()
        return int(rows[0].data(ROOM_ID_ROLE)) if rows else None

    def selected_member(self) -> str | None:
        rows = self.members_view.selectionModel().selectedRows()
        return str(rows[0].data()) if rows else None

    @Slot(QItemSelection, QItemSelection)
    def _on_rooms_selection_changed(self, *_: object) -> None:
        room_id = self.selected_room_id()
        if room_id != self.members_model.room_id:
            self.members_model.set_room(room_id)
        room = self.rooms_model.room(room_id)
        if room is None:
            self.members_group.setTitle(self.tr("Members"))
        elif not room.here:
            title = self.tr("Members of {room} (on the node {node})")
            self.members_group.setTitle(title.format(room=room.name, node=room.node))
        else:
            self.members_group.setTitle(self.tr("Members of {room}").format(room=room.name))
        self.room_moderation.show_room()
        self._update_actions()

    @Slot()
    def _update_actions(self) -> None:
        running = not self._server_down
        room = self.rooms_model.room(self.selected_room_id())
        # Another node's room is only listed: its own node's window acts on it.
        self.close_room_button.setEnabled(running and room is not None and room.here)
        self.kick_button.setEnabled(running and self.selected_member() is not None)

    # --- actions -------------------------------------------------------------------------

    def confirm(
        self, title: str, text: str, action: Callable[[], None], yes_text: str = ""
    ) -> None:
        """Ask without blocking (tests answer by clicking); run `action` on Yes."""
        if self.confirmation is not None:
            self.confirmation.close()

        def answered(yes: bool) -> None:
            self.confirmation = None
            if yes and not self._server_down:
                action()

        self.confirmation = ask(self.form, title, text, answered, yes_text)
        self.confirmation_opened.emit(self.confirmation)

    # --- the event log -------------------------------------------------------------------

    @Slot()
    def _on_log_rows_about_to_be_inserted(self) -> None:
        bar = self.log_view.verticalScrollBar()
        self._log_at_bottom = bar.value() >= bar.maximum() - 2

    @Slot()
    def _on_log_rows_inserted(self) -> None:
        # Follow new lines unless the operator has scrolled up to read older ones.
        if self._log_at_bottom:
            self._follow_log.start()

    # --- closing -------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.form and event.type() == QEvent.Type.Close:
            if self._server_down:
                self.form.removeEventFilter(self)
                self._log.detach()
                return False
            event.ignore()  # closes for real once the server has shut down
            self._ask_shutdown()
            return True
        return super().eventFilter(watched, event)

    def _ask_shutdown(self) -> None:
        """Stop the server, after asking when people are connected (saying how many)."""
        if not self.form.isEnabled():  # shutting down already
            return
        people = self._users
        if not people:
            self._begin_shutdown()
            return
        self.confirm(
            self.tr("Stop the server"),
            self.tr(
                "{count} people are connected. Stop the server and disconnect them all?"
            ).format(count=people),
            self._begin_shutdown,
            self.tr("Stop the server"),
        )

    def _begin_shutdown(self) -> None:
        self.status_bar.showMessage(self.tr("Shutting down…"))
        self.form.setEnabled(False)
        self.core.shutdown()

    @Slot()
    def _on_core_shut_down(self) -> None:
        self._server_down = True
        self._update_actions()
        self.moderation.set_running(False)
        self.report_actions.update_buttons()
        self.room_moderation.update_buttons()
        self.form.close()
