"""The Rooms tab's moderation of a live room as the server: mute, unmute, ban, unban, set
a role or hand the room over to the member chosen (or a name typed), and change the room's
settings; the requests are made by `moderation_requests`, the core answers each one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QWidget,
)

from app.server.admin.moderation_requests import (
    MemberRequest,
    SettingsChoice,
    member_request,
    settings_request,
    shown_settings,
)
from app.server.admin.pending_names import PendingNames
from app.server.admin.report_actions import DURATIONS
from app.server.admin.snapshots import RoomState
from app.server.admin.window_part import WindowPart
from app.shared.forms import child
from app.shared.protocol import (
    BAN,
    MEMBER,
    MODERATOR,
    MUTE,
    SET_ROLE,
    TRANSFER_OWNER,
    UNBAN,
    UNMUTE,
    Ban,
    ErrorCode,
    ErrorReply,
    Mute,
    RoomSettings,
    SetRole,
    TransferOwner,
    Unban,
    Unmute,
)

if TYPE_CHECKING:
    from app.server.admin.window import AdminWindow

REQUIRED = (
    "memberNameEdit", "memberDurationCombo", "memberReasonEdit", "muteButton", "unmuteButton",
    "banButton", "unbanButton", "makeModeratorButton", "makeMemberButton",
    "transferOwnerButton", "slowModeSpin", "readOnlyCheck", "lockedDoorsCheck",
    "roomPasswordEdit", "clearPasswordCheck", "applySettingsButton", "memberActsArea",
)  # fmt: skip
CONFIRMED = (MUTE, BAN, TRANSFER_OWNER)  # asked first; the others are undone as easily


class RoomModeration(WindowPart):
    """The member acts and the settings of the selected room in an `AdminWindow`."""

    def __init__(self, window: AdminWindow) -> None:
        super().__init__(window)
        form = window.form
        self.name_edit = child(form, QLineEdit, "memberNameEdit")
        self.duration_combo = child(form, QComboBox, "memberDurationCombo")
        self.reason_edit = child(form, QLineEdit, "memberReasonEdit")
        self.buttons = {
            MUTE: child(form, QPushButton, "muteButton"),
            UNMUTE: child(form, QPushButton, "unmuteButton"),
            BAN: child(form, QPushButton, "banButton"),
            UNBAN: child(form, QPushButton, "unbanButton"),
            MODERATOR: child(form, QPushButton, "makeModeratorButton"),
            MEMBER: child(form, QPushButton, "makeMemberButton"),
            TRANSFER_OWNER: child(form, QPushButton, "transferOwnerButton"),
        }
        self.slow_mode_spin = child(form, QSpinBox, "slowModeSpin")
        self.read_only_check = child(form, QCheckBox, "readOnlyCheck")
        self.locked_doors_check = child(form, QCheckBox, "lockedDoorsCheck")
        self.password_edit = child(form, QLineEdit, "roomPasswordEdit")
        self.clear_password_check = child(form, QCheckBox, "clearPasswordCheck")
        self.apply_button = child(form, QPushButton, "applySettingsButton")
        # The acts scroll where the window is short (a small screen), never sideways: as
        # wide as what they hold, and the scroll bar.
        area = child(form, QScrollArea, "memberActsArea")
        acts = child(form, QWidget, "memberActsWidget")
        width = acts.minimumSizeHint().width() + area.verticalScrollBar().sizeHint().width()
        area.setMinimumWidth(width)
        area.viewport().setAutoFillBackground(False)  # the group's own background shows
        acts.setAutoFillBackground(False)
        labels = (self.tr("10 minutes"), self.tr("1 hour"), self.tr("1 day"), self.tr("For good"))
        for text, minutes in zip(labels, DURATIONS, strict=True):
            self.duration_combo.addItem(text, minutes)
        self._shown: RoomState | None = None  # the room whose settings the widgets show
        self._asked: PendingNames[int] = PendingNames()  # by room id
        for action, button in self.buttons.items():
            button.clicked.connect(lambda _=False, action=action: self._on_act_clicked(action))
        window.members_view.selectionModel().selectionChanged.connect(self._on_member_chosen)
        self.name_edit.textChanged.connect(self.update_buttons)
        self.name_edit.returnPressed.connect(self._on_name_return_pressed)
        for check in (self.read_only_check, self.locked_doors_check, self.clear_password_check):
            check.toggled.connect(self.update_buttons)
        self.slow_mode_spin.valueChanged.connect(self.update_buttons)
        self.password_edit.textChanged.connect(self.update_buttons)
        self.apply_button.clicked.connect(self._on_apply_clicked)
        window.core.room_updated.connect(self._on_core_room_updated)
        window.core.room_moderated.connect(self._on_core_room_moderated)
        self.show_room()

    # --- the room chosen -----------------------------------------------------------------

    def _room(self) -> RoomState | None:
        room = self.window.rooms_model.room(self.window.selected_room_id())
        return room if room is not None and room.here else None  # another node's: listed only

    @Slot()
    def show_room(self) -> None:
        """Show the selected room's settings (none chosen: the widgets are off)."""
        room = self._room()
        self._shown = room
        shown = shown_settings(room) if room else SettingsChoice(0, False, False)
        for widget, value in (
            (self.read_only_check, shown.read_only),
            (self.locked_doors_check, shown.locked_doors),
            (self.clear_password_check, False),
        ):
            widget.setChecked(value)
        self.slow_mode_spin.setValue(shown.slow_mode_seconds)
        self.password_edit.clear()
        self.update_buttons()

    @Slot(object)
    def _on_core_room_updated(self, room: RoomState) -> None:
        shown = self._shown
        if shown is not None and room.id == shown.id:
            before = (shown_settings(shown), shown.locked)
            self._shown = room
            if (shown_settings(room), room.locked) != before:  # changed by someone: show it
                self.show_room()

    @Slot()
    def _on_member_chosen(self) -> None:
        member = self.window.selected_member()
        if member is not None:
            self.name_edit.setText(member)

    def _choice(self) -> SettingsChoice:
        return SettingsChoice(
            self.slow_mode_spin.value(),
            self.read_only_check.isChecked(),
            self.locked_doors_check.isChecked(),
            self.password_edit.text(),
            self.clear_password_check.isChecked(),
        )

    @Slot()
    def update_buttons(self) -> None:
        running = self.window.moderation.running
        room = self._room() if running else None
        named = room is not None and bool(self.name_edit.text().strip())
        for button in self.buttons.values():
            button.setEnabled(named)
        for widget in (self.slow_mode_spin, self.read_only_check, self.locked_doors_check):
            widget.setEnabled(room is not None)
        self.clear_password_check.setEnabled(room is not None and room.locked)
        clearing = self.clear_password_check.isChecked()
        self.password_edit.setEnabled(room is not None and not clearing)
        changes = room is not None and settings_request(room, self._choice()) is not None
        self.apply_button.setEnabled(changes)

    # --- acts ----------------------------------------------------------------------------

    @Slot()
    def _on_name_return_pressed(self) -> None:
        if self.buttons[MUTE].isEnabled():
            self._on_act_clicked(MUTE)

    def _on_act_clicked(self, action: str) -> None:
        room = self._room()
        if room is None:
            return
        minutes, duration = self.duration_combo.currentData(), self.duration_combo.currentText()
        role = action if action in (MODERATOR, MEMBER) else MODERATOR
        kind = SET_ROLE if action in (MODERATOR, MEMBER) else action
        name, reason = self.name_edit.text(), self.reason_edit.text()
        request = member_request(kind, name, minutes, reason, role)
        if request is None:
            return
        if action not in CONFIRMED:
            self._send(room, request)
            return
        questions = {
            MUTE: (self.tr("Mute"), self.tr("Mute {name} in “{room}” ({duration})?")),
            BAN: (self.tr("Ban"), self.tr("Ban {name} from “{room}” ({duration})?")),
            TRANSFER_OWNER: (
                self.tr("Transfer owner"),
                self.tr("Hand the room “{room}” to {name}? {owner} stays a moderator."),
            ),
        }
        title, question = questions[action]
        text = question.format(name=request.name, room=room.name, duration=duration,
                               owner=room.owner)  # fmt: skip
        self.window.confirm(title, text, lambda: self._send(room, request))

    @Slot()
    def _on_apply_clicked(self) -> None:
        room = self._room()
        request = settings_request(room, self._choice()) if room else None
        if room is not None and request is not None:
            self._send(room, request)

    def _send(self, room: RoomState, request: MemberRequest | RoomSettings) -> None:
        self._asked.ask(room.id, room.name)
        self.window.core.moderate(room.id, request)

    @Slot(int, object, object)
    def _on_core_room_moderated(
        self, room_id: int, request: MemberRequest | RoomSettings, refusal: ErrorReply | None
    ) -> None:
        room = self._asked.answer(room_id)
        text = self._done(request) if refusal is None else self._refused(request, refusal)
        name = request.name if not isinstance(request, RoomSettings) else ""
        self.window.status_bar.showMessage(text.format(name=name, room=room), 5000)
        if refusal is None and isinstance(request, RoomSettings):
            self.password_edit.clear()
            self.clear_password_check.setChecked(False)
        elif refusal is None and isinstance(request, Ban | Mute):
            self.reason_edit.clear()

    def _done(self, request: MemberRequest | RoomSettings) -> str:
        if isinstance(request, RoomSettings):
            return self.tr("Changed the settings of “{room}”")
        if isinstance(request, Mute):
            return self.tr("Muted {name} in “{room}”")
        if isinstance(request, Unmute):
            return self.tr("{name} may speak in “{room}” again")
        if isinstance(request, Ban):
            return self.tr("Banned {name} from “{room}”")
        if isinstance(request, Unban):
            return self.tr("Lifted the ban on {name} in “{room}”")
        if isinstance(request, SetRole) and request.role == MODERATOR:
            return self.tr("{name} is a moderator of “{room}” now")
        if isinstance(request, SetRole):
            return self.tr("{name} is a plain member of “{room}” now")
        if isinstance(request, TransferOwner):
            return self.tr("{name} owns “{room}” now")
        return self.tr("Done in “{room}”")

    def _refused(self, request: MemberRequest | RoomSettings, refusal: ErrorReply) -> str:
        code = refusal.error_code
        if code is ErrorCode.NO_SUCH_ROOM:
            return self.tr("“{room}” has closed")
        if code is ErrorCode.NO_SUCH_USER and isinstance(request, Unban):
            return self.tr("{name} is not banned from “{room}”")
        if code is ErrorCode.NO_SUCH_USER and isinstance(request, Unmute):
            return self.tr("{name} is not muted in “{room}”")
        if code is ErrorCode.NO_SUCH_USER:
            return self.tr("{name} is not in “{room}”")
        if code is ErrorCode.INVALID_PASSWORD:
            return self.tr("A room password has 4 to 128 characters")
        if code is ErrorCode.NOT_ALLOWED and isinstance(request, SetRole):
            return self.tr("The owner of “{room}” keeps that role (hand the room over instead)")
        # Whatever else the room refused: its own words (English), as the log has them.
        why = refusal.message.replace("{", "{{").replace("}", "}}")
        return self.tr("“{room}” refused that: {why}").replace("{why}", why)
