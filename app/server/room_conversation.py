"""The room port's conversation core, sans I/O: who is inside, their states, seats, history.

Fed what the connections sent and what happened to them, it returns effects as data for
the Qt adapter (`app.server.room.Room`) to carry out, in order. Connections are opaque
hashable handles; time comes from an injected clock. No Qt here.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Generic, TypeVar

from app.server.conversation import ParsedItem
from app.server.moderation import RoomRules
from app.server.room_chat import RoomChat
from app.server.room_effects import (
    Admit,
    Broadcast,
    Close,
    Effect,
    FileWork,
    MemberJoined,
    MemberLeft,
    SeatsChanged,
    Send,
)
from app.server.room_markers import RoomMarkers
from app.server.room_moderation import RoomModerator
from app.server.seats import Seats
from app.server.states import RoomEvent, RoomState, room_after
from app.server.upload_checks import check_upload
from app.shared.names import login_key
from app.shared.protocol import (
    ChatMessage,
    Download,
    Enter,
    Entered,
    ErrorCode,
    ErrorReply,
    Joined,
    Left,
    MemberRole,
    ProtocolError,
    Read,
    RequestId,
    RoomSummary,
    Typing,
    UploadBegin,
    UploadCancel,
    UploadChunk,
    UploadEnd,
    encode,
    error_reply,
    fitted_entered,
    fitted_roles,
    message_frames,
)
from app.shared.timefmt import utc_now_iso

if TYPE_CHECKING:  # budgets.py reaches Qt through the server config
    from app.server.budgets import Budgets

HISTORY_LENGTH = 50
HISTORY_BYTES = 40 * 1024  # at most; less when a long room name and 100 names need the room

REPLACED = "you entered this room from somewhere else"
BAD_TICKET = "the first line must be enter with a valid ticket"

_net = logging.getLogger("roomchat.net")  # the names of app.shared.logs, which imports Qt
_server = logging.getLogger("roomchat.server")
_FILE_REQUESTS = (UploadChunk, UploadBegin, UploadEnd, UploadCancel, Download)

C = TypeVar("C", bound=Hashable)


@dataclass(frozen=True, slots=True)
class RoomInfo:
    """What the lobby shows of a room and what the database keeps."""

    id: int
    name: str
    owner: str
    capacity: int
    password_hash: str | None
    created_at: str
    persistent: bool = False  # never closed for being empty; reopened at start-up


@dataclass(slots=True)
class Member(Generic[C]):
    """Someone inside: their account's key, the name they are shown by, their connection."""

    key: str
    name: str
    connection: C
    kicked_by: str | None = None  # who removed them, for their `left`
    banned_by: str | None = None
    operator: bool = False  # a server-wide operator, as their ticket was issued


@dataclass(slots=True)
class _Peer:
    """One connection's side of the conversation, while it is open."""

    state: RoomState
    address_key: str  # what the per-address budgets count
    peer: str  # for log lines


class RoomConversation(Generic[C]):
    """One room's conversations: every connection's `RoomState`, the members, the seats
    (`Seats`: tickets on the clock) and the history newcomers are given; what members
    send once inside is answered by `RoomChat`.

    A connection the core closes leaves its state table at once (it reads no more), but
    stays a member until `connection_closed()`: its socket holds the seat until it is gone.
    Chat budgets are the server's (`Budgets`, per account), so they survive re-entry.
    """

    def __init__(
        self,
        info: RoomInfo,
        port: int,
        budgets: Budgets,
        seats: Seats,
        stamp: Callable[[], str] = utc_now_iso,
        rules: RoomRules | None = None,
        wall_clock: Callable[[], float] = time.time,
        markers: RoomMarkers[C] | None = None,
    ) -> None:
        self.info = info
        self.port = port
        self.host = ""  # the node's --advertise-host, on a PostgreSQL-backed server
        self._stamp = stamp  # wall-clock timestamps for the wire
        if rules is None:
            rules = RoomRules(login_key(info.owner), (), (), wall_clock)
        self.moderator: RoomModerator[C] = RoomModerator(self, rules, wall_clock)
        self._chat: RoomChat[C] = RoomChat(info.id, budgets, stamp, self._check_say)
        self._budgets = budgets  # a posted file counts as a message
        self.max_capacity = info.capacity  # the server's largest; the adapter sets it
        self.name_check: Callable[[str, RequestId], None] = lambda name, rid: None
        self.markers: RoomMarkers[C] = markers or RoomMarkers(time.monotonic)
        self.seats = seats  # the room's, on the clock
        self.members: dict[str, Member[C]] = {}  # by user key
        self._by_connection: dict[C, Member[C]] = {}
        self._peers: dict[C, _Peer] = {}  # every connection whose conversation is open
        self.history: deque[ChatMessage] = deque(maxlen=HISTORY_LENGTH)
        self.closed = False

    # --- what the lobby and the adapter ask ----------------------------------------------

    def summary(self) -> RoomSummary:
        info = self.info
        locked = info.password_hash is not None
        return RoomSummary(info.id, info.name, self.port, len(self.members), info.capacity,
                           locked, info.owner, info.created_at, info.persistent,
                           self.host)  # fmt: skip

    def member_names(self) -> tuple[str, ...]:
        return tuple(member.name for member in self.members.values())

    def _check_say(self, key: str, request_id: RequestId, slow: bool = True) -> None:
        rules = self.moderator.rules
        member = self.members.get(key)
        rules.check_may_say(key, request_id, member is not None and member.operator, slow)

    def member_roles(self, used: int) -> tuple[MemberRole, ...]:
        """The roles that are not `member`, owner first, as many as fit beside `used`
        bytes of a frame; whoever is not listed is a member."""
        role_of = self.moderator.role_of
        roles = [MemberRole(m.name, role_of(m)) for m in self.members.values()]
        return fitted_roles(roles, used)

    def member_at(self, connection: C) -> Member[C] | None:
        """The member on `connection`, once entered."""
        return self._by_connection.get(connection)

    def state_of(self, connection: C) -> RoomState:
        peer = self._peers.get(connection)
        return RoomState.CLOSED if peer is None else peer.state

    def connections(self) -> list[C]:
        """Every connection not yet known to be gone: open conversations and members."""
        return list({**dict.fromkeys(self._peers), **dict.fromkeys(self._by_connection)})

    # --- inputs --------------------------------------------------------------------------

    def opened(self, connection: C, address_key: str, peer: str = "") -> None:
        self._peers[connection] = _Peer(RoomState.AWAITING_ENTER, address_key, peer)

    def received(self, connection: C, items: list[ParsedItem]) -> list[Effect[C]]:
        """What one read from `connection` brought, in order."""
        peer = self._peers.get(connection)
        if peer is None or not items:
            return []
        effects: list[Effect[C]] = []
        if peer.state is RoomState.AWAITING_ENTER:
            self._enter(connection, peer, items[0], effects)
            items = items[1:]
        member = self._by_connection.get(connection)
        if member is not None and items and peer.state is RoomState.MEMBER:
            if any(isinstance(item, Read | Typing) for item in items):
                items = self._markers(member, items, effects)
            if any(isinstance(item, _FILE_REQUESTS) for item in items):
                items = self._files(member, items, effects)
            answers = self._chat.answer(
                member.key, member.name, connection, peer.address_key, peer.peer, items,
                lambda request: self.moderator.answer(member, request),
            )  # fmt: skip
            for answer in answers:  # a flood or a leave ends it; a kick or ban, another's
                if isinstance(answer, Close):
                    self._close_conversation(answer.connection)
            effects += answers
        return effects

    def _markers(
        self, member: Member[C], items: list[ParsedItem], effects: list[Effect[C]]
    ) -> list[ParsedItem]:
        """Read markers and typing go to `RoomMarkers`; the rest is returned, in order."""
        rest: list[ParsedItem] = []
        last_seq = self.history[-1].seq if self.history else 0
        for item in items:
            if isinstance(item, Read | Typing):
                answer = self.markers.answer
                effects += answer(member.key, member.name, member.connection, item, last_seq)
            else:
                rest.append(item)
        return rest

    def _files(
        self, member: Member[C], items: list[ParsedItem], effects: list[Effect[C]]
    ) -> list[ParsedItem]:
        """Upload and download requests go to the room's files, an upload only from whom
        may speak; the rest is returned, in order."""
        rest: list[ParsedItem] = []
        for item in items:
            if not isinstance(item, _FILE_REQUESTS):
                rest.append(item)
                continue
            if isinstance(item, UploadBegin | UploadEnd):
                try:
                    address = self._peers[member.connection].address_key
                    check_upload(self._check_say, self._budgets, member.key, address, item)
                except ProtocolError as refused:
                    effects.append(Send(member.connection, error_reply(refused)))
                    continue
            effects.append(FileWork(member.connection, member.key, member.name, item))
        return rest

    def posted(self, message: ChatMessage) -> bytes:
        """A stored message with an attachment: kept for newcomers; the frame for all."""
        self.history.append(message)
        return encode(message)

    def markers_due(self) -> list[Effect[C]]:
        """The time a `Wake` asked for has come (or passed)."""
        return [] if self.closed else self.markers.due()

    def restore_history(self, messages: Sequence[ChatMessage]) -> None:
        """A reopened room: newcomers see these stored messages. Before anyone enters."""
        self.history.extend(messages)

    def committed(self, sender: str, ts: str, items: list[tuple[int, str]]) -> bytes:
        """Stored messages: kept for newcomers; the frames every member is to get."""
        self.history.extend(ChatMessage(s, sender, t, ts) for s, t in items[-HISTORY_LENGTH:])
        return message_frames(sender, ts, items)

    def connection_closed(self, connection: C) -> list[Effect[C]]:
        """The connection is gone (whoever closed it)."""
        self._close_conversation(connection)
        member = self._by_connection.pop(connection, None)
        if member is None:
            return []
        del self.members[member.key]
        self.markers.left(member.key)
        self.seats.remove(member.key)
        _server.info("%s left room %d", member.name, self.info.id)
        if self.closed:
            return []
        names = self.member_names()
        left = Left(member.name, names, self._stamp(), member.kicked_by, member.banned_by)
        left = replace(left, member_roles=self.member_roles(len(encode(left))))
        return [
            Broadcast(left),
            SeatsChanged(),
            MemberLeft(member.name),
        ]

    def reserve_seat(
        self, user_key: str, name: str, request_id: RequestId = None, operator: bool = False
    ) -> str:
        """A ticket holding a seat (see `Seats.reserve`); the caller re-arms its timers."""
        return self.seats.reserve(user_key, name, request_id, operator)

    def expire_tickets(self) -> bool:
        """The clock moved on: drop the tickets that expired; True if any did."""
        return self.seats.expire()

    def kick_user(self, user_key: str, code: ErrorCode, text: str) -> list[Effect[C]]:
        """Drop the user's tickets and close their connection here, if they are inside."""
        self.seats.revoke(user_key)
        effects: list[Effect[C]] = [SeatsChanged()]
        member = self.members.get(user_key)
        if member is not None:
            self._close(member.connection, effects, code, text)
        return effects

    def kick_member(
        self, name: str, code: ErrorCode, text: str, by: str | None = None
    ) -> list[Effect[C]]:
        """Close the connection of the member shown as `name` (the others learn they were
        removed `by` that name, when given); nothing if nobody is."""
        effects: list[Effect[C]] = []
        for member in self.members.values():
            if member.name == name:
                if by is not None:
                    member.kicked_by = by
                self._close(member.connection, effects, code, text)
                break
        return effects

    def close(self, code: ErrorCode | None = None, text: str = "") -> list[Effect[C]]:
        """The room closes: every connection is closed, every seat and ticket dropped."""
        if self.closed:
            return []
        self.closed = True
        self.seats.clear()
        return [Close(connection, code, text) for connection in self.connections()]

    # --- decisions -----------------------------------------------------------------------

    def _close_conversation(self, connection: C) -> None:
        peer = self._peers.pop(connection, None)
        if peer is not None:  # else it is closing already
            peer.state = room_after(peer.state, RoomEvent.CLOSED)

    def _close(
        self, connection: C, effects: list[Effect[C]], code: ErrorCode | None = None, text: str = ""
    ) -> None:
        self._close_conversation(connection)
        effects.append(Close(connection, code, text))

    def _enter(
        self, connection: C, peer: _Peer, item: ParsedItem, effects: list[Effect[C]]
    ) -> None:
        refused = ProtocolError(ErrorCode.BAD_TICKET, BAD_TICKET)
        try:
            holder = self.seats.take(item.ticket, item.id) if isinstance(item, Enter) else None
        except ProtocolError as full:  # a ticket beyond the reservation, and no free seat
            holder, refused = None, full
        if holder is None or not isinstance(item, Enter):
            _net.warning("%s: %s for room %d", peer.peer, refused.code, self.info.id)
            request_id = item.request_id if isinstance(item, ProtocolError) else item.id
            refusal = ErrorReply(refused.code.value, refused.message, request_id)
            effects.append(Send(connection, refusal))
            self._close(connection, effects)
            effects.append(SeatsChanged())
            return
        previous = self.members.pop(holder.user_key, None)
        if previous is not None:  # a guard: `Seats` gives no ticket to someone inside
            del self._by_connection[previous.connection]
            self._close(previous.connection, effects, ErrorCode.SESSION_REPLACED, REPLACED)
        peer.state = room_after(peer.state, RoomEvent.ENTERED)
        member = Member(holder.user_key, holder.name, connection, operator=holder.operator)
        self.members[member.key] = member
        self._by_connection[connection] = member
        names = self.member_names()
        summary = self.summary()
        settings, muted = self.moderator.rules.told_on_entering(member.key)
        mutes = self.moderator.mutes_told(member)
        bare = Entered(summary, member.name, names, (), item.id, None, None, settings, muted,
                       mutes)  # fmt: skip
        roles = self.member_roles(len(encode(bare)))
        read = {name: seq for name, seq in self.markers.read.items() if name in names}
        entered = fitted_entered(
            summary,
            member.name,
            names,
            tuple(self.history),
            item.id,
            HISTORY_BYTES,
            roles,
            read,
            settings,
            muted,
            mutes,
        )
        joined = Joined(member.name, names, self._stamp())
        joined = replace(joined, member_roles=self.member_roles(len(encode(joined))))
        effects += (Admit(connection), SeatsChanged(), Send(connection, entered))
        effects += (Broadcast(joined), MemberJoined(member.name))
        _server.info("%s entered room %d from %s", member.name, self.info.id, peer.peer)
