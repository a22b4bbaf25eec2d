"""A room's messages on their way to the database: numbered, committed in order, then sent.

The event loop never waits on the database for more than its short busy timeout: a batch
the database refuses as busy waits here, in memory and bounded, and is retried from a timer;
later batches queue behind it so numbers and order hold. Nothing is delivered before it is
committed.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from PySide6.QtCore import QObject, QTimer, Slot

from app.server.database import DatabaseError
from app.server.store import ChatStore
from app.shared import logs
from app.shared.protocol import ErrorCode, RequestId

FIRST_RETRY_MS = 50
LAST_RETRY_MS = 1_000

Deliver = Callable[[str, str, list[tuple[int, str]]], None]  # sender, ts, (seq, text)
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
    ) -> None:
        super().__init__(parent)
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

    @property
    def waiting(self) -> int:
        """Messages held until the database takes them."""
        return self._waiting_count

    def resume_after(self, seq: int) -> None:
        """Number on from `seq`, the last message already stored (a reopened room)."""
        self._committed_seq = seq
        self._next_seq = seq + 1

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
        else:
            self._commit(batch)

    def post(self, commit: Callable[[int], T]) -> T | None:
        """Number one message and store it now with `commit(seq)` (a message with an
        attachment, stored with its own statements); None while batches wait for a busy
        database (try again later). A `DatabaseError` from `commit` gives the number back."""
        if self._waiting:
            return None
        seq = self._next_seq
        result = commit(seq)
        self._next_seq = self._committed_seq = seq
        self._next_seq += 1
        return result

    def close(self) -> None:
        """The room closes: what still waits is refused."""
        self._retry.stop()
        self._fail_waiting(
            ErrorCode.INTERNAL_ERROR, "the room closed before the message was stored"
        )

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
