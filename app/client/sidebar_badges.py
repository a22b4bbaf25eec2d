"""Unread counts and mention marks on the sidebar's room entries, and the delegate that draws
them."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QStandardItemModel
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

AnyIndex = QModelIndex | QPersistentModelIndex
UNREAD_ROLE = Qt.ItemDataRole.UserRole + 10  # int: messages not yet seen
MENTION_ROLE = Qt.ItemDataRole.UserRole + 11  # bool: one of them is for the person
BADGE = QColor("#6b7480")
MENTION_BADGE = QColor("#d0453a")


def set_badge(model: QStandardItemModel, index: QModelIndex, unread: int, mention: bool) -> None:
    """Show `unread` (and the mention mark) on the entry at `index`."""
    item = model.itemFromIndex(index) if index.isValid() else None
    if item is not None:
        item.setData(unread, UNREAD_ROLE)
        item.setData(mention, MENTION_ROLE)


def badge_text(unread: int, mention: bool) -> str:
    """ "3", "@ 3", "@" (a mention, no count) or "" (nothing new)."""
    count = "" if unread <= 0 else ("99+" if unread > 99 else str(unread))
    return f"@ {count}".strip() if mention else count


class BadgeDelegate(QStyledItemDelegate):
    """Draws an entry as usual, with its unread count in a pill at the right (red when a
    message mentions the person)."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        text = badge_text(int(index.data(UNREAD_ROLE) or 0), bool(index.data(MENTION_ROLE)))
        if not text:
            super().paint(painter, option, index)
            return
        font = QFont(option.font)
        font.setBold(True)
        metrics = QFontMetrics(font)
        width = metrics.horizontalAdvance(text) + 10
        rect = QRect(option.rect)
        pill = QRect(rect.right() - width - 4, rect.top() + 2, width, rect.height() - 4)
        narrowed = QStyleOptionViewItem(option)
        narrowed.rect = rect.adjusted(0, 0, -(width + 8), 0)
        super().paint(painter, narrowed, index)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(MENTION_BADGE if index.data(MENTION_ROLE) else BADGE)
        painter.drawRoundedRect(pill, pill.height() / 2, pill.height() / 2)
        painter.setPen(QColor("white"))
        painter.setFont(font)
        painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()
