"""A chat window's two lists: the members of the room and the messages shown."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QDateTime,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QFont

from app.client.ui import icon
from app.shared.labels import plain_tooltip
from app.shared.protocol import Attachment
from app.shared.validation import name_key

AnyIndex = QModelIndex | QPersistentModelIndex
KIND_ROLE = Qt.ItemDataRole.UserRole + 1  # EntryKind value
SENDER_ROLE = Qt.ItemDataRole.UserRole + 2
TIME_ROLE = Qt.ItemDataRole.UserRole + 3  # short local time, for display
TEXT_ROLE = Qt.ItemDataRole.UserRole + 4
SPANS_ROLE = Qt.ItemDataRole.UserRole + 5  # where the text mentions the person: (start, length)
SEEN_ROLE = Qt.ItemDataRole.UserRole + 6  # who else has read the person's own message
ATTACHMENT_ROLE = Qt.ItemDataRole.UserRole + 7  # the file a message carries (an Attachment)
MAX_ENTRIES = 2_000
_LABEL_ROLES = (Qt.ItemDataRole.DisplayRole, TEXT_ROLE)


class MembersModel(QAbstractListModel):
    """The names in a room, sorted without case; the person's own name is marked.

    Signals: none beyond QAbstractListModel's.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._names: list[str] = []
        self.me = ""

    @property
    def names(self) -> list[str]:
        return list(self._names)

    def set_members(self, names: list[str]) -> None:
        """Remove the names that left and insert the ones that came, row by row."""
        wanted = sorted(set(names), key=name_key)
        for row in range(len(self._names) - 1, -1, -1):
            if self._names[row] not in wanted:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._names[row]
                self.endRemoveRows()
        for row, name in enumerate(wanted):
            if row < len(self._names) and self._names[row] == name:
                continue
            self.beginInsertRows(QModelIndex(), row, row)
            self._names.insert(row, name)
            self.endInsertRows()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 (Qt's API)
        return 0 if parent.isValid() else len(self._names)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._names):
            return None
        name = self._names[index.row()]
        mine = bool(self.me) and name_key(name) == name_key(self.me)
        if role == Qt.ItemDataRole.DisplayRole:
            return self.tr("{name} (you)").format(name=name) if mine else name
        if role == Qt.ItemDataRole.DecorationRole:
            return icon("person-me" if mine else "person")
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(name)  # the whole name, when the list has to elide it
        if role == Qt.ItemDataRole.FontRole and mine:
            font = QFont()
            font.setBold(True)
            return font
        if role == SENDER_ROLE:
            return name
        return None


class EntryKind(StrEnum):
    """How an entry in the message list is styled."""

    MESSAGE = "message"  # someone else's message
    OWN = "own"  # the person's own message
    NOTICE = "notice"  # someone joined or left
    PROBLEM = "problem"  # the connection dropped, a message was refused, …
    MARKER = "marker"  # the "new messages" line: where the person left off
    DAY = "day"  # a day separator: the local date of the entries below it (see day_separators)
    LOADING = "loading"  # "Loading older messages…" while scroll-back waits for a page
    BEGINNING = "beginning"  # "Beginning of the conversation": nothing older is stored


TOP_KINDS = frozenset({EntryKind.LOADING, EntryKind.BEGINNING})  # status lines held at row 0


@dataclass(frozen=True, slots=True)
class ChatEntry:
    kind: EntryKind
    text: str
    sender: str = ""
    when: QDateTime | None = None
    seq: int | None = None
    spans: tuple[tuple[int, int], ...] = ()  # mentions of the person, highlighted
    attachment: Attachment | None = None  # a file or image posted with the message

    @property
    def mention(self) -> bool:
        return bool(self.spans)


def local_time(iso: str) -> QDateTime | None:
    """An ISO-8601 UTC time from the wire, in local time (None if it does not parse)."""
    moment = QDateTime.fromString(iso, Qt.DateFormat.ISODateWithMs)
    return moment.toLocalTime() if moment.isValid() else None


def short_time(moment: QDateTime | None) -> str:
    """`20:15` today, with the date before it on other days."""
    if moment is None:
        return ""
    locale = QLocale()
    clock = locale.toString(moment.time(), QLocale.FormatType.ShortFormat)
    if moment.date() == QDateTime.currentDateTime().date():
        return clock
    return f"{locale.toString(moment.date(), QLocale.FormatType.ShortFormat)} {clock}"


class MessagesModel(QAbstractListModel):
    """The entries of a chat window, oldest first, at most `max_entries` (oldest dropped).

    Signals: none beyond QAbstractListModel's.
    """

    def __init__(self, parent: QObject | None = None, max_entries: int = MAX_ENTRIES) -> None:
        super().__init__(parent)
        self._entries: list[ChatEntry] = []
        self.max_entries = max_entries
        self.seen_by: Callable[[int], list[str]] = lambda _seq: []
        # Called with the first and last rows of entries just added (`DaySeparators` puts
        # the day lines in); the raw `put` and `remove` below do not call it.
        self.inserted: Callable[[int, int], None] = lambda _first, _last: None
        self.day_label: Callable[[QDateTime], str] = lambda day: day.toString()

    def seen_changed(self) -> None:
        """Read markers moved: the "seen by" of the person's own messages may have too."""
        if self._entries:
            last = self.index(len(self._entries) - 1, 0)
            self.dataChanged.emit(self.index(0, 0), last, [SEEN_ROLE, Qt.ItemDataRole.ToolTipRole])

    @property
    def last_seq(self) -> int:
        seqs = [entry.seq for entry in self._entries if entry.seq is not None]
        return max(seqs, default=0)

    def entry(self, row: int) -> ChatEntry:
        return self._entries[row]

    def append(self, entry: ChatEntry) -> None:
        if len(self._entries) >= self.max_entries:
            self.beginRemoveRows(QModelIndex(), 0, 0)
            del self._entries[0]
            self.endRemoveRows()
        row = len(self._entries)
        self.beginInsertRows(QModelIndex(), row, row)
        self._entries.append(entry)
        self.endInsertRows()
        self.inserted(row, row)

    def insert_before_seq(self, seq: int, entries: list[ChatEntry]) -> None:
        """Put `entries` (oldest first) just before the first entry whose seq is `seq` or
        later (at the end when there is none): messages missed, filled in afterwards."""
        if not entries:
            return
        row = next(
            (
                r
                for r, known in enumerate(self._entries)
                if known.seq is not None and known.seq >= seq
            ),
            len(self._entries),
        )
        self.beginInsertRows(QModelIndex(), row, row + len(entries) - 1)
        self._entries[row:row] = entries
        self.endInsertRows()
        extra = len(self._entries) - self.max_entries
        if extra > 0:
            self.beginRemoveRows(QModelIndex(), 0, extra - 1)
            del self._entries[:extra]
            self.endRemoveRows()
        first = max(row - max(extra, 0), 0)
        self.inserted(first, min(first + len(entries), len(self._entries)) - 1)

    def put(self, row: int, entries: list[ChatEntry]) -> None:
        """Insert `entries` at `row` as they are: no trimming, no day lines."""
        if entries:
            self.beginInsertRows(QModelIndex(), row, row + len(entries) - 1)
            self._entries[row:row] = entries
            self.endInsertRows()

    def remove(self, row: int, count: int = 1) -> None:
        if count > 0:
            self.beginRemoveRows(QModelIndex(), row, row + count - 1)
            del self._entries[row : row + count]
            self.endRemoveRows()

    def put_older(self, entries: list[ChatEntry]) -> None:
        """Older messages (oldest first) above everything held, after any status line at
        the top; not trimmed (the person is reading them)."""
        row = 0
        while row < len(self._entries) and self._entries[row].kind in TOP_KINDS:
            row += 1
        self.put(row, entries)
        if entries:
            self.inserted(row, row + len(entries) - 1)

    def held_seqs(self) -> set[int]:
        return {entry.seq for entry in self._entries if entry.seq is not None}

    def row_of_seq(self, seq: int) -> int | None:
        for row, entry in enumerate(self._entries):
            if entry.seq == seq:
                return row
        return None

    def mark_deleted(self, seq: int, text: str) -> None:
        """Message `seq` was deleted: its text gives way to `text`, shown as a notice."""
        for row, entry in enumerate(self._entries):
            if entry.seq == seq and entry.kind in (EntryKind.MESSAGE, EntryKind.OWN):
                self._entries[row] = ChatEntry(EntryKind.NOTICE, text, "", entry.when, seq)
                self.dataChanged.emit(self.index(row, 0), self.index(row, 0))
                return

    def marker_row(self) -> int | None:
        """The row of the "new messages" line, if one is shown."""
        for row, entry in enumerate(self._entries):
            if entry.kind == EntryKind.MARKER:
                return row
        return None

    def move_marker(self, text: str) -> None:
        """Put the "new messages" line (saying `text`) before the last entry, and only there."""
        old = self.marker_row()
        if old is not None:
            self.beginRemoveRows(QModelIndex(), old, old)
            del self._entries[old]
            self.endRemoveRows()
        row = max(len(self._entries) - 1, 0)
        self.beginInsertRows(QModelIndex(), row, row)
        self._entries.insert(row, ChatEntry(EntryKind.MARKER, text))
        self.endInsertRows()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 (Qt's API)
        return 0 if parent.isValid() else len(self._entries)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._entries):
            return None
        entry = self._entries[index.row()]
        if entry.kind == EntryKind.DAY and entry.when is not None:
            if role in _LABEL_ROLES:
                return self.day_label(entry.when)  # "Today" turns into "Yesterday" at midnight
            if role == TIME_ROLE:
                return ""
        if role == Qt.ItemDataRole.DisplayRole:
            text = entry.text
            if entry.attachment is not None:  # copied with the messages: the file's name
                text = f"{text} [{entry.attachment.name}]" if text else f"[{entry.attachment.name}]"
            return f"{entry.sender}: {text}" if entry.sender else text
        if role == KIND_ROLE:
            return str(entry.kind)
        if role == SENDER_ROLE:
            return entry.sender
        if role == TEXT_ROLE:
            return entry.text
        if role == SPANS_ROLE:
            return entry.spans
        if role == ATTACHMENT_ROLE:
            return entry.attachment
        if role == SEEN_ROLE:
            own = entry.kind == EntryKind.OWN and entry.seq is not None
            return self.seen_by(entry.seq) if own and entry.seq is not None else []
        if role == TIME_ROLE:
            return short_time(entry.when)
        if role == Qt.ItemDataRole.ToolTipRole and entry.when is not None:
            when = QLocale().toString(entry.when, QLocale.FormatType.LongFormat)
            seen = self.data(index, SEEN_ROLE)
            if seen:
                names = ", ".join(seen)
                text = self.tr("{when}\nSeen by {names}").format(when=when, names=names)
                return plain_tooltip(text)
            return when
        return None
