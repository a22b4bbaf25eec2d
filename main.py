"""RoomChat launcher: `python main.py --mode server|client [flags]` (see --help)."""

from __future__ import annotations

import argparse
import sys

LOG_LEVELS = ("debug", "info", "warning", "error")


def port_number(text: str) -> int:
    value = int(text)
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError("a port is 0 to 65535")
    return value


def port_range(text: str) -> tuple[int, int]:
    try:
        low, high = (int(part) for part in text.split("-", 1))
    except ValueError:
        raise argparse.ArgumentTypeError("expected LO-HI, for example 50000-50100") from None
    if not 1 <= low <= high <= 65535:
        raise argparse.ArgumentTypeError("need 1 <= LO <= HI <= 65535")
    return low, high


def positive_int(text: str) -> int:
    value = int(text)
    if value < 2:
        raise argparse.ArgumentTypeError("must be at least 2")
    return value


def non_negative_int(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must not be negative")
    return value


def non_negative_float(text: str) -> float:
    value = float(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must not be negative")
    return value


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
    parser.add_argument(
        "--host",
        help="server: address to listen on (default: 127.0.0.1); client: server to connect "
        "to (default: the last one used, else 127.0.0.1)",
    )
    parser.add_argument(
        "--port",
        type=port_number,
        help="server: main port to listen on, 0 = any free port (default: 4000); client: "
        "the server's main port (default: the last one used, else 4000)",
    )
    parser.add_argument(
        "--log-level",
        choices=LOG_LEVELS,
        default="info",
        help="how much to log to stderr (default: %(default)s)",
    )

    server = parser.add_argument_group("server")
    server.add_argument(
        "--db",
        metavar="PATH",
        help="SQLite database file (default: roomchat.sqlite3 in the platform's app-data folder)",
    )
    server.add_argument(
        "--headless",
        action="store_true",
        help="run without a window (implied when there is no display)",
    )
    server.add_argument(
        "--room-port-range",
        type=port_range,
        metavar="LO-HI",
        help="open room ports at random within LO-HI (default: let the OS pick a free port)",
    )
    server.add_argument(
        "--empty-room-grace",
        type=non_negative_float,
        default=10.0,
        metavar="SECONDS",
        help="close an empty room after this long (default: %(default)s)",
    )
    server.add_argument(
        "--max-room-capacity",
        type=positive_int,
        default=100,
        metavar="N",
        help="largest capacity a room may ask for (default: %(default)s)",
    )
    server.add_argument(
        "--no-registration",
        action="store_true",
        help="refuse new accounts over the network (--add-user still works)",
    )
    server.add_argument(
        "--hash-profile",
        choices=("standard", "test"),
        default="standard",
        help="argon2id cost: 'standard' is RFC 9106's low-memory profile; "
        "'test' is cheap and only for tests and benchmarks",
    )
    server.add_argument(
        "--add-user",
        metavar="NAME",
        help="create the account NAME with a password read from stdin, then exit",
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
    limits.add_argument(
        "--max-bad-frames",
        type=non_negative_int,
        default=10,
        metavar="N",
        help="bad_request errors before a connection is closed (default: %(default)s)",
    )
    limits.add_argument(
        "--msg-rate",
        type=non_negative_float,
        default=10.0,
        metavar="PER_S",
        help="chat messages per second per connection (default: %(default)s)",
    )
    limits.add_argument(
        "--msg-burst",
        type=non_negative_int,
        default=20,
        metavar="N",
        help="burst of chat messages allowed above the rate (default: %(default)s)",
    )
    limits.add_argument(
        "--flood-close-factor",
        type=non_negative_float,
        default=5.0,
        metavar="X",
        help="close a connection that keeps sending at X times the rate (default: %(default)s)",
    )
    limits.add_argument(
        "--login-fails-per-name",
        type=non_negative_int,
        default=5,
        metavar="N",
        help="failed logins for one name per window before it is throttled (default: %(default)s)",
    )
    limits.add_argument(
        "--login-fails-per-address",
        type=non_negative_int,
        default=20,
        metavar="N",
        help="failed logins from one address per window before "
        "it is throttled (default: %(default)s)",
    )
    limits.add_argument(
        "--login-fail-window",
        type=non_negative_float,
        default=60.0,
        metavar="SECONDS",
        help="window of the login throttle (default: %(default)s)",
    )
    limits.add_argument(
        "--max-output-bytes",
        type=non_negative_int,
        default=1_048_576,
        metavar="BYTES",
        help="unsent output after which a slow reader is cut off (default: %(default)s)",
    )
    limits.add_argument(
        "--login-timeout",
        type=non_negative_float,
        default=30.0,
        metavar="SECONDS",
        help="time to log in on the main port (default: %(default)s)",
    )
    limits.add_argument(
        "--enter-timeout",
        type=non_negative_float,
        default=10.0,
        metavar="SECONDS",
        help="time to send enter on a room port (default: %(default)s)",
    )
    limits.add_argument(
        "--idle-timeout",
        type=non_negative_float,
        default=120.0,
        metavar="SECONDS",
        help="silence after which a logged-in connection is closed (default: %(default)s)",
    )
    limits.add_argument(
        "--max-connections-per-address",
        type=non_negative_int,
        default=64,
        metavar="N",
        help="open connections from one address (default: %(default)s)",
    )
    limits.add_argument(
        "--max-rooms",
        type=non_negative_int,
        default=200,
        metavar="N",
        help="open rooms in total (default: %(default)s)",
    )
    limits.add_argument(
        "--max-rooms-per-user",
        type=non_negative_int,
        default=5,
        metavar="N",
        help="open rooms one person may own (default: %(default)s)",
    )
    limits.add_argument(
        "--max-connections",
        type=non_negative_int,
        default=10_000,
        metavar="N",
        help="open connections in total (default: %(default)s)",
    )

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
        "--lang", choices=("en", "ko"), help="language of the client (default: the system's)"
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
