"""The server's settings, gathered from the command line (or set directly by tests)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ServerConfig:
    """Everything the server core needs to know; defaults match `main.py --help`."""

    db_path: str
    host: str = "127.0.0.1"
    port: int = 4000
    room_port_range: tuple[int, int] | None = None
    empty_room_grace: float = 10.0
    max_room_capacity: int = 100
    registration: bool = True
    hash_profile: str = "standard"
    ticket_ttl: float = 30.0
