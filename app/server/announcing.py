"""Whether the server announces itself on the local network, from its config alone.

Apart from `mdns_announcer` so that a server that does not announce never loads the DNS
code (dnspython and the responder: about 10 MB).
"""

from __future__ import annotations

from PySide6.QtNetwork import QHostAddress

from app.server.config import ServerConfig


def should_announce(config: ServerConfig) -> bool:
    """--no-announce wins; a server only on loopback is announced only with --announce."""
    if not config.announce:
        return False
    return config.announce_on_loopback or not QHostAddress(config.host).isLoopback()
