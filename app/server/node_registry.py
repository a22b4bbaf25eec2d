"""The `nodes` table and the rooms' `node` column: which servers share a PostgreSQL database,
their leases, their load, and which room runs where. SQL only; the timers are nodes.py's."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QSysInfo

from app.server.database import Condition, Database, DatabaseError
from app.server.db_lock import DatabaseInUseError
from app.shared.protocol import RoomSummary
from app.shared.timefmt import utc_now_iso

# A node is live while its lease runs; `:now` is the asking node's wall clock.
_LIVE = "SELECT name FROM nodes WHERE lease_until >= :now"
# A room whose node is NULL: one from before nodes, or one another node is opening right now
# (its row is written before its node is). Only a node alone takes such rooms.
_UNOWNED = (
    "(node IS NULL AND NOT EXISTS (SELECT 1 FROM nodes WHERE lease_until >= :now AND name <> :me))"
)
_ROOM_COLUMNS = (
    "r.id, r.name, r.port, r.members, r.capacity, r.password_hash, r.owner, r.created_at, "
    "r.persistent, n.host, n.name"
)


class NodeNameInUseError(DatabaseInUseError):
    """A live node (its lease not run out) already has this `--node-name`; `pid` is its
    process. A `DatabaseInUseError`: the node's share of the database is taken."""

    def __init__(self, path: str, node: str, pid: int, machine: str) -> None:
        where = f"process {pid}" if pid else "another process"
        where += f" on {machine}" if machine else ""
        text = f"{path}: node name {node!r} is in use by a live node ({where})"
        DatabaseError.__init__(self, text, Condition.IN_USE)
        self.pid = pid


@dataclass(frozen=True, slots=True)
class NodeLoad:
    """A live node as it last reported itself."""

    name: str
    host: str
    port: int
    rooms: int
    members: int


@dataclass(frozen=True, slots=True)
class NodeStatus:
    """A node's row as the admin window lists it: its open rooms and members counted from
    the `rooms` table (live, not the load it last reported), and its lease's end."""

    name: str
    host: str
    port: int
    rooms: int
    members: int
    lease_until: float


@dataclass(frozen=True, slots=True)
class RemoteRoomRow:
    """An open room on another node: what its lobby entry shows, and its password hash."""

    summary: RoomSummary
    password_hash: str | None
    node: str


class NodeRegistry:
    """This node's row in `nodes` and the statements every node runs on the shared tables."""

    def __init__(self, db: Database, name: str, host: str) -> None:
        self.db = db
        self.name = name
        self.host = host

    def register(self, port: int, lease_until: float, now: float) -> None:
        """Take this node's name, or raise `NodeNameInUseError` while a live node holds it."""
        taken = self.db.rows(
            "INSERT INTO nodes (name, host, port, pid, machine, lease_until) "
            "VALUES (:name, :host, :port, :pid, :machine, :until) "
            "ON CONFLICT (name) DO UPDATE SET host = excluded.host, port = excluded.port, "
            "pid = excluded.pid, machine = excluded.machine, lease_until = excluded.lease_until, "
            "rooms = 0, members = 0 WHERE nodes.lease_until < :now RETURNING name",
            name=self.name,
            host=self.host,
            port=port,
            pid=QCoreApplication.applicationPid(),
            machine=QSysInfo.machineHostName(),
            until=lease_until,
            now=now,
        )
        if not taken:
            rows = self.db.rows("SELECT pid, machine FROM nodes WHERE name = :n", n=self.name)
            pid, machine = (int(rows[0][0]), str(rows[0][1])) if rows else (0, "")
            raise NodeNameInUseError(self.db.path, self.name, pid, machine)

    def renew(self, lease_until: float, rooms: int, members: int) -> bool:
        """Extend the lease and report the load; False if the row is gone (taken for dead)."""
        return bool(
            self.db.rows(
                "UPDATE nodes SET lease_until = :until, rooms = :rooms, members = :members "
                "WHERE name = :name RETURNING name",
                until=lease_until,
                rooms=rooms,
                members=members,
                name=self.name,
            )
        )

    def set_port(self, port: int) -> None:
        self.db.execute("UPDATE nodes SET port = :p WHERE name = :n", p=port, n=self.name).finish()

    def remove(self) -> None:
        self.db.execute("DELETE FROM nodes WHERE name = :n", n=self.name).finish()

    def live_nodes(self, now: float) -> list[NodeLoad]:
        rows = self.db.rows(
            "SELECT name, host, port, rooms, members FROM nodes WHERE lease_until >= :now "
            "ORDER BY name",
            now=now,
        )
        return [NodeLoad(str(n), str(h), int(p), int(r), int(m)) for n, h, p, r, m in rows]

    def statuses(self) -> list[NodeStatus]:
        """Every node's row, live or with its lease run out (until `forget_dead`)."""
        rows = self.db.rows(
            "SELECT n.name, n.host, n.port, COUNT(r.id), COALESCE(SUM(r.members), 0), "
            "n.lease_until FROM nodes n "
            "LEFT JOIN rooms r ON r.node = n.name AND r.closed_at IS NULL "
            "GROUP BY n.name, n.host, n.port, n.lease_until ORDER BY n.name"
        )
        return [
            NodeStatus(str(n), str(h), int(p), int(r), int(m), float(u))
            for n, h, p, r, m, u in rows
        ]

    def forget_dead(self, now: float) -> list[str]:
        """Delete the rows of nodes whose lease ran out, closing their temporary rooms;
        returns their names (their persistent rooms wait for `claim_persistent`)."""
        with self.db.transaction():
            dead = [
                str(row[0])
                for row in self.db.rows(
                    "DELETE FROM nodes WHERE lease_until < :now RETURNING name", now=now
                )
            ]
            if dead:  # their temporary rooms (not this node's, which run on)
                self.db.execute(
                    "UPDATE rooms SET closed_at = :at WHERE closed_at IS NULL "
                    f"AND persistent = 0 AND node NOT IN ({_LIVE})",
                    at=utc_now_iso(),
                    now=now,
                ).finish()
                self.prune_placements(now)
        return dead

    def close_stale_rooms(self, now: float) -> int:
        """Mark closed the temporary rooms of this node's earlier run and of dead nodes (at
        start-up: this node runs none yet)."""
        query = self.db.execute(
            "UPDATE rooms SET closed_at = :at WHERE closed_at IS NULL AND persistent = 0 "
            f"AND ({_UNOWNED} OR node = :me OR node NOT IN ({_LIVE}))",
            at=utc_now_iso(),
            me=self.name,
            now=now,
        )
        count = query.numRowsAffected()
        query.finish()
        return max(count, 0)

    def prune_placements(self, now: float) -> None:
        """Delete the `placements` rows left by nodes and rooms that are gone: requests to a
        node no longer live (nobody will answer them), answers naming a room that is closed
        or deleted, and refusals (an asker alive reads and deletes its answer at once, so
        those that stay were asked by a node that died)."""
        self.db.execute(
            f"DELETE FROM placements WHERE node NOT IN ({_LIVE}) OR error IS NOT NULL "
            "OR (room_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM rooms "
            "WHERE rooms.id = placements.room_id AND rooms.closed_at IS NULL))",
            now=now,
        ).finish()

    def forget_placements(self, room_id: int) -> None:
        """The room closed: an answer that names it is of no use to anyone now."""
        self.db.execute("DELETE FROM placements WHERE room_id = :r", r=room_id).finish()

    def claim_persistent(self, now: float) -> set[int]:
        """Take over the open persistent rooms no live node runs (this node's own from an
        earlier run among them); one UPDATE, so two nodes never take the same room."""
        rows = self.db.rows(
            "UPDATE rooms SET node = :me WHERE closed_at IS NULL AND persistent = 1 "
            f"AND ({_UNOWNED} OR node = :me OR node NOT IN ({_LIVE})) RETURNING id",
            me=self.name,
            now=now,
        )
        return {int(row[0]) for row in rows}

    def place_room(self, room_id: int, members: int) -> None:
        """Record that the room runs here, with its member count, for the other lobbies."""
        self.db.execute(
            "UPDATE rooms SET node = :me, members = :m WHERE id = :id",
            me=self.name,
            m=members,
            id=room_id,
        ).finish()

    def remote_rooms(self, now: float, room_id: int | None = None) -> list[RemoteRoomRow]:
        """The open rooms of the other live nodes (or the one with `room_id`, if it is one)."""
        sql = (
            f"SELECT {_ROOM_COLUMNS} FROM rooms r JOIN nodes n ON n.name = r.node "
            "WHERE r.closed_at IS NULL AND n.name <> :me AND n.lease_until >= :now"
        )
        if room_id is None:
            rows = self.db.rows(sql + " ORDER BY r.id", me=self.name, now=now)
        else:
            rows = self.db.rows(sql + " AND r.id = :id", me=self.name, now=now, id=room_id)
        found = []
        for row in rows:
            rid, name, port, members, capacity, password_hash, owner, created = row[:8]
            locked = bool(password_hash)  # NULL may read as ""
            summary = RoomSummary(
                int(rid), str(name), int(port), int(members), int(capacity),
                locked, str(owner), str(created), bool(row[8]), str(row[9]),
            )  # fmt: skip
            found.append(RemoteRoomRow(summary, password_hash if locked else None, str(row[10])))
        return found
