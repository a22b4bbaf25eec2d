"""Ctrl+F in a room: find text among the messages its list holds, and further back with the
server's `search` for that room (loading history back to what it found)."""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt, Slot
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLineEdit,
    QListView,
    QPushButton,
    QToolButton,
    QWidget,
)

from app.client import texts
from app.client.chat_models import EntryKind, MessagesModel
from app.client.current_session import CurrentSession
from app.client.message_delegate import MessageDelegate
from app.client.scroll_back import ScrollBack
from app.client.search_results import utf16_span
from app.shared.forms import child
from app.shared.labels import ElidedLabel
from app.shared.protocol import ErrorReply, Search, SearchResults

REQUIRED = (
    "findBar",
    "findEdit",
    "findStatusLabel",
    "findOlderButton",
    "findNewerButton",
    "findServerButton",
    "findCloseButton",
)
QUERY_MAX = 200  # what the server's `search` takes
Match = tuple[int, int, int]  # seq, start, end in the message's text (UTF-16 units)


def show_found(
    view: QListView, delegate: MessageDelegate, row: int, span: tuple[int, int] | None = None
) -> None:
    """Scroll to the entry at `row`, make it the current, selected one, and highlight the
    characters `span` (start, end) of its text."""
    index = view.model().index(row, 0)
    view.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
    view.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
    delegate.selection = (row, *span) if span is not None else None
    view.viewport().update()


class FindBar(QObject):
    """Controller of the chat form's find bar (`findBar`), hidden until Ctrl+F.

    Typing finds the text (any case) in the messages held, newest first; Enter (or Older)
    goes to the match before, Shift+Enter (or Newer) to the one after, Esc closes. When no
    match is held (or the oldest one is shown), "Search older messages" asks the server's
    `search` for this room and pages the history back to the newest older match.

    Signals: none.
    """

    def __init__(
        self,
        form: QWidget,
        view: QListView,
        model: MessagesModel,
        delegate: MessageDelegate,
        scroll_back: ScrollBack,
        current: CurrentSession,
        room_id: int,
    ) -> None:
        super().__init__(form)
        self.view, self.model, self.delegate = view, model, delegate
        self.scroll_back, self.current, self.room_id = scroll_back, current, room_id
        self.bar = child(form, QWidget, "findBar")
        self.edit = child(form, QLineEdit, "findEdit")
        self.status = child(form, ElidedLabel, "findStatusLabel")
        self.older_button = child(form, QToolButton, "findOlderButton")
        self.newer_button = child(form, QToolButton, "findNewerButton")
        self.server_button = child(form, QPushButton, "findServerButton")
        self.matches: list[Match] = []
        self.current_match = -1
        self._searching = ""  # the query the server is searching for, if any
        self.bar.hide()
        self.shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Find), form)
        self.shortcut.activated.connect(self.open)
        self.edit.textChanged.connect(self._on_edit_text_changed)
        self.edit.installEventFilter(self)
        self.older_button.clicked.connect(lambda: self.step(-1))
        self.newer_button.clicked.connect(lambda: self.step(1))
        self.server_button.clicked.connect(self.search_server)
        child(form, QPushButton, "findCloseButton").clicked.connect(self.close)
        scroll_back.revealed.connect(self._on_scroll_back_revealed)
        scroll_back.not_revealed.connect(self._on_scroll_back_not_revealed)
        model.rowsInserted.connect(self._on_model_changed)
        model.rowsRemoved.connect(self._on_model_changed)

    @Slot()
    def open(self) -> None:
        self.bar.show()
        self.edit.setFocus()
        self.edit.selectAll()
        self._find(keep=True)

    @Slot()
    def close(self) -> None:
        self.bar.hide()
        self._searching = ""
        self.delegate.selection = None
        self.view.viewport().update()
        self.view.setFocus()

    def _query(self) -> str:
        return self.edit.text().strip()

    def _find(self, keep: bool, scroll: bool = True) -> None:
        """Find the query in the messages held; `keep` stays on the match shown if it is
        still one, else goes to the newest."""
        shown = self.matches[self.current_match][0] if self._has_match() else None
        query = self._query()
        self.matches = []
        if query:
            pattern = re.compile(re.escape(query), re.IGNORECASE)
            for row in range(self.model.rowCount()):
                entry = self.model.entry(row)
                if entry.kind in (EntryKind.MESSAGE, EntryKind.OWN) and entry.seq is not None:
                    found = pattern.search(entry.text)
                    if found is not None:  # where the view draws it: in UTF-16 units
                        start, end = utf16_span(entry.text, found.start(), found.end())
                        self.matches.append((entry.seq, start, end))
        seqs = [match[0] for match in self.matches]
        if keep and shown in seqs:
            self.current_match = seqs.index(shown)
        else:
            self.current_match = len(self.matches) - 1
        self._show(scroll)

    def _has_match(self) -> bool:
        return 0 <= self.current_match < len(self.matches)

    def step(self, offset: int) -> None:
        """To the older (-1) or newer (1) match; past the oldest (or with none held), the
        server is asked."""
        if not self.matches:
            if offset < 0 and not self.scroll_back.at_beginning:
                self.search_server()
            return
        wanted = self.current_match + offset
        if wanted < 0:
            if not self.scroll_back.at_beginning:
                self.search_server()
                return
            wanted = len(self.matches) - 1  # round to the newest
        self.current_match = wanted % len(self.matches)
        self._show()

    def _show(self, scroll: bool = True) -> None:
        """Say which match is shown; with `scroll`, go to it (else only follow its row)."""
        query = self._query()
        older = bool(query) and not self.scroll_back.at_beginning and self.current_match <= 0
        self.server_button.setVisible(older and not self._searching)
        self.older_button.setEnabled(bool(self.matches))
        self.newer_button.setEnabled(bool(self.matches))
        if not query:
            self.status.setText("")
            self.delegate.selection = None
            self.view.viewport().update()
            return
        if not self._has_match():
            self.status.setText(self.tr("Not in the messages shown"))
            self.delegate.selection = None
            self.view.viewport().update()
            return
        seq, start, end = self.matches[self.current_match]
        self.status.setText(
            self.tr("{number} of {count}").format(
                number=len(self.matches) - self.current_match, count=len(self.matches)
            )
        )
        row = self.model.row_of_seq(seq)
        if row is not None and scroll:
            show_found(self.view, self.delegate, row, (start, end))
        elif row is not None and self.delegate.selection is not None:
            self.delegate.selection = (row, start, end)  # rows came or went above it

    @Slot()
    def search_server(self) -> None:
        """Ask the server for this room's messages holding the query, older than the
        oldest held, and load the history back to the newest of them."""
        query = self._query()
        session = self.current.session
        if not query or session is None or self._searching:
            return
        self._searching = query[:QUERY_MAX]
        self.status.setText(self.tr("Searching older messages…"))
        self.server_button.hide()
        self._ask(None)

    def _ask(self, cursor: str | None) -> bool:
        session = self.current.session
        if session is None:
            return False
        search = Search(self._searching, self.room_id, cursor=cursor)
        session.request(search, SearchResults, self._on_found, self._on_failed)
        return True

    def _on_found(self, results: SearchResults) -> None:
        if not self._searching:
            return
        oldest = self.scroll_back.oldest()
        older = [hit.seq for hit in results.results if oldest is None or hit.seq < oldest]
        if older:
            self.scroll_back.reveal(max(older))
            return
        if results.cursor is not None and self._ask(results.cursor):
            return  # every hit of this page is held already: the next page is older
        self._searching = ""
        self._show()
        self.status.setText(self.tr("No older messages match"))

    def _on_failed(self, error: ErrorReply) -> None:
        self._searching = ""
        self._show()
        self.status.setText(texts.request_error(error))

    @Slot(int)
    def _on_scroll_back_revealed(self, seq: int) -> None:
        if not self._searching:
            return
        self._searching = ""
        self._find(keep=False)
        seqs = [match[0] for match in self.matches]
        if seq in seqs:
            self.current_match = seqs.index(seq)
            self._show()

    @Slot(int)
    def _on_scroll_back_not_revealed(self, _seq: int) -> None:
        if self._searching:
            self._searching = ""
            self._show()
            self.status.setText(self.tr("No older messages match"))

    @Slot()
    def _on_model_changed(self) -> None:
        if self.bar.isVisible() and self._query() and not self._searching:
            self._find(keep=True, scroll=False)

    @Slot(str)
    def _on_edit_text_changed(self, _text: str) -> None:
        self._find(keep=False)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.edit and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = Qt.Key(event.key())
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
                self.step(1 if shift else -1)
                return True
            if key == Qt.Key.Key_Escape:
                self.close()
                return True
        return False
