"""Day lines in a room's message list: the local date ("Today", "Yesterday", or the date in
the locale's long form) above the first entry of each day, kept right wherever entries are
added (at the end, filled in after a reconnect, or paged in above by scroll-back)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QDate, QDateTime, QLocale, QTime

from app.client.chat_models import ChatEntry, EntryKind, MessagesModel

translate = QCoreApplication.translate


def day_label(day: QDateTime, today: QDate | None = None) -> str:
    """What the line for the local day of `day` says."""
    date = day.date()
    today = today if today is not None else QDate.currentDate()
    if date == today:
        return translate("DaySeparators", "Today")
    if date == today.addDays(-1):
        return translate("DaySeparators", "Yesterday")
    return QLocale().toString(date, QLocale.FormatType.LongFormat)


def _dated(entry: ChatEntry) -> bool:
    """An entry that belongs to a day (a message or a notice; not a line or a problem)."""
    return entry.when is not None and entry.kind != EntryKind.DAY


def _line(date: QDate) -> ChatEntry:
    return ChatEntry(EntryKind.DAY, "", when=QDateTime(date, QTime(0, 0)))


def separate_days(model: MessagesModel, first: int, last: int) -> None:
    """Make the day lines right around rows `first`..`last` (entries just added): one line
    above each dated entry whose day differs from the dated entry before it (and above the
    first), none elsewhere. Only the stretch from the dated entry before `first` to the one
    after `last` is looked at, so an append costs a few rows, not the whole list. A line
    already in the right place is kept (the view's place is anchored on what it shows)."""
    if first > last or model.rowCount() == 0:
        return
    previous: QDate | None = None
    row = min(first, model.rowCount()) - 1
    while row >= 0:
        entry = model.entry(row)
        if _dated(entry):
            assert entry.when is not None
            previous = entry.when.date()
            break
        row -= 1
    row += 1
    end = last + 1  # up to and including the first dated entry after the new ones
    while end < model.rowCount() and not _dated(model.entry(end)):
        end += 1
    pending: int | None = None  # a day line seen since the last dated entry
    while row <= end and row < model.rowCount():
        entry = model.entry(row)
        if entry.kind == EntryKind.DAY:
            if pending is not None:  # two lines with nothing dated between: drop the first
                model.remove(pending)
                row, end = row - 1, end - 1
            pending = row
        elif _dated(entry):
            assert entry.when is not None
            day = entry.when.date()
            if pending is not None:
                line_day = model.entry(pending).when
                if day == previous or line_day is None or line_day.date() != day:
                    model.remove(pending)
                    row, end = row - 1, end - 1
                    pending = None
            if day != previous and pending is None:
                model.put(row, [_line(day)])
                row, end = row + 1, end + 1
            pending = None
            previous = day
        row += 1
    if pending is not None and pending < model.rowCount():  # a line above nothing dated
        model.remove(pending)
