"""Names on screen: a label that elides with "…" and tooltips that show text literally."""

from __future__ import annotations

import math
from html import escape

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QFontMetricsF, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

# Never narrower than this (it holds "…" and a letter or two); never wider because of text.
ELIDED_MIN_WIDTH = 40
# A run of characters longer than this gets break opportunities (zero-width spaces), so a
# long name in a word-wrapped sentence cannot set how narrow a window may get.
WRAP_RUN = 16
_BREAK = "\u200b"


def plain_tooltip(text: str) -> str:
    """`text` as a tooltip that shows it literally: Qt renders a tooltip as rich text when it
    merely looks like HTML (a room name can), so escape it inside an explicit paragraph."""
    return f"<p style='white-space:pre-wrap'>{escape(text, quote=False)}</p>"


def wrappable(text: str) -> str:
    """`text` with a zero-width space inside every run of more than `WRAP_RUN` characters
    without a space, so that a word-wrapped label may break a long name."""
    words = []
    for word in text.split(" "):
        runs = [word[i : i + WRAP_RUN] for i in range(0, len(word), WRAP_RUN)]
        words.append(_BREAK.join(runs))
    return " ".join(words)


class ElidedLabel(QLabel):
    """A one-line plain-text label for a name: as wide as its text when there is room, elided
    with "…" when there is not, the whole text then in its tooltip. Its minimum width does
    not depend on the text. Used in forms as a custom widget (see `app.shared.forms`)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setTextFormat(Qt.TextFormat.PlainText)
        policy = self.sizePolicy()
        policy.setHorizontalPolicy(QSizePolicy.Policy.Preferred)
        self.setSizePolicy(policy)

    def full_text(self) -> str:
        return self._full

    def setText(self, text: str) -> None:
        self._full = text
        self.updateGeometry()
        self._elide()

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        margins = self.contentsMargins()
        text = math.ceil(QFontMetricsF(self.font()).horizontalAdvance(self._full)) + 1
        width = text + margins.left() + margins.right()
        return QSize(max(width, ELIDED_MIN_WIDTH), hint.height())

    def minimumSizeHint(self) -> QSize:
        return QSize(ELIDED_MIN_WIDTH, super().minimumSizeHint().height())

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self.updateGeometry()  # a style sheet's font arrives after the text
            self._elide()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        width = self.contentsRect().width()
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, width)
        if shown != self.text():
            super().setText(shown)
        self.setToolTip(plain_tooltip(self._full) if shown != self._full else "")
