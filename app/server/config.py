"""The server's settings, each field with its command-line flag (or set directly by tests)."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtNetwork import QSslConfiguration

from app.server.addresses import ipv6_prefix_length
from app.server.flags import (
    FlagGroup,
    flag,
    int_from,
    node_label,
    non_negative_float,
    non_negative_int,
    port_number,
    port_range,
    positive_float,
    room_capacity,
    server_name,
    worker_count,
    yes_no,
)
from app.shared.protocol import MAX_MINUTES, REASON_MAX, SLOW_MODE_MAX

SHARED, SERVER, LIMITS = FlagGroup.SHARED, FlagGroup.SERVER, FlagGroup.LIMITS
# Who may create a persistent room: server operators, every account, or nobody.
PERSISTENT_ROOM_POLICIES = ("operators", "everyone", "nobody")

# Fields that have no flag of their own, and why; every other field must have one.
NOT_FLAGS: dict[str, str] = {
    # An SQLite path or a PostgreSQL URL (see db_target.py); the name is older than the URL.
    "db_path": "--db, written in main.py: its default (the app-data folder) is found at run time",
    "tls": "loaded from the files --tls-cert and --tls-key name",
    "handshake_timeout": "fixed: the TLS handshake time docs/OPERATIONS.md gives",
    "mdns_port": "fixed: multicast DNS is UDP 5353; tests answer on a free port instead",
}


@dataclass(frozen=True, slots=True)
class ServerConfig:
    """Everything the server core needs to know; each flag's default is its field's default.

    To add a setting, add one field here, `field(default=..., metadata=flag(...))`: its flag,
    `--help` line (in field order within its group) and value in `config_from_args` follow
    from it. A setting with no flag goes into `NOT_FLAGS` with the reason. A new limit also
    gets a row in docs/OPERATIONS.md's table.
    """

    db_path: str
    host: str = field(
        default="127.0.0.1",
        metadata=flag(
            "--host",
            "server: address to listen on (default: %(default)s); client: server to connect "
            "to (default: the last one used, else 127.0.0.1)",
            SHARED,
            shared=True,
        ),
    )
    port: int = field(
        default=4000,
        metadata=flag(
            "--port",
            "server: main port to listen on, 0 = any free port (default: %(default)s); client: "
            "the server's main port (default: the last one used, else 4000)",
            SHARED,
            parse=port_number,
            shared=True,
        ),
    )
    room_port_range: tuple[int, int] | None = field(
        default=None,
        metadata=flag(
            "--room-port-range",
            "open room ports at random within LO-HI (default: let the OS pick a free port)",
            SERVER,
            parse=port_range,
            metavar="LO-HI",
        ),
    )
    empty_room_grace: float = field(
        default=10.0,
        metadata=flag(
            "--empty-room-grace",
            "close an empty room after this long (default: %(default)s)",
            SERVER,
            parse=non_negative_float,
            metavar="SECONDS",
        ),
    )
    read_marker_interval: float = field(
        default=1.0,
        metadata=flag(
            "--read-marker-interval",
            "relay a member's read marker at most once per this long; later ones are"
            " coalesced into the next (default: %(default)s)",
            SERVER,
            parse=non_negative_float,
            metavar="SECONDS",
        ),
    )
    typing_interval: float = field(
        default=3.0,
        metadata=flag(
            "--typing-interval",
            "relay a member's typing at most once per this long; extra ones are dropped"
            " (default: %(default)s)",
            SERVER,
            parse=non_negative_float,
            metavar="SECONDS",
        ),
    )
    max_room_capacity: int = field(
        default=100,
        metadata=flag(
            "--max-room-capacity",
            "largest capacity a room may ask for, 2 to 400 (default: %(default)s)",
            SERVER,
            parse=room_capacity,
            metavar="N",
        ),
    )
    registration: bool = field(
        default=True,
        metadata=flag(
            "--no-registration",
            "refuse new accounts over the network (--add-user still works)",
            SERVER,
        ),
    )
    persistent_rooms: str = field(
        default="operators",
        metadata=flag(
            "--persistent-rooms",
            "who may create a persistent room, one that stays open when empty and across "
            "restarts (default: %(default)s)",
            SERVER,
            choices=PERSISTENT_ROOM_POLICIES,
        ),
    )
    keep_deleted_history: bool = field(
        default=True,
        metadata=flag(
            "--keep-deleted-history",
            "keep the messages of a deleted room in the database; no deletes them (default: yes)",
            SERVER,
            parse=yes_no,
            metavar="yes|no",
        ),
    )
    history_days: float | None = field(
        default=None,
        metadata=flag(
            "--history-days",
            "delete messages older than this many days, in a pass at start-up and daily "
            "(default: keep them for as long as their room is kept)",
            SERVER,
            parse=positive_float,
            metavar="DAYS",
        ),
    )
    server_name: str = field(
        default="",
        metadata=flag(
            "--server-name",
            "the name the server is announced under on the local network (default: "
            "'RoomChat on' and this machine's host name); at most 63 bytes",
            SERVER,
            parse=server_name,
            metavar="NAME",
        ),
    )
    node_name: str = field(
        default="",
        metadata=flag(
            "--node-name",
            "PostgreSQL only: this server's name among the nodes sharing the database "
            "(default: the host name and --port; with --port 0, the process id too)",
            SERVER,
            parse=node_label,
            metavar="NAME",
        ),
    )
    advertise_host: str = field(
        default="",
        metadata=flag(
            "--advertise-host",
            "PostgreSQL only: the address clients of other nodes use to reach this node's "
            "room ports (default: --host)",
            SERVER,
            metavar="HOST",
        ),
    )
    workers: int = field(
        default=1,
        metadata=flag(
            "--workers",
            "PostgreSQL only, headless: run N node processes under this command, on --port "
            "and the N-1 ports after it (each any free port with --port 0); 'auto' = one per "
            "core (default: %(default)s)",
            SERVER,
            parse=worker_count,
            metavar="N",
        ),
    )
    node_lease: float = field(
        default=10.0,
        metadata=flag(
            "--node-lease",
            "PostgreSQL only: a node that has not renewed its lease for this long is dead; "
            "it renews every third of it (default: %(default)s)",
            LIMITS,
            parse=positive_float,
            metavar="SECONDS",
        ),
    )
    announce: bool = field(
        default=True,
        metadata=flag(
            "--no-announce",
            "do not announce the server on the local network (DNS-SD over multicast DNS); "
            "it wins over --announce",
            SERVER,
        ),
    )
    announce_on_loopback: bool = field(
        default=False,
        metadata=flag(
            "--announce",
            "announce the server even when it listens only on loopback",
            SERVER,
        ),
    )
    hash_profile: str = field(
        default="standard",
        metadata=flag(
            "--hash-profile",
            "argon2id cost: 'standard' is RFC 9106's low-memory profile; "
            "'test' is cheap and only for tests and benchmarks",
            SERVER,
            choices=("standard", "test"),
        ),
    )
    ticket_ttl: float = field(
        default=10.0,
        metadata=flag(
            "--ticket-seconds",
            "how long a room ticket from the lobby holds its seat (default: %(default)s)",
            LIMITS,
            parse=non_negative_float,
            metavar="SECONDS",
        ),
    )
    tickets_per_user: int = field(
        default=3,
        metadata=flag(
            "--tickets-per-user",
            "unused room tickets one person may hold in all rooms; a newer one revokes the "
            "oldest (default: %(default)s)",
            LIMITS,
            parse=non_negative_int,
            metavar="N",
        ),
    )
    reserved_seats: int = field(
        default=2,
        metadata=flag(
            "--reserved-seats",
            "unused room tickets that hold a seat in one room, the oldest first; later ones "
            "enter while a seat is free (default: %(default)s)",
            LIMITS,
            parse=non_negative_int,
            metavar="N",
        ),
    )
    max_bad_frames: int = field(
        default=10,
        metadata=flag(
            "--max-bad-frames",
            "bad_request errors before a connection is closed (default: %(default)s)",
            LIMITS,
            parse=non_negative_int,
            metavar="N",
        ),
    )
    msg_rate: float = field(
        default=10.0,
        metadata=flag(
            "--msg-rate",
            "chat messages per second per account, in all its rooms and connections "
            "together (default: %(default)s)",
            LIMITS,
            parse=non_negative_float,
            metavar="PER_S",
        ),
    )
    msg_burst: int = field(
        default=20,
        metadata=flag(
            "--msg-burst",
            "burst of chat messages allowed above the rate (default: %(default)s)",
            LIMITS,
            parse=non_negative_int,
            metavar="N",
        ),
    )
    address_msg_rate: float = field(
        default=50.0,
        metadata=flag(
            "--address-msg-rate",
            "chat messages per second from one address, all accounts together, with bursts "
            "of twice that (default: %(default)s)",
            LIMITS,
            parse=non_negative_float,
            metavar="PER_S",
        ),
    )
    text_bytes_per_minute: int = field(
        default=1_048_576,
        metadata=flag(
            "--text-bytes-per-minute",
            "bytes of chat text one account may have stored per minute (default: %(default)s)",
            LIMITS,
            parse=non_negative_int,
            metavar="BYTES",
        ),
    )
    search_rate: float = field(
        default=5.0,
        metadata=flag(
            "--search-rate",
            "searches per second per account, with bursts of as many; 0 = no limit "
            "(default: %(default)s)",
            LIMITS,
            parse=non_negative_float,
            metavar="PER_S",
        ),
    )
    max_pending_searches: int = field(
        default=16,
        metadata=flag(
            "--max-pending-searches",
            "searches waiting or running at once on the search thread (one per connection); "
            "past it a search gets server_busy; 0 = search on the event loop "
            "(default: %(default)s)",
            LIMITS,
            parse=non_negative_int,
            metavar="N",
        ),
    )
    joins_per_minute: int = field(
        default=30,
        metadata=flag(
            "--joins-per-minute",
            "join_room and create_room requests per account per minute, with bursts of a "
            "third of that (default: %(default)s)",
            LIMITS,
            parse=non_negative_int,
            metavar="N",
        ),
    )
    request_rate: float = field(
        default=20.0,
        metadata=flag(
            "--request-rate",
            "requests other than say per second per connection (default: %(default)s)",
            LIMITS,
            parse=non_negative_float,
            metavar="PER_S",
        ),
    )
    request_burst: int = field(
        default=40,
        metadata=flag(
            "--request-burst",
            "burst of requests allowed above --request-rate (default: %(default)s)",
            LIMITS,
            parse=non_negative_int,
            metavar="N",
        ),
    )
    room_update_interval: float = field(
        default=0.25,
        metadata=flag(
            "--room-update-interval",
            "a room's room_updated reaches the lobbies at most once per this; the latest "
            "state always follows (default: %(default)s)",
            LIMITS,
            parse=non_negative_float,
            metavar="SECONDS",
        ),
    )
    presence_interval: float = field(
        default=0.5,
        metadata=flag(
            "--presence-interval",
            "a person's presence event reaches the lobbies at most once per this; the latest "
            "state always follows (default: %(default)s)",
            LIMITS,
            parse=non_negative_float,
            metavar="SECONDS",
        ),
    )
    resume_days: float = field(
        default=14.0,
        metadata=flag(
            "--resume-days",
            'a resume token ("keep me signed in") expires this many days after it was '
            "given (default: %(default)s)",
            LIMITS,
            parse=non_negative_float,
            metavar="DAYS",
        ),
    )
    resume_tokens_per_account: int = field(
        default=5,
        metadata=flag(
            "--resume-tokens-per-account",
            "live resume tokens an account keeps (one per device signed in); a newer one "
            "revokes the oldest (default: %(default)s)",
            LIMITS,
            parse=non_negative_int,
            metavar="N",
        ),
    )
    flood_close_factor: float = field(
        default=5.0,
        metadata=flag(
            "--flood-close-factor",
            "close a connection that keeps sending at X times a chat or request rate "
            "(default: %(default)s)",
            LIMITS,
            parse=non_negative_float,
            metavar="X",
        ),
    )
    login_fails_per_name_and_address: int = field(
        default=5,
        metadata=flag(
            "--login-fails-per-name-and-address",
            "failed logins for one name from one address per window before that name is "
            "throttled from that address (default: %(default)s)",
            LIMITS,
            parse=non_negative_int,
            metavar="N",
        ),
    )
    login_fails_per_name: int = field(
        default=50,
        metadata=flag(
            "--login-fails-per-name",
            "failed logins for one name from all addresses per window before it is throttled "
            "everywhere (default: %(default)s)",
            LIMITS,
            parse=non_negative_int,
            metavar="N",
        ),
    )
    login_fails_per_address: int = field(
        default=20,
        metadata=flag(
            "--login-fails-per-address",
            "failed logins from one address per window before "
            "it is throttled (default: %(default)s)",
            LIMITS,
            parse=non_negative_int,
            metavar="N",
        ),
    )
    login_fail_window: float = field(
        default=60.0,
        metadata=flag(
            "--login-fail-window",
            "window of the login throttle (default: %(default)s)",
            LIMITS,
            parse=non_negative_float,
            metavar="SECONDS",
        ),
    )
    room_password_fails_per_user: int = field(
        default=5,
        metadata=flag(
            "--room-password-fails-per-user",
            "wrong passwords for one room from one person per login-fail window before "
            "their guesses at it are throttled (default: %(default)s)",
            LIMITS,
            parse=non_negative_int,
            metavar="N",
        ),
    )
    room_password_fails_per_address: int = field(
        default=20,
        metadata=flag(
            "--room-password-fails-per-address",
            "wrong passwords for one room from one address per login-fail window before "
            "guesses at it from there are throttled (default: %(default)s)",
            LIMITS,
            parse=non_negative_int,
            metavar="N",
        ),
    )
    registrations_per_address: int = field(
        default=5,
        metadata=flag(
            "--registrations-per-address",
            "new accounts from one address per registration window (default: %(default)s)",
            LIMITS,
            parse=non_negative_int,
            metavar="N",
        ),
    )
    registration_window: float = field(
        default=600.0,
        metadata=flag(
            "--registration-window",
            "window of the registration throttle (default: %(default)s)",
            LIMITS,
            parse=non_negative_float,
            metavar="SECONDS",
        ),
    )
    max_pending_hashes: int = field(
        default=64,
        metadata=flag(
            "--max-pending-hashes",
            "password checks waiting or running at once; past it a request gets server_busy, "
            "and the last quarter is kept for logins (default: %(default)s)",
            LIMITS,
            parse=non_negative_int,
            metavar="N",
        ),
    )
    max_output_bytes: int = field(
        default=1_048_576,
        metadata=flag(
            "--max-output-bytes",
            "unsent output after which a slow reader is cut off (default: %(default)s)",
            LIMITS,
            parse=non_negative_int,
            metavar="BYTES",
        ),
    )
    max_unstored_messages: int = field(
        default=1_000,
        metadata=flag(
            "--max-unstored-messages",
            "messages a room holds in memory while the database is busy, before it refuses "
            "more with server_busy (default: %(default)s)",
            LIMITS,
            parse=non_negative_int,
            metavar="N",
        ),
    )
    login_timeout: float = field(
        default=30.0,
        metadata=flag(
            "--login-timeout",
            "time to log in on the main port (default: %(default)s)",
            LIMITS,
            parse=non_negative_float,
            metavar="SECONDS",
        ),
    )
    enter_timeout: float = field(
        default=10.0,
        metadata=flag(
            "--enter-timeout",
            "time to send enter on a room port (default: %(default)s)",
            LIMITS,
            parse=non_negative_float,
            metavar="SECONDS",
        ),
    )
    idle_timeout: float = field(
        default=120.0,
        metadata=flag(
            "--idle-timeout",
            "silence after which a logged-in connection is closed (default: %(default)s)",
            LIMITS,
            parse=non_negative_float,
            metavar="SECONDS",
        ),
    )
    max_connections_per_address: int = field(
        default=64,
        metadata=flag(
            "--max-connections-per-address",
            "open connections from one address (default: %(default)s)",
            LIMITS,
            parse=non_negative_int,
            metavar="N",
        ),
    )
    max_rooms: int = field(
        default=200,
        metadata=flag(
            "--max-rooms",
            "open rooms in total (default: %(default)s)",
            LIMITS,
            parse=non_negative_int,
            metavar="N",
        ),
    )
    max_rooms_per_user: int = field(
        default=5,
        metadata=flag(
            "--max-rooms-per-user",
            "open rooms one person may own (default: %(default)s)",
            LIMITS,
            parse=non_negative_int,
            metavar="N",
        ),
    )
    max_moderation_minutes: int = field(
        default=366 * 24 * 60,
        metadata=flag(
            "--max-moderation-minutes",
            f"longest timed ban or mute in minutes, 1 to {MAX_MINUTES:,}; longer ones are"
            " refused (for good still works) (default: %(default)s)",
            LIMITS,
            parse=int_from(1, MAX_MINUTES),
            metavar="N",
        ),
    )
    max_slow_mode: int = field(
        default=24 * 60 * 60,
        metadata=flag(
            "--max-slow-mode",
            f"longest slow mode a room may set, 0 to {SLOW_MODE_MAX:,} (default: %(default)s)",
            LIMITS,
            parse=int_from(0, SLOW_MODE_MAX),
            metavar="SECONDS",
        ),
    )
    max_reason_chars: int = field(
        default=200,
        metadata=flag(
            "--max-reason-chars",
            f"longest reason of a kick, ban, mute or report, 1 to {REASON_MAX:,}"
            " (default: %(default)s)",
            LIMITS,
            parse=int_from(1, REASON_MAX),
            metavar="N",
        ),
    )
    max_connections: int = field(
        default=10_000,
        metadata=flag(
            "--max-connections",
            "open connections in total (default: %(default)s)",
            LIMITS,
            parse=non_negative_int,
            metavar="N",
        ),
    )
    socket_send_buffer: int = field(
        default=65_536,
        metadata=flag(
            "--socket-send-buffer",
            "kernel send buffer of each connection, so that --max-output-bytes counts what "
            "really waits; 0 = the system's default (default: %(default)s)",
            LIMITS,
            parse=non_negative_int,
            metavar="BYTES",
        ),
    )
    socket_receive_buffer: int = field(
        default=65_536,
        metadata=flag(
            "--socket-receive-buffer",
            "kernel receive buffer of each connection, which bounds what a sender has queued "
            "ahead of its newest message while the server holds it; 0 = the system's "
            "default (default: %(default)s)",
            LIMITS,
            parse=non_negative_int,
            metavar="BYTES",
        ),
    )
    ipv6_prefix: int = field(
        default=64,
        metadata=flag(
            "--ipv6-prefix",
            "IPv6 addresses count as one address per network of this prefix length in the "
            "per-address limits; 128 = each apart (default: %(default)s)",
            LIMITS,
            parse=ipv6_prefix_length,
            metavar="BITS",
        ),
    )
    mdns_answer_rate: float = field(
        default=20.0,
        metadata=flag(
            "--mdns-answer-rate",
            "multicast DNS replies per second, with bursts of as many; more queries go "
            "unanswered (default: %(default)s)",
            LIMITS,
            parse=non_negative_float,
            metavar="PER_S",
        ),
    )
    mdns_update_interval: float = field(
        default=3.0,
        metadata=flag(
            "--mdns-update-interval",
            "the announced room count is updated at most once per this; the latest count "
            "always follows (default: %(default)s)",
            LIMITS,
            parse=non_negative_float,
            metavar="SECONDS",
        ),
    )
    files_dir: str = field(
        default="",
        metadata=flag(
            "--files-dir",
            "where attachments are kept (default: beside an SQLite --db file, its name and "
            "'-files'; with PostgreSQL, 'files/HOST-PORT-DBNAME' in the app-data folder, "
            "one per database; in memory, a temporary folder)",
            SERVER,
            metavar="DIR",
        ),
    )
    max_file_bytes: int = field(
        default=25 * 1024 * 1024,
        metadata=flag(
            "--max-file-bytes",
            "largest file one upload may send (default: %(default)s)",
            LIMITS,
            parse=non_negative_int,
            metavar="BYTES",
        ),
    )
    max_user_storage: int = field(
        default=500 * 1024 * 1024,
        metadata=flag(
            "--max-user-storage",
            "bytes of attachments one account may have posted; 0 = no limit (default: %(default)s)",
            LIMITS,
            parse=non_negative_int,
            metavar="BYTES",
        ),
    )
    max_total_storage: int = field(
        default=10 * 1024 * 1024 * 1024,
        metadata=flag(
            "--max-total-storage",
            "bytes of attachments the server keeps in all; 0 = no limit (default: %(default)s)",
            LIMITS,
            parse=non_negative_int,
            metavar="BYTES",
        ),
    )
    upload_timeout: float = field(
        default=60.0,
        metadata=flag(
            "--upload-timeout",
            "an upload with no chunk for this long is dropped, and its part with it "
            "(default: %(default)s)",
            LIMITS,
            parse=positive_float,
            metavar="SECONDS",
        ),
    )
    upload_min_rate: int = field(
        default=8 * 1024,
        metadata=flag(
            "--upload-min-rate",
            "an upload must end within --upload-timeout plus its size at this many bytes "
            "per second of its begin, however its chunks trickle (default: %(default)s)",
            LIMITS,
            parse=int_from(1, 2**40),
            metavar="BYTES",
        ),
    )
    max_uploads_in_progress: int = field(
        default=64,
        metadata=flag(
            "--max-uploads-in-progress",
            "uploads in progress on the whole server (each holds an open part file); past "
            "it upload_begin gets server_busy (default: %(default)s)",
            LIMITS,
            parse=int_from(1, 100_000),
            metavar="N",
        ),
    )
    max_uploads_per_address: int = field(
        default=4,
        metadata=flag(
            "--max-uploads-per-address",
            "uploads in progress from one address (one network), whatever its accounts; past "
            "it upload_begin gets rate_limited with retry_after (default: %(default)s)",
            LIMITS,
            parse=int_from(1, 100_000),
            metavar="N",
        ),
    )
    uploads_per_minute: int = field(
        default=20,
        metadata=flag(
            "--uploads-per-minute",
            "upload_begin requests per account per minute, with bursts of a third of that; "
            "0 = no limit (default: %(default)s)",
            LIMITS,
            parse=non_negative_int,
            metavar="N",
        ),
    )
    mdns_port: int = 5353
    tls: QSslConfiguration | None = None  # None: plain TCP
    handshake_timeout: float = 5.0  # seconds a TLS peer has to finish its handshake
