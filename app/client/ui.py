"""Small things every window shares: icons from the `icons:` search path and message banners."""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import QDir
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QLabel

from app.shared.forms import RESOURCES_DIR

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


def hide_banner(label: QLabel) -> None:
    label.clear()
    label.setProperty("kind", "")
    label.setVisible(False)
