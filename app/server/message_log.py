"""A room's messages on their way to the database: numbered, committed in order, then sent.

The event loop never waits on the database for more than its short busy timeout: a batch
the database refuses as busy waits here, in memory and bounded, and is retried from a timer;
later batches queue behind it so numbers and order hold. Nothing is delivered before it is
committed.

Group commit (issue 18): the rooms of one store share a `CommitGroup`. What every room
takes in during one turn of the event loop is committed in one transaction when the loop
has handled every socket that was readable (a zero timer), and each room then writes what
it got as one buffer to each member. A transaction costs far more than a row (with the
search index, about 70 µs against 5-10 µs), so under load the cost per message falls as
the turns fill up; a lone message waits only for the rest of its turn.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar, TypeVar
from weakref import WeakKeyDictionary

from PySide6.QtCore import QObject, QTimer, Slot

from app.server.database import DatabaseError
from app.server.store import ChatStore
from app.shared import logs
from app.shared.protocol import ErrorCode, RequestId

# A group is committed at once when this many messages wait in it, so that one turn's
# output to a member stays near one full read's and back-pressure sees it between reads.
GROUP_MESSAGES = 1_000
FIRST_RETRY_MS = 50
LAST_RETRY_MS = 1_000

Deliver = Callable[[str, str, list[tuple[int, str]]], None]  # sender, ts, (seq, text)
Batches = list[tuple[str, str, list[tuple[int, str]]]]
DeliverMany = Callable[[Batches], None]  # several committed batches of one room, in order
Refuse = Callable[[ErrorCode, str, list[RequestId], float | None], None]
T = TypeVar("T")


@dataclass(slots=True)
class _Batch:
    sender: str
    ts: str
    items: list[tuple[int, str]]
    ids: list[RequestId]
    refuse: Refuse


class MessageLog(QObject):
    """Numbers a room's messages and commits them before `deliver` sends them.

    `add()` either commits and delivers at once, or (the database busy) holds the batch
    and retries; when more than `max_waiting` messages wait, a batch is refused with
    `server_busy` and a `retry_after`. Any other database failure refuses the batch with
    `internal_error`, and the numbers it would have taken are used again.
    """

    def __init__(
        self,
        room_id: int,
        store: ChatStore,
        deliver: Deliver,
        max_waiting: int,
        parent: QObject | None = None,
        group: CommitGroup | None = None,
        deliver_many: DeliverMany | None = None,
    ) -> None:
        super().__init__(parent)
        self._group = group  # None: each batch is committed at once, on its own
        self._deliver_many = deliver_many
        self._grouped = 0  # batches of mine waiting in the group for the end of the turn
        self._room_id = room_id
        self._store = store
        self._deliver = deliver
        self._max_waiting = max_waiting
        self._committed_seq = 0
        self._next_seq = 1
        self._waiting: deque[_Batch] = deque()
        self._waiting_count = 0
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.timeout.connect(self._on_retry_timeout)
        self._retry_ms = FIRST_RETRY_MS
        store.numbering_from(room_id, 0)  # for the search index (a room id may be reused)

    @property
    def waiting(self) -> int:
        """Messages held until the database takes them."""
        return self._waiting_count

    def resume_after(self, seq: int) -> None:
        """Number on from `seq`, the last message already stored (a reopened room)."""
        self._committed_seq = seq
        self._next_seq = seq + 1
        self._store.numbering_from(self._room_id, seq)

    def add(
        self, sender: str, ts: str, texts: list[str], ids: list[RequestId], refuse: Refuse
    ) -> None:
        if not texts:
            return
        if self._waiting and self._waiting_count + len(texts) > self._max_waiting:
            refuse(
                ErrorCode.SERVER_BUSY,
                "the server cannot store messages right now; try again",
                ids,
                self._retry_ms / 1000,
            )
            return
        first = self._next_seq
        items = [(first + offset, text) for offset, text in enumerate(texts)]
        self._next_seq += len(items)
        batch = _Batch(sender, ts, items, ids, refuse)
        if self._waiting:  # behind what waits already, so order holds
            self._hold(batch)
        elif self._group is not None:
            self._grouped += 1
            self._group.queue(self, batch)
        else:
            self._commit(batch)

    def flush(self) -> None:
        """Commit and deliver now what waits for the end of the turn (the whole group's),
        so that what the caller does next comes after it."""
        if self._grouped and self._group is not None:
            self._group.flush()

    def post(self, commit: Callable[[int], T]) -> T | None:
        """Number one message and store it now with `commit(seq)` (a message with an
        attachment, stored with its own statements); None while batches wait for a busy
        database (try again later). A `DatabaseError` from `commit` gives the number back."""
        self.flush()  # what this turn took in before it is numbered and sent first
        if self._waiting:
            return None
        seq = self._next_seq
        self._store.note_starts([self._room_id])  # before the message (see numbering_from)
        result = commit(seq)
        self._next_seq = self._committed_seq = seq
        self._next_seq += 1
        return result

    def close(self) -> None:
        """The room closes: what still waits is refused."""
        self._retry.stop()
        grouped = self._group.drop(self) if self._group is not None and self._grouped else []
        self._grouped = 0
        self._waiting.extendleft(reversed(grouped))  # uncommitted, ahead of what was held
        self._fail_waiting(
            ErrorCode.INTERNAL_ERROR, "the room closed before the message was stored"
        )

    def _committed(self, batches: list[_Batch]) -> None:
        """The group committed these batches of mine (in order): deliver them."""
        self._grouped -= len(batches)
        self._committed_seq = batches[-1].items[-1][0]
        if self._deliver_many is not None:
            self._deliver_many([(b.sender, b.ts, b.items) for b in batches])
        else:
            for batch in batches:
                self._deliver(batch.sender, batch.ts, batch.items)

    def _ungrouped(self, batches: list[_Batch], transient: bool) -> None:
        """The group's transaction failed: busy, so hold my batches in order and retry them;
        otherwise commit each on its own, so that only a batch that cannot be stored fails."""
        self._grouped -= len(batches)
        for index, batch in enumerate(batches):
            if self._waiting or transient:
                if not self._waiting:
                    logs.db.warning("room %d: database busy; holding messages", self._room_id)
                self._hold(batch)
            elif not self._commit(batch) and not self._waiting:
                # Refused, and its numbers given back: the later ones cannot keep theirs.
                for later in batches[index + 1 :]:
                    later.refuse(
                        ErrorCode.INTERNAL_ERROR, "the message was not stored", later.ids, None
                    )
                return

    def _hold(self, batch: _Batch) -> None:
        self._waiting.append(batch)
        self._waiting_count += len(batch.items)
        if not self._retry.isActive():
            self._retry.start(self._retry_ms)

    def _commit(self, batch: _Batch) -> bool:
        """Store and deliver one batch; False when it must wait (busy) or failed."""
        try:
            self._store.add_messages(self._room_id, batch.sender, batch.ts, batch.items)
        except DatabaseError as failure:
            if failure.transient:  # busy, or a lost connection being reopened
                if not self._waiting:
                    logs.db.warning("room %d: %s; holding messages", self._room_id, failure)
                    self._hold(batch)
                return False
            logs.db.error("room %d: messages not stored: %s", self._room_id, failure)
            if self._waiting and self._waiting[0] is batch:
                self._fail_waiting(ErrorCode.INTERNAL_ERROR, "the message was not stored")
            else:
                self._next_seq = batch.items[0][0]
                batch.refuse(
                    ErrorCode.INTERNAL_ERROR, "the message was not stored", batch.ids, None
                )
            return False
        self._committed_seq = batch.items[-1][0]
        self._deliver(batch.sender, batch.ts, batch.items)
        return True

    @Slot()
    def _on_retry_timeout(self) -> None:
        while self._waiting:
            batch = self._waiting[0]
            if not self._commit(batch):
                if self._waiting:  # still busy: wait longer
                    self._retry_ms = min(self._retry_ms * 2, LAST_RETRY_MS)
                    self._retry.start(self._retry_ms)
                return
            self._waiting.popleft()
            self._waiting_count -= len(batch.items)
        logs.db.info("room %d: the database took the held messages", self._room_id)
        self._retry_ms = FIRST_RETRY_MS

    def _fail_waiting(self, code: ErrorCode, text: str) -> None:
        waiting, self._waiting = self._waiting, deque()
        self._waiting_count = 0
        self._next_seq = self._committed_seq + 1
        for batch in waiting:
            batch.refuse(code, text, batch.ids, None)


class CommitGroup(QObject):
    """The rooms of one store, committing what they took in during a turn of the event loop
    in one transaction (see the module docstring). `of(store)` gives the store's group."""

    _groups: ClassVar[WeakKeyDictionary[ChatStore, CommitGroup]] = WeakKeyDictionary()

    @classmethod
    def of(cls, store: ChatStore) -> CommitGroup:
        group = cls._groups.get(store)
        if group is None:
            group = cls._groups[store] = cls(store)
        return group

    def __init__(self, store: ChatStore, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._pending: list[tuple[MessageLog, _Batch]] = []
        self._messages = 0  # in `_pending`
        self._timer = QTimer(self)  # zero: after every event the loop has ready now
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._on_timer_timeout)

    def queue(self, log: MessageLog, batch: _Batch) -> None:
        self._pending.append((log, batch))
        self._messages += len(batch.items)
        if self._messages >= GROUP_MESSAGES:
            self.flush()
        elif not self._timer.isActive():
            self._timer.start()

    def drop(self, log: MessageLog) -> list[_Batch]:
        """Take back `log`'s uncommitted batches (its room closes)."""
        mine = [batch for owner, batch in self._pending if owner is log]
        self._pending = [(owner, batch) for owner, batch in self._pending if owner is not log]
        self._messages -= sum(len(batch.items) for batch in mine)
        return mine

    @Slot()
    def _on_timer_timeout(self) -> None:
        try:
            self.flush()
        except Exception:  # a slot must not raise; what was not delivered was refused
            logs.server.exception("group commit failed")

    def flush(self) -> None:
        """Commit everything pending in one transaction, then let each room deliver."""
        pending, self._pending = self._pending, []
        self._messages = 0
        self._timer.stop()
        if not pending:
            return
        if len(pending) == 1:  # a lone message (every one, at a paced 1,000 a second)
            log, batch = pending[0]
            try:
                self._store.add_messages(log._room_id, batch.sender, batch.ts, batch.items)
            except DatabaseError as failure:
                log._ungrouped([batch], failure.transient)
                return
            log._committed([batch])
            return
        by_log: dict[MessageLog, list[_Batch]] = {}
        for log, batch in pending:
            by_log.setdefault(log, []).append(batch)
        try:
            self._store.add_message_groups(
                [(log._room_id, b.sender, b.ts, b.items) for log, b in pending]
            )
        except DatabaseError as failure:
            if not failure.transient:
                logs.db.error("group commit of %d batches failed: %s", len(pending), failure)
            for log, batches in by_log.items():
                log._ungrouped(batches, failure.transient)
            return
        for log, batches in by_log.items():
            log._committed(batches)
