"""The hits of a `search`, as a list model, and how each is drawn: room, sender and time
above the text, the words that matched emphasised, everything as plain text."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPointF,
    QRectF,
    QSize,
    Qt,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPalette,
    QTextCharFormat,
    QTextLayout,
    QTextOption,
)
from PySide6.QtWidgets import QAbstractItemView, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from app.client.chat_models import local_time, short_time
from app.shared.labels import plain_tooltip
from app.shared.protocol import SearchHit

AnyIndex = QModelIndex | QPersistentModelIndex
HIT_ROLE = Qt.ItemDataRole.UserRole + 1  # the SearchHit
SNIPPET_ROLE = Qt.ItemDataRole.UserRole + 2  # the part of its text shown
EMPHASIS_ROLE = Qt.ItemDataRole.UserRole + 3  # (start, length) in the snippet, UTF-16 units
HEADER_ROLE = Qt.ItemDataRole.UserRole + 4  # "room · sender · time"
BEFORE, SNIPPET = 60, 240  # characters kept before the first match, and shown in all
MATCH_BACKGROUND = QColor("#ffd978")  # opaque: as clear on a selected row as on others
PAD_X, PAD_Y, GAP, MAX_LINES = 8, 5, 2, 3


def utf16(text: str, position: int) -> int:
    """A code-point offset into `text` as the UTF-16 offset Qt counts in."""
    return len(text[:position].encode("utf-16-le")) // 2


def utf16_span(text: str, start: int, end: int) -> tuple[int, int]:
    return utf16(text, start), utf16(text, end)


def snippet(hit: SearchHit) -> tuple[str, tuple[tuple[int, int], ...]]:
    """The part of the hit's text around its first match (one line, "…" where cut) and the
    matches inside it as (start, length) in UTF-16 units."""
    text = hit.text
    first = hit.highlights[0][0] if hit.highlights else 0
    start = max(0, min(first - BEFORE, len(text) - SNIPPET))
    end = min(len(text), start + SNIPPET)
    prefix = "…" if start > 0 else ""
    shown = prefix + text[start:end].replace("\n", " ") + ("…" if end < len(text) else "")
    spans = []
    for low, high in hit.highlights:
        low, high = max(low, start), min(high, end)
        if low < high:
            at = len(prefix) + low - start
            begin, finish = utf16_span(shown, at, at + high - low)
            spans.append((begin, finish - begin))
    return shown, tuple(spans)


class SearchResultsModel(QAbstractListModel):
    """The hits shown, newest first; `add` appends a further page.

    Signals: none beyond QAbstractListModel's.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._hits: list[SearchHit] = []

    def clear(self) -> None:
        self.beginResetModel()
        self._hits = []
        self.endResetModel()

    def add(self, hits: tuple[SearchHit, ...]) -> None:
        if hits:
            row = len(self._hits)
            self.beginInsertRows(QModelIndex(), row, row + len(hits) - 1)
            self._hits.extend(hits)
            self.endInsertRows()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 (Qt's API)
        return 0 if parent.isValid() else len(self._hits)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._hits):
            return None
        hit = self._hits[index.row()]
        if role == HIT_ROLE:
            return hit
        if role == HEADER_ROLE:
            when = short_time(local_time(hit.ts))
            return " · ".join(part for part in (hit.room_name, hit.sender, when) if part)
        if role in (SNIPPET_ROLE, EMPHASIS_ROLE):
            shown, spans = snippet(hit)
            return shown if role == SNIPPET_ROLE else spans
        if role == Qt.ItemDataRole.DisplayRole:  # for screen readers and keyboard search
            return f"{hit.room_name} · {hit.sender}: {hit.text}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(hit.text)
        return None


def _lines(
    text: str, font: QFont, width: float, formats: list[QTextLayout.FormatRange] | None = None
) -> tuple[QTextLayout, float]:
    """`text` laid out plainly (QTextLayout reads no markup), wrapped, at most MAX_LINES;
    `formats` (bold, a background) are part of the layout, so bold text is measured."""
    layout = QTextLayout(text, font)
    layout.setFormats(formats or [])
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    layout.setTextOption(option)
    layout.beginLayout()
    height = 0.0
    for _ in range(MAX_LINES):
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(max(width, 10.0))
        line.setPosition(QPointF(0, height))
        height += line.height()
    layout.endLayout()
    return layout, height


class SearchHitDelegate(QStyledItemDelegate):
    """Draws a hit: a header line (room in bold, sender, time) and the snippet of its text
    with the matched characters on a highlight, all through QTextLayout as plain text.

    Signals: none beyond QStyledItemDelegate's.
    """

    def __init__(self, view: QAbstractItemView) -> None:
        super().__init__(view)
        self._view = view

    def _width(self) -> float:
        return float(max(self._view.viewport().width(), 200) - 2 * PAD_X)

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont]:
        body = QFont(option.font)
        header = QFont(body)
        header.setPointSizeF(max(body.pointSizeF() * 0.9, 6.0))
        return body, header

    @staticmethod
    def _emphasis(index: AnyIndex) -> list[QTextLayout.FormatRange]:
        ranges = []
        for start, length in index.data(EMPHASIS_ROLE) or ():
            match = QTextLayout.FormatRange()
            match.start, match.length = start, length
            match_format = QTextCharFormat()
            match_format.setBackground(MATCH_BACKGROUND)
            match_format.setFontWeight(QFont.Weight.Bold)
            match.format = match_format
            ranges.append(match)
        return ranges

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        body, header = self._fonts(option)
        width = self._width()
        _, height = _lines(str(index.data(SNIPPET_ROLE) or ""), body, width, self._emphasis(index))
        total = QFontMetrics(header).height() + GAP + height + 2 * PAD_Y
        return QSize(int(width), int(total))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        painter.save()
        try:
            self._paint(painter, option, index)
        finally:
            painter.restore()

    def _paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        body, header_font = self._fonts(option)
        rect = QRectF(option.rect)
        palette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if selected:
            painter.fillRect(rect, palette.color(QPalette.ColorRole.Highlight).lighter(160))
        width = self._width()
        bold = QTextLayout.FormatRange()
        room = str(index.data(HIT_ROLE).room_name)
        bold.start, bold.length = 0, len(room.encode("utf-16-le")) // 2
        bold_format = QTextCharFormat()
        bold_format.setFontWeight(QFont.Weight.Bold)
        bold.format = bold_format
        header, _ = _lines(str(index.data(HEADER_ROLE) or ""), header_font, width, [bold])
        painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
        header.draw(painter, QPointF(rect.left() + PAD_X, rect.top() + PAD_Y))
        ranges = self._emphasis(index)
        layout, _ = _lines(str(index.data(SNIPPET_ROLE) or ""), body, width, ranges)
        top = rect.top() + PAD_Y + QFontMetrics(header_font).height() + GAP
        painter.setPen(palette.color(QPalette.ColorRole.Text))
        layout.draw(painter, QPointF(rect.left() + PAD_X, top))
