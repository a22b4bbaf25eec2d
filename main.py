"""RoomChat launcher: `python main.py --mode server|client [flags]` (see --help)."""

from __future__ import annotations

import argparse
import sys

import app.shared.pyside_sources  # noqa: F401  (first: see its docstring)
from app.server.config import ServerConfig
from app.server.flags import FlagGroup, add_flags

LOG_LEVELS = ("debug", "info", "warning", "error")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="main.py",
        description="RoomChat: a multi-room chat server and its desktop client.",
    )
    parser.add_argument(
        "--mode",
        choices=("server", "client"),
        required=True,
        help="run the chat server or the desktop client",
    )
    add_flags(parser, ServerConfig, FlagGroup.SHARED)  # --host, --port
    parser.add_argument(
        "--log-level",
        choices=LOG_LEVELS,
        default="info",
        help="how much to log to stderr (default: %(default)s)",
    )

    server = parser.add_argument_group("server")
    server.add_argument(
        "--db",
        metavar="PATH|URL",
        help="SQLite database file (default: roomchat.sqlite3 in the platform's app-data "
        "folder), or PostgreSQL: postgresql://USER[:PASSWORD]@HOST[:PORT]/DBNAME or "
        "service=NAME",
    )
    server.add_argument(
        "--headless",
        action="store_true",
        help="run without a window (implied when there is no display)",
    )
    add_flags(server, ServerConfig, FlagGroup.SERVER)
    server.add_argument(
        "--add-user",
        metavar="NAME",
        help="create the account NAME with a password read from stdin, then exit",
    )
    server.add_argument(
        "--operator",
        action="store_true",
        help="with --add-user: make the new account a server-wide operator",
    )
    server.add_argument(
        "--grant-operator",
        metavar="NAME",
        help="make the account NAME a server-wide operator (from its next login), then exit",
    )
    server.add_argument(
        "--revoke-operator",
        metavar="NAME",
        help="make the account NAME a plain account again (from its next login), then exit",
    )

    tls = parser.add_argument_group("server encryption (TLS)")
    tls.add_argument(
        "--tls-cert",
        metavar="PEM",
        help="certificate (chain) in PEM: every port speaks TLS 1.2 or newer",
    )
    tls.add_argument("--tls-key", metavar="PEM", help="the certificate's private key in PEM")
    tls.add_argument(
        "--make-cert",
        metavar="DIR",
        help="write a self-signed certificate and key into DIR, then exit",
    )
    tls.add_argument(
        "--cert-host",
        metavar="NAME",
        action="append",
        help="host name or IP address the made certificate is for (repeat for "
        "more; default: localhost and this machine's name)",
    )

    limits = parser.add_argument_group(
        "server limits", "what one client may do before it is refused or cut off (0 = no limit)"
    )
    add_flags(limits, ServerConfig, FlagGroup.LIMITS)

    client = parser.add_argument_group("client")
    client.add_argument(
        "--tls", action="store_true", help="connect with TLS (also a check box in the login window)"
    )
    client.add_argument(
        "--ca-file",
        metavar="PEM",
        help="trust the CA certificates in this file as well as the system's",
    )
    client.add_argument(
        "--lang",
        choices=("en", "ko"),
        help="language of the client and the admin window (default: the system's)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from app.shared.logs import setup_logging

    setup_logging(args.log_level)
    if args.mode == "server":
        from app.server.cli import run_server

        return run_server(args)
    from app.client.cli import run_client

    return run_client(args)


if __name__ == "__main__":
    sys.exit(main())
