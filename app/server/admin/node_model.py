"""The Nodes tab's model: the servers sharing the database, fed by a `CoreBridge`'s
`nodes_listed` (queued from the core thread); it never reads a core object."""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QCoreApplication,
    QObject,
    Qt,
    Slot,
)
from PySide6.QtGui import QFont

from app.server.admin.row_table import RIGHT, RowTable
from app.server.admin.snapshots import NodeState

if TYPE_CHECKING:
    from app.server.admin.bridge import CoreBridge


class NodeColumn(IntEnum):
    NAME = 0
    HOST = 1
    PORT = 2
    ROOMS = 3
    MEMBERS = 4
    LEASE = 5


def _headers() -> dict[NodeColumn, str]:
    translate = QCoreApplication.translate
    return {
        NodeColumn.NAME: translate("NodesModel", "Node"),
        NodeColumn.HOST: translate("NodesModel", "Advertised host"),
        NodeColumn.PORT: translate("NodesModel", "Main port"),
        NodeColumn.ROOMS: translate("NodesModel", "Open rooms"),
        NodeColumn.MEMBERS: translate("NodesModel", "Members"),
        NodeColumn.LEASE: translate("NodesModel", "Lease"),
    }


class NodesModel(RowTable[NodeState, NodeColumn]):
    """One row per node, by name; this server's row is marked (bold, "this node").

    `follow(core)` keeps it live; `reset` sets it to a snapshot's nodes. A list with the
    same nodes changes the cells in place, so that the view keeps its selection.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(NodeColumn, _headers(), parent)

    def follow(self, core: CoreBridge) -> None:
        core.nodes_listed.connect(self._on_core_nodes_listed)

    def nodes(self) -> list[NodeState]:
        return list(self._rows)

    def cell(self, row: NodeState, column: NodeColumn, role: int) -> object:
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == Qt.ItemDataRole.FontRole and row.here:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and column == NodeColumn.LEASE:
            return self._lease_tip(row)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (
            NodeColumn.PORT,
            NodeColumn.ROOMS,
            NodeColumn.MEMBERS,
        ):
            return RIGHT
        return None

    def _display(self, row: NodeState, column: NodeColumn) -> str:
        if column == NodeColumn.NAME:
            name = row.name or self.tr("this server")
            return self.tr("{node} (this node)").format(node=name) if row.here else name
        if column == NodeColumn.HOST:
            return row.host
        if column == NodeColumn.PORT:
            return str(row.port)
        if column == NodeColumn.ROOMS:
            return str(row.rooms)
        if column == NodeColumn.MEMBERS:
            return str(row.members)
        if row.live is None:
            return self.tr("none (SQLite)")
        return self.tr("live") if row.live else self.tr("expired")

    def _lease_tip(self, row: NodeState) -> str:
        if row.live is None:
            return self.tr("On SQLite one server uses the database: there are no other nodes")
        if row.live:
            return self.tr("The node renews its lease every third of --node-lease")
        return self.tr("The node stopped renewing its lease: its rooms are being taken over")

    @Slot(object)
    def _on_core_nodes_listed(self, nodes: tuple[NodeState, ...]) -> None:
        if [row.name for row in nodes] != [row.name for row in self._rows]:
            self.reset(nodes)
            return
        changed = [number for number, row in enumerate(nodes) if row != self._rows[number]]
        self._rows = list(nodes)
        for number in changed:
            self.row_changed(number)
