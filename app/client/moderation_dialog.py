"""The small dialog a kick, ban, mute or report asks first: for how long, and why."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QComboBox, QDialog, QLabel, QLineEdit, QPushButton, QWidget

from app.client.moderation_texts import duration
from app.client.ui import icon
from app.shared.forms import child, load_form
from app.shared.protocol import BAN, KICK, MUTE, Report

REQUIRED = ("introLabel", "durationLabel", "durationChoice", "reasonEdit", "okButton",
            "cancelButton", "errorLabel")  # fmt: skip
BAN_MINUTES = (60, 24 * 60, 7 * 24 * 60, 30 * 24 * 60, None)  # None: for good
MUTE_MINUTES = (5, 10, 60, 24 * 60, None)  # None: until unmuted
REPORT = Report.TYPE  # the dialog also asks a report's reason


class ModerationDialog(QObject):
    """Controller of `forms/moderation_dialog.ui` for one act on one member, shown with
    `open()`; the duration choice only for a ban or a mute.

    Signals:
        chosen(object, object): the minutes (None: for good / until unmuted; always None for
            a kick) and the reason (None when left empty), on OK.
    """

    chosen = Signal(object, object)

    def __init__(self, parent: QWidget, action: str, name: str, verb: str) -> None:
        super().__init__(parent)
        self.action = action
        self.form: QDialog = load_form("moderation_dialog", parent, REQUIRED)  # type: ignore[assignment]
        self.form.setWindowIcon(icon("roomchat"))
        self.form.setWindowTitle(verb)
        self.duration = child(self.form, QComboBox, "durationChoice")
        self.reason_edit = child(self.form, QLineEdit, "reasonEdit")
        self.ok_button = child(self.form, QPushButton, "okButton")
        intros = {
            KICK: self.tr("{name} will be removed from the room and may come back."),
            BAN: self.tr("{name} will be removed from the room and kept out."),
            MUTE: self.tr("{name} will stay and read, but may not speak."),
            REPORT: self.tr("The server's operators will see this message of {name}'s and why."),
        }
        child(self.form, QLabel, "introLabel").setText(intros[action].format(name=name))
        child(self.form, QLabel, "errorLabel").hide()
        self.ok_button.setText(verb)
        choices = BAN_MINUTES if action == BAN else MUTE_MINUTES if action == MUTE else ()
        for minutes in choices:
            self.duration.addItem(duration(minutes, action), minutes)
        if action == MUTE:
            self.duration.setCurrentIndex(1)  # 10 minutes
        shown = bool(choices)
        self.duration.setVisible(shown)
        child(self.form, QLabel, "durationLabel").setVisible(shown)
        self.reason_edit.setPlaceholderText(self.tr("Optional; everyone in the room sees it"))
        self.ok_button.clicked.connect(self._on_ok_button_clicked)
        child(self.form, QPushButton, "cancelButton").clicked.connect(self.form.reject)
        self.form.finished.connect(self.form.deleteLater)

    def open(self) -> None:
        self.form.open()
        (self.duration if self.duration.isVisible() else self.reason_edit).setFocus()

    @property
    def minutes(self) -> int | None:
        value = self.duration.currentData() if self.duration.count() else None
        return int(value) if value is not None else None

    @Slot()
    def _on_ok_button_clicked(self) -> None:
        reason = self.reason_edit.text().strip() or None
        minutes = self.minutes
        self.form.accept()
        self.chosen.emit(minutes, reason)
