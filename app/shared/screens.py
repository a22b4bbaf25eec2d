"""Windows open at their form's size, or smaller when that does not fit the screen."""

from __future__ import annotations

from PySide6.QtCore import QPoint
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

# Before a window is first shown its frame is unknown: leave this much for borders and a
# title bar.
BORDER_ALLOWANCE, TITLE_BAR_ALLOWANCE = 8, 32


def fit_to_screen(window: QWidget) -> None:
    """Shrink `window` (never below its minimum) so that it, with its frame, fits the
    available area of its screen (the desktop less panels and taskbars, in the scaled
    pixels Qt uses at any `QT_SCALE_FACTOR`), and move it inside that area."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return
    area = screen.availableGeometry()
    frame, inner = window.frameGeometry(), window.geometry()
    extra_width = frame.width() - inner.width()
    extra_height = frame.height() - inner.height()
    if not window.isVisible():
        extra_width = max(extra_width, BORDER_ALLOWANCE)
        extra_height = max(extra_height, TITLE_BAR_ALLOWANCE)
    minimum = window.minimumSizeHint().expandedTo(window.minimumSize())
    width = max(minimum.width(), min(window.width(), area.width() - extra_width))
    height = max(minimum.height(), min(window.height(), area.height() - extra_height))
    if (width, height) != (window.width(), window.height()):
        window.resize(width, height)
    left = min(max(frame.left(), area.left()), area.right() + 1 - width - extra_width)
    top = min(max(frame.top(), area.top()), area.bottom() + 1 - height - extra_height)
    target = QPoint(max(left, area.left()), max(top, area.top()))
    if target != frame.topLeft():
        window.move(target)
