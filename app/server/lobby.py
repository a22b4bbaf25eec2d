"""The main port's Qt adapter: its sessions, their request queues and what they are sent.

The rules of signing up, logging in, creating and joining rooms are sans-IO cores
(lobby_accounts, lobby_rooms) that return effects; `CarryingOut` (lobby_carrying) does
them. Direct messages, presence and search have modules of their own.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from app import __version__
from app.server.config import ServerConfig
from app.server.connection import Connection
from app.server.conversation import (
    Effect,
    LoginGuard,
    MainConversation,
    ParsedItem,
    Resume,
    RoomPasswordGuard,
)
from app.server.database import DatabaseError
from app.server.direct import DirectMessages
from app.server.direct_store import DirectStore
from app.server.directory import RoomDirectory
from app.server.hashing import PasswordHasher
from app.server.lobby_accounts import (
    HASHING_BUSY,
    LOGIN_THROTTLED,
    REGISTRATION_THROTTLED,
    AccountDesk,
)
from app.server.lobby_carrying import CarryingOut
from app.server.lobby_rooms import ROOM_PASSWORD_THROTTLED, RoomDoor
from app.server.presence import PresenceBoard
from app.server.presence_feed import BATCH_WINDOW_S, PresenceFeed
from app.server.search import MessageSearch
from app.server.search_worker import SearchWorker
from app.server.signing_in import RESUME_THROTTLED, SigningIn
from app.server.store import MIGRATIONS, ChatStore
from app.shared import logs
from app.shared.limits import Clock, FailureWindow, OncePerWindow
from app.shared.protocol import (
    PROTOCOL_VERSION,
    SERVER_NAME,
    Block,
    Bye,
    CreateRoom,
    DeleteRoom,
    Direct,
    DirectHistory,
    ErrorCode,
    JoinRoom,
    ListRooms,
    LoggedIn,
    Login,
    Logout,
    Ping,
    Pong,
    Presence,
    ProtocolError,
    Register,
    RequestId,
    ResumeSession,
    RoomAdded,
    RoomList,
    RoomRemoved,
    RoomSummary,
    RoomUpdated,
    Search,
    ServerEvent,
    SetPresence,
    Unblock,
    Welcome,
    encode,
    paged_rooms,
)
from app.shared.validation import check_status

BUSY_RETRY = 1.0  # seconds a client waits before asking again while the database is busy
BUSY_LOG_WINDOW = 60.0  # seconds: a full hashing queue is logged once a minute per address


@dataclass(eq=False, slots=True)
class Session:
    """A main-port connection and its conversation core (who, if anyone, is logged in)."""

    connection: Connection
    conversation: MainConversation = field(default_factory=MainConversation)
    operator: bool = False  # a server-wide operator, as the account was at login
    token_selector: str | None = None  # the resume token given at login (revoked by logout)

    @property
    def user_key(self) -> str | None:
        return self.conversation.user_key

    @property
    def name(self) -> str | None:
        return self.conversation.name

    @property
    def queue(self) -> Sequence[ParsedItem | Resume]:
        return self.conversation.queue


class Lobby(SigningIn, CarryingOut, QObject):
    """Serves every main-port session and pushes room events to the logged-in ones.

    Signals:
        user_logged_in(str), user_logged_out(str): a name's session began or ended.
        login_failed(str): a failed login, with the peer's address.
    """

    user_logged_in = Signal(str)
    user_logged_out = Signal(str)
    login_failed = Signal(str)

    def __init__(
        self,
        config: ServerConfig,
        store: ChatStore,
        hasher: PasswordHasher,
        directory: RoomDirectory,
        parent: QObject | None = None,
        clock: Clock = time.monotonic,
        wall_clock: Clock = time.time,
    ) -> None:
        super().__init__(parent)
        self._wall_clock = wall_clock  # Unix time, for resume tokens that outlive the process
        self._config = config
        self._store = store
        self._hasher = hasher
        self._directory = directory
        self.sessions: dict[Connection, Session] = {}
        self.online: dict[str, Session] = {}
        # The `nodes` frame every login gets after its room list (b"": one server, none).
        self.nodes_frame = b""
        self._guard = LoginGuard(
            config.login_fails_per_name_and_address,
            config.login_fails_per_name,
            config.login_fails_per_address,
            config.login_fail_window,
            clock,
        )
        self._room_guard = RoomPasswordGuard(
            config.room_password_fails_per_user,
            config.room_password_fails_per_address,
            config.login_fail_window,
            clock,
        )
        self._registrations = FailureWindow(
            config.registrations_per_address, config.registration_window, clock
        )
        self._accounts = AccountDesk(
            store, config.registration, self._guard, self._registrations, self._hashing_full
        )
        self._rooms = RoomDoor(
            self._room_guard, self._accounts, config.persistent_rooms, config.max_room_capacity
        )
        # What each throttle logged, so that it is logged once per its window and address.
        self._logged = {
            LOGIN_THROTTLED: OncePerWindow(config.login_fail_window, clock),
            REGISTRATION_THROTTLED: OncePerWindow(config.registration_window, clock),
            HASHING_BUSY: OncePerWindow(BUSY_LOG_WINDOW, clock),
            ROOM_PASSWORD_THROTTLED: OncePerWindow(config.login_fail_window, clock),
            RESUME_THROTTLED: OncePerWindow(config.login_fail_window, clock),
        }
        self._direct_store = DirectStore(store.db)
        searcher = SearchWorker(store.db, MIGRATIONS, config.max_pending_searches, self)
        self._search = MessageSearch(store, directory, searcher)
        self._direct = DirectMessages(store, self._direct_store, directory.budgets, self._online_at)
        self.presence = PresenceBoard(config.presence_interval, self)
        self._presence_feed = PresenceFeed(
            lambda: ((s.name, s.connection) for s in self.online.values()),
            min(BATCH_WINDOW_S, config.presence_interval),
            self,
        )
        self.presence.released.connect(self._presence_feed.release)
        directory.room_added.connect(lambda room: self._announce(RoomAdded(room.summary())))
        directory.room_update_released.connect(
            lambda room: self._announce(RoomUpdated(room.summary()))
        )
        directory.room_removed.connect(lambda room_id: self._announce(RoomRemoved(room_id)))

    def accept(self, connection: Connection) -> None:
        session = Session(connection)
        self.sessions[connection] = session
        connection.on_requests = self._on_connection_requests
        connection.closed.connect(self._on_connection_closed)
        config = self._config
        connection.send(
            Welcome(
                PROTOCOL_VERSION,
                f"{SERVER_NAME} {__version__}",
                config.registration,
                config.max_room_capacity,
                self._store.instance,
            )
        )
        connection.set_deadline(self._config.login_timeout, ErrorCode.TIMEOUT, "no login in time")

    def prune_throttles(self) -> None:
        self._guard.prune()
        self._room_guard.prune()
        self._registrations.prune()
        for logged in self._logged.values():
            logged.prune()

    def _log_throttle(self, what: str, address: str) -> None:
        """Log a limit's bite once per its window for each address (never a secret)."""
        if self._logged[what].due(address):
            logs.server.warning("%s from %s (logged once a window)", what, address)

    def _online_at(self, key: str) -> Connection | None:
        session = self.online.get(key)
        return None if session is None else session.connection

    def announce(self, event: ServerEvent) -> None:
        """Send a lobby event to every logged-in session (another node's room, say)."""
        self._announce(event)

    def _announce(self, event: ServerEvent) -> None:
        data = encode(event)
        for session in list(self.online.values()):
            session.connection.send_bytes(data)

    def _on_connection_requests(self, connection: Connection, items: list[ParsedItem]) -> None:
        session = self.sessions.get(connection)
        if session is not None:
            self._on_requests(session, items)

    @Slot()
    def _on_connection_closed(self) -> None:
        session = self._session_of(self.sender())
        if session is not None:
            self._on_closed(session)

    def _session_of(self, sender: QObject) -> Session | None:
        return self.sessions.get(sender) if isinstance(sender, Connection) else None

    def _on_closed(self, session: Session) -> None:
        self.sessions.pop(session.connection, None)
        if session.conversation.close() and self.online.get(session.user_key or "") is session:
            del self.online[session.user_key or ""]
            # A ticket is good only while its session is: logging out frees its seats now.
            self._directory.revoke_tickets_everywhere(session.user_key or "")
            self.presence.remove(session.user_key or "", session.name or "")
            self.user_logged_out.emit(session.name or "")

    def _on_requests(self, session: Session, items: list[ParsedItem]) -> None:
        session.conversation.receive(items)
        self._drain(session)

    def _drain(self, session: Session) -> None:
        connection = session.connection
        while connection.is_open and (item := session.conversation.next_item()) is not None:
            try:
                self._handle(session, item)
            except ProtocolError as problem:
                connection.send_error(problem)
            except DatabaseError as failure:
                logs.db.error("request from %s failed: %s", connection.peer, failure)
                request_id = getattr(item, "id", None)
                if failure.transient:  # another process holds a lock, or a lost connection
                    text = "the server's database is busy; try again"
                    busy = ProtocolError(ErrorCode.SERVER_BUSY, text, request_id, BUSY_RETRY)
                    connection.send_error(busy)
                else:
                    connection.send_error(
                        ProtocolError(
                            ErrorCode.INTERNAL_ERROR, "the server could not do that", request_id
                        )
                    )
            except Exception:  # nothing a client sends may raise out of a slot
                logs.server.exception("request from %s failed", connection.peer)
                connection.close_with_error(ErrorCode.INTERNAL_ERROR, "the server hit an error")

    def _after_hashing(
        self, session: Session, request_id: RequestId, then: Callable[[Any], None]
    ) -> Callable[[Any], None]:
        """Hold the session's queue until the hasher (or the search thread) answers, then
        finish the request first.

        The connection is not read meanwhile, so a client cannot pile up requests behind a
        slow hash: TCP pushes back on it instead.
        """
        self._perform(session, session.conversation.start_hashing())

        def resume(result: Any) -> None:
            effect = session.conversation.hashing_finished(Resume(then, result, request_id))
            if effect is not None and session.connection.is_open:
                self._perform(session, effect)
                self._drain(session)

        return resume

    @staticmethod
    def _perform(session: Session, effect: Effect) -> None:
        if effect is Effect.PAUSE_READING:
            session.connection.pause_reading()
        elif effect is Effect.RESUME_READING:
            session.connection.resume_reading()

    def _handle(self, session: Session, item: ParsedItem | Resume) -> None:
        connection = session.connection
        if isinstance(item, Resume):
            item.then(item.result)
        elif isinstance(item, ProtocolError):
            connection.send_error(item)
        elif isinstance(item, Ping):
            connection.send(Pong(item.id))
        elif isinstance(item, Logout):
            if session.token_selector is not None:  # logging out ends "keep me signed in"
                self._direct_store.revoke_token(session.token_selector)
                session.token_selector = None
            connection.close_with(Bye(item.id))  # ahead of the backlog
        elif isinstance(item, Register):
            address = connection.address_key
            self._carry_out(session, self._accounts.register(item, address, connection.address))
        elif isinstance(item, Login):
            logged_in = session.conversation.logged_in
            self._carry_out(session, self._accounts.login(item, connection.address_key, logged_in))
        elif isinstance(item, ResumeSession):
            self._resume(session, item)
        elif not session.conversation.logged_in:
            raise ProtocolError(ErrorCode.NOT_LOGGED_IN, "log in first", item.id)
        elif isinstance(item, Direct | DirectHistory):
            self._direct.handle((session.user_key or "", session.name or ""), connection, item)
        elif isinstance(item, Search):
            self._search.handle(
                session.user_key or "",
                connection,
                item,
                lambda rid, then: self._after_hashing(session, rid, then),
            )
        elif isinstance(item, Block | Unblock):
            self._direct.set_blocked(session.user_key or "", connection, item)
        elif isinstance(item, SetPresence):
            status = check_status(item.status, item.id)
            name = session.name or ""
            self.presence.set(session.user_key or "", name, item.state, status)
            connection.send(Presence(name, item.state, status, item.id))
        elif isinstance(item, CreateRoom | JoinRoom) and not self._may_join(session, item.id):
            return
        elif isinstance(item, ListRooms):
            rid = item.id
            self._send_rooms(connection, lambda rooms, more: RoomList(rooms, more, rid))
        elif isinstance(item, CreateRoom):
            owner, address = session.name or "", connection.address_key
            effects = self._rooms.create(item, self._directory, owner, session.operator, address)
            self._carry_out(session, effects)
        elif isinstance(item, JoinRoom):
            self._join_room(session, item)
        elif isinstance(item, DeleteRoom):
            self._delete_room(session, item)

    # --- sign-in and rooms (rules: lobby_accounts, lobby_rooms; effects: lobby_carrying) ---

    def _send_rooms(
        self,
        connection: Connection,
        make: Callable[[tuple[RoomSummary, ...], bool | None], LoggedIn | RoomList],
    ) -> None:
        """A room list in one frame, or as many rooms as fit and `room_added` for the rest."""
        for data in paged_rooms(self._directory.listing(), make):
            connection.send_bytes(data)

    def _replace_session(self, key: str) -> None:
        text = "you logged in from somewhere else"
        previous = self.online.pop(key, None)
        if previous is not None:
            previous.connection.close_with_error(ErrorCode.SESSION_REPLACED, text)
        self._directory.kick_user_everywhere(key, ErrorCode.SESSION_REPLACED, text)

    def close_all(self, code: ErrorCode, text: str) -> None:
        for session in list(self.sessions.values()):
            session.connection.close_with_error(code, text)
        self._search.close()  # before the store: its thread has a connection of its own
