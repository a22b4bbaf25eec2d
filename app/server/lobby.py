"""The main port's Qt adapter: its sessions, their request queues and what they are sent.

The rules of signing up, logging in, resuming, creating, joining and deleting rooms are
sans-IO cores (lobby_accounts, lobby_resume, lobby_rooms, lobby_deleting) that return
effects; `CarryingOut` (lobby_carrying) does them and `SigningIn` (signing_in) signs the
proven account in; `Draining` (lobby_queue) pumps each session's queue. Direct messages,
presence and search have modules of their own.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, Signal

from app import __version__
from app.server.config import ServerConfig
from app.server.connection import Connection
from app.server.conversation import ParsedItem, Resume
from app.server.direct import DirectMessages
from app.server.direct_store import DirectStore
from app.server.directory import RoomDirectory
from app.server.hashing import PasswordHasher
from app.server.lobby_accounts import AccountDesk
from app.server.lobby_carrying import CarryingOut
from app.server.lobby_deleting import Doomed, delete_room
from app.server.lobby_queue import Draining
from app.server.lobby_resume import ResumeDesk
from app.server.lobby_rooms import RoomDoor
from app.server.lobby_session import Session
from app.server.lobby_throttles import LobbyThrottles
from app.server.presence import PresenceBoard
from app.server.presence_feed import BATCH_WINDOW_S, LONGEST_WINDOW_S, PresenceFeed
from app.server.search import MessageSearch
from app.server.search_worker import SearchWorker
from app.server.signing_in import SigningIn
from app.server.store import MIGRATIONS, ChatStore
from app.shared.limits import Clock
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
    Login,
    Logout,
    Ping,
    Pong,
    Presence,
    ProtocolError,
    Register,
    ResumeSession,
    RoomAdded,
    RoomList,
    RoomRemoved,
    RoomUpdated,
    Search,
    ServerEvent,
    SetPresence,
    Unblock,
    Welcome,
    encode,
)
from app.shared.validation import check_status


class Lobby(Draining, SigningIn, CarryingOut, QObject):
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
        self._welcome_frame: tuple[tuple[bool, int, str], bytes] | None = None
        self._throttles = LobbyThrottles(config, clock)
        self._direct_store = DirectStore(store.db)
        self._batch_tokens: dict[str, bool] = {}  # see SigningIn._store_tokens_together
        hasher.around_logins = self._store_tokens_together
        self._accounts = AccountDesk(
            store,
            config.registration,
            self._throttles.login,
            self._throttles.registrations,
            self._hashing_full,
        )
        self._resumes = ResumeDesk(
            self._direct_store, store, self._throttles.login, self._accounts, wall_clock
        )
        self._rooms = RoomDoor(
            self._throttles.room, self._accounts, config.persistent_rooms, config.max_room_capacity
        )
        searcher = SearchWorker(store, MIGRATIONS, config.max_pending_searches, self)
        self._search = MessageSearch(store, directory, searcher)
        self._direct = DirectMessages(store, self._direct_store, directory.budgets, self._online_at)
        self.presence = PresenceBoard(config.presence_interval, self)
        self._presence_feed = PresenceFeed(
            # Plain attributes only: this runs for every session online, each window.
            lambda: ((s.conversation.name, s.output) for s in self.online.values()),
            min(BATCH_WINDOW_S, config.presence_interval),
            self,
            count=lambda: len(self.online),
            # The doc's bound on how late an event may be; no batching with no interval.
            longest=LONGEST_WINDOW_S if config.presence_interval > 0 else 0.0,
        )
        self.presence.on_release = self._presence_feed.release
        directory.room_added.connect(lambda room: self._announce(RoomAdded(room.summary())))
        directory.room_update_released.connect(
            lambda room: self._announce(RoomUpdated(room.summary()))
        )
        directory.room_removed.connect(lambda room_id: self._announce(RoomRemoved(room_id)))

    def accept(self, connection: Connection) -> None:
        session = Session(connection)
        self.sessions[connection] = session
        connection.on_requests = self._on_connection_requests
        connection.send_bytes(self._welcome())
        connection.set_deadline(self._config.login_timeout, ErrorCode.TIMEOUT, "no login in time")

    def _welcome(self) -> bytes:
        """The `welcome` frame, the same for every connection while what it says is: encoded
        once, not per connection."""
        config = self._config
        said = (config.registration, config.max_room_capacity, self._store.instance)
        if self._welcome_frame is None or self._welcome_frame[0] != said:
            welcome = Welcome(PROTOCOL_VERSION, f"{SERVER_NAME} {__version__}", *said)
            self._welcome_frame = (said, encode(welcome))
        return self._welcome_frame[1]

    def prune_throttles(self) -> None:
        self._throttles.prune()

    def _log_throttle(self, what: str, address: str) -> None:
        self._throttles.log(what, address)

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

    def connection_closed(self, connection: Connection) -> None:
        """One of the connections `accept` took has closed (the server tells: one signal
        connection a connection rather than two)."""
        session = self.sessions.get(connection)
        if session is not None:
            self._on_closed(session)

    def _on_closed(self, session: Session) -> None:
        self.sessions.pop(session.connection, None)
        if session.conversation.close() and self.online.get(session.user_key or "") is session:
            del self.online[session.user_key or ""]
            # A ticket is good only while its session is: logging out frees its seats now.
            self._directory.revoke_tickets_everywhere(session.user_key or "")
            self.presence.remove(session.user_key or "", session.name or "")
            self.user_logged_out.emit(session.name or "")

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
            logged_in = session.conversation.logged_in
            self._carry_out(session, self._resumes.resume(item, connection.address_key, logged_in))
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
            room = self._directory.find_joinable(item.room_id)  # here, or on another node
            found = None if room is None else Doomed(room.info.id, room.info.name, room.info.owner)
            name, operator = session.name or "", session.operator
            self._carry_out(session, delete_room(item, found, name, operator))

    def close_all(self, code: ErrorCode, text: str) -> None:
        for session in list(self.sessions.values()):
            session.connection.close_with_error(code, text)
        self._search.close()  # before the store: its thread has a connection of its own
