"""Uploads in progress, server-wide: at most one per account, `--max-uploads-per-address`
per address and `--max-uploads-in-progress` in all, quotas checked up front, chunks written
to a part file as they arrive, and dropped (part and all) when they stall past
`--upload-timeout` on the server's clock, when they trickle past their whole deadline
(`--upload-min-rate`), or when their connection goes."""

from __future__ import annotations

import math
import time
from collections.abc import Hashable
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Slot

from app.server.attachment_store import AttachmentStore
from app.server.config import ServerConfig
from app.server.file_store import FileStore, PartFile
from app.shared import logs
from app.shared.limits import Clock, OncePerWindow, TokenBucket
from app.shared.protocol import (
    MAX_CHUNK_BYTES,
    ErrorCode,
    ProtocolError,
    RequestId,
    UploadBegin,
    UploadChunk,
    UploadReady,
)


@dataclass(slots=True)
class Upload:
    """One upload: who sends it, where to, what was declared, and its part file."""

    id: int
    user_key: str
    room_id: int
    connection: Hashable
    declared: UploadBegin
    part: PartFile
    deadline: float  # on the desk's clock: the sooner of idle and whole deadlines
    whole_deadline: float = math.inf  # however the chunks trickle, done by then
    address_key: str = ""  # the sender's network: its uploads in progress are bounded


def _corrupt(text: str, request_id: RequestId) -> ProtocolError:
    return ProtocolError(ErrorCode.UPLOAD_CORRUPT, text, request_id)


class UploadDesk(QObject):
    """Every upload in progress on the server; `begin`, `chunk`, `finish` and `cancel`
    raise `ProtocolError` for what they refuse."""

    def __init__(
        self,
        config: ServerConfig,
        files: FileStore,
        attachments: AttachmentStore,
        clock: Clock = time.monotonic,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._config = config
        self._files = files
        self._attachments = attachments
        self._clock = clock
        self._uploads: dict[int, Upload] = {}
        self._by_user: dict[str, int] = {}
        self._by_address: dict[str, list[int]] = {}  # upload ids, only while there are some
        self._address_logged = OncePerWindow(60.0, clock)  # its refusal, once a minute
        self._budgets: dict[str, TokenBucket] = {}
        self._next_id = 1
        self._busy_logged = -math.inf
        self.chunk_bytes = MAX_CHUNK_BYTES
        self._timer = QTimer(self)  # drops stalled uploads; armed for the soonest deadline
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.expire)

    def __len__(self) -> int:
        return len(self._uploads)

    def begin(
        self,
        user_key: str,
        room_id: int,
        connection: Hashable,
        request: UploadBegin,
        address_key: str = "",
    ) -> UploadReady:
        rid, config, now = request.id, self._config, self._clock()
        running = self._by_user.get(user_key)
        if running is not None:
            wait = max(self._uploads[running].deadline - now, 0.0)
            text = "you have an upload in progress: finish or cancel it first"
            raise ProtocolError(ErrorCode.RATE_LIMITED, text, rid, wait)
        budget = self._budget(user_key)
        if not budget.take():
            text = "too many uploads; wait a moment"
            raise ProtocolError(ErrorCode.RATE_LIMITED, text, rid, budget.retry_after())
        if request.size > config.max_file_bytes:
            text = f"a file may have at most {config.max_file_bytes} bytes"
            raise ProtocolError(ErrorCode.FILE_TOO_LARGE, text, rid)
        self._check_quotas(user_key, request)
        self._check_address(address_key, rid, now)
        if len(self._uploads) >= config.max_uploads_in_progress:
            wait = max(min(u.deadline for u in self._uploads.values()) - now, 1.0)
            if now - self._busy_logged >= 60.0:  # once a minute while it bites
                self._busy_logged = now
                logs.server.warning("%d uploads in progress: upload_begin refused", len(self))
            text = "the server has too many uploads in progress; try again soon"
            raise ProtocolError(ErrorCode.SERVER_BUSY, text, rid, wait)
        part = self._files.begin()
        if part is None:
            raise ProtocolError(ErrorCode.INTERNAL_ERROR, "the server cannot store files now", rid)
        upload_id = self._next_id
        self._next_id += 1
        upload = Upload(
            upload_id, user_key, room_id, connection, request, part, 0.0, address_key=address_key
        )
        self._by_address.setdefault(address_key, []).append(upload_id)
        upload.whole_deadline = now + config.upload_timeout + request.size / config.upload_min_rate
        self._uploads[upload_id] = upload
        self._by_user[user_key] = upload_id
        self._touch(upload)
        return UploadReady(upload_id, self.chunk_bytes, rid)

    def _check_address(self, address_key: str, rid: RequestId, now: float) -> None:
        """One address, however many accounts it logs in as, holds only so many uploads
        (each an open part file) of the server-wide `--max-uploads-in-progress`."""
        held = self._by_address.get(address_key, [])
        if len(held) < self._config.max_uploads_per_address:
            return
        wait = max(min(self._uploads[i].deadline for i in held) - now, 1.0)
        if self._address_logged.due(address_key):
            self._address_logged.prune()  # only a minute's addresses are remembered
            logs.server.warning(
                "%s has %d uploads in progress: upload_begin refused", address_key, len(held)
            )
        text = "too many uploads in progress from your address; try again soon"
        raise ProtocolError(ErrorCode.RATE_LIMITED, text, rid, round(wait, 3))

    def _budget(self, user_key: str) -> TokenBucket:
        bucket = self._budgets.get(user_key)
        if bucket is None:
            if len(self._budgets) > 10_000:  # forget the refilled ones: memory stays bounded
                self._budgets = {k: b for k, b in self._budgets.items() if not b.is_full()}
            per_minute = self._config.uploads_per_minute
            bucket = TokenBucket(per_minute / 60, max(1, per_minute // 3), self._clock)
            self._budgets[user_key] = bucket
        return bucket

    def _check_quotas(self, user_key: str, request: UploadBegin) -> None:
        """The sender's posted files and the server's stored ones, with the uploads in
        progress counted as if done, must stay within their limits."""
        config, size, rid = self._config, request.size, request.id
        if config.max_user_storage:
            used = self._attachments.user_bytes(user_key)
            if used + size > config.max_user_storage:
                text = f"your files would pass {config.max_user_storage} bytes"
                raise ProtocolError(ErrorCode.QUOTA_EXCEEDED, text, rid)
        # A file stored already takes no more room; its hash is public to the room, so the
        # size must match too, or anyone could pass the limit by naming a known hash.
        stored = self._attachments.has_file_of_size
        if config.max_total_storage and not stored(request.sha256, request.size):
            pending = sum(u.declared.size for u in self._uploads.values())
            if self._attachments.total_bytes() + pending + size > config.max_total_storage:
                text = "the server has no room for more files"
                raise ProtocolError(ErrorCode.QUOTA_EXCEEDED, text, rid)

    def _find(self, user_key: str, connection: Hashable, upload_id: int, rid: RequestId) -> Upload:
        upload = self._uploads.get(upload_id)
        if upload is None or upload.user_key != user_key or upload.connection != connection:
            raise _corrupt("no such upload (it may have timed out): begin again", rid)
        return upload

    def chunk(self, user_key: str, connection: Hashable, request: UploadChunk) -> None:
        upload = self._find(user_key, connection, request.upload_id, request.id)
        data, rid = request.data, request.id
        if len(data) > self.chunk_bytes:
            self.drop(upload)
            raise _corrupt(f"a chunk carries at most {self.chunk_bytes} bytes", rid)
        if upload.part.received + len(data) > upload.declared.size:
            self.drop(upload)
            raise _corrupt("more bytes than the upload declared", rid)
        if not data:  # no progress: it does not move the deadline
            return
        if not upload.part.write(data):
            self.drop(upload)
            raise ProtocolError(ErrorCode.INTERNAL_ERROR, "the server could not store that", rid)
        self._touch(upload)

    def finish(self, user_key: str, connection: Hashable, upload_id: int, rid: RequestId) -> Upload:
        """The checked upload, its file stored under its hash and out of the desk."""
        upload = self._find(user_key, connection, upload_id, rid)
        self.drop(upload, discard=False)
        declared, part = upload.declared, upload.part
        if part.received != declared.size or part.hexdigest() != declared.sha256:
            part.discard()
            got = f"{part.received} bytes"
            raise _corrupt(f"{got}, not the {declared.size} bytes and SHA-256 declared", rid)
        if not self._files.keep(part, declared.sha256):
            raise ProtocolError(ErrorCode.INTERNAL_ERROR, "the server could not store it", rid)
        return upload

    def cancel(self, user_key: str, connection: Hashable, upload_id: int) -> None:
        upload = self._uploads.get(upload_id)
        if upload is not None and upload.user_key == user_key and upload.connection == connection:
            self.drop(upload)

    def connection_closed(self, connection: Hashable) -> None:
        for upload in [u for u in self._uploads.values() if u.connection == connection]:
            self.drop(upload)

    def drop(self, upload: Upload, discard: bool = True) -> None:
        """Forget the upload (and delete its part, unless `discard` is False)."""
        if self._uploads.pop(upload.id, None) is None:
            return
        if self._by_user.get(upload.user_key) == upload.id:
            del self._by_user[upload.user_key]
        held = self._by_address.get(upload.address_key, [])
        if upload.id in held:
            held.remove(upload.id)
            if not held:
                del self._by_address[upload.address_key]
        if discard:
            upload.part.discard()
        self._arm()

    def _touch(self, upload: Upload) -> None:
        upload.deadline = min(self._clock() + self._config.upload_timeout, upload.whole_deadline)
        self._arm()

    def _arm(self) -> None:
        if not self._uploads:
            self._timer.stop()
            return
        soonest = min(u.deadline for u in self._uploads.values())
        left = max(soonest - self._clock(), 0.0)
        self._timer.start(math.ceil(left * 1000) + 1)

    @Slot()
    def expire(self) -> None:
        """Drop every upload past its deadline (the clock may be a test's)."""
        now = self._clock()
        for upload in [u for u in self._uploads.values() if u.deadline <= now]:
            logs.server.info("upload %d of %s timed out", upload.id, upload.user_key)
            self.drop(upload)
        self._arm()

    def close(self) -> None:
        """The server stops: every upload in progress goes."""
        for upload in list(self._uploads.values()):
            self.drop(upload)
