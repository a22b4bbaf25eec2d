"""View helpers for the admin window: selections that stay on the same row."""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Slot,
)
from PySide6.QtWidgets import QAbstractItemView

ModelIndex = QModelIndex | QPersistentModelIndex


class SelectionGuard(QObject):
    """Clears a single-selection view's selection when its selected row is removed.

    Left alone, Qt selects the next row instead, so closing a room would silently select
    another one and leave a destructive button pointing at it. Build the guard before
    `view.setModel(model)`: its slots must run before the view's own, while the removed
    row is still selected.
    """

    def __init__(self, view: QAbstractItemView, model: QAbstractItemModel) -> None:
        super().__init__(view)
        self._view = view
        self._lost = False
        model.rowsAboutToBeRemoved.connect(self._on_model_rows_about_to_be_removed)
        model.rowsRemoved.connect(self._on_model_rows_removed)

    @Slot(QModelIndex, int, int)
    def _on_model_rows_about_to_be_removed(self, parent: ModelIndex, first: int, last: int) -> None:
        selection = self._view.selectionModel()
        if selection is None or parent.isValid():
            return
        if any(first <= index.row() <= last for index in selection.selectedRows()):
            self._lost = True

    @Slot()
    def _on_model_rows_removed(self) -> None:
        if self._lost:
            self._lost = False
            self._view.selectionModel().clear()
