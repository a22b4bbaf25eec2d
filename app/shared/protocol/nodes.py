"""Server to client: the main ports of a server's live nodes (several servers sharing one
PostgreSQL database), so that a client can sign in again at another when its node stops.

Parsed by `events.parse_server_frame` like every other event; kept apart for size.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from app.shared.protocol.errors import ErrorCode, ProtocolError
from app.shared.protocol.framing import MAX_FRAME_BYTES, WireObject, count_fitting, is_int
from app.shared.protocol.requests import _Wire

if TYPE_CHECKING:  # events.py imports this module; the reader is only a type here
    from app.shared.protocol.events import _Reader

MAX_PORT = 65_535


@dataclass(frozen=True, slots=True)
class NodeAddress:
    """A NODE: one live node's main port. `host` "" (left out of the wire) is the host the
    client reached the node that sent the list at."""

    port: int
    host: str = ""

    def to_wire(self) -> WireObject:
        wire: WireObject = {"host": self.host} if self.host else {}
        wire["port"] = self.port
        return wire

    @classmethod
    def from_wire(cls, obj: WireObject) -> NodeAddress:
        port, host = obj.get("port"), obj.get("host", "")
        if not isinstance(port, int) or not is_int(port) or not 1 <= port <= MAX_PORT:
            raise ProtocolError(ErrorCode.BAD_REQUEST, "nodes.port must be a port number")
        if not isinstance(host, str):
            raise ProtocolError(ErrorCode.BAD_REQUEST, "nodes.host must be a string")
        return cls(port, host)


@dataclass(frozen=True, slots=True)
class NodeList(_Wire):
    """`nodes`: every live node's main port (the sender's among them), in the server's order;
    sent after `logged_in` and again whenever the list changes."""

    TYPE: ClassVar[str] = "nodes"
    nodes: tuple[NodeAddress, ...]

    @classmethod
    def from_wire(cls, read: _Reader) -> NodeList:
        return cls(tuple(NodeAddress.from_wire(obj) for obj in read.objects("nodes")))


def fitted_nodes(nodes: Sequence[NodeAddress]) -> NodeList:
    """A `nodes` event with as many of `nodes`, in order, as fit one line."""
    budget = MAX_FRAME_BYTES - len(NodeList(()).encode())
    return NodeList(tuple(nodes[: count_fitting(nodes, budget)]))
