"""The base of the controllers that own one part of the admin window."""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

if TYPE_CHECKING:
    from app.server.admin.window import AdminWindow


class WindowPart(QObject):
    """A child of an `AdminWindow` that reaches back to it weakly: a child holding its
    parent would keep the window's controller (and its slots) alive after its form has
    gone."""

    def __init__(self, window: AdminWindow) -> None:
        super().__init__(window)
        self._window = weakref.ref(window)

    @property
    def window(self) -> AdminWindow:
        window = self._window()
        assert window is not None  # this object is its child: it goes first
        return window
