"""The window's only way to the server core: requests in, plain-data signals out."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal, Slot

from app.server.admin.node_feed import NodeFeed
from app.server.admin.snapshots import ActState, CoreState, ReportState, RoomState
from app.server.database import DatabaseError
from app.server.moderation import Act, ReportedMessage
from app.server.moderation_store import ModerationStore
from app.server.room import Room
from app.server.server import ChatServer
from app.shared import logs
from app.shared.protocol import (
    DELETE_MESSAGE,
    MUTE,
    Ban,
    DeleteMessage,
    ErrorReply,
    ModerationRequest,
    Mute,
    RoomSettings,
)
from app.shared.validation import login_key

SHOWN_ROWS = 500  # the newest reports and audit lines the window lists


def room_state(room: Room, node: str = "") -> RoomState:
    """One of this server's rooms (`node`: this server's node name, "" on SQLite)."""
    info, modes = room.info, room.modes
    return RoomState(
        info.id,
        info.name,
        room.port,
        room.member_names(),
        info.capacity,
        room.locked,
        info.owner,
        info.created_at,
        info.persistent,
        modes.slow_mode_seconds,
        modes.read_only,
        modes.locked_doors,
        node,
    )


class CoreBridge(QObject):
    """Lives with a `ChatServer` on its thread and stands between it and the admin window.

    The request methods (`publish`, `close_room`, `kick`, `shutdown`) may be called from any
    thread: each emits a signal that Qt queues to this object's thread, where the server is
    used. What the window shows comes back as signals carrying plain data (`RoomState`,
    `CoreState`), which Qt queues to receivers on the window's thread, so that the window
    never reads a core object and the core never waits for the window.

    Signals:
        state_published(object): a `CoreState`, in answer to `publish()`.
        clients_changed(int), users_changed(int): the server's counts.
        room_added(object), room_updated(object): a `RoomState` (every change of members),
            of this server's rooms and, on PostgreSQL, of the other nodes' (not `here`).
        room_removed(int): the room with this id closed.
        nodes_listed(object): a tuple of `NodeState` (node_feed.py), after every change.
        room_close_done(int, bool): `close_room` ran; True if the room is closed now.
        kick_done(int, str, bool): `kick` ran; True if the name was removed.
        shut_down(): the server has stopped and said goodbye to every client.
        operators_listed(object): a tuple of the operators' names (after `list_moderation`
            and every change).
        operator_set(str, bool, str): `set_operator` ran for the name: "done",
            "already" (nothing to change) or "no_account".
        reports_listed(object): a tuple of `ReportState`, newest first (after
            `list_moderation`, a new report and a dismissal).
        report_dismissed(int, bool): `dismiss_report` ran; True if it was open.
        audit_listed(object): a tuple of `ActState`, newest first (after `list_moderation`
            and every act).
        report_acted(int, str, bool): `act_on_report` ran for the report and action; True
            if it was done.
        room_moderated(int, object, object): `moderate` ran in the room: the request, and
            None once done or the `ErrorReply` it was refused with.
    """

    state_published = Signal(object)
    clients_changed = Signal(int)
    users_changed = Signal(int)
    room_added = Signal(object)
    room_updated = Signal(object)
    room_removed = Signal(int)
    nodes_listed = Signal(object)
    room_close_done = Signal(int, bool)
    kick_done = Signal(int, str, bool)
    shut_down = Signal()
    operators_listed = Signal(object)
    operator_set = Signal(str, bool, str)
    reports_listed = Signal(object)
    report_dismissed = Signal(int, bool)
    audit_listed = Signal(object)
    report_acted = Signal(int, str, bool)
    room_moderated = Signal(int, object, object)

    _publish_asked = Signal()
    _moderation_asked = Signal()
    _set_operator_asked = Signal(str, bool)
    _dismiss_asked = Signal(int)
    _report_act_asked = Signal(int, str, object, object)
    _moderate_asked = Signal(int, object)
    _close_room_asked = Signal(int)
    _kick_asked = Signal(int, str)
    _shutdown_asked = Signal()

    def __init__(self, server: ChatServer, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._server = server
        self._moderation = ModerationStore(server.store.db)  # reports and the audit log
        self.address = ""  # set once listening, before the window is made; never changes
        self._nodes = NodeFeed(server, self)
        self._node = self._nodes.node_name
        # The last state sent of each room (the rooms reopened at start-up are open already).
        rooms = server.directory.rooms.values()
        self._sent = {room.info.id: room_state(room, self._node) for room in rooms}
        server.clients_changed.connect(self.clients_changed)
        server.users_changed.connect(self.users_changed)
        server.shut_down.connect(self.shut_down)
        self._nodes.nodes_listed.connect(self.nodes_listed)
        self._nodes.room_added.connect(self.room_added)
        self._nodes.room_updated.connect(self.room_updated)
        self._nodes.room_removed.connect(self.room_removed)
        directory = server.directory
        directory.room_added.connect(self._on_directory_room_added)
        directory.room_updated.connect(self._on_directory_room_changed)
        directory.member_joined.connect(self._on_directory_member_changed)
        directory.member_left.connect(self._on_directory_member_changed)
        directory.room_removed.connect(self._on_directory_room_removed)
        self._publish_asked.connect(self._on_publish_asked)
        self._close_room_asked.connect(self._on_close_room_asked)
        self._kick_asked.connect(self._on_kick_asked)
        self._shutdown_asked.connect(self._on_shutdown_asked)
        self._moderation_asked.connect(self._on_moderation_asked)
        self._set_operator_asked.connect(self._on_set_operator_asked)
        self._dismiss_asked.connect(self._on_dismiss_asked)
        self._report_act_asked.connect(self._on_report_act_asked)
        self._moderate_asked.connect(self._on_moderate_asked)
        directory.moderated.connect(self._on_directory_moderated)

    # --- requests, from any thread -------------------------------------------------------

    def publish(self) -> None:
        """Ask for a `state_published` with the whole current state."""
        self._publish_asked.emit()

    def close_room(self, room_id: int) -> None:
        self._close_room_asked.emit(room_id)

    def kick(self, room_id: int, name: str) -> None:
        self._kick_asked.emit(room_id, name)

    def shutdown(self) -> None:
        """Stop the server (goodbye frames, rooms and database closed); idempotent."""
        self._shutdown_asked.emit()

    def list_moderation(self) -> None:
        """Ask for `operators_listed`, `reports_listed` and `audit_listed`."""
        self._moderation_asked.emit()

    def set_operator(self, name: str, operator: bool) -> None:
        """Grant (or revoke) the operator role; it takes effect at the account's next login."""
        self._set_operator_asked.emit(name, operator)

    def dismiss_report(self, report_id: int) -> None:
        self._dismiss_asked.emit(report_id)

    def act_on_report(
        self, report_id: int, action: str, minutes: int | None = None, reason: str | None = None
    ) -> None:
        """Act on a report as the server: `DELETE_MESSAGE` the message, `MUTE` or `BAN` its
        author (for `minutes`, None: for good); done, it resolves the report."""
        self._report_act_asked.emit(report_id, action, minutes, reason)

    def moderate(self, room_id: int, request: ModerationRequest | RoomSettings) -> None:
        """Moderate a live room as the server (a request of moderation.py, or a
        `RoomSettings`); answered by `room_moderated`."""
        self._moderate_asked.emit(room_id, request)

    # --- on the core's thread ------------------------------------------------------------

    @Slot()
    def _on_publish_asked(self) -> None:
        server = self._server
        rooms = tuple(room_state(room, self._node) for room in server.directory.rooms.values())
        self._sent = {state.id: state for state in rooms}
        remote = tuple(room for room in self._nodes.remote_rooms() if room.id not in self._sent)
        state = CoreState(
            len(server.connections),
            server.user_count,
            rooms + remote,
            self._node,
            self._nodes.nodes() or (),
        )
        self.state_published.emit(state)

    @Slot(int)
    def _on_close_room_asked(self, room_id: int) -> None:
        directory = self._server.directory
        existed = directory.find(room_id) is not None
        self._server.close_room(room_id)
        self.room_close_done.emit(room_id, existed and directory.find(room_id) is None)

    @Slot(int, str)
    def _on_kick_asked(self, room_id: int, name: str) -> None:
        self.kick_done.emit(room_id, name, self._server.kick(room_id, name))

    @Slot()
    def _on_shutdown_asked(self) -> None:
        self._server.shutdown()

    @Slot(object)
    def _on_directory_room_added(self, room: Room) -> None:
        state = room_state(room, self._node)
        self._sent[state.id] = state
        self.room_added.emit(state)

    @Slot(object)
    def _on_directory_room_changed(self, room: Room) -> None:
        state = room_state(room, self._node)
        if room.info.id in self._sent and self._sent[state.id] != state:
            self._sent[state.id] = state
            self.room_updated.emit(state)

    @Slot(object, str)
    def _on_directory_member_changed(self, room: Room, _name: str) -> None:
        self._on_directory_room_changed(room)

    @Slot(int)
    def _on_directory_room_removed(self, room_id: int) -> None:
        self._sent.pop(room_id, None)
        self.room_removed.emit(room_id)

    # --- moderation, on the core's thread --------------------------------------------------

    @Slot()
    def _on_moderation_asked(self) -> None:
        self._send_operators()
        self._send_reports()
        self._send_audit()

    @Slot(str, bool)
    def _on_set_operator_asked(self, name: str, operator: bool) -> None:
        try:
            found = self._server.store.set_operator(login_key(name), operator)
        except DatabaseError as failure:
            logs.db.error("operator role of %r not changed: %s", name, failure)
            return
        if found is None:
            self.operator_set.emit(name, operator, "no_account")
            return
        shown, was = found
        if was != operator:
            verb = "granted to" if operator else "revoked from"
            logs.server.info("operator role %s %s (from the admin window)", verb, shown)
        self.operator_set.emit(shown, operator, "already" if was == operator else "done")
        self._send_operators()

    @Slot(int)
    def _on_dismiss_asked(self, report_id: int) -> None:
        try:
            dismissed = self._moderation.close_report(report_id)
        except DatabaseError as failure:
            logs.db.error("report %d not dismissed: %s", report_id, failure)
            return
        self.report_dismissed.emit(report_id, dismissed)
        self._send_reports()

    @Slot(int, str, object, object)
    def _on_report_act_asked(
        self, report_id: int, action: str, minutes: int | None, reason: str | None
    ) -> None:
        try:
            found = self._moderation.open_report(report_id)
            if found is None:
                self.report_acted.emit(report_id, action, False)
                return
            room_id, seq, author = found
            request: ModerationRequest = (
                DeleteMessage(seq)
                if action == DELETE_MESSAGE
                else Mute(author, minutes)
                if action == MUTE
                else Ban(author, minutes, reason)
            )
            done = self._server.moderate(room_id, request) is None
            if done:
                self._moderation.close_report(report_id)
        except DatabaseError as failure:
            logs.db.error("report %d not acted on: %s", report_id, failure)
            return
        self.report_acted.emit(report_id, action, done)
        self._send_reports()

    @Slot(int, object)
    def _on_moderate_asked(self, room_id: int, request: ModerationRequest | RoomSettings) -> None:
        def answered(refusal: ErrorReply | None) -> None:
            self.room_moderated.emit(room_id, request, refusal)

        self._server.moderate_later(room_id, request, answered)

    @Slot(object)
    def _on_directory_moderated(self, change: object) -> None:
        if isinstance(change, ReportedMessage):
            self._send_reports()
        elif isinstance(change, Act):
            self._send_audit()
            room = self._server.directory.find(change.room_id)
            if room is not None:  # its modes may have changed: they are not a summary's
                self._on_directory_room_changed(room)

    def _send_operators(self) -> None:
        try:
            names = tuple(self._server.store.operators())
        except DatabaseError as failure:
            logs.db.error("operators not listed: %s", failure)
            return
        self.operators_listed.emit(names)

    def _send_reports(self) -> None:
        try:
            rows = self._moderation.open_reports(SHOWN_ROWS)
        except DatabaseError as failure:
            logs.db.error("reports not listed: %s", failure)
            return
        self.reports_listed.emit(tuple(ReportState(*row) for row in rows))

    def _send_audit(self) -> None:
        try:
            rows = self._moderation.recent_acts(SHOWN_ROWS)
        except DatabaseError as failure:
            logs.db.error("audit log not listed: %s", failure)
            return
        acts = (
            ActState(act.at, room, act.actor, act.action, act.target, act.minutes, act.reason)
            for act, room in rows
        )
        self.audit_listed.emit(tuple(acts))
