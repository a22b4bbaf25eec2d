"""Plain copies of the server's state that cross from the core thread to the window."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RoomState:
    """One open room as the window shows it, copied on the core thread when it changes."""

    id: int
    name: str
    port: int
    members: tuple[str, ...]
    capacity: int
    locked: bool
    owner: str
    created_at: str
    persistent: bool
    slow_mode_seconds: int = 0  # 0: off
    read_only: bool = False
    locked_doors: bool = False
    node: str = ""  # the node it runs on ("" on SQLite: one server, no nodes)
    remote_members: int | None = None  # on another node: its member count (names unknown)

    @property
    def here(self) -> bool:
        """True if it runs on this server (the window may act on it)."""
        return self.remote_members is None

    @property
    def member_count(self) -> int:
        return len(self.members) if self.remote_members is None else self.remote_members


@dataclass(frozen=True, slots=True)
class NodeState:
    """One server sharing the database, as the Nodes tab lists it. On SQLite the only one is
    this server, with no name and no lease (`live` None)."""

    name: str
    host: str
    port: int
    rooms: int
    members: int
    live: bool | None  # False: its lease ran out (the next renewal anywhere forgets it)
    here: bool


@dataclass(frozen=True, slots=True)
class CoreState:
    """Everything the window shows of the server at one moment: counts and open rooms."""

    clients: int
    users: int
    rooms: tuple[RoomState, ...]  # this server's, then those of the other nodes
    node: str = ""  # this server's node name ("" on SQLite)
    nodes: tuple[NodeState, ...] = ()


@dataclass(frozen=True, slots=True)
class ReportState:
    """One open report of a message: when (Unix seconds), where, by whom, about what."""

    id: int
    at: float
    room: str
    reporter: str
    author: str
    reason: str
    text: str | None  # None once the message is deleted


@dataclass(frozen=True, slots=True)
class ActState:
    """One line of the audit log: when (Unix seconds), where, who did what to whom, why."""

    at: float
    room: str
    actor: str
    action: str
    target: str | None
    minutes: int | None
    reason: str | None
