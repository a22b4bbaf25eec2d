"""The moderation tables: a room's moderators, its bans, and the audit log of every act."""

from __future__ import annotations

from typing import Any

from app.server.database import Database
from app.server.moderation import (
    Act,
    BanRecord,
    Change,
    DeletedMessage,
    LiftedBan,
    LiftedMute,
    Modes,
    ReportedMessage,
    SavedBan,
    SavedMute,
    SavedOwner,
    SavedPassword,
    SavedRole,
    SavedRoom,
)
from app.shared.protocol import MODERATOR

_BAN_FOR_GOOD = (
    "INSERT INTO room_bans (room_id, user_key, name, by_name, reason) "
    "VALUES (:r, :k, :n, :b, :reason)"
)
_BAN_UNTIL = (
    "INSERT INTO room_bans (room_id, user_key, name, until, by_name, reason) "
    "VALUES (:r, :k, :n, :u, :b, :reason)"
)
_ACT = (
    "INSERT INTO audit_log (room_id, at, actor, action, target, reason, seq) "
    "VALUES (:r, :at, :actor, :action, :target, :reason, :seq)"
)
_ACT_FOR_MINUTES = (
    "INSERT INTO audit_log (room_id, at, actor, action, target, minutes, reason, seq) "
    "VALUES (:r, :at, :actor, :action, :target, :minutes, :reason, :seq)"
)


class ModerationStore:
    """Statements on the moderation tables of one `Database` (the server's store's)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def apply(self, room_id: int, change: Change) -> None:
        """Keep one change the room's moderation made."""
        if isinstance(change, Act):
            self.record(change)
        elif isinstance(change, SavedBan):
            self.save_ban(room_id, change.ban)
        elif isinstance(change, LiftedBan):
            self.delete_ban(room_id, change.key)
        elif isinstance(change, SavedRole):
            self.set_role(room_id, change.key, change.role)
        elif isinstance(change, SavedOwner):
            self.set_owner(room_id, change.name)
        elif isinstance(change, DeletedMessage):
            self.delete_message(room_id, change.seq)
        elif isinstance(change, ReportedMessage):
            self._db.insert(
                "INSERT INTO reports (room_id, seq, author, reporter, reason, at) "
                "VALUES (:r, :seq, :author, :reporter, :reason, :at)",
                r=room_id,
                seq=change.seq,
                author=change.author or "",
                reporter=change.reporter,
                reason=change.reason or "",
                at=change.at,
            )
        elif isinstance(change, SavedMute | LiftedMute | Modes):
            self._keep_mute_or_modes(room_id, change)
        elif isinstance(change, SavedPassword):
            self.set_password(room_id, change.password_hash)
        elif isinstance(change, SavedRoom):
            self._db.execute(
                "UPDATE rooms SET name = :name, capacity = :capacity WHERE id = :r",
                name=change.name,
                capacity=change.capacity,
                r=room_id,
            ).finish()

    def _keep_mute_or_modes(self, room_id: int, change: SavedMute | LiftedMute | Modes) -> None:
        with self._db.transaction():
            if isinstance(change, Modes):
                self._db.execute("DELETE FROM room_modes WHERE room_id = :r", r=room_id).finish()
                self._db.execute(
                    "INSERT INTO room_modes (room_id, slow_mode_seconds, read_only, locked_doors) "
                    "VALUES (:r, :slow, :ro, :locked)",
                    r=room_id,
                    slow=change.slow_mode_seconds,
                    ro=int(change.read_only),
                    locked=int(change.locked_doors),
                ).finish()
                return
            self._db.execute(
                "DELETE FROM room_mutes WHERE room_id = :r AND user_key = :k",
                r=room_id,
                k=change.key,
            ).finish()
            if isinstance(change, LiftedMute):
                return
            if change.until is None:  # NULL by leaving it out, as with a ban's `until`
                self._db.execute(
                    "INSERT INTO room_mutes (room_id, user_key) VALUES (:r, :k)",
                    r=room_id,
                    k=change.key,
                ).finish()
            else:
                self._db.execute(
                    "INSERT INTO room_mutes (room_id, user_key, until) VALUES (:r, :k, :u)",
                    r=room_id,
                    k=change.key,
                    u=change.until,
                ).finish()

    def mutes(self, room_id: int, now: float) -> list[SavedMute]:
        """The room's mutes still in force at `now`."""
        rows = self._db.rows(
            "SELECT user_key, until IS NULL, until FROM room_mutes "
            "WHERE room_id = :r AND (until IS NULL OR until > :now)",
            r=room_id,
            now=now,
        )
        return [SavedMute(str(k), None if forever else float(u)) for k, forever, u in rows]

    def modes(self, room_id: int) -> Modes:
        rows = self._db.rows(
            "SELECT slow_mode_seconds, read_only, locked_doors FROM room_modes WHERE room_id = :r",
            r=room_id,
        )
        if not rows:
            return Modes()
        slow, read_only, locked = rows[0]
        return Modes(int(slow), bool(int(read_only)), bool(int(locked)))

    def set_password(self, room_id: int, password_hash: str | None) -> None:
        if password_hash is None:  # a bound None is not NULL on every driver: write NULL
            self._db.execute(
                "UPDATE rooms SET password_hash = NULL WHERE id = :r", r=room_id
            ).finish()
        else:
            self._db.execute(
                "UPDATE rooms SET password_hash = :h WHERE id = :r", h=password_hash, r=room_id
            ).finish()

    def delete_message(self, room_id: int, seq: int) -> None:
        """Delete the message from the file itself: on SQLite with `secure_delete` (its
        bytes are overwritten) and the WAL checkpointed and truncated, so no copy of the
        page with the text stays in the write-ahead log either."""
        sqlite = self._db.engine.driver == "QSQLITE"
        if sqlite:
            self._db.pragma("PRAGMA secure_delete = ON")
        try:
            self._db.execute(
                "DELETE FROM messages WHERE room_id = :r AND seq = :seq", r=room_id, seq=seq
            ).finish()
        finally:
            if sqlite:
                self._db.pragma("PRAGMA secure_delete = OFF")
        if sqlite:
            self._db.pragma("PRAGMA wal_checkpoint(TRUNCATE)")

    def reports(self, room_id: int | None = None) -> list[tuple[int, int, str, str, str, float]]:
        """Open reports, oldest first: (room_id, seq, author, reporter, reason, at)."""
        rows = self._db.rows(
            "SELECT room_id, seq, author, reporter, reason, at FROM reports WHERE open = 1 "
            "ORDER BY id"
        )
        return [
            (int(r), int(s), str(a), str(p), str(reason), float(at))
            for r, s, a, p, reason, at in rows
            if room_id is None or int(r) == room_id
        ]

    def open_reports(self, limit: int) -> list[tuple[int, float, str, str, str, str, str | None]]:
        """The newest `limit` open reports, newest first, for the admin window: (id, at,
        room name, reporter, author, reason, the message's text or None once deleted)."""
        rows = self._db.rows(
            "SELECT p.id, p.at, COALESCE(r.name, ''), p.reporter, p.author, p.reason, "
            "m.text IS NULL, COALESCE(m.text, '') FROM reports p "
            "LEFT JOIN rooms r ON r.id = p.room_id "
            "LEFT JOIN messages m ON m.room_id = p.room_id AND m.seq = p.seq "
            "WHERE p.open = 1 ORDER BY p.id DESC LIMIT :limit",
            limit=limit,
        )
        return [
            (int(i), float(at), str(room), str(by), str(author), str(reason),
             None if gone else str(text))
            for i, at, room, by, author, reason, gone, text in rows
        ]  # fmt: skip

    def open_report(self, report_id: int) -> tuple[int, int, str] | None:
        """An open report's (room id, seq, author), or None if there is no such open one."""
        rows = self._db.rows(
            "SELECT room_id, seq, author FROM reports WHERE id = :i AND open = 1", i=report_id
        )
        return next(((int(r), int(s), str(a)) for r, s, a in rows), None)

    def close_report(self, report_id: int) -> bool:
        """Dismiss an open report; False if there is no open report with this id."""
        query = self._db.execute(
            "UPDATE reports SET open = 0 WHERE id = :i AND open = 1", i=report_id
        )
        changed = query.numRowsAffected() > 0
        query.finish()
        return changed

    def recent_acts(self, limit: int) -> list[tuple[Act, str]]:
        """The newest `limit` lines of the audit log, newest first, each with its room's name."""
        rows = self._db.rows(
            "SELECT a.room_id, a.at, a.actor, a.action, a.target, COALESCE(a.minutes, -1), "
            "a.reason, COALESCE(r.name, '') FROM audit_log a "
            "LEFT JOIN rooms r ON r.id = a.room_id ORDER BY a.id DESC LIMIT :limit",
            limit=limit,
        )
        return [
            (Act(int(room), float(at), str(actor), str(action), target or None,
                 None if int(minutes) < 0 else int(minutes), reason or None), str(name))
            for room, at, actor, action, target, minutes, reason, name in rows
        ]  # fmt: skip

    def moderators(self, room_id: int) -> list[str]:
        rows = self._db.rows(
            "SELECT user_key FROM room_roles WHERE room_id = :r AND role = :role",
            r=room_id,
            role=MODERATOR,
        )
        return [str(key) for (key,) in rows]

    def set_role(self, room_id: int, key: str, role: str) -> None:
        """Store `role` for the account in the room; `member` is the absence of a row."""
        with self._db.transaction():
            self._db.execute(
                "DELETE FROM room_roles WHERE room_id = :r AND user_key = :k", r=room_id, k=key
            ).finish()
            if role == MODERATOR:
                self._db.execute(
                    "INSERT INTO room_roles (room_id, user_key, role) VALUES (:r, :k, :role)",
                    r=room_id,
                    k=key,
                    role=role,
                ).finish()

    def set_owner(self, room_id: int, owner: str) -> None:
        self._db.execute(
            "UPDATE rooms SET owner = :owner WHERE id = :r", owner=owner, r=room_id
        ).finish()

    def bans(self, room_id: int, now: float) -> list[BanRecord]:
        """The room's bans still in force at `now`, oldest first."""
        rows = self._db.rows(
            "SELECT user_key, name, until IS NULL, until, by_name, reason FROM room_bans "
            "WHERE room_id = :r AND (until IS NULL OR until > :now) ORDER BY until",
            r=room_id,
            now=now,
        )
        return [
            BanRecord(str(k), str(n), None if forever else float(u), str(b), r or None)
            for k, n, forever, u, b, r in rows
        ]

    def save_ban(self, room_id: int, ban: BanRecord) -> None:
        with self._db.transaction():
            self.delete_ban(room_id, ban.key)
            binds = {"r": room_id, "k": ban.key, "n": ban.name, "b": ban.by,
                     "reason": ban.reason or ""}  # fmt: skip
            if ban.until is None:  # a bound None is not NULL on every driver: leave it out
                self._db.execute(_BAN_FOR_GOOD, **binds).finish()
            else:
                self._db.execute(_BAN_UNTIL, u=ban.until, **binds).finish()

    def delete_ban(self, room_id: int, key: str) -> None:
        self._db.execute(
            "DELETE FROM room_bans WHERE room_id = :r AND user_key = :k", r=room_id, k=key
        ).finish()

    def record(self, act: Act) -> None:
        binds: dict[str, Any] = {
            "r": act.room_id,
            "at": act.at,
            "actor": act.actor,
            "action": act.action,
            "target": act.target or "",
            "reason": act.reason or "",
            "seq": act.seq,
        }
        if act.minutes is None:  # NULL by leaving it out, as with a ban's `until`
            self._db.insert(_ACT, **binds)
        else:
            self._db.insert(_ACT_FOR_MINUTES, minutes=act.minutes, **binds)

    def acts(self, room_id: int | None = None) -> list[Act]:
        """The audit log, oldest first; of one room when given."""
        sql = (
            "SELECT room_id, at, actor, action, target, COALESCE(minutes, 0), reason FROM audit_log"
        )
        rows = (
            self._db.rows(sql + " WHERE room_id = :r ORDER BY id", r=room_id)
            if room_id is not None
            else self._db.rows(sql + " ORDER BY id")
        )
        return [
            Act(
                int(r),
                float(at),
                str(a),
                str(act),
                t or None,
                None if m in (None, "") else int(m),
                reason or None,
            )
            for r, at, a, act, t, m, reason in rows
        ]
