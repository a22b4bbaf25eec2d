"""The Preferences dialog: highlight words, what each room notifies about, Do not disturb,
and whether closing the window keeps the client in the tray."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QCheckBox, QComboBox, QDialog, QPlainTextEdit, QPushButton, QWidget

from app.client import prefs
from app.client.ui import icon
from app.shared.forms import child, load_form
from app.shared.screens import fit_to_screen

REQUIRED = (
    "highlightWordsEdit",
    "roomCombo",
    "levelCombo",
    "doNotDisturbCheck",
    "stayInTrayCheck",
    "saveButton",
    "cancelButton",
)


class PreferencesDialog(QObject):
    """Controller of `forms/preferences_dialog.ui`: shows the saved preferences, and on Save
    writes them to QSettings (through `prefs`) and says so with `saved`.

    Signals:
        saved(): the preferences were saved.
    """

    saved = Signal()

    def __init__(self, parent: QWidget, rooms: list[str]) -> None:
        super().__init__(parent)
        self.form: QDialog = load_form("preferences_dialog", parent, REQUIRED)  # type: ignore[assignment]
        self.form.setWindowIcon(icon("roomchat"))
        self.words_edit = child(self.form, QPlainTextEdit, "highlightWordsEdit")
        self.room_combo = child(self.form, QComboBox, "roomCombo")
        self.level_combo = child(self.form, QComboBox, "levelCombo")
        self.do_not_disturb_check = child(self.form, QCheckBox, "doNotDisturbCheck")
        self.stay_in_tray_check = child(self.form, QCheckBox, "stayInTrayCheck")
        self.save_button = child(self.form, QPushButton, "saveButton")
        labels = {
            prefs.NotifyLevel.ALL: self.tr("All messages"),
            prefs.NotifyLevel.MENTIONS: self.tr("Mentions only"),
            prefs.NotifyLevel.NOTHING: self.tr("Nothing"),
        }
        for level, label in labels.items():
            self.level_combo.addItem(label, str(level))
        self.levels = {room: prefs.notify_level(room) for room in rooms}
        for room in rooms:
            self.room_combo.addItem(room, room)  # a combo box shows plain text
        self.room_combo.setEnabled(bool(rooms))
        self.level_combo.setEnabled(bool(rooms))
        self.words_edit.setPlainText("\n".join(prefs.highlight_words()))
        self.do_not_disturb_check.setChecked(prefs.do_not_disturb())
        self.stay_in_tray_check.setChecked(prefs.stay_in_tray())
        self.room_combo.currentIndexChanged.connect(self._on_room_combo_current_index_changed)
        self.level_combo.currentIndexChanged.connect(self._on_level_combo_current_index_changed)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        child(self.form, QPushButton, "cancelButton").clicked.connect(self.form.reject)
        self.form.finished.connect(self.form.deleteLater)
        self._on_room_combo_current_index_changed(self.room_combo.currentIndex())

    def open(self) -> None:
        fit_to_screen(self.form)
        self.form.open()
        self.words_edit.setFocus()

    @Slot(int)
    def _on_room_combo_current_index_changed(self, _index: int) -> None:
        room = self.room_combo.currentData()
        level = self.levels.get(room, prefs.NotifyLevel.MENTIONS)
        self.level_combo.setCurrentIndex(self.level_combo.findData(str(level)))

    @Slot(int)
    def _on_level_combo_current_index_changed(self, _index: int) -> None:
        room = self.room_combo.currentData()
        if room is not None:
            self.levels[room] = prefs.NotifyLevel(self.level_combo.currentData())

    @Slot()
    def _on_save_button_clicked(self) -> None:
        prefs.set_highlight_words(self.words_edit.toPlainText().split("\n"))
        for room, level in self.levels.items():
            prefs.set_notify_level(room, level)
        prefs.set_do_not_disturb(self.do_not_disturb_check.isChecked())
        prefs.set_stay_in_tray(self.stay_in_tray_check.isChecked())
        self.saved.emit()
        self.form.accept()
