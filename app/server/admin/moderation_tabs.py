"""The admin window's Operators, Reports and Audit log tabs, kept in step with the server
core through its `CoreBridge` (lists come as plain data, changes go as requests)."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import (
    QObject,
    QRegularExpression,
    QSortFilterProxyModel,
    QStringListModel,
    Qt,
    Slot,
)
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QHeaderView,
    QLineEdit,
    QListView,
    QMainWindow,
    QPushButton,
    QStatusBar,
    QTableView,
)

from app.server.admin.bridge import CoreBridge
from app.server.admin.snapshots import ActState, ReportState
from app.shared.forms import child
from app.shared.protocol import (
    BAN,
    BY_OPERATOR,
    DELETE_MESSAGE,
    KICK,
    MUTE,
    SET_ROLE,
    TRANSFER_OWNER,
    UNBAN,
    UNMUTE,
    RoomSettings,
)

REQUIRED = (
    "operatorsView",
    "operatorNameEdit",
    "grantButton",
    "revokeButton",
    "reportsView",
    "dismissButton",
    "auditView",
    "auditRoomCombo",
)
REPORT_ID_ROLE = Qt.ItemDataRole.UserRole + 1


def _when(moment: float) -> str:
    """A Unix time as the operator reads it: local, to the second."""
    return datetime.fromtimestamp(moment).strftime("%Y-%m-%d %H:%M:%S")


def _item(text: str) -> QStandardItem:
    item = QStandardItem(text)  # a QStandardItem shows its text as plain text
    item.setEditable(False)
    item.setToolTip("")
    return item


class ModerationTabs(QObject):
    """The three tabs of an `AdminWindow`'s form: who the operators are (grant and revoke by
    name), the open reports (dismiss one), and the audit log, newest first. A new report or
    act arrives from the core as it is stored."""

    def __init__(
        self, form: QMainWindow, core: CoreBridge, status_bar: QStatusBar, parent: QObject
    ) -> None:
        super().__init__(parent)
        self.core = core
        self.running = True
        self.status_bar = status_bar
        self.operators_view = child(form, QListView, "operatorsView")
        self.name_edit = child(form, QLineEdit, "operatorNameEdit")
        self.grant_button = child(form, QPushButton, "grantButton")
        self.revoke_button = child(form, QPushButton, "revokeButton")
        self.reports_view = child(form, QTableView, "reportsView")
        self.dismiss_button = child(form, QPushButton, "dismissButton")
        self.audit_view = child(form, QTableView, "auditView")
        self.audit_room_combo = child(form, QComboBox, "auditRoomCombo")
        self.audit_room_combo.addItem(self.tr("All rooms"), None)
        self.operators: tuple[str, ...] = ()
        self.operators_model = QStringListModel(self)
        self.reports_model = QStandardItemModel(0, 6, self)
        self.reports_model.setHorizontalHeaderLabels(
            [self.tr("When"), self.tr("Room"), self.tr("Reporter"), self.tr("Author"),
             self.tr("Message"), self.tr("Reason")]
        )  # fmt: skip
        self.audit_model = QStandardItemModel(0, 6, self)
        self.audit_model.setHorizontalHeaderLabels(
            [self.tr("When"), self.tr("Room"), self.tr("By"), self.tr("Action"),
             self.tr("Whom"), self.tr("Details")]
        )  # fmt: skip
        self.audit_filter = QSortFilterProxyModel(self)  # the room chosen, or every line
        self.audit_filter.setSourceModel(self.audit_model)
        self.audit_filter.setFilterKeyColumn(1)
        self.operators_view.setModel(self.operators_model)
        for view, model, stretch in (
            (self.reports_view, self.reports_model, 4),
            (self.audit_view, self.audit_filter, 5),
        ):
            view.setModel(model)
            header = view.horizontalHeader()
            header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        self._connect()
        core.list_moderation()

    def _connect(self) -> None:
        # Slots of this object (on the window's thread): Qt queues each call from the core.
        core = self.core
        core.operators_listed.connect(self._on_core_operators_listed)
        core.operator_set.connect(self._on_core_operator_set)
        core.reports_listed.connect(self._on_core_reports_listed)
        core.report_dismissed.connect(self._on_core_report_dismissed)
        core.audit_listed.connect(self._on_core_audit_listed)
        self.name_edit.textChanged.connect(self._update_buttons)
        self.name_edit.returnPressed.connect(self._on_grant_clicked)
        self.operators_view.selectionModel().currentChanged.connect(self._on_operator_current)
        self.grant_button.clicked.connect(self._on_grant_clicked)
        self.revoke_button.clicked.connect(self._on_revoke_clicked)
        self.reports_view.selectionModel().selectionChanged.connect(self._update_buttons)
        self.reports_model.modelReset.connect(self._update_buttons)
        self.dismiss_button.clicked.connect(self._on_dismiss_clicked)
        self.audit_room_combo.currentIndexChanged.connect(self._on_audit_room_chosen)

    def set_running(self, running: bool) -> None:
        """False once the server has stopped: nothing can be changed any more."""
        self.running = running
        self._update_buttons()

    # --- operators -----------------------------------------------------------------------

    @Slot(object)
    def _on_core_operators_listed(self, names: tuple[str, ...]) -> None:
        self.operators = names
        self.operators_model.setStringList(list(names))

    @Slot()
    def _on_operator_current(self) -> None:
        index = self.operators_view.currentIndex()
        if index.isValid():
            self.name_edit.setText(str(index.data()))

    @Slot()
    def _update_buttons(self) -> None:
        named = self.running and bool(self.name_edit.text().strip())
        self.grant_button.setEnabled(named)
        self.revoke_button.setEnabled(named)
        self.dismiss_button.setEnabled(self.running and self.selected_report() is not None)

    @Slot()
    def _on_grant_clicked(self) -> None:
        name = self.name_edit.text().strip()
        if name:
            self.core.set_operator(name, True)

    @Slot()
    def _on_revoke_clicked(self) -> None:
        name = self.name_edit.text().strip()
        if name:
            self.core.set_operator(name, False)

    @Slot(str, bool, str)
    def _on_core_operator_set(self, name: str, operator: bool, outcome: str) -> None:
        if outcome == "no_account":
            text = self.tr("There is no account called {name}")
        elif outcome == "already":
            text = (
                self.tr("{name} is an operator already")
                if operator
                else self.tr("{name} is not an operator")
            )
        else:
            text = (
                self.tr("{name} is an operator from their next login")
                if operator
                else self.tr("{name} is no longer an operator from their next login")
            )
            self.name_edit.clear()
        self.status_bar.showMessage(text.format(name=name), 5000)

    # --- reports -------------------------------------------------------------------------

    def selected_report(self) -> int | None:
        rows = self.reports_view.selectionModel().selectedRows()
        return int(rows[0].data(REPORT_ID_ROLE)) if rows else None

    @Slot(object)
    def _on_core_reports_listed(self, reports: tuple[ReportState, ...]) -> None:
        selected = self.selected_report()
        self.reports_model.removeRows(0, self.reports_model.rowCount())
        for report in reports:
            text = report.text if report.text is not None else self.tr("(deleted)")
            row = [_item(_when(report.at)), _item(report.room), _item(report.reporter),
                   _item(report.author), _item(text), _item(report.reason)]  # fmt: skip
            row[0].setData(report.id, REPORT_ID_ROLE)
            self.reports_model.appendRow(row)
            if report.id == selected:
                self.reports_view.selectRow(self.reports_model.rowCount() - 1)
        self._update_buttons()

    @Slot()
    def _on_dismiss_clicked(self) -> None:
        report_id = self.selected_report()
        if report_id is not None:
            self.core.dismiss_report(report_id)

    @Slot(int, bool)
    def _on_core_report_dismissed(self, _report_id: int, dismissed: bool) -> None:
        if dismissed:
            self.status_bar.showMessage(self.tr("Report dismissed"), 5000)
        else:
            self.status_bar.showMessage(self.tr("That report was closed already"), 5000)

    # --- the audit log -------------------------------------------------------------------

    def _action(self, action: str) -> str:
        names = {
            KICK: self.tr("kicked"),
            BAN: self.tr("banned"),
            UNBAN: self.tr("unbanned"),
            MUTE: self.tr("muted"),
            UNMUTE: self.tr("unmuted"),
            SET_ROLE: self.tr("changed the role of"),
            TRANSFER_OWNER: self.tr("handed the room to"),
            DELETE_MESSAGE: self.tr("deleted a message of"),
            RoomSettings.TYPE: self.tr("changed the settings"),
        }
        return names.get(action, action)

    def _details(self, act: ActState) -> str:
        parts = []
        if act.minutes is not None:
            parts.append(self.tr("{minutes} min").format(minutes=act.minutes))
        if act.reason:
            parts.append(act.reason)
        return " · ".join(parts)

    @Slot()
    def _on_audit_room_chosen(self) -> None:
        room = self.audit_room_combo.currentData()
        pattern = "" if room is None else f"^{QRegularExpression.escape(room)}$"
        self.audit_filter.setFilterRegularExpression(pattern)

    def _offer_rooms(self, acts: tuple[ActState, ...]) -> None:
        """The filter's choices: every room seen in the log, the chosen one kept."""
        combo = self.audit_room_combo
        chosen = combo.currentData()
        rooms = sorted({act.room for act in acts} | ({chosen} if chosen is not None else set()))
        combo.blockSignals(True)
        while combo.count() > 1:
            combo.removeItem(1)
        for room in rooms:
            combo.addItem(room, room)
        combo.setCurrentIndex(max(combo.findData(chosen), 0) if chosen is not None else 0)
        combo.blockSignals(False)

    @Slot(object)
    def _on_core_audit_listed(self, acts: tuple[ActState, ...]) -> None:
        self._offer_rooms(acts)
        self.audit_model.removeRows(0, self.audit_model.rowCount())
        for act in acts:
            actor = self.tr("the admin window") if act.actor == BY_OPERATOR else act.actor
            row = [_item(_when(act.at)), _item(act.room), _item(actor),
                   _item(self._action(act.action)), _item(act.target or ""),
                   _item(self._details(act))]  # fmt: skip
            self.audit_model.appendRow(row)
