"""The People panel: everyone online with their presence and status line, one's own status,
and the way into a direct conversation or a block."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QObject, QPoint, Signal, Slot
from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit, QListView, QMenu, QPushButton, QWidget

from app.client import texts
from app.client.current_session import CurrentSession
from app.client.people import People
from app.client.people_model import NAME_ROLE, IdleWatch, PeopleModel
from app.client.session import MainSession
from app.shared.forms import child, load_form
from app.shared.protocol import AWAY, OFFLINE, ONLINE, ErrorReply, Presence
from app.shared.validation import name_key

REQUIRED = (
    "statusLabel",
    "statusEdit",
    "awayCheck",
    "onlineLabel",
    "peopleView",
    "messageButton",
    "blockButton",
)


class PeoplePanel(QObject):
    """Controller of `forms/people_panel.ui`, following the client's `CurrentSession`.

    The list shows everyone the server reports online or away (`PeopleModel`); Enter in the
    status line sets one's status; "Show me as away" sets away by hand, and the `IdleWatch`
    sets it after ten minutes without input (and back to online at the next input, unless
    set by hand). Message (or a double click) asks for a direct conversation; Block and
    Unblock act on the selected person. Blocks made in this session are kept in `blocked`
    (name keys): the protocol does not list them back.

    Signals:
        conversation_requested(str): the person wants to write to this name.
        blocks_changed(): `blocked` changed.
    """

    conversation_requested = Signal(str)
    blocks_changed = Signal()

    def __init__(
        self,
        current: CurrentSession,
        parent: QObject | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self.current = current
        self.form: QWidget = load_form("people_panel", None, REQUIRED)
        self.model = PeopleModel(self)
        self.view = child(self.form, QListView, "peopleView")
        self.view.setModel(self.model)
        self.status_edit = child(self.form, QLineEdit, "statusEdit")
        self.away_check = child(self.form, QCheckBox, "awayCheck")
        self.online_label = child(self.form, QLabel, "onlineLabel")
        self.message_button = child(self.form, QPushButton, "messageButton")
        self.block_button = child(self.form, QPushButton, "blockButton")
        self.blocked: set[str] = set()
        self.state = ONLINE
        self.status: str | None = None
        self.error = ""  # the last refused request, in words (also the status line's tooltip)
        self.menu: QMenu | None = None
        self.idle = IdleWatch(self, clock)
        self.idle.went_idle.connect(self._on_idle_went_idle)
        self.idle.came_back.connect(self._on_idle_came_back)
        self._people: People | None = None
        self.status_edit.returnPressed.connect(self._on_status_edit_return_pressed)
        self.away_check.toggled.connect(self._on_away_check_toggled)
        self.message_button.clicked.connect(self._on_message_button_clicked)
        self.block_button.clicked.connect(self._on_block_button_clicked)
        self.view.doubleClicked.connect(self._on_view_double_clicked)
        self.view.customContextMenuRequested.connect(self._on_view_custom_context_menu_requested)
        self.view.selectionModel().currentChanged.connect(self._update_buttons)
        self.model.rowsInserted.connect(self._update_count)
        self.model.rowsRemoved.connect(self._update_count)
        current.changed.connect(self._on_current_changed)
        self._on_current_changed(current.session)

    def shutdown(self) -> None:
        self.idle.stop()

    # --- following the session ------------------------------------------------------------

    @Slot(object)
    def _on_current_changed(self, session: MainSession | None) -> None:
        if self._people is not None:
            self._people.presence_changed.disconnect(self._on_people_presence_changed)
        self._people = session.people if session is not None else None
        self.blocked.clear()
        self.state, self.status = ONLINE, None  # a new login starts online with no status
        self.status_edit.clear()
        self.away_check.blockSignals(True)
        self.away_check.setChecked(False)
        self.away_check.blockSignals(False)
        if self._people is None:
            self.model.clear()
        else:
            self._people.presence_changed.connect(self._on_people_presence_changed)
            self.model.set_all(self._people.online.values())
        self._update_count()
        self._update_buttons()

    @Slot(object)
    def _on_people_presence_changed(self, presence: Presence) -> None:
        self.model.update(presence, presence.state != OFFLINE)
        self._update_buttons()

    @Slot()
    def _update_count(self) -> None:
        self.online_label.setText(self.tr("Online ({count})").format(count=self.model.rowCount()))

    # --- one's own presence ---------------------------------------------------------------

    def set_presence(self, state: str, status: str | None) -> None:
        people = self._people
        if people is None:
            return
        people.set_presence(state, status, self._on_presence_set, self._on_request_failed)

    def _on_presence_set(self, presence: Presence) -> None:
        self.state, self.status = presence.state, presence.status
        self.error = ""
        self.status_edit.setToolTip("")

    def _on_request_failed(self, error: ErrorReply) -> None:
        self.error = texts.request_error(error)
        self.status_edit.setToolTip(self.error)

    @Slot()
    def _on_status_edit_return_pressed(self) -> None:
        status = self.status_edit.text().strip() or None
        self.set_presence(self.state, status)

    @Slot(bool)
    def _on_away_check_toggled(self, away: bool) -> None:
        self.set_presence(AWAY if away else ONLINE, self.status)

    @Slot()
    def _on_idle_went_idle(self) -> None:
        if self.state == ONLINE and self._people is not None:
            self.set_presence(AWAY, self.status)

    @Slot()
    def _on_idle_came_back(self) -> None:
        if self.state == AWAY and not self.away_check.isChecked():
            self.set_presence(ONLINE, self.status)

    # --- the people listed ----------------------------------------------------------------

    def selected_name(self) -> str | None:
        index = self.view.currentIndex()
        name = index.data(NAME_ROLE) if index.isValid() else None
        return name if isinstance(name, str) else None

    def is_blocked(self, name: str) -> bool:
        return name_key(name) in self.blocked

    def set_blocked(self, name: str, blocked: bool) -> None:
        """Block or unblock `name` on the server; `blocked` follows once it answers."""
        people = self._people
        if people is None:
            return

        def done(_reply: object) -> None:
            (self.blocked.add if blocked else self.blocked.discard)(name_key(name))
            self._update_buttons()
            self.blocks_changed.emit()

        if blocked:
            people.block(name, done, self._on_request_failed)
        else:
            people.unblock(name, done, self._on_request_failed)

    @Slot()
    def _update_buttons(self, *_args: object) -> None:
        name = self.selected_name()
        self.message_button.setEnabled(name is not None)
        self.block_button.setEnabled(name is not None)
        blocked = name is not None and self.is_blocked(name)
        self.block_button.setText(self.tr("Unbloc&k") if blocked else self.tr("Bloc&k"))

    @Slot()
    def _on_message_button_clicked(self) -> None:
        name = self.selected_name()
        if name is not None:
            self.conversation_requested.emit(name)

    @Slot()
    def _on_block_button_clicked(self) -> None:
        name = self.selected_name()
        if name is not None:
            self.set_blocked(name, not self.is_blocked(name))

    @Slot(QModelIndex)
    def _on_view_double_clicked(self, index: QModelIndex) -> None:
        name = index.data(NAME_ROLE)
        if isinstance(name, str):
            self.conversation_requested.emit(name)

    @Slot(QPoint)
    def _on_view_custom_context_menu_requested(self, point: QPoint) -> None:
        index = self.view.indexAt(point)
        name = index.data(NAME_ROLE) if index.isValid() else None
        if not isinstance(name, str):
            return
        self.view.setCurrentIndex(index)
        menu = QMenu(self.view)
        menu.addAction(
            self.tr("Send a direct message"), lambda: self.conversation_requested.emit(name)
        )
        blocked = self.is_blocked(name)
        menu.addAction(
            self.tr("Unblock") if blocked else self.tr("Block"),
            lambda: self.set_blocked(name, not blocked),
        )
        self.menu = menu
        menu.popup(self.view.viewport().mapToGlobal(point))
