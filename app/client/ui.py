"""Small things every window shares: icons from the `icons:` search path and message banners."""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import QDir, QModelIndex, QPersistentModelIndex, QSize
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QLabel, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from app.shared.paths import RESOURCES_DIR

ICONS_DIR = RESOURCES_DIR / "icons"


class BannerKind(StrEnum):
    """How a banner label looks: a problem, or plain information."""

    ERROR = "error"
    INFO = "info"


_BANNER_STYLES = {
    BannerKind.ERROR: (
        "QLabel { background: #fdecea; color: #7f1d12; border: 1px solid #f1b7ae;"
        " border-radius: 4px; padding: 6px 8px; }"
    ),
    BannerKind.INFO: (
        "QLabel { background: #e8f1fb; color: #153e6b; border: 1px solid #b9d2ee;"
        " border-radius: 4px; padding: 6px 8px; }"
    ),
}


def add_icon_search_path() -> None:
    """Make `icons:NAME.svg` resolve to `resources/icons/NAME.svg` (idempotent)."""
    if str(ICONS_DIR) not in QDir.searchPaths("icons"):
        QDir.addSearchPath("icons", str(ICONS_DIR))


def icon(name: str) -> QIcon:
    """The icon `resources/icons/<name>.svg`, through the `icons:` search path."""
    add_icon_search_path()
    return QIcon(f"icons:{name}.svg")


def show_banner(label: QLabel, text: str, kind: BannerKind = BannerKind.ERROR) -> None:
    """Show `text` in a word-wrapped banner label, styled as an error or information."""
    label.setStyleSheet(_BANNER_STYLES[kind])
    label.setProperty("kind", str(kind))
    label.setText(text)
    label.setVisible(True)
    fit_height(label.window())


def fit_height(window: QWidget) -> None:
    """Make `window` tall enough for what its layout now holds at its width. Qt sizes a
    window by its layout's minimum, which ignores height-for-width: a word-wrapped label
    that has just been given two lines would otherwise be squeezed into one."""
    layout = window.layout()
    if layout is None or not window.isWindow():
        return
    layout.activate()
    width = window.width()
    needed = layout.totalHeightForWidth(width) if layout.hasHeightForWidth() else -1
    if needed > window.height():
        window.resize(width, needed)


def hide_banner(label: QLabel) -> None:
    label.clear()
    label.setProperty("kind", "")
    label.setVisible(False)


class ViewWideDelegate(QStyledItemDelegate):
    """Items as wide as their list view, never wider: a long name is elided with "…" (its
    tooltip holds the whole) instead of giving the list a horizontal scroll bar."""

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        return QSize(0, super().sizeHint(option, index).height())
