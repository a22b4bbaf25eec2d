"""`main.py --mode server`: build the config from flags, then serve or add a user."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QStandardPaths

from app.server.config import ServerConfig
from app.server.database import DatabaseError
from app.server.hashing import make_argon2
from app.server.server import ChatServer
from app.server.store import ChatStore
from app.server.tls import TlsError, default_cert_hosts, load_server_tls, make_self_signed
from app.shared import logs
from app.shared.protocol import ProtocolError
from app.shared.unix_signals import ShutdownSignals
from app.shared.validation import check_name, check_password, name_key

DB_FILE_NAME = "roomchat.sqlite3"
DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 4000


def default_db_path() -> str:
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    Path(folder).mkdir(parents=True, exist_ok=True)
    return str(Path(folder) / DB_FILE_NAME)


def has_display() -> bool:
    if not sys.platform.startswith("linux"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def config_from_args(args: argparse.Namespace) -> ServerConfig:
    """The server's settings from its flags; raises `TlsError` for an unusable certificate."""
    if bool(args.tls_cert) != bool(args.tls_key):
        raise TlsError("--tls-cert and --tls-key go together")
    tls = load_server_tls(args.tls_cert, args.tls_key) if args.tls_cert else None
    return ServerConfig(
        tls=tls,
        db_path=args.db or default_db_path(),
        host=args.host or DEFAULT_HOST,
        port=DEFAULT_PORT if args.port is None else args.port,
        room_port_range=args.room_port_range,
        empty_room_grace=args.empty_room_grace,
        max_room_capacity=args.max_room_capacity,
        registration=not args.no_registration,
        hash_profile=args.hash_profile,
        enter_timeout=args.enter_timeout,
        login_timeout=args.login_timeout,
        idle_timeout=args.idle_timeout,
        max_bad_frames=args.max_bad_frames,
        msg_rate=args.msg_rate,
        msg_burst=args.msg_burst,
        flood_close_factor=args.flood_close_factor,
        login_fails_per_name=args.login_fails_per_name,
        login_fails_per_address=args.login_fails_per_address,
        login_fail_window=args.login_fail_window,
        max_output_bytes=args.max_output_bytes,
        max_connections_per_address=args.max_connections_per_address,
        max_connections=args.max_connections,
        max_rooms=args.max_rooms,
        max_rooms_per_user=args.max_rooms_per_user,
    )


def add_user(config: ServerConfig, name: str) -> int:
    """Create an account from the command line, the password read from stdin."""
    if sys.stdin.isatty():
        password = getpass.getpass(f"password for {name}: ")
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        name = check_name(name)
        check_password(password)
    except ProtocolError as problem:
        print(f"error: {problem.message}", file=sys.stderr)
        return 2
    store = ChatStore(config.db_path)
    try:
        created = store.add_account(
            name, name_key(name), make_argon2(config.hash_profile).hash(password)
        )
    finally:
        store.close()
    if not created:
        print(f"error: the name {name!r} is taken", file=sys.stderr)
        return 1
    print(f"created account {name}")
    return 0


def run_server(args: argparse.Namespace) -> int:
    headless = args.headless or not has_display()
    if headless:
        app = QCoreApplication(sys.argv[:1])
    else:
        from PySide6.QtWidgets import QApplication

        app = QApplication(sys.argv[:1])
    app.setApplicationName("RoomChat")
    app.setOrganizationName("RoomChat")
    if args.make_cert:
        cert, key = make_self_signed(args.make_cert, args.cert_host or default_cert_hosts())
        print(f"wrote {cert} and {key}; start the server with --tls-cert {cert} --tls-key {key}")
        return 0
    try:
        config = config_from_args(args)
    except TlsError as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    try:  # a database that cannot be used is one line, not a traceback
        if args.add_user is not None:
            return add_user(config, args.add_user)
        server = ChatServer(config)
    except DatabaseError as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    if not server.listen():
        server.shutdown()
        return 1
    print(f"listening on {server.address}", flush=True)
    logs.server.info("database: %s", config.db_path)

    server.shut_down.connect(app.quit)
    ShutdownSignals(server.shutdown, app)
    admin = None
    if not headless:
        from app.server.admin import open_admin_window

        admin = open_admin_window(server)  # closing it shuts the server down
    exit_code = app.exec()
    del admin  # the window lives as long as the event loop runs
    return exit_code
