"""The admin window's Nodes tab, and the Rooms view's Node column (shown on PostgreSQL)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QHeaderView, QLabel, QTableView

from app.server.admin.models import Column
from app.server.admin.node_model import NodeColumn, NodesModel
from app.server.admin.snapshots import CoreState
from app.server.admin.window_part import WindowPart
from app.shared.forms import child

if TYPE_CHECKING:
    from app.server.admin.window import AdminWindow


class NodesTab(WindowPart):
    """Shows `nodes_model` in `nodesView`, live from the core's `nodes_listed`.

    On SQLite the one server is the only node: the tab shows it (and says why it is alone),
    and the Rooms view hides its Node column, which would repeat the same name on every row.
    """

    def __init__(self, window: AdminWindow) -> None:
        super().__init__(window)
        self.view = child(window.form, QTableView, "nodesView")
        self.hint = child(window.form, QLabel, "nodesHint")
        self.model = NodesModel(self)
        self.model.follow(window.core)
        self.view.setModel(self.model)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(NodeColumn.NAME, QHeaderView.ResizeMode.Stretch)
        window.rooms_view.setColumnHidden(Column.NODE, True)  # until the snapshot says
        window.core.state_published.connect(self._on_core_state_published)

    @Slot(object)
    def _on_core_state_published(self, state: CoreState) -> None:
        self.model.reset(state.nodes)
        shared = bool(state.node)
        self.window.rooms_view.setColumnHidden(Column.NODE, not shared)
        if not shared:
            self.hint.setText(
                self.tr(
                    "This server keeps its rooms in an SQLite file, which only one server may "
                    "use: it is the only node. Servers sharing a PostgreSQL database (--db "
                    "postgresql://…) are listed here, each with its load."
                )
            )
