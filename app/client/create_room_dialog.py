"""The Create room dialog: name, capacity, and an optional password; errors stay in it."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QCheckBox, QDialog, QLabel, QLineEdit, QPushButton, QSpinBox, QWidget

from app.client import texts
from app.client.ui import BannerKind, hide_banner, icon, show_banner
from app.shared.forms import child, load_form
from app.shared.protocol import ProtocolError
from app.shared.screens import fit_to_screen
from app.shared.validation import CAPACITY_MIN, PASSWORD_MAX, ROOM_PASSWORD_MIN, check_room_password

REQUIRED = (
    "nameEdit",
    "capacitySpin",
    "privateCheck",
    "passwordEdit",
    "errorLabel",
    "createButton",
    "cancelButton",
)
DEFAULT_MAX_CAPACITY = 100


class CreateRoomDialog(QObject):
    """Controller of `forms/create_room_dialog.ui`, shown window-modal with `open()`.

    It checks the room name and password here, then asks its owner to create the room; the
    owner answers with `show_error` (the dialog stays open) or `finish` (it closes).

    Signals:
        create_requested(str, int, object): the room name (trimmed), the capacity, and the
            password (a str) or None for an open room.
        closed(): the dialog closed, created or cancelled.
    """

    create_requested = Signal(str, int, object)
    closed = Signal()

    def __init__(self, parent: QWidget, max_capacity: int = DEFAULT_MAX_CAPACITY) -> None:
        super().__init__(parent)
        self.form: QDialog = load_form("create_room_dialog", parent, REQUIRED)  # type: ignore[assignment]
        self.form.setWindowIcon(icon("add"))
        self.name_edit = child(self.form, QLineEdit, "nameEdit")
        self.capacity_spin = child(self.form, QSpinBox, "capacitySpin")
        self.private_check = child(self.form, QCheckBox, "privateCheck")
        self.password_edit = child(self.form, QLineEdit, "passwordEdit")
        self.error_label = child(self.form, QLabel, "errorLabel")
        self.create_button = child(self.form, QPushButton, "createButton")
        self.cancel_button = child(self.form, QPushButton, "cancelButton")
        self.capacity_spin.setRange(CAPACITY_MIN, max(max_capacity, CAPACITY_MIN))
        self.capacity_spin.setValue(CAPACITY_MIN)
        self.password_edit.setEnabled(False)
        self.private_check.toggled.connect(self._on_private_check_toggled)
        self.create_button.clicked.connect(self._on_create_button_clicked)
        self.cancel_button.clicked.connect(self.form.reject)
        self.form.finished.connect(self._on_form_finished)
        self.is_open = False
        hide_banner(self.error_label)

    def open(self) -> None:
        """Show the dialog (window-modal, not blocking) with the focus in the name field."""
        self.is_open = True
        fit_to_screen(self.form)
        self.form.open()
        self.name_edit.setFocus()

    def show_error(self, text: str, field: str = "name") -> None:
        self._set_busy(False)
        show_banner(self.error_label, text, BannerKind.ERROR)
        target = self.password_edit if field == "password" else self.name_edit
        target.setFocus()
        target.selectAll()

    def finish(self) -> None:
        """The room exists: close the dialog."""
        self.form.accept()

    @Slot(bool)
    def _on_private_check_toggled(self, checked: bool) -> None:
        self.password_edit.setEnabled(checked)
        if checked:
            self.password_edit.setFocus()

    @Slot()
    def _on_create_button_clicked(self) -> None:
        name = self.name_edit.text().strip()
        problem = texts.room_name_problem(name)
        if problem is not None:
            self.show_error(problem)
            return
        password: str | None = None
        if self.private_check.isChecked():
            password = self.password_edit.text()
            if not password:
                self.show_error(self.tr("A private room needs a password."), "password")
                return
            try:
                check_room_password(password)
            except ProtocolError:
                rule = self.tr("A room password has {low} to {high} characters.")
                self.show_error(rule.format(low=ROOM_PASSWORD_MIN, high=PASSWORD_MAX), "password")
                return
        hide_banner(self.error_label)
        self._set_busy(True)
        self.create_requested.emit(name, self.capacity_spin.value(), password)

    def _set_busy(self, busy: bool) -> None:
        self.create_button.setEnabled(not busy)
        self.form.setCursor(Qt.CursorShape.BusyCursor if busy else Qt.CursorShape.ArrowCursor)

    @Slot(int)
    def _on_form_finished(self, _result: int) -> None:
        self.is_open = False
        self.closed.emit()
        self.form.deleteLater()
