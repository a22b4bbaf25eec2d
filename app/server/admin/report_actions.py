"""The Reports tab's acts: delete the reported message, mute or ban its author, each
confirmed first, carried out by the core as the server, and reported in the status bar."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QComboBox, QLineEdit, QPushButton

from app.server.admin.window_part import WindowPart
from app.shared.forms import child
from app.shared.protocol import BAN, DELETE_MESSAGE, MUTE

if TYPE_CHECKING:
    from app.server.admin.window import AdminWindow

DURATIONS = (10, 60, 24 * 60, None)  # minutes; None: for good
REQUIRED = (
    "deleteMessageButton",
    "muteAuthorButton",
    "banAuthorButton",
    "reportDurationCombo",
    "reportReasonEdit",
)


class ReportActions(WindowPart):
    """The Delete message, Mute author and Ban author buttons of an `AdminWindow`'s Reports
    tab, with the duration and reason they use; acting resolves the report."""

    def __init__(self, window: AdminWindow) -> None:
        super().__init__(window)
        form = window.form
        self.delete_button = child(form, QPushButton, "deleteMessageButton")
        self.mute_button = child(form, QPushButton, "muteAuthorButton")
        self.ban_button = child(form, QPushButton, "banAuthorButton")
        self.duration_combo = child(form, QComboBox, "reportDurationCombo")
        self.reason_edit = child(form, QLineEdit, "reportReasonEdit")
        labels = (self.tr("10 minutes"), self.tr("1 hour"), self.tr("1 day"), self.tr("For good"))
        for text, minutes in zip(labels, DURATIONS, strict=True):
            self.duration_combo.addItem(text, minutes)
        tabs = window.moderation
        tabs.reports_view.selectionModel().selectionChanged.connect(self.update_buttons)
        tabs.reports_model.rowsRemoved.connect(self.update_buttons)
        window.core.report_acted.connect(self._on_core_report_acted)
        self.delete_button.clicked.connect(self._on_delete_clicked)
        self.mute_button.clicked.connect(self._on_mute_clicked)
        self.ban_button.clicked.connect(self._on_ban_clicked)
        self.update_buttons()

    @Slot()
    def update_buttons(self) -> None:
        window = self.window
        chosen = window.moderation.running and window.moderation.selected_report() is not None
        for button in (self.delete_button, self.mute_button, self.ban_button):
            button.setEnabled(chosen)

    def _selected(self) -> tuple[int, str, str] | None:
        """The selected report's id, its message's author and its room's name."""
        tabs = self.window.moderation
        report_id = tabs.selected_report()
        if report_id is None:
            return None
        row = tabs.reports_view.selectionModel().selectedRows()[0].row()
        model = tabs.reports_model
        return report_id, str(model.index(row, 3).data()), str(model.index(row, 1).data())

    def _minutes(self) -> tuple[int | None, str]:
        return self.duration_combo.currentData(), self.duration_combo.currentText()

    @Slot()
    def _on_delete_clicked(self) -> None:
        selected = self._selected()
        if selected is not None:
            report_id, author, room = selected
            text = self.tr("Delete this message of {author} in “{room}” for every member?")
            self.window.confirm(
                self.tr("Delete message"),
                text.format(author=author, room=room),
                lambda: self.window.core.act_on_report(report_id, DELETE_MESSAGE),
            )

    @Slot()
    def _on_mute_clicked(self) -> None:
        selected = self._selected()
        if selected is not None:
            report_id, author, room = selected
            minutes, shown = self._minutes()
            text = self.tr("Mute {author} in “{room}” ({duration})?")
            self.window.confirm(
                self.tr("Mute author"),
                text.format(author=author, room=room, duration=shown),
                lambda: self.window.core.act_on_report(report_id, MUTE, minutes),
            )

    @Slot()
    def _on_ban_clicked(self) -> None:
        selected = self._selected()
        if selected is not None:
            report_id, author, room = selected
            minutes, shown = self._minutes()
            reason = self.reason_edit.text().strip() or None
            text = self.tr("Ban {author} from “{room}” ({duration})?")
            self.window.confirm(
                self.tr("Ban author"),
                text.format(author=author, room=room, duration=shown),
                lambda: self.window.core.act_on_report(report_id, BAN, minutes, reason),
            )

    @Slot(int, str, bool)
    def _on_core_report_acted(self, _report_id: int, action: str, done: bool) -> None:
        if not done:
            text = self.tr("That could not be done (the report is closed or the room is gone)")
        elif action == DELETE_MESSAGE:
            text = self.tr("Message deleted; report closed")
        elif action == MUTE:
            text = self.tr("Author muted; report closed")
        else:
            text = self.tr("Author banned; report closed")
            self.reason_edit.clear()
        self.window.status_bar.showMessage(text, 5000)
