"""Where a new room opens, on a PostgreSQL-backed server of several nodes: on the live node
with the fewest open rooms (then members), as the `rooms` table says each node runs them.
Another node is asked by a `placements` row and a `place` notice; it opens the room and
answers with a `placed` notice; the asking lobby then hands out a shared ticket."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer

from app.server.database import Database, DatabaseError
from app.shared import logs
from app.shared.limits import Clock
from app.shared.protocol import ErrorCode, ProtocolError, RequestId, RoomCreated

if TYPE_CHECKING:
    from app.server.directory import RoomDirectory
    from app.server.node_bus import NodeBus

PLACE, PLACED = "place", "placed"
_LOADS = (
    "SELECT n.name, COUNT(r.id), COALESCE(SUM(r.members), 0) FROM nodes n "
    "LEFT JOIN rooms r ON r.node = n.name AND r.closed_at IS NULL "
    "WHERE n.lease_until >= :now GROUP BY n.name"
)


class Placement(QObject):
    """Chooses a node for each new room and carries the requests both ways.

    `answered(result)` callbacks get the new room's id, or a `ProtocolError` to raise: the
    target's refusal, or `server_busy` when it did not answer within `timeout` seconds.
    """

    def __init__(
        self,
        db: Database,
        node: str,
        bus: NodeBus,
        directory: RoomDirectory,
        timeout: float,
        parent: QObject | None = None,
        wall_clock: Clock = time.time,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._node = node
        self._bus = bus
        self._directory = directory
        self._timeout = timeout
        self._wall_clock = wall_clock
        self._pending: dict[int, tuple[Callable[[Any], None], QTimer]] = {}

    @property
    def node(self) -> str:
        return self._node

    def created(
        self, result: Any, user_key: str, name: str, operator: bool, request_id: RequestId
    ) -> RoomCreated:
        """The creator's answer once the room opened elsewhere (`result` as `place` gave it),
        with a shared ticket; raises the target's refusal as the request's error."""
        if isinstance(result, ProtocolError):
            raise ProtocolError(result.code, result.message, request_id, result.retry_after)
        room = self._directory.find_joinable(int(result))
        if room is None:  # its node died meanwhile
            raise ProtocolError(ErrorCode.NO_SUCH_ROOM, "the new room closed already", request_id)
        ticket = room.reserve_seat(user_key, name, request_id, operator)
        return RoomCreated(room.summary(), ticket, request_id)

    def choose(self) -> str:
        """The least-loaded live node: fewest rooms, then fewest members; this node on a tie."""
        loads = self._db.rows(_LOADS, now=self._wall_clock())
        if not loads:
            return self._node
        best = min(loads, key=lambda row: (int(row[1]), int(row[2]), row[0] != self._node))
        return str(best[0])

    def place(
        self,
        target: str,
        room: tuple[str, str, int, str | None, bool],
        answered: Callable[[Any], None],
    ) -> None:
        """Ask `target` to open `room` (name, owner, capacity, password hash, persistent)."""
        name, owner, capacity, password_hash, persistent = room
        placement_id = self._db.insert(
            "INSERT INTO placements (node, name, owner, capacity, password_hash, persistent) "
            "VALUES (:node, :name, :owner, :capacity, :hash, :persistent)",
            node=target,
            name=name,
            owner=owner,
            capacity=capacity,
            hash=password_hash,
            persistent=int(persistent),
        )
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.timeout.connect(lambda: self._answer(placement_id, None))
        timer.start(int(self._timeout * 1000))
        self._pending[placement_id] = (answered, timer)
        self._bus.publish(PLACE, placement_id)
        logs.server.info("room %r: asked node %r to open it", name, target)

    def on_place(self, placement_id: int) -> None:
        """A `place` notice: open the room if it is for this node, and answer."""
        rows = self._db.rows(
            "SELECT name, owner, capacity, password_hash, persistent FROM placements "
            "WHERE id = :id AND node = :me AND room_id IS NULL AND error IS NULL",
            id=placement_id,
            me=self._node,
        )
        if not rows:
            return
        name, owner, capacity, password_hash, persistent = rows[0]
        room_id, error = None, None
        try:
            self._directory.check_name_free(str(name), None)
            room = self._directory.open_room(
                str(name), str(owner), int(capacity), password_hash or None, None, bool(persistent)
            )
            room_id = room.info.id
        except ProtocolError as refused:
            error = refused.code.value
        self._db.execute(
            "UPDATE placements SET room_id = :room, error = :error WHERE id = :id",
            room=room_id,
            error=error,
            id=placement_id,
        ).finish()
        self._bus.publish(PLACED, placement_id)

    def on_placed(self, placement_id: int) -> None:
        """A `placed` notice: the answer to one of this node's requests, if it is one."""
        if placement_id not in self._pending:
            return
        rows = self._db.rows(
            "SELECT room_id, error FROM placements WHERE id = :id", id=placement_id
        )
        if rows and (rows[0][0] is not None or rows[0][1]):
            self._answer(placement_id, rows[0])

    def _answer(self, placement_id: int, row: tuple[Any, ...] | None) -> None:
        pending = self._pending.pop(placement_id, None)
        if pending is None:
            return
        answered, timer = pending
        timer.stop()
        timer.deleteLater()
        try:
            self._db.execute("DELETE FROM placements WHERE id = :id", id=placement_id).finish()
        except DatabaseError as failure:
            logs.db.warning("placement %d not deleted: %s", placement_id, failure)
        if row is None:
            busy = "the node chosen for the room did not answer; try again"
            answered(ProtocolError(ErrorCode.SERVER_BUSY, busy, None, 1.0))
        elif row[1]:
            answered(ProtocolError(ErrorCode(str(row[1])), "the room could not be opened"))
        else:
            answered(int(row[0]))
