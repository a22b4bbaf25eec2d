"""Ctrl+Shift+F: search every room the person may read with the main port's `search`,
and open a result in its room, scrolled to the message."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer, Slot
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QListView, QPushButton, QWidget

from app.client import texts
from app.client.current_session import CurrentSession
from app.client.find_bar import QUERY_MAX
from app.client.message_jump import MessageJump
from app.client.search_results import HIT_ROLE, SearchHitDelegate, SearchResultsModel, utf16_span
from app.shared.forms import child, load_form
from app.shared.protocol import ErrorReply, Search, SearchHit, SearchResults

REQUIRED = ("queryEdit", "statusLabel", "resultsView", "moreButton", "closeButton")
ACTION = "actionSearchAll"  # in forms/main_window.ui, Go menu, Ctrl+Shift+F
TYPING_PAUSE_MS = 300  # a search once the person stops typing, not one per key


class SearchDialog(QObject):
    """Controller of `forms/search_dialog.ui`, opened by the main window's Search all rooms
    (Ctrl+Shift+F).

    Typing searches (after a short pause) every room the person may read; results come
    newest first, the matches emphasised, and More results fetches the next page. Up and
    Down move through them from the query line; Enter (or a double-click) opens the current
    result in its room, scrolled to the message and highlighted (`MessageJump`); Enter
    before the results for what was typed have come opens the first of them when they do.
    Esc closes.

    Signals: none.
    """

    def __init__(
        self, parent: QWidget, current: CurrentSession, jump: MessageJump, action: QAction
    ) -> None:
        super().__init__(parent)
        self.current = current
        self.jump = jump
        self.form: QDialog = load_form("search_dialog", parent, REQUIRED)  # type: ignore[assignment]
        self.form.setWindowFlag(Qt.WindowType.Dialog)
        self.query_edit = child(self.form, QLineEdit, "queryEdit")
        self.status = child(self.form, QLabel, "statusLabel")
        self.view = child(self.form, QListView, "resultsView")
        self.more_button = child(self.form, QPushButton, "moreButton")
        self.results = SearchResultsModel(self)
        self.view.setModel(self.results)
        self.view.setItemDelegate(SearchHitDelegate(self.view))
        self.shown_query: str | None = None  # the query whose results are listed
        self.cursor: str | None = None
        self._asking: str | None = None  # the query asked and not yet answered
        self._open_first = False
        self._pause = QTimer(self)
        self._pause.setSingleShot(True)
        self._pause.setInterval(TYPING_PAUSE_MS)
        self._pause.timeout.connect(self.search)
        self.query_edit.textChanged.connect(self._on_query_edit_text_changed)
        self.query_edit.installEventFilter(self)
        self.view.activated.connect(self._open)
        self.more_button.clicked.connect(self.more)
        child(self.form, QPushButton, "closeButton").clicked.connect(self.form.reject)
        jump.failed.connect(self._on_jump_failed)
        action.triggered.connect(self.open)
        self.more_button.hide()

    @Slot()
    def open(self) -> None:
        self.form.open()
        self.form.activateWindow()
        self.query_edit.setFocus()
        self.query_edit.selectAll()

    def _query(self) -> str:
        return self.query_edit.text().strip()[:QUERY_MAX]

    @Slot()
    def search(self, cursor: str | None = None) -> None:
        """Ask for the results of what is typed (the page after `cursor`, if given)."""
        self._pause.stop()
        query = self._query()
        session = self.current.session
        if not query or session is None or not session.logged_in:
            return
        self._asking = query
        if cursor is None:
            self.status.setText(self.tr("Searching…"))
        session.request(
            Search(query, None, cursor=cursor),
            SearchResults,
            lambda results: self._on_results(query, cursor, results),
            lambda error: self._on_error(query, error),
        )

    @Slot()
    def more(self) -> None:
        if self.cursor is not None and self.shown_query == self._query():
            self.search(self.cursor)

    def _on_results(self, query: str, cursor: str | None, results: SearchResults) -> None:
        if query != self._query():
            return  # typed on since: that search is asked for (or will be)
        self._asking = None
        if cursor is None:
            self.results.clear()
        self.results.add(results.results)
        self.shown_query, self.cursor = query, results.cursor
        self.more_button.setVisible(results.cursor is not None)
        count = self.results.rowCount()
        if count == 0:
            self.status.setText(self.tr("No message holds “{query}”.").format(query=query))
        else:
            self.status.setText(self.tr("{count} found").format(count=count))
        if cursor is None and count:
            self.view.setCurrentIndex(self.results.index(0, 0))
        if self._open_first:
            self._open_first = False
            self._open(self.view.currentIndex())

    def _on_error(self, query: str, error: ErrorReply) -> None:
        if query != self._query():
            return
        self._asking = None
        self._open_first = False
        wait = texts.retry_after(error)
        if wait is not None:  # searching too often: try once the budget allows
            QTimer.singleShot(int(wait * 1000) + 50, self.search)
        self.status.setText(texts.request_error(error))

    @Slot(str)
    def _on_query_edit_text_changed(self, _text: str) -> None:
        self._open_first = False
        if self._query():
            self._pause.start()
        else:
            self._pause.stop()
            self.results.clear()
            self.status.clear()
            self.more_button.hide()
            self.shown_query = None

    @Slot(QModelIndex)
    def _open(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        hit: SearchHit = index.data(HIT_ROLE)
        span = utf16_span(hit.text, *hit.highlights[0]) if hit.highlights else None
        self.form.accept()
        self.jump.open(hit.room_id, hit.seq, span)

    @Slot(str)
    def _on_jump_failed(self, text: str) -> None:
        self.open()
        self.status.setText(text)

    def _enter(self) -> None:
        if self.shown_query == self._query() and self._asking is None:
            self._open(self.view.currentIndex())
        elif self._query():
            self._open_first = True
            if self._asking != self._query():
                self.search()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.query_edit and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = Qt.Key(event.key())
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._enter()
                return True
            step = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1}.get(key)
            if step is not None and self.results.rowCount():
                row = (self.view.currentIndex().row() + step) % self.results.rowCount()
                self.view.setCurrentIndex(self.results.index(row, 0))
                return True
        return False
