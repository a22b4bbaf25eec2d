"""The Room password dialog: asks for a private room's password, and again when wrong."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QPushButton, QWidget

from app.client.ui import BannerKind, hide_banner, icon, show_banner
from app.shared.forms import child, load_form
from app.shared.labels import wrappable
from app.shared.screens import fit_to_screen

REQUIRED = ("promptLabel", "lockLabel", "passwordEdit", "errorLabel", "joinButton", "cancelButton")


class PasswordDialog(QObject):
    """Controller of `forms/password_dialog.ui` for one room, shown with `open()`.

    Signals:
        password_entered(str): the person submitted a password (not empty).
        closed(): the dialog closed, joined or cancelled.
    """

    password_entered = Signal(str)
    closed = Signal()

    def __init__(self, parent: QWidget, room_id: int, room_name: str) -> None:
        super().__init__(parent)
        self.room_id = room_id
        self.form: QDialog = load_form("password_dialog", parent, REQUIRED)  # type: ignore[assignment]
        self.form.setWindowIcon(icon("lock"))
        self.password_edit = child(self.form, QLineEdit, "passwordEdit")
        self.error_label = child(self.form, QLabel, "errorLabel")
        self.join_button = child(self.form, QPushButton, "joinButton")
        child(self.form, QLabel, "lockLabel").setPixmap(icon("lock").pixmap(32, 32))
        prompt = self.tr("<b>{room}</b> is a private room. Enter its password to join.")
        room = escape(wrappable(room_name))  # a long name may wrap: it cannot widen the dialog
        child(self.form, QLabel, "promptLabel").setText(prompt.format(room=room))
        self.join_button.clicked.connect(self._on_join_button_clicked)
        child(self.form, QPushButton, "cancelButton").clicked.connect(self.form.reject)
        self.form.finished.connect(self._on_form_finished)
        self.is_open = False
        hide_banner(self.error_label)

    def open(self) -> None:
        self.is_open = True
        fit_to_screen(self.form)
        self.form.open()
        self.password_edit.setFocus()

    def show_error(self, text: str) -> None:
        self.join_button.setEnabled(True)
        show_banner(self.error_label, text, BannerKind.ERROR)
        self.password_edit.setFocus()
        self.password_edit.selectAll()

    def finish(self) -> None:
        self.form.accept()

    @Slot()
    def _on_join_button_clicked(self) -> None:
        password = self.password_edit.text()
        if not password:
            self.show_error(self.tr("Enter the room's password."))
            return
        hide_banner(self.error_label)
        self.join_button.setEnabled(False)
        self.password_entered.emit(password)

    @Slot(int)
    def _on_form_finished(self, _result: int) -> None:
        self.is_open = False
        self.closed.emit()
        self.form.deleteLater()
