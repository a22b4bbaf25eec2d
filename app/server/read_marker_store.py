"""The statements on read markers: each person's last read seq in a persistent room (the
table of schema version 6)."""

from __future__ import annotations

from app.server.database import Database


class ReadMarkerStore:
    """Read markers of persistent rooms, over the server's `Database`, so that they are
    still known after a restart."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def keep(self, room_id: int, name: str, seq: int) -> None:
        """`name` has read room `room_id` up to `seq` (a marker only moves forward)."""
        self.db.execute(
            "INSERT INTO read_markers (room_id, name, seq) VALUES (:room, :name, :seq) "
            "ON CONFLICT (room_id, name) DO UPDATE SET seq = excluded.seq "
            "WHERE read_markers.seq < excluded.seq",
            room=room_id,
            name=name,
            seq=seq,
        ).finish()

    def markers(self, room_id: int) -> dict[str, int]:
        rows = self.db.rows(
            "SELECT name, seq FROM read_markers WHERE room_id = :room", room=room_id
        )
        return {str(name): int(seq) for name, seq in rows}
