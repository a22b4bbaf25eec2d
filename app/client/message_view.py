"""What a person can do in a room's message list: select text, copy it, quote it, follow links."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPoint, QPointF, Qt, Signal, Slot
from PySide6.QtGui import QGuiApplication, QHelpEvent, QKeySequence, QMouseEvent
from PySide6.QtWidgets import QListView, QMenu, QStyleOptionViewItem, QToolTip

from app.client.chat_models import KIND_ROLE, SENDER_ROLE, TEXT_ROLE, EntryKind
from app.client.links import link_at, open_link
from app.client.message_delegate import MessageDelegate
from app.shared.labels import plain_tooltip


class MessageViewActions(QObject):
    """Mouse, keyboard and context menu for a list of messages drawn by `MessageDelegate`.

    Dragging over a message's text selects characters of it; clicking, Shift/Ctrl+click and
    Shift+arrows select whole messages (Tab reaches the list, arrows move through it).
    Ctrl+C (or Copy) puts the selected text on the clipboard; Copy link takes the link under
    the pointer; Quote puts the message into the input line as "> " lines. A click on an
    http(s) link opens it in the browser (its URL shows on hover); nothing else is opened.

    Signals:
        quote_requested(str): the text to put into the input line for a quote.
        link_opened(str): a link was handed to the browser.
    """

    quote_requested = Signal(str)
    link_opened = Signal(str)

    def __init__(self, view: QListView, delegate: MessageDelegate, parent: QObject) -> None:
        super().__init__(parent)
        self.view = view
        self.delegate = delegate
        self.menu: QMenu | None = None
        # The room's own entries (Delete, Report), added to the menu of a message.
        self.extend_menu: Callable[[QMenu, QModelIndex], None] | None = None
        self._anchor: tuple[int, int] | None = None  # (row, character) a press started at
        self._dragged = False
        self._viewport = view.viewport()  # kept: asking a view being deleted would crash
        self._viewport.installEventFilter(self)
        view.installEventFilter(self)
        view.customContextMenuRequested.connect(self._on_view_custom_context_menu_requested)

    # --- where things are ------------------------------------------------------------------

    def _option(self, index: QModelIndex) -> QStyleOptionViewItem:
        option = QStyleOptionViewItem()
        option.initFrom(self.view)
        option.font = self.view.font()
        option.rect = self.view.visualRect(index)
        return option

    def position_at(self, point: QPoint) -> tuple[QModelIndex, int]:
        """The entry at `point` (viewport coordinates) and the character of its text there."""
        index = self.view.indexAt(point)
        if not index.isValid():
            return index, -1
        return index, self.delegate.position_at(index, self._option(index), QPointF(point))

    def link_at(self, point: QPoint) -> str | None:
        index, position = self.position_at(point)
        if position < 0:
            return None
        return link_at(str(index.data(TEXT_ROLE) or ""), position)

    def selected_text(self) -> str:
        """The characters selected in a message, else the selected messages, one a line."""
        selection = self.delegate.selection
        if selection is not None and selection[1] != selection[2]:
            row, start, end = selection
            text = str(self.view.model().index(row, 0).data(TEXT_ROLE) or "")
            return text[min(start, end) : max(start, end)]
        rows = sorted(index.row() for index in self.view.selectionModel().selectedIndexes())
        if not rows and self.view.currentIndex().isValid():
            rows = [self.view.currentIndex().row()]
        model = self.view.model()
        return "\n".join(str(model.index(row, 0).data() or "") for row in rows)

    # --- what the person does ---------------------------------------------------------------

    def copy(self) -> None:
        text = self.selected_text()
        if text:
            QGuiApplication.clipboard().setText(text)

    def quote(self, index: QModelIndex) -> None:
        if not index.isValid() or index.data(KIND_ROLE) not in (EntryKind.MESSAGE, EntryKind.OWN):
            return
        sender = str(index.data(SENDER_ROLE) or "")
        lines = str(index.data(TEXT_ROLE) or "").split("\n")
        quoted = [f"> {sender}: {lines[0]}", *(f"> {line}" for line in lines[1:])]
        self.quote_requested.emit("\n".join(quoted) + "\n")

    def _set_selection(self, selection: tuple[int, int, int] | None) -> None:
        self.delegate.selection = selection
        self.view.viewport().update()

    @Slot(QPoint)
    def _on_view_custom_context_menu_requested(self, point: QPoint) -> None:
        index = self.view.indexAt(point)
        link = self.link_at(point)
        if self.menu is not None:
            self.menu.deleteLater()
        menu = QMenu(self.view)
        copy = menu.addAction(self.tr("&Copy"), self.copy)
        copy.setShortcut(QKeySequence(QKeySequence.StandardKey.Copy))
        copy.setEnabled(bool(self.selected_text()))
        copy_link = menu.addAction(
            self.tr("Copy &link"), lambda: QGuiApplication.clipboard().setText(link or "")
        )
        copy_link.setEnabled(link is not None)
        quote = menu.addAction(self.tr("&Quote"), lambda: self.quote(index))
        quote.setEnabled(index.data(KIND_ROLE) in (EntryKind.MESSAGE, EntryKind.OWN))
        if self.extend_menu is not None:
            self.extend_menu(menu, index)
        self.menu = menu
        menu.popup(self.view.viewport().mapToGlobal(point))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if watched is self.view and kind == QEvent.Type.KeyPress:
            if event.matches(QKeySequence.StandardKey.Copy):  # type: ignore[attr-defined]
                self.copy()
                return True
            return False
        if watched is not self._viewport:
            return False
        if kind == QEvent.Type.ToolTip:
            assert isinstance(event, QHelpEvent)
            link = self.link_at(event.pos())
            if link is None:
                return False  # the entry's own tooltip (its time)
            QToolTip.showText(event.globalPos(), plain_tooltip(link), self.view.viewport())
            return True
        if isinstance(event, QMouseEvent):
            return self._on_mouse(kind, event)
        return False

    def _on_mouse(self, kind: QEvent.Type, event: QMouseEvent) -> bool:
        point = event.position().toPoint()
        left = event.button() == Qt.MouseButton.LeftButton
        if kind == QEvent.Type.MouseButtonPress and left:
            index, position = self.position_at(point)
            self._set_selection(None)
            self._anchor = (index.row(), position) if position >= 0 else None
            self._dragged = False
            return False  # the view still makes it the current, selected message
        if kind == QEvent.Type.MouseMove:
            held = bool(event.buttons() & Qt.MouseButton.LeftButton)
            if held and self._anchor is not None:
                self._drag_to(point)
                return True
            cursor = Qt.CursorShape.PointingHandCursor if self.link_at(point) else None
            if cursor is None:
                self.view.viewport().unsetCursor()
            else:
                self.view.viewport().setCursor(cursor)
            return False
        if kind == QEvent.Type.MouseButtonRelease and left:
            anchor, self._anchor = self._anchor, None
            if anchor is not None and not self._dragged:
                link = self.link_at(point)
                if link is not None and open_link(link):
                    self.link_opened.emit(link)
            return False
        return False

    def _drag_to(self, point: QPoint) -> None:
        assert self._anchor is not None
        row, start = self._anchor
        anchor_rect = self.view.visualRect(self.view.model().index(row, 0))
        index, position = self.position_at(point)
        text = str(self.view.model().index(row, 0).data(TEXT_ROLE) or "")
        if index.row() != row or position < 0:  # past its text: to its start or end
            position = 0 if point.y() < anchor_rect.center().y() else len(text)
            if index.row() == row and point.x() > anchor_rect.left() + anchor_rect.width() / 2:
                position = len(text)
        self._dragged = self._dragged or position != start
        self._set_selection((row, start, position))
