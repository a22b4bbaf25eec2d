"""The admin window's Nodes tab for `tools.admin_screenshot`: two nodes on a throw-away
PostgreSQL server ("north", whose window is shown, on a thread of its own as `main.py` runs
it, and "south" in this thread), with rooms opened from both lobbies."""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtSql import QSqlDatabase

from tools.pg_cluster import Cluster, why_no_server
from tools.qtwait import pump_until


def why_not(out: Path) -> str | None:
    reason = why_no_server()
    if reason is None and not QSqlDatabase.isDriverAvailable("QPSQL"):
        reason = "Qt's QPSQL driver does not load (Debian: apt-get install libpq5)"
    return f"skipped {out}: {reason}" if reason else None


def capture_nodes(out: Path, save: Any, log_in: Any, enter: Any) -> None:
    """Save the Nodes tab of north's window to `out` (the helpers are admin_screenshot's)."""
    from PySide6.QtWidgets import QMessageBox, QTabWidget, QWidget

    from app.server.admin import CoreThread, open_admin_window
    from app.server.config import ServerConfig
    from app.server.server import ChatServer
    from app.shared.forms import child

    skipped = why_not(out)
    if skipped:
        print(skipped)
        return
    cluster = Cluster()
    try:
        cluster.psql("postgres", "CREATE DATABASE roomchat;")
        with tempfile.TemporaryDirectory() as folder:
            base = ServerConfig(
                db_path=cluster.url("roomchat"),
                port=0,
                hash_profile="test",
                registrations_per_address=0,
                files_dir=str(Path(folder) / "files"),
            )
            north_config = replace(base, node_name="north", advertise_host="10.0.0.11")
            north = CoreThread(lambda parent: ChatServer(north_config, parent))
            north.start()
            address = north.listen()
            if address is None:
                north.stop()
                raise SystemExit("node north could not listen")
            south = ChatServer(replace(base, node_name="south", advertise_host="10.0.0.12"))
            if not south.listen():
                raise SystemExit("node south could not listen")
            window = open_admin_window(north.bridge)
            pump_until(lambda: window.synced and window.form.isVisible(), "the window")
            tabs = child(window.form, QTabWidget, "adminTabs")
            tabs.setCurrentWidget(child(window.form, QWidget, "nodesTab"))
            clients = _populate(int(address.rsplit(":", 1)[1]), south.port, log_in, enter)
            model = window.nodes_tab.model
            pump_until(
                lambda: [(n.rooms, n.members) for n in model.nodes()] == [(2, 3), (1, 2)],
                "both nodes' rooms",
            )
            save(window.form, out)
            window.form.close()  # held open until the server has shut down
            if window.confirmation is not None:  # people are connected: it asks first
                window.confirmation.button(QMessageBox.StandardButton.Yes).click()
            pump_until(lambda: not window.form.isVisible(), "north to shut down")
            north.stop()
            south.shutdown()
            for client in clients:
                client.socket.abort()
    finally:
        cluster.stop()


def _populate(north: int, south: int, log_in: Any, enter: Any) -> list[Any]:
    """Each new room opens on the node with fewer rooms (on a tie, the asking lobby's): the
    Lounge and the Staff room on north, Homework help on south."""
    clients: list[Any] = []
    for port, owner, name, guests in [
        (north, "alice", "Lounge", ["dmitri"]),
        (south, "bob", "Homework help", ["farah"]),
        (north, "carol", "Staff room", []),
    ]:
        lobby = log_in(port, owner)
        created = lobby.request("create_room", "room_created", name=name, capacity=8)
        clients += [lobby, enter(created["room"]["port"], created["ticket"], owner)]
        for guest in guests:
            their_lobby = log_in(port, guest)
            granted = their_lobby.request(
                "join_room", "join_granted", room_id=created["room"]["id"]
            )
            clients += [their_lobby, enter(created["room"]["port"], granted["ticket"], guest)]
    return clients
