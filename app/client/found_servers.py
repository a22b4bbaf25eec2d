"""The servers found on the network, as a list model and the login window's panel over it."""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtWidgets import QCheckBox, QLineEdit, QListView, QSpinBox, QWidget

from app.client.server_browser import FoundServer

Index = QModelIndex | QPersistentModelIndex
SERVER_ROLE = Qt.ItemDataRole.UserRole


class FoundServersModel(QAbstractListModel):
    """One row per `FoundServer`, in the browser's order; `set_servers()` updates rows in
    place (a changed room count is a `dataChanged`, not a reset that loses the selection)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._servers: list[FoundServer] = []

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._servers)

    def server(self, row: int) -> FoundServer:
        return self._servers[row]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._servers):
            return None
        server = self._servers[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            security = self.tr("encrypted") if server.tls else self.tr("not encrypted")
            return self.tr("{name} — {address}, {security}").format(
                name=server.name, address=f"{server.host}:{server.port}", security=security
            )
        if role == Qt.ItemDataRole.ToolTipRole:
            rooms = self.tr("{count} open room(s)").format(count=server.rooms)
            if not server.registration:
                rooms += "\n" + self.tr("New accounts are made by the operator only")
            return rooms
        if role == SERVER_ROLE:
            return server
        return None

    def set_servers(self, servers: list[FoundServer]) -> None:
        keys = [(s.key, s.host, s.port) for s in servers]
        for row in reversed(range(len(self._servers))):
            old = self._servers[row]
            if (old.key, old.host, old.port) not in keys:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._servers[row]
                self.endRemoveRows()
        for row, server in enumerate(servers):
            here = self._servers[row] if row < len(self._servers) else None
            if here is not None and (here.key, here.host, here.port) == keys[row]:
                if here != server:
                    self._servers[row] = server
                    self.dataChanged.emit(self.index(row), self.index(row))
                continue
            self.beginInsertRows(QModelIndex(), row, row)
            self._servers.insert(row, server)
            self.endInsertRows()


class FoundServersPanel(QObject):
    """Shows `model` in the login window's `foundList` (the panel hidden while it is empty);
    a click or Enter on a server fills the host, port and encryption fields.

    Signals:
        picked(object): the `FoundServer` the person chose.
    """

    picked = Signal(object)

    def __init__(
        self,
        panel: QWidget,
        view: QListView,
        host_edit: QLineEdit,
        port_spin: QSpinBox,
        tls_check: QCheckBox,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.model = FoundServersModel(self)
        self._panel, self._view = panel, view
        self._host_edit, self._port_spin, self._tls_check = host_edit, port_spin, tls_check
        view.setModel(self.model)
        view.clicked.connect(self._on_view_activated)
        view.activated.connect(self._on_view_activated)
        for signal in (self.model.rowsInserted, self.model.rowsRemoved, self.model.modelReset):
            signal.connect(self._on_model_rows_changed)
        self._on_model_rows_changed()

    def announced_fingerprint(self, host: str, port: int) -> str:
        """The certificate fingerprint a server found at `host`:`port` announced, as the
        certificate dialog shows fingerprints (AB:CD:…), or ""."""
        for row in range(self.model.rowCount()):
            server = self.model.server(row)
            if (server.host, server.port) == (host, port) and server.tls:
                hex_digits = server.fingerprint.upper()
                return ":".join(hex_digits[i : i + 2] for i in range(0, len(hex_digits), 2))
        return ""

    @Slot()
    def _on_model_rows_changed(self) -> None:
        self._panel.setVisible(self.model.rowCount() > 0)

    @Slot(QModelIndex)
    def _on_view_activated(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        server = self.model.server(index.row())
        self._host_edit.setText(server.host)
        self._port_spin.setValue(server.port)
        self._tls_check.setChecked(server.tls)
        self.picked.emit(server)
