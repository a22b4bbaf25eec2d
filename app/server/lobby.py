"""The main port's conversation: accounts, logins, the room list, creating and joining rooms."""

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
from app.server.hash_queue import Priority
from app.server.hashing import PasswordHasher
from app.server.presence import PresenceBoard
from app.server.remote_rooms import RemoteRoom
from app.server.rights import check_may_create_persistent, check_may_delete
from app.server.room import Room
from app.server.search import MessageSearch
from app.server.signing_in import RESUME_THROTTLED, SigningIn
from app.server.store import ChatStore
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
    JoinGranted,
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
    Registered,
    RequestId,
    ResumeSession,
    RoomAdded,
    RoomCreated,
    RoomDeleted,
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
    rate_limited,
)
from app.shared.validation import (
    PASSWORD_MAX,
    check_capacity,
    check_name,
    check_password,
    check_room_name,
    check_room_password,
    check_status,
    login_key,
    name_key,
)

BUSY_RETRY = 1.0  # seconds a client waits before asking again while the database is busy
LOGIN_THROTTLED = "login throttled"
REGISTRATION_THROTTLED = "registration throttled"
ROOM_PASSWORD_THROTTLED = "room password throttled"
HASHING_BUSY = "hashing queue full (server_busy)"
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


class Lobby(SigningIn, QObject):
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
        # What each throttle logged, so that it is logged once per its window and address.
        self._logged = {
            LOGIN_THROTTLED: OncePerWindow(config.login_fail_window, clock),
            REGISTRATION_THROTTLED: OncePerWindow(config.registration_window, clock),
            HASHING_BUSY: OncePerWindow(BUSY_LOG_WINDOW, clock),
            ROOM_PASSWORD_THROTTLED: OncePerWindow(config.login_fail_window, clock),
            RESUME_THROTTLED: OncePerWindow(config.login_fail_window, clock),
        }
        self._direct_store = DirectStore(store.db)
        self._search = MessageSearch(store, directory)
        self._direct = DirectMessages(store, self._direct_store, directory.budgets, self._online_at)
        self.presence = PresenceBoard(config.presence_interval, self)
        self.presence.released.connect(self._announce_presence)
        directory.room_added.connect(lambda room: self._announce(RoomAdded(room.summary())))
        directory.room_update_released.connect(
            lambda room: self._announce(RoomUpdated(room.summary()))
        )
        directory.room_removed.connect(lambda room_id: self._announce(RoomRemoved(room_id)))

    def accept(self, connection: Connection) -> None:
        session = Session(connection)
        self.sessions[connection] = session
        connection.requests_received.connect(self._on_connection_requests_received)
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

    def _check_hasher(self, session: Session, priority: Priority, request_id: RequestId) -> None:
        """Refuse with `server_busy` (the connection stays open) if the hashing queue is full
        for `priority`: each waiting check would only wait longer."""
        if not self._hasher.accepts(priority):
            self._log_throttle(HASHING_BUSY, session.connection.address_key)
            raise ProtocolError(
                ErrorCode.SERVER_BUSY,
                "the server is busy checking passwords; try again shortly",
                request_id,
                self._hasher.retry_after,
            )

    def _log_throttle(self, what: str, address: str) -> None:
        """Log a limit's bite once per its window for each address (never a secret)."""
        if self._logged[what].due(address):
            logs.server.warning("%s from %s (logged once a window)", what, address)

    def _online_at(self, key: str) -> Connection | None:
        session = self.online.get(key)
        return None if session is None else session.connection

    def _announce_presence(self, presence: Presence) -> None:
        data = encode(presence)
        for session in list(self.online.values()):
            if session.name != presence.name:
                session.connection.send_bytes(data)

    def announce(self, event: ServerEvent) -> None:
        """Send a lobby event to every logged-in session (another node's room, say)."""
        self._announce(event)

    def _announce(self, event: ServerEvent) -> None:
        data = encode(event)
        for session in list(self.online.values()):
            session.connection.send_bytes(data)

    @Slot(object)
    def _on_connection_requests_received(self, items: list[ParsedItem]) -> None:
        session = self._session_of(self.sender())
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
        """Hold the session's queue until the hasher answers, then finish the request first.

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
            self._register(session, item)
        elif isinstance(item, Login):
            self._login(session, item)
        elif isinstance(item, ResumeSession):
            self._resume(session, item)
        elif not session.conversation.logged_in:
            raise ProtocolError(ErrorCode.NOT_LOGGED_IN, "log in first", item.id)
        elif isinstance(item, Direct | DirectHistory):
            self._direct.handle((session.user_key or "", session.name or ""), connection, item)
        elif isinstance(item, Search):
            self._search.handle(session.user_key or "", connection, item)
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
            self._create_room(session, item)
        elif isinstance(item, JoinRoom):
            self._join_room(session, item)
        elif isinstance(item, DeleteRoom):
            self._delete_room(session, item)

    # --- accounts ------------------------------------------------------------------------

    def _register(self, session: Session, request: Register) -> None:
        if not self._config.registration:
            raise ProtocolError(
                ErrorCode.REGISTRATION_CLOSED, "this server does not take new accounts", request.id
            )
        name = check_name(request.name, request.id)
        check_password(request.password, request.id)
        address = session.connection.address_key
        wait = self._registrations.blocked_for(address)
        if wait > 0:
            self._log_throttle(REGISTRATION_THROTTLED, address)
            raise ProtocolError(
                ErrorCode.RATE_LIMITED,
                "too many new accounts from your address; wait and try again",
                request.id,
                wait,
            )
        taken = ProtocolError(
            ErrorCode.NAME_TAKEN, f"{name!r} is taken or looks like a taken name", request.id
        )
        if self._store.name_taken(name, name_key(name)):
            raise taken  # before hashing: a taken name costs no hash
        self._check_hasher(session, Priority.OTHER, request.id)
        self._registrations.record(address)  # counted now, so racing sign-ups count too

        def store(password_hash: str | None) -> None:
            if password_hash is None:
                self._registrations.forget_one(address)
                raise ProtocolError(ErrorCode.INTERNAL_ERROR, "could not register", request.id)
            if not self._store.add_account(name, name_key(name), password_hash):
                self._registrations.forget_one(address)
                raise taken  # someone took it while we hashed
            logs.server.info("account %r registered from %s", name, session.connection.address)
            session.connection.send(Registered(name, request.id))

        self._hasher.hash(request.password, self._after_hashing(session, request.id, store))

    def _login(self, session: Session, request: Login) -> None:
        if session.conversation.logged_in:
            raise ProtocolError(ErrorCode.ALREADY_LOGGED_IN, "already logged in", request.id)
        key = login_key(request.name)
        address = session.connection.address_key
        # Checked before the password: a right password does not lift the throttle.
        wait = self._guard.blocked_for(key, address)
        if wait > 0:
            self._log_throttle(LOGIN_THROTTLED, address)
            session.connection.send(
                rate_limited("too many failed logins; wait and try again", wait, request.id)
            )
            return
        account = self._store.account(key) if len(request.password) <= PASSWORD_MAX else None
        priority = Priority.LOGIN if account is not None else Priority.OTHER
        self._check_hasher(session, priority, request.id)
        self._guard.attempt(key, address)  # counted against the name until proven right

        def finish(verified: bool | None) -> None:
            if verified is None:  # the hasher failed: nobody guessed wrong
                self._guard.not_checked(key, address)
                raise ProtocolError(
                    ErrorCode.INTERNAL_ERROR, "could not check the password; try again", request.id
                )
            if not verified or account is None:
                shown = account.name if account else "an unknown name"  # never a typed secret
                logs.server.info("failed login for %s from %s", shown, address)
                self._guard.failed(address)
                self.login_failed.emit(address)
                raise ProtocolError(ErrorCode.BAD_CREDENTIALS, "wrong name or password", request.id)
            self._guard.succeeded(key, address)
            self._start_session(session, key, account, request.id, "logged in")

        # An unknown name costs a verification too, so timing does not tell names apart.
        password_hash = account.password_hash if account else None
        self._hasher.verify(
            password_hash,
            request.password[:PASSWORD_MAX],
            self._after_hashing(session, request.id, finish),
            priority,
        )

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

    # --- rooms ---------------------------------------------------------------------------

    def _may_join(self, session: Session, request_id: RequestId) -> bool:
        """Take one from the account's join budget, or answer `rate_limited`: every ticket
        is one room entry, so this bounds entries and the lobby events they cause."""
        key = session.user_key or ""
        budgets = self._directory.budgets
        joins = budgets.joins(key)
        if joins.take():
            return True
        if budgets.should_log("joins", key):
            logs.net.warning(
                "%s (%s) over the join budget", session.name, session.connection.address
            )
        text = "too many rooms joined or created; wait a moment"
        session.connection.send(rate_limited(text, joins.retry_after(), request_id))
        return False

    def _create_room(self, session: Session, request: CreateRoom) -> None:
        persistent = bool(request.persistent)
        if persistent:
            check_may_create_persistent(self._config.persistent_rooms, session.operator, request.id)
        name = check_room_name(request.name, request.id)
        capacity = check_capacity(request.capacity, self._config.max_room_capacity, request.id)
        self._directory.check_name_free(name, request.id)
        self._directory.check_room_allowed(session.name or "", request.id)
        if request.password is not None:
            check_room_password(request.password, request.id)
            self._check_hasher(session, Priority.OTHER, request.id)

        def open_room(password_hash: str | None) -> None:
            self._directory.check_name_free(name, request.id)  # things may have changed
            self._directory.check_room_allowed(session.name or "", request.id)
            placement = self._directory.placement  # a node of several: maybe elsewhere
            if placement is not None and (target := placement.choose()) != placement.node:
                key, who, operator = session.user_key or "", session.name or "", session.operator
                placement.place(
                    target,
                    (name, who, capacity, password_hash, persistent),
                    self._after_hashing(
                        session,
                        request.id,
                        lambda result: session.connection.send(
                            placement.created(result, key, who, operator, request.id)
                        ),
                    ),
                )
                return
            room = self._directory.open_room(
                name, session.name or "", capacity, password_hash, request.id, persistent
            )
            ticket = room.reserve_seat(
                session.user_key or "", session.name or "", request.id, session.operator
            )
            self._directory.trim_tickets(session.user_key or "")
            session.connection.send(RoomCreated(room.summary(), ticket, request.id))

        if request.password is None:
            open_room(None)
        else:
            self._hasher.hash(request.password, self._after_hashing(session, request.id, open_room))

    def _join_room(self, session: Session, request: JoinRoom) -> None:
        room = self._find_room(request)
        key = session.user_key or ""
        room.check_may_enter(key, request.id)
        if key in room.members:
            raise ProtocolError(
                ErrorCode.ALREADY_IN_ROOM, "you are in this room already", request.id
            )
        # A locked persistent room asks its password once: not of someone who has entered.
        if room.locked and not (
            room.info.persistent and self._store.has_entered(room.info.id, key)
        ):
            if request.password is None:
                raise ProtocolError(
                    ErrorCode.PASSWORD_REQUIRED, "this room needs a password", request.id
                )
            room_id, address = room.info.id, session.connection.address_key
            # Checked before the password: a right password does not lift the throttle.
            wait = self._room_guard.blocked_for(room_id, key, address)
            if wait > 0:
                self._log_throttle(ROOM_PASSWORD_THROTTLED, address)
                raise ProtocolError(
                    ErrorCode.RATE_LIMITED,
                    "too many wrong passwords for this room; wait and try again",
                    request.id,
                    wait,
                )
            self._check_hasher(session, Priority.OTHER, request.id)
            self._room_guard.attempt(room_id, key)  # counted until proven right

            def granted(verified: bool | None) -> None:
                if verified is None:
                    self._room_guard.not_checked(room_id, key)
                    raise ProtocolError(
                        ErrorCode.INTERNAL_ERROR,
                        "could not check the password; try again",
                        request.id,
                    )
                if not verified:
                    logs.server.info(
                        "wrong password for room %d by %s from %s", room_id, session.name, address
                    )
                    self._room_guard.failed(room_id, address)
                    raise ProtocolError(ErrorCode.WRONG_PASSWORD, "wrong room password", request.id)
                self._room_guard.succeeded(room_id, key)
                self._grant_seat(session, self._find_room(request), request)

            self._hasher.verify(
                room.info.password_hash,
                request.password[:PASSWORD_MAX],
                self._after_hashing(session, request.id, granted),
            )
        else:
            self._grant_seat(session, room, request)

    def _delete_room(self, session: Session, request: DeleteRoom) -> None:
        room = self._find_room(request)
        check_may_delete(room.info.owner, session.name or "", session.operator, request.id)
        room_id = room.info.id
        self._directory.delete_room(
            room_id,
            ErrorCode.ROOM_CLOSED,
            "the room was deleted",
            lambda: session.connection.send(RoomDeleted(room_id, request.id)),
        )
        logs.server.info("%s deleted room %d %r", session.name, room_id, room.info.name)

    def _find_room(self, request: JoinRoom | DeleteRoom) -> Room | RemoteRoom:
        room = self._directory.find_joinable(request.room_id)  # here, or on another node
        if room is None:
            raise ProtocolError(ErrorCode.NO_SUCH_ROOM, "no open room has that id", request.id)
        return room

    def _grant_seat(self, session: Session, room: Room | RemoteRoom, request: JoinRoom) -> None:
        # The room checks again that they are not inside (they may have entered while we
        # hashed); a second ask replaces the first ticket, never two seats.
        try:
            ticket = room.reserve_seat(
                session.user_key or "", session.name or "", request.id, session.operator
            )
        except ProtocolError as refused:
            if refused.code == ErrorCode.ROOM_FULL:  # for the operator's event log
                address = session.connection.address_key
                logs.server.info(
                    "room %d is full: refused %s from %s", room.info.id, session.name, address
                )
            raise
        self._directory.trim_tickets(session.user_key or "")
        session.connection.send(JoinGranted(room.summary(), ticket, request.id))

    def close_all(self, code: ErrorCode, text: str) -> None:
        for session in list(self.sessions.values()):
            session.connection.close_with_error(code, text)
