"""The admin window's actions on rooms: close a room, kick a member, each confirmed first
and reported in the status bar once the core has done it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Slot

from app.server.admin.pending_names import PendingNames
from app.server.admin.window_part import WindowPart

if TYPE_CHECKING:
    from app.server.admin.window import AdminWindow


class RoomActions(WindowPart):
    """The Close room and Kick buttons of an `AdminWindow`, and the core's answers."""

    def __init__(self, window: AdminWindow) -> None:
        super().__init__(window)
        self._asked_to_close: PendingNames[int] = PendingNames()  # by room id
        self._asked_to_kick: PendingNames[tuple[int, str]] = PendingNames()  # (room, member)
        window.core.room_close_done.connect(self._on_core_room_close_done)
        window.core.kick_done.connect(self._on_core_kick_done)
        window.close_room_button.clicked.connect(self._on_close_room_button_clicked)
        window.kick_button.clicked.connect(self._on_kick_button_clicked)

    @Slot()
    def _on_close_room_button_clicked(self) -> None:
        room = self.window.rooms_model.room(self.window.selected_room_id())
        if room is None or not room.here:
            return
        room_id, name, members = room.id, room.name, len(room.members)
        if room.persistent:  # closing one deletes it: it would come back at the next start
            question = self.tr(
                "Delete the persistent room “{name}” (port {port})? Its {count} member(s) will "
                "be disconnected, and it will not open again."
            )
        else:
            question = self.tr(
                "Close the room “{name}” (port {port})? Its {count} member(s) will be disconnected."
            )
        self.window.confirm(
            self.tr("Close room"),
            question.format(name=name, port=room.port, count=members),
            lambda: self._close_room(room_id, name),
        )

    def _close_room(self, room_id: int, name: str) -> None:
        self._asked_to_close.ask(room_id, name)
        self.window.core.close_room(room_id)

    @Slot(int, bool)
    def _on_core_room_close_done(self, room_id: int, closed: bool) -> None:
        name = self._asked_to_close.answer(room_id)
        status = self.window.status_bar
        if closed:
            status.showMessage(self.tr("Closed the room “{name}”").format(name=name), 5000)
        elif self.window.rooms_model.room(room_id) is None:
            status.showMessage(self.tr("“{name}” has closed already").format(name=name))
        else:
            text = self.tr("The room “{name}” could not be closed (see the event log)")
            self.window.status_bar.showMessage(text.format(name=name))

    @Slot()
    def _on_kick_button_clicked(self) -> None:
        room = self.window.rooms_model.room(self.window.members_model.room_id)
        member = self.window.selected_member()
        if room is None or member is None:
            return
        room_id, room_name = room.id, room.name
        self.window.confirm(
            self.tr("Kick"),
            self.tr("Remove {member} from the room “{room}”?").format(
                member=member, room=room_name
            ),
            lambda: self._kick(room_id, room_name, member),
        )

    def _kick(self, room_id: int, room_name: str, member: str) -> None:
        self._asked_to_kick.ask((room_id, member), room_name)
        self.window.core.kick(room_id, member)

    @Slot(int, str, bool)
    def _on_core_kick_done(self, room_id: int, member: str, removed: bool) -> None:
        room_name = self._asked_to_kick.answer((room_id, member))
        if removed:
            text = self.tr("Removed {member} from “{room}”")
        else:
            text = self.tr("{member} is no longer in “{room}”")
        self.window.status_bar.showMessage(text.format(member=member, room=room_name), 5000)
