"""The Room settings dialog: name, capacity, slow mode, read-only, locked doors, password."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from app.client import texts
from app.client.ui import BannerKind, hide_banner, icon, show_banner
from app.shared.forms import child, load_form
from app.shared.protocol import ErrorCode, ErrorReply, ProtocolError, RoomSettings, RoomSummary
from app.shared.validation import (
    CAPACITY_MIN,
    PASSWORD_MAX,
    ROOM_PASSWORD_MIN,
    check_room_name,
    check_room_password,
)

REQUIRED = (
    "nameEdit",
    "capacitySpin",
    "slowModeSpin",
    "readOnlyCheck",
    "lockedDoorsCheck",
    "passwordChoice",
    "passwordEdit",
    "errorLabel",
    "saveButton",
    "cancelButton",
)
KEEP, SET, CLEAR = 0, 1, 2  # the password choices, in the combo's order


class RoomSettingsDialog(QObject):
    """Controller of `forms/room_settings_dialog.ui`, shown window-modal with `open()`.

    It asks only for what changed; the room's answer comes back through `show_error` (the
    dialog stays open, saying why) or `finish` (it closes).

    Signals:
        save_requested(object): the `RoomSettings` to send (no id yet).
        closed(): the dialog closed, saved or cancelled.
    """

    save_requested = Signal(object)
    closed = Signal()

    def __init__(
        self, parent: QWidget, room: RoomSummary, modes: dict[str, Any], max_capacity: int = 400
    ) -> None:
        super().__init__(parent)
        self.room, self.modes = room, dict(modes)
        self.form: QDialog = load_form("room_settings_dialog", parent, REQUIRED)  # type: ignore[assignment]
        self.form.setWindowIcon(icon("room"))
        self.form.setWindowTitle(self.tr("Room settings — {room}").format(room=room.name))
        self.name_edit = child(self.form, QLineEdit, "nameEdit")
        self.capacity_spin = child(self.form, QSpinBox, "capacitySpin")
        self.slow_spin = child(self.form, QSpinBox, "slowModeSpin")
        self.read_only_check = child(self.form, QCheckBox, "readOnlyCheck")
        self.locked_check = child(self.form, QCheckBox, "lockedDoorsCheck")
        self.password_choice = child(self.form, QComboBox, "passwordChoice")
        self.password_edit = child(self.form, QLineEdit, "passwordEdit")
        self.error_label = child(self.form, QLabel, "errorLabel")
        self.save_button = child(self.form, QPushButton, "saveButton")
        self.name_edit.setText(room.name)
        self.capacity_spin.setRange(CAPACITY_MIN, max(max_capacity, room.capacity))
        self.capacity_spin.setValue(room.capacity)
        self.slow_spin.setValue(int(modes.get("slow_mode_seconds", 0)))
        self.read_only_check.setChecked(bool(modes.get("read_only", False)))
        self.locked_check.setChecked(bool(modes.get("locked_doors", False)))
        keep = self.tr("Keep the password") if room.locked else self.tr("Keep it open (none)")
        self.password_choice.addItems([keep, self.tr("Set a new password")])
        if room.locked:
            self.password_choice.addItem(self.tr("Remove it: anyone may join"))
        self.password_edit.setEnabled(False)
        self.password_choice.currentIndexChanged.connect(self._on_password_choice_changed)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        child(self.form, QPushButton, "cancelButton").clicked.connect(self.form.reject)
        self.form.finished.connect(self._on_form_finished)
        hide_banner(self.error_label)
        self.is_open = False

    def open(self) -> None:
        self.is_open = True
        self.form.open()
        self.name_edit.setFocus()

    def settings(self) -> RoomSettings | None:
        """What changed, as a request; raises ProtocolError for a bad name or password."""
        changes: dict[str, Any] = {}
        name = self.name_edit.text()
        if name.strip() != self.room.name:
            changes["name"] = check_room_name(name)
        if self.capacity_spin.value() != self.room.capacity:
            changes["capacity"] = self.capacity_spin.value()
        if self.slow_spin.value() != int(self.modes.get("slow_mode_seconds", 0)):
            changes["slow_mode_seconds"] = self.slow_spin.value()
        if self.read_only_check.isChecked() != bool(self.modes.get("read_only", False)):
            changes["read_only"] = self.read_only_check.isChecked()
        if self.locked_check.isChecked() != bool(self.modes.get("locked_doors", False)):
            changes["locked_doors"] = self.locked_check.isChecked()
        choice = self.password_choice.currentIndex()
        if choice == SET:
            changes["password"] = check_room_password(self.password_edit.text())
        elif choice == CLEAR:
            changes["clear_password"] = True
        return RoomSettings(**changes) if changes else None

    def show_error(self, text: str) -> None:
        self.save_button.setEnabled(True)
        show_banner(self.error_label, text, BannerKind.ERROR)

    def finish(self) -> None:
        self.form.accept()

    @Slot(int)
    def _on_password_choice_changed(self, choice: int) -> None:
        self.password_edit.setEnabled(choice == SET)
        if choice == SET:
            self.password_edit.setFocus()

    @Slot()
    def _on_save_button_clicked(self) -> None:
        try:
            settings = self.settings()
        except ProtocolError as problem:
            if problem.code == ErrorCode.INVALID_PASSWORD:
                rule = self.tr("A room password has {low} to {high} characters.")
                self.show_error(rule.format(low=ROOM_PASSWORD_MIN, high=PASSWORD_MAX))
            else:
                self.show_error(
                    texts.request_error(ErrorReply(problem.code.value, problem.message))
                )
            return
        if settings is None:
            self.form.reject()  # nothing to change
            return
        hide_banner(self.error_label)
        self.save_button.setEnabled(False)  # until the room answers
        self.save_requested.emit(settings)

    @Slot(int)
    def _on_form_finished(self, _result: int) -> None:
        self.is_open = False
        self.closed.emit()
        self.form.deleteLater()
