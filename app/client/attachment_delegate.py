"""Paints a message's attachment below its text: an image as its thumbnail (or a placeholder),
any other file as its name, size and a Save button or a progress bar."""

from __future__ import annotations

from typing import Protocol

import shiboken6
from PySide6.QtCore import (
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    QPointF,
    QRect,
    QRectF,
    QSize,
    Qt,
)
from PySide6.QtGui import QColor, QFontMetrics, QImage, QPainter, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QStyle,
    QStyleOptionButton,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
)

from app.client.chat_models import ATTACHMENT_ROLE, KIND_ROLE, SENDER_ROLE, TEXT_ROLE, EntryKind
from app.client.message_delegate import (
    BAR_WIDTH,
    BAR_X,
    BODY_INDENT,
    GAP,
    OWN_ACCENT,
    MessageDelegate,
    _layout,
)
from app.client.thumbnails import THUMBNAIL_SIZE, State
from app.shared.protocol import Attachment

AnyIndex = QModelIndex | QPersistentModelIndex
PLACEHOLDER_SIZE = QSize(160, 120)
FILE_BOX = QSize(320, 52)
BUTTON_WIDTH = 88
PLACEHOLDER_FILL = QColor(128, 128, 128, 40)
BOX_BORDER = QColor(128, 128, 128, 90)


class AttachmentStates(Protocol):
    """What the delegate asks about a room's attachments (`room_files.RoomFiles`)."""

    def thumbnail(
        self, attachment: Attachment, drawn: bool = False
    ) -> tuple[State | None, QImage | None]: ...

    def save_progress(self, attachment: Attachment) -> tuple[int, int] | None: ...

    def saved(self, attachment: Attachment) -> bool: ...


def is_image(attachment: Attachment) -> bool:
    return attachment.mime.lower().startswith("image/")


def size_text(size: int) -> str:
    """`1.2 MB` in the person's locale."""
    return QLocale().formattedDataSize(size, 1, QLocale.DataSizeFormat.DataSizeTraditionalFormat)


class AttachmentDelegate(MessageDelegate):
    """A `MessageDelegate` that also draws the attachment of a message (see the module).

    `files` says which thumbnails are decoded and which saves are under way; without it
    every image is a placeholder.

    Signals: none beyond QStyledItemDelegate's.
    """

    files: AttachmentStates | None = None

    def _attachment(self, index: AnyIndex) -> Attachment | None:
        if index.data(KIND_ROLE) not in (EntryKind.MESSAGE, EntryKind.OWN):
            return None
        attachment = index.data(ATTACHMENT_ROLE)
        return attachment if isinstance(attachment, Attachment) else None

    def _block_size(self, attachment: Attachment, option: QStyleOptionViewItem) -> QSize:
        room = int(self._width() - BODY_INDENT)  # a narrow view gets a smaller picture
        if not is_image(attachment):
            return QSize(min(FILE_BOX.width(), max(room, 160)), FILE_BOX.height())
        state, image = self.files.thumbnail(attachment) if self.files else (None, None)
        caption = QFontMetrics(self._fonts(option)[2]).height() + GAP
        if state == State.READY and image is not None:
            shown = QSize(image.size())
        elif state == State.PLACEHOLDER:
            shown = QSize(PLACEHOLDER_SIZE)
        elif attachment.width and attachment.height:  # the declared size, until decoded
            shown = QSize(attachment.width, attachment.height)
            if shown.width() > THUMBNAIL_SIZE.width() or shown.height() > THUMBNAIL_SIZE.height():
                shown = shown.scaled(THUMBNAIL_SIZE, Qt.AspectRatioMode.KeepAspectRatio)
            shown = shown.expandedTo(QSize(24, 24))
        else:
            shown = QSize(PLACEHOLDER_SIZE)
        if shown.width() > room > 0:
            shown = shown.scaled(QSize(room, shown.height()), Qt.AspectRatioMode.KeepAspectRatio)
        return QSize(shown.width(), shown.height() + caption)

    def _text_height(self, index: AnyIndex, option: QStyleOptionViewItem) -> float:
        """How much the base class gives the text (one line even for none)."""
        text = str(index.data(TEXT_ROLE) or "")
        return _layout(text, self._fonts(option)[0], self._width() - BODY_INDENT)[1]

    def attachment_rect(self, index: AnyIndex, option: QStyleOptionViewItem) -> QRectF | None:
        """Where the attachment of the entry at `index` is drawn (view coordinates)."""
        attachment = self._attachment(index)
        if attachment is None:
            return None
        rect = QRectF(option.rect)
        origin = self.body_origin(index, rect, option)
        top = origin.y()
        if str(index.data(TEXT_ROLE) or ""):
            top += self._text_height(index, option) + GAP
        size = self._block_size(attachment, option)
        width = min(float(size.width()), self._width() - BODY_INDENT)
        return QRectF(origin.x(), top, width, size.height())

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        if not shiboken6.isValid(self._view):  # asked while its view is being deleted
            return QSize()
        hint = super().sizeHint(option, index)
        attachment = self._attachment(index)
        if attachment is None:
            return hint
        extra = self._block_size(attachment, option).height() + GAP
        if not str(index.data(TEXT_ROLE) or ""):
            extra -= int(self._text_height(index, option))
        return QSize(hint.width(), hint.height() + extra)

    def _paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        super()._paint(painter, option, index)
        attachment = self._attachment(index)
        rect = self.attachment_rect(index, option)
        if attachment is None or rect is None:
            return
        own = index.data(KIND_ROLE) == EntryKind.OWN
        bar = QColor(OWN_ACCENT if own else self.sender_color(str(index.data(SENDER_ROLE) or "")))
        bar.setAlpha(140)  # the sender's bar goes on beside the attachment
        bar_top = rect.top() - GAP if str(index.data(TEXT_ROLE) or "") else rect.top()
        bar_left = rect.left() - BODY_INDENT + BAR_X
        painter.fillRect(QRectF(bar_left, bar_top, BAR_WIDTH, rect.bottom() - bar_top), bar)
        if is_image(attachment):
            self._paint_image(painter, option, attachment, rect)
        else:
            self._paint_file(painter, option, attachment, rect)

    def _paint_image(
        self, painter: QPainter, option: QStyleOptionViewItem, attachment: Attachment, rect: QRectF
    ) -> None:
        small = self._fonts(option)[2]
        caption_height = QFontMetrics(small).height()
        picture = QRectF(
            rect.left(), rect.top(), rect.width(), rect.height() - caption_height - GAP
        )
        state, image = self.files.thumbnail(attachment, True) if self.files else (None, None)
        if state == State.READY and image is not None:
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawImage(picture, image)  # scaled down if the view is narrow
        else:
            painter.fillRect(picture, PLACEHOLDER_FILL)
            painter.setPen(BOX_BORDER)
            painter.drawRect(picture.adjusted(0, 0, -1, -1))
            painter.setPen(option.palette.color(QPalette.ColorRole.PlaceholderText))
            painter.setFont(small)
            text = (
                self.tr("Loading…")
                if state in (None, State.DECODING)
                else self.tr("The image cannot be shown")
            )
            flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
            painter.drawText(picture.adjusted(4, 4, -4, -4), int(flags), text)
        painter.setFont(small)
        painter.setPen(option.palette.color(QPalette.ColorRole.PlaceholderText))
        caption = f"{attachment.name} · {size_text(attachment.size)}"
        caption = QFontMetrics(small).elidedText(
            caption, Qt.TextElideMode.ElideMiddle, int(rect.width())
        )
        painter.drawText(
            QPointF(rect.left(), rect.bottom() - QFontMetrics(small).descent()), caption
        )

    def _paint_file(
        self, painter: QPainter, option: QStyleOptionViewItem, attachment: Attachment, rect: QRectF
    ) -> None:
        _body, sender_font, small, _notice = self._fonts(option)
        painter.setPen(BOX_BORDER)
        painter.drawRect(rect.adjusted(0, 0, -1, -1))
        inner = rect.adjusted(8, 6, -8, -6)
        text_width = int(inner.width() - BUTTON_WIDTH - 8)
        painter.setFont(sender_font)
        painter.setPen(option.palette.color(QPalette.ColorRole.Text))
        metrics = QFontMetrics(sender_font)
        name = metrics.elidedText(attachment.name, Qt.TextElideMode.ElideMiddle, text_width)
        painter.drawText(QPointF(inner.left(), inner.top() + metrics.ascent()), name)
        progress = self.files.save_progress(attachment) if self.files else None
        saved = self.files.saved(attachment) if self.files else False
        detail = size_text(attachment.size)
        if saved:
            detail = self.tr("{size} · saved to Downloads").format(size=detail)
        painter.setFont(small)
        painter.setPen(option.palette.color(QPalette.ColorRole.PlaceholderText))
        painter.drawText(
            QPointF(inner.left(), inner.bottom() - QFontMetrics(small).descent()), detail
        )
        control = QRect(
            int(inner.right() - BUTTON_WIDTH), int(inner.top() + (inner.height() - 28) / 2),
            BUTTON_WIDTH, 28,
        )  # fmt: skip
        style = option.widget.style() if option.widget is not None else QApplication.style()
        if progress is not None:
            bar = QStyleOptionProgressBar()
            bar.rect, bar.minimum, bar.maximum = control, 0, max(progress[1], 1)
            bar.progress, bar.textVisible = progress[0], True
            bar.text = f"{int(100 * progress[0] / max(progress[1], 1))}%"
            bar.palette, bar.state = option.palette, QStyle.StateFlag.State_Enabled
            style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter, option.widget)
            return
        button = QStyleOptionButton()
        button.rect, button.palette = control, option.palette
        button.text = self.tr("Save")
        button.state = QStyle.StateFlag.State_Enabled | QStyle.StateFlag.State_Raised
        style.drawControl(QStyle.ControlElement.CE_PushButton, button, painter, option.widget)
