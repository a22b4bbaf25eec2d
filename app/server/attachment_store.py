"""The `attachments` table: which file (by SHA-256) each room message carries, who posted
it, and what quotas and clean-ups ask of it. SQL only, both engines."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from app.server.database import Database
from app.server.search_sql import note_unindexed
from app.shared.protocol import Attachment, ChatMessage

# One migration step (store.py's MIGRATIONS). A row goes in with its message, in one
# transaction; `size` is BIGINT: PostgreSQL's INTEGER stops at 2 GiB. `width` and `height`
# are 0 when not declared: a bound None is not NULL on every driver.
ATTACHMENT_TABLES = [
    """CREATE TABLE attachments (
        id {row_id},
        room_id INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        uploader_key TEXT NOT NULL,
        name TEXT NOT NULL,
        size BIGINT NOT NULL,
        mime TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        width INTEGER NOT NULL DEFAULT 0,
        height INTEGER NOT NULL DEFAULT 0)""",
    "CREATE INDEX attachments_by_message ON attachments (room_id, seq)",
    "CREATE INDEX attachments_by_sha256 ON attachments (sha256)",
    "CREATE INDEX attachments_by_uploader ON attachments (uploader_key)",
]

_COLUMNS = "id, name, size, mime, sha256, width, height"


def _attachment(row: Sequence[object]) -> Attachment:
    ident, name, size, mime, sha256, width, height = row
    return Attachment(
        int(ident),  # type: ignore[call-overload]
        str(name),
        int(size),  # type: ignore[call-overload]
        str(mime),
        str(sha256),
        int(width) or None,  # type: ignore[call-overload]
        int(height) or None,  # type: ignore[call-overload]
    )


class AttachmentStore:
    """Statements on `attachments` over the server's `Database`."""

    def __init__(self, db: Database) -> None:
        self.db = db
        # What `total_bytes` adds up, kept as files come and go: the query reads every row,
        # a second with 100,000 attachments, too slow for every upload_begin.
        self._total: int | None = None

    def post(
        self,
        room_id: int,
        seq: int,
        sender: str,
        text: str,
        ts: str,
        uploader_key: str,
        declared: Attachment,
    ) -> Attachment:
        """Store the message and its attachment in one transaction; the attachment with
        its new id."""
        new_file = not self.has_file(declared.sha256)
        with self.db.transaction():
            self.db.execute(
                "INSERT INTO messages (room_id, seq, sender, text, ts) "
                "VALUES (:room, :seq, :sender, :text, :ts)",
                room=room_id,
                seq=seq,
                sender=sender,
                text=text,
                ts=ts,
            ).finish()
            note_unindexed(self.db, [(room_id, seq, seq)])  # indexed before the next search
            ident = self.db.insert(
                "INSERT INTO attachments (room_id, seq, uploader_key, name, size, mime, "
                "sha256, width, height) VALUES (:room, :seq, :key, :name, :size, :mime, "
                ":sha, :width, :height)",
                room=room_id,
                seq=seq,
                key=uploader_key,
                name=declared.name,
                size=declared.size,
                mime=declared.mime,
                sha=declared.sha256,
                width=declared.width or 0,
                height=declared.height or 0,
            )
        if new_file and self._total is not None:
            self._total += declared.size
        return replace(declared, id=ident)

    def find(self, room_id: int, attachment_id: int) -> Attachment | None:
        """The room's attachment with that id, while its message is stored."""
        rows = self.db.rows(
            "SELECT a.id, a.name, a.size, a.mime, a.sha256, a.width, a.height "
            "FROM attachments a JOIN messages m ON m.room_id = a.room_id AND m.seq = a.seq "
            "WHERE a.id = :id AND a.room_id = :room",
            id=attachment_id,
            room=room_id,
        )
        return _attachment(rows[0]) if rows else None

    def of_messages(self, room_id: int, first: int, last: int) -> dict[int, Attachment]:
        """The attachments of the room's messages `first` to `last`, by seq."""
        rows = self.db.rows(
            f"SELECT seq, {_COLUMNS} FROM attachments "
            "WHERE room_id = :room AND seq BETWEEN :first AND :last",
            room=room_id,
            first=first,
            last=last,
        )
        return {int(row[0]): _attachment(row[1:]) for row in rows}

    def with_attachments(self, room_id: int, messages: list[ChatMessage]) -> list[ChatMessage]:
        """`messages` (of one room) with the attachment each carries, in their order."""
        if not messages:
            return messages
        seqs = [message.seq for message in messages]
        found = self.of_messages(room_id, min(seqs), max(seqs))
        if not found:
            return messages
        return [
            replace(m, attachment=found[m.seq]) if m.seq in found and not m.deleted else m
            for m in messages
        ]

    def user_bytes(self, uploader_key: str) -> int:
        """What one account's posted attachments add up to (a file posted twice, twice)."""
        rows = self.db.rows(
            "SELECT COALESCE(SUM(size), 0) FROM attachments WHERE uploader_key = :key",
            key=uploader_key,
        )
        return int(rows[0][0])

    def total_bytes(self) -> int:
        """What the stored files take: each distinct file once."""
        if self._total is not None:
            return self._total
        rows = self.db.rows(
            "SELECT COALESCE(SUM(size), 0) FROM "
            "(SELECT sha256, MAX(size) AS size FROM attachments GROUP BY sha256) AS files"
        )
        self._total = int(rows[0][0])
        return self._total

    def has_file_of_size(self, sha256: str, size: int) -> bool:
        """Whether that content is stored, as the upload declares it (hash and size)."""
        rows = self.db.rows(
            "SELECT 1 FROM attachments WHERE sha256 = :sha AND size = :size",
            sha=sha256,
            size=size,
        )
        return bool(rows)

    def has_file(self, sha256: str) -> bool:
        return bool(self.db.rows("SELECT 1 FROM attachments WHERE sha256 = :sha", sha=sha256))

    def drop_message(self, room_id: int, seq: int) -> set[str]:
        """Forget the attachment of one deleted message (by the index, not a scan); the
        hashes of the files no attachment refers to any more."""
        rows = self.db.rows(
            "SELECT sha256, size FROM attachments WHERE room_id = :room AND seq = :seq",
            room=room_id,
            seq=seq,
        )
        if not rows:
            return set()
        self.db.execute(
            "DELETE FROM attachments WHERE room_id = :room AND seq = :seq", room=room_id, seq=seq
        ).finish()
        unused = {str(sha): int(size) for sha, size in rows if not self.has_file(str(sha))}  # type: ignore[call-overload]
        if self._total is not None:
            self._total -= sum(unused.values())
        return set(unused)

    def drop_orphan_page(self, room_id: int, after: int, limit: int) -> tuple[int | None, set[str]]:
        """Look at up to `limit` of the room's attachments past seq `after`, oldest first,
        and forget those whose message is gone, up to the first whose message is stored
        (a deleted room has none; `--history-days` deletes the oldest). The seq to go on
        after (None: done), and the hashes no attachment refers to any more."""
        rows = self.db.rows(
            "SELECT a.seq, a.sha256, a.size, CASE WHEN EXISTS (SELECT 1 FROM messages m "
            "WHERE m.room_id = a.room_id AND m.seq = a.seq) THEN 1 ELSE 0 END "
            "FROM attachments a WHERE a.room_id = :room AND a.seq > :after "
            "ORDER BY a.seq LIMIT :limit",
            room=room_id,
            after=after,
            limit=limit,
        )
        orphans: dict[str, int] = {}
        last, live = after, False
        for seq, sha256, size, kept in rows:
            if int(kept):  # type: ignore[call-overload]
                live = True
                break
            last = int(seq)  # type: ignore[call-overload]
            orphans[str(sha256)] = int(size)  # type: ignore[call-overload]
        if last > after:
            self.db.execute(
                "DELETE FROM attachments WHERE room_id = :room AND seq > :after AND seq <= :last "
                "AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.room_id = attachments.room_id "
                "AND m.seq = attachments.seq)",
                room=room_id,
                after=after,
                last=last,
            ).finish()
        unused = {sha: size for sha, size in orphans.items() if not self.has_file(sha)}
        if self._total is not None:
            self._total -= sum(unused.values())
        return (None if live or len(rows) < limit else last), set(unused)

    def drop_orphans(self) -> None:
        """Forget the attachments whose message is gone (its room's history deleted)."""
        self._total = None  # counted again when next asked
        self.db.execute(
            "DELETE FROM attachments WHERE NOT EXISTS (SELECT 1 FROM messages m "
            "WHERE m.room_id = attachments.room_id AND m.seq = attachments.seq)"
        ).finish()

    def files(self) -> set[str]:
        """The SHA-256 of every file some attachment refers to."""
        return {str(row[0]) for row in self.db.rows("SELECT DISTINCT sha256 FROM attachments")}
