"""Paints a chat window's entries: messages with sender and time, notices, problems."""

from __future__ import annotations

from PySide6.QtCore import (
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

from app.client.chat_models import (
    KIND_ROLE,
    SEEN_ROLE,
    SENDER_ROLE,
    SPANS_ROLE,
    TEXT_ROLE,
    TIME_ROLE,
    EntryKind,
)
from app.client.links import find_links
from app.client.name_colors import NameColors

AnyIndex = QModelIndex | QPersistentModelIndex
PAD_X, PAD_Y, GAP = 10, 5, 2
# A message's text sits this far right of where names are drawn, beside a bar in the
# sender's colour, so no line of it (a newline followed by "bob: hi", say) can pass for
# another person's message.
BODY_INDENT, BAR_X, BAR_WIDTH = 14, 3, 3
OWN_BACKGROUND = QColor(47, 111, 179, 28)
OWN_ACCENT = QColor("#2f6fb3")
PROBLEM_BACKGROUND = QColor("#fdecea")
PROBLEM_TEXT = QColor("#7f1d12")
NOTICE_TEXT = QColor("#6b7480")
MENTION_BACKGROUND = QColor(240, 180, 40, 48)  # a message for the person
MENTION_TEXT = QColor(240, 170, 20, 110)  # the words that make it so
MARKER_COLOR = QColor("#d0453a")  # the "new messages" line
DAY_LINE = QColor(107, 116, 128, 90)  # the rule either side of a day line's date
# Centred one-line entries: notices, the "new messages" line, day lines, scroll-back's.
CENTRED = (
    EntryKind.NOTICE,
    EntryKind.MARKER,
    EntryKind.DAY,
    EntryKind.LOADING,
    EntryKind.BEGINNING,
)


def _layout(
    text: str, font: QFont, width: float, centered: bool = False
) -> tuple[QTextLayout, float]:
    """`text` wrapped to `width` (at word boundaries, or anywhere for long words), each "\n"
    starting a new line (QTextLayout breaks only at U+2028, which has the same length, so
    character positions stay those of `text`)."""
    layout = QTextLayout(text.replace("\n", "\u2028"), font)
    option = QTextOption()
    if centered:
        option.setAlignment(Qt.AlignmentFlag.AlignHCenter)
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    layout.setTextOption(option)
    layout.beginLayout()
    height = 0.0
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(max(width, 10.0))
        line.setPosition(QPointF(0, height))
        height += line.height()
    layout.endLayout()
    return layout, height


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


class MessageDelegate(QStyledItemDelegate):
    """Draws each entry of a `MessagesModel` in its own style, word-wrapped to the view.

    Messages show the sender (in a colour of their own) and the local time above the text,
    which is indented beside a bar in the sender's colour: every line of a multi-line message
    visibly belongs to it, and none starts at the left edge where names are drawn;
    the person's own messages have a tinted background and an accent bar; join and leave
    notices are centred and grey; problems are red on a pale red background. Names take
    their colours from the room's `NameColors`; web links in a message are underlined in
    the palette's link colour, and `selection` (row, start, end) is highlighted in its text.

    Signals: none beyond QStyledItemDelegate's.
    """

    def __init__(
        self,
        view: QAbstractItemView,
        parent: QObject | None = None,
        colors: NameColors | None = None,
    ) -> None:
        super().__init__(parent or view)
        self._view = view
        self.colors = colors or NameColors()
        self.selection: tuple[int, int, int] | None = None  # row, start, end in its text

    def sender_color(self, name: str) -> QColor:
        """The sender's colour in this room, for the view's light or dark background."""
        return self.colors.color(name, is_dark(self._view.palette()))

    def body_origin(self, index: AnyIndex, rect: QRectF, option: QStyleOptionViewItem) -> QPointF:
        """Where a message's text layout is drawn inside its item's `rect`."""
        _body, sender_font, _small, _notice = self._fonts(option)
        top = rect.top() + PAD_Y + QFontMetrics(sender_font).height() + GAP
        return QPointF(rect.left() + PAD_X + BODY_INDENT, top)

    def position_at(self, index: AnyIndex, option: QStyleOptionViewItem, point: QPointF) -> int:
        """The character of a message's text at `point` (view coordinates), or -1 when the
        point is not on its text (or the entry is not a message)."""
        if index.data(KIND_ROLE) not in (EntryKind.MESSAGE, EntryKind.OWN):
            return -1
        body = self._fonts(option)[0]
        text = str(index.data(TEXT_ROLE) or "")
        layout, height = _layout(text, body, self._width() - BODY_INDENT)
        origin = self.body_origin(index, QRectF(option.rect), option)
        local = point - origin
        if local.y() < 0 or local.y() > height:
            return -1
        for number in range(layout.lineCount()):
            line = layout.lineAt(number)
            if line.y() <= local.y() < line.y() + line.height():
                if local.x() < 0 or local.x() > line.naturalTextWidth():
                    return -1
                return int(line.xToCursor(local.x()))
        return -1

    def _formats(
        self, row: int, text: str, palette: QPalette, spans: tuple[tuple[int, int], ...] = ()
    ) -> list[QTextLayout.FormatRange]:
        ranges = []
        for start, length in spans:
            mention = QTextLayout.FormatRange()
            mention.start, mention.length = start, length
            mention_format = QTextCharFormat()
            mention_format.setBackground(MENTION_TEXT)
            mention_format.setFontWeight(QFont.Weight.Bold)
            mention.format = mention_format
            ranges.append(mention)
        for start, end, _url in find_links(text):
            link = QTextLayout.FormatRange()
            link.start, link.length = start, end - start
            link_format = QTextCharFormat()
            link_format.setFontUnderline(True)
            link_format.setForeground(palette.color(QPalette.ColorRole.Link))
            link.format = link_format
            ranges.append(link)
        if self.selection is not None and self.selection[0] == row:
            _row, start, end = self.selection
            chosen = QTextLayout.FormatRange()
            chosen.start, chosen.length = min(start, end), abs(end - start)
            chosen_format = QTextCharFormat()
            chosen_format.setBackground(palette.color(QPalette.ColorRole.Highlight))
            chosen_format.setForeground(palette.color(QPalette.ColorRole.HighlightedText))
            chosen.format = chosen_format
            ranges.append(chosen)
        return ranges

    def _width(self) -> float:
        return float(max(self._view.viewport().width() - 2 * PAD_X, 40))

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont, QFont, QFont]:
        body = QFont(option.font)
        sender = QFont(body)
        sender.setBold(True)
        small = QFont(body)
        small.setPointSizeF(max(body.pointSizeF() * 0.85, 6.0))
        notice = QFont(body)
        notice.setItalic(True)
        notice.setPointSizeF(max(body.pointSizeF() * 0.92, 6.0))
        return body, sender, small, notice

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        body, sender, _small, notice = self._fonts(option)
        kind = index.data(KIND_ROLE)
        text = str(index.data(TEXT_ROLE) or "")
        width = self._width()
        if kind in CENTRED:
            _, height = _layout(self._notice_text(index), notice, width, centered=True)
            return QSize(int(width), int(height) + 2 * PAD_Y)
        if kind == EntryKind.PROBLEM:
            _, height = _layout(text, body, width)
            return QSize(int(width), int(height) + 2 * PAD_Y + 2)
        _, height = _layout(text, body, width - BODY_INDENT)
        header = QFontMetrics(sender).height()
        return QSize(int(width), int(header + GAP + height) + 2 * PAD_Y)

    def _paint_day_rule(self, painter: QPainter, rect: QRectF, font: QFont, text: str) -> None:
        """A thin rule from each side of the view to the day's date, centred between."""
        width = self._width()
        gap = QFontMetrics(font).horizontalAdvance(text) / 2 + 10
        middle_x = rect.left() + PAD_X + width / 2
        middle_y = rect.top() + rect.height() / 2
        left = rect.left() + PAD_X
        painter.fillRect(QRectF(left, middle_y, max(middle_x - gap - left, 0), 1), DAY_LINE)
        right = middle_x + gap
        painter.fillRect(QRectF(right, middle_y, max(left + width - right, 0), 1), DAY_LINE)

    @staticmethod
    def _notice_text(index: AnyIndex) -> str:
        time = str(index.data(TIME_ROLE) or "")
        text = str(index.data(TEXT_ROLE) or "")
        return f"{text}  ·  {time}" if time else text

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        painter.save()
        try:
            self._paint(painter, option, index)
        finally:
            painter.restore()

    def _paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        body, sender_font, small, notice = self._fonts(option)
        rect = QRectF(option.rect)
        kind = index.data(KIND_ROLE)
        text = str(index.data(TEXT_ROLE) or "")
        width = self._width()
        palette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if selected:
            painter.fillRect(rect, palette.color(QPalette.ColorRole.Highlight).lighter(170))
        if kind == EntryKind.MARKER:
            middle = rect.top() + rect.height() / 2
            painter.fillRect(QRectF(rect.left() + PAD_X, middle, width, 1), MARKER_COLOR)
            notice.setBold(True)
        if kind == EntryKind.DAY:
            notice.setBold(True)
            self._paint_day_rule(painter, rect, notice, self._notice_text(index))
        if kind in CENTRED:
            layout, _ = _layout(self._notice_text(index), notice, width, centered=True)
            painter.setPen(MARKER_COLOR if kind == EntryKind.MARKER else NOTICE_TEXT)
            layout.draw(painter, QPointF(rect.left() + PAD_X, rect.top() + PAD_Y))
            return
        if kind == EntryKind.PROBLEM:
            painter.fillRect(rect.adjusted(2, 1, -2, -1), PROBLEM_BACKGROUND)
            layout, _ = _layout(text, body, width)
            painter.setPen(PROBLEM_TEXT)
            layout.draw(painter, QPointF(rect.left() + PAD_X, rect.top() + PAD_Y + 1))
            return
        if kind == EntryKind.OWN:
            painter.fillRect(rect.adjusted(2, 1, -2, -1), OWN_BACKGROUND)
            painter.fillRect(
                QRectF(rect.left() + 2, rect.top() + 1, 3, rect.height() - 2), OWN_ACCENT
            )
        spans = tuple(index.data(SPANS_ROLE) or ())
        if spans:
            painter.fillRect(rect.adjusted(2, 1, -2, -1), MENTION_BACKGROUND)
        sender = str(index.data(SENDER_ROLE) or "")
        top = rect.top() + PAD_Y
        metrics = QFontMetrics(sender_font)
        painter.setFont(sender_font)
        painter.setPen(OWN_ACCENT if kind == EntryKind.OWN else self.sender_color(sender))
        painter.drawText(QPointF(rect.left() + PAD_X, top + metrics.ascent()), sender)
        painter.setFont(small)
        painter.setPen(NOTICE_TEXT)
        time_x = rect.left() + PAD_X + metrics.horizontalAdvance(sender) + 8
        painter.drawText(QPointF(time_x, top + metrics.ascent()), str(index.data(TIME_ROLE) or ""))
        seen = index.data(SEEN_ROLE) or []
        if seen:  # who has read the person's own message: the count; the tooltip names them
            label = self.tr("seen by {count}").format(count=len(seen))
            right = rect.right() - PAD_X - QFontMetrics(small).horizontalAdvance(label)
            painter.drawText(QPointF(right, top + metrics.ascent()), label)
        layout, height = _layout(text, body, width - BODY_INDENT)
        body_top = top + metrics.height() + GAP
        bar = QColor(OWN_ACCENT if kind == EntryKind.OWN else self.sender_color(sender))
        bar.setAlpha(140)
        painter.fillRect(QRectF(rect.left() + PAD_X + BAR_X, body_top, BAR_WIDTH, height), bar)
        painter.setPen(palette.color(QPalette.ColorRole.Text))
        formats = self._formats(index.row(), text, palette, spans)
        layout.draw(painter, QPointF(rect.left() + PAD_X + BODY_INDENT, body_top), formats)
