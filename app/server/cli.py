"""`main.py --mode server`: build the config from flags, then serve, add a user or set
an account's operator role."""

from __future__ import annotations

import argparse
import gc
import getpass
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QStandardPaths, QTranslator
from PySide6.QtNetwork import QAbstractSocket, QHostAddress, QHostInfo

from app.server.config import ServerConfig
from app.server.database import DatabaseError
from app.server.db_target import DatabaseUrlError, PostgresTarget, SqliteTarget, parse_db
from app.server.flags import flag_values
from app.server.hashing import make_argon2
from app.server.server import ChatServer
from app.server.store import ChatStore
from app.server.tls import TlsError, default_cert_hosts, load_server_tls, make_self_signed
from app.shared import i18n, logs
from app.shared.protocol import ProtocolError
from app.shared.unix_signals import ShutdownSignals
from app.shared.validation import check_name, check_password, login_key, name_key

if TYPE_CHECKING:  # --workers only: imported when asked for
    from app.server.workers import Workers

DB_FILE_NAME = "roomchat.sqlite3"


def default_db_path() -> str:
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    Path(folder).mkdir(parents=True, exist_ok=True)
    return str(Path(folder) / DB_FILE_NAME)


def has_display() -> bool:
    if not sys.platform.startswith("linux"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def install_admin_language(
    app: QCoreApplication, flag: str | None, directory: Path | None = None
) -> list[QTranslator]:
    """Translate the admin window as the client is translated: into `--lang`, else the
    system locale's language when there is a translation for it."""
    language = i18n.choose_language(flag)
    folder = directory if directory is not None else i18n.TRANSLATIONS_DIR
    return i18n.install_translators(app, language, folder, (i18n.SERVER_CATALOG,))


class StartupError(Exception):
    """A setting the server cannot start with; its text is the one line the operator sees."""


def listen_address(host: str) -> str:
    """`host` as an address to listen on: itself if it is one, else the host name looked up
    (IPv4 first, as clients default to 127.0.0.1); raises `StartupError` if it has none.

    The lookup blocks, which is harmless here: it runs once, before the event loop starts.
    """
    if not QHostAddress(host).isNull():
        return host
    found = QHostInfo.fromName(host)
    addresses = found.addresses()
    if found.error() != QHostInfo.HostInfoError.NoError or not addresses:
        raise StartupError(f"cannot find the address of {host!r}: {found.errorString()}")
    ipv4 = QAbstractSocket.NetworkLayerProtocol.IPv4Protocol
    address = next((a for a in addresses if a.protocol() == ipv4), addresses[0]).toString()
    logs.net.info("%s is %s", host, address)
    return address


def database_problem(db: str, error: DatabaseError) -> str:
    """One line on why the database `db` names cannot be opened, an SQLite file's folder's
    fault first."""
    target = parse_db(db)
    if not isinstance(target, SqliteTarget):
        return str(error)
    path = target.path
    folder = Path(path).absolute().parent
    if not folder.exists():
        reason = f"the folder {folder} does not exist"
    elif not folder.is_dir():
        reason = f"{folder} is not a folder"
    elif not os.access(folder, os.W_OK | os.X_OK):
        reason = f"the folder {folder} is read-only (the database needs to write files beside it)"
    else:
        return str(error)
    return f"cannot open the database {path}: {reason}"


def config_from_args(args: argparse.Namespace) -> ServerConfig:
    """The server's settings from its flags; raises `TlsError` for an unusable certificate."""
    if bool(args.tls_cert) != bool(args.tls_key):
        raise TlsError("--tls-cert and --tls-key go together")
    tls = load_server_tls(args.tls_cert, args.tls_key) if args.tls_cert else None
    db = args.db or default_db_path()
    try:
        parse_db(db)
    except DatabaseUrlError as problem:
        raise StartupError(str(problem)) from None
    # Every other field comes from its own flag (see ServerConfig), or keeps its default.
    return ServerConfig(tls=tls, db_path=db, **flag_values(ServerConfig, args))


def add_user(config: ServerConfig, name: str, operator: bool = False) -> int:
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
            name, name_key(name), make_argon2(config.hash_profile).hash(password), operator
        )
    finally:
        store.close()
    if not created:
        print(f"error: the name {name!r} is taken", file=sys.stderr)
        return 1
    print(f"created operator account {name}" if operator else f"created account {name}")
    return 0


def set_operator(config: ServerConfig, name: str, operator: bool) -> int:
    """Grant or revoke the operator role; it takes effect at the account's next login."""
    store = ChatStore(config.db_path)
    try:
        found = store.set_operator(login_key(name), operator)
    finally:
        store.close()
    if found is None:
        print(f"error: no account is named {name!r}", file=sys.stderr)
        return 2
    shown, was = found
    if was == operator:
        print(f"{shown} {'is an operator' if operator else 'is not an operator'} already")
    else:
        print(f"{shown} {'is now an operator' if operator else 'is no longer an operator'}")
    return 0


def account_command(config: ServerConfig, args: argparse.Namespace) -> int | None:
    """Run --add-user, --grant-operator or --revoke-operator if one was given."""
    if args.operator and args.add_user is None:
        raise StartupError("--operator goes with --add-user")
    if args.add_user is not None:
        return add_user(config, args.add_user, args.operator)
    if args.grant_operator is not None:
        return set_operator(config, args.grant_operator, True)
    if args.revoke_operator is not None:
        return set_operator(config, args.revoke_operator, False)
    return None


M_ARENA_MAX = -8  # glibc's mallopt parameter


def share_malloc_arena() -> bool:
    """Before any thread starts: every thread allocates from glibc's one main arena (False
    where the C library is not glibc). Else each thread that mallocs gets an arena of its
    own (up to eight per core), which keeps the high water of that thread's allocations for
    good: the search index's thread and the hashing thread cost the overload bench about
    2 MB of RSS that way. The server's threads mostly take turns under the GIL, and glibc's
    per-thread cache serves small allocations without the arena's lock. (Importing ctypes
    for it costs about 450 kB of RSS.)"""
    import ctypes

    try:
        libc = ctypes.CDLL(None)
        return bool(libc.mallopt(M_ARENA_MAX, 1))
    except (OSError, AttributeError):  # not glibc
        return False


def run_server(args: argparse.Namespace) -> int:
    share_malloc_arena()
    headless = args.headless or not has_display()
    if headless:
        # Qt's own event dispatcher rather than GLib's: a socket's write notifier is turned
        # on and off for every buffered write, which costs GLib a poll-list insert and
        # removal each time; 14 % of the instructions per message at one message per read.
        os.environ.setdefault("QT_NO_GLIB", "1")
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
        done = account_command(config, args)
        if done is not None:
            return done
        config = replace(config, host=listen_address(config.host))
        check_workers(config, headless)
        if headless:
            return serve_headless(app, ChatServer(config))
        return serve_with_window(app, config, args.lang)
    except (TlsError, StartupError, OSError) as problem:  # OSError: no app-data folder
        print(f"error: {problem}", file=sys.stderr)
        return 2
    except DatabaseError as problem:
        print(f"error: {database_problem(config.db_path, problem)}", file=sys.stderr)
        return 2


def settle_heap() -> None:
    """Once serving: what start-up made (modules, Qt's wrappers, the config) lives as long
    as the process, so the collector stops visiting it (`gc.freeze`). Else every full
    collection walks those tens of thousands of objects again: one in three runs of
    `bench idle` (1,000 logins) had one, 40 ms of the event loop at once."""
    gc.collect()
    gc.freeze()


def serve_headless(app: QCoreApplication, server: ChatServer) -> int:
    """The server on the main thread's event loop until it shuts down."""
    # Signals are handled before anyone is told where we listen: a SIGTERM sent as soon as
    # "listening on" appears must shut the server down cleanly, not kill it.
    workers: list[Workers] = []  # --workers: the other node processes, once listening
    server.shut_down.connect(lambda: workers[0].stop(app.quit) if workers else app.quit())
    ShutdownSignals(server.shutdown, app)
    if not server.listen():
        server.shutdown()
        return 1
    print(f"listening on {server.address}", flush=True)
    logs.server.info("database: %s", parse_db(server.config.db_path).display)  # no password
    settle_heap()
    if server.config.workers > 1 and server.node is not None:
        from app.server.workers import Workers

        workers.append(Workers(server.config, server.node.name, sys.argv, app))
    return app.exec()


def check_workers(config: ServerConfig, headless: bool) -> None:
    if config.workers > 1 and not isinstance(parse_db(config.db_path), PostgresTarget):
        raise StartupError("--workers needs a PostgreSQL --db (SQLite is one server)")
    if config.workers > 1 and not headless:
        raise StartupError("--workers runs headless (--headless)")


def serve_with_window(app: QCoreApplication, config: ServerConfig, lang: str | None) -> int:
    """The server core on a thread of its own, the admin window on the main thread: a
    blocked display (or anything else the window waits for) never stops the serving."""
    from app.server.admin import CoreThread, open_admin_window

    core = CoreThread(lambda parent: ChatServer(config, parent))
    core.start()  # raises DatabaseError as making the server does
    try:
        core.shut_down.connect(app.quit)
        # Before "listening on", as above; on the core's thread, so that SIGTERM still says
        # goodbye to everyone while the window's thread is blocked (say, on a frozen display).
        core.adopt(ShutdownSignals(core.bridge.shutdown))
        address = core.listen()
        if address is None:
            return 1
        print(f"listening on {address}", flush=True)
        logs.server.info("database: %s", parse_db(config.db_path).display)
        install_admin_language(app, lang)
        admin = open_admin_window(core.bridge)  # closing it shuts the server down
        settle_heap()
        exit_code = app.exec()
        del admin  # the window lives as long as the event loop runs
        return exit_code
    finally:
        core.stop()  # the server shut down (if it had not) and its thread joined
