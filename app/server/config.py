"""The server's settings, gathered from the command line (or set directly by tests)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtNetwork import QSslConfiguration


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
    enter_timeout: float = 10.0
    login_timeout: float = 30.0
    idle_timeout: float = 120.0
    max_bad_frames: int = 10
    msg_rate: float = 10.0
    msg_burst: int = 20
    flood_close_factor: float = 5.0
    login_fails_per_name: int = 5
    login_fails_per_address: int = 20
    login_fail_window: float = 60.0
    max_output_bytes: int = 1_048_576
    max_connections_per_address: int = 64
    max_connections: int = 10_000
    max_rooms: int = 200
    max_rooms_per_user: int = 5
    tls: QSslConfiguration | None = None  # None: plain TCP
    handshake_timeout: float = 5.0  # seconds a TLS peer has to finish its handshake
