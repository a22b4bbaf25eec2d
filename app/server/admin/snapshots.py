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


@dataclass(frozen=True, slots=True)
class CoreState:
    """Everything the window shows of the server at one moment: counts and open rooms."""

    clients: int
    users: int
    rooms: tuple[RoomState, ...]
