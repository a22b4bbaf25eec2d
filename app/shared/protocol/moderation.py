"""Moderation on the room port: the requests (kick, ban, mute, roles) and their events.

Parsed and encoded like every other message; `events.parse_server_frame` knows the events.
A `moderation` event and a ban list carry their nulls (they mean "for good" or "none").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from app.shared.protocol.errors import ErrorCode, ProtocolError, RequestId
from app.shared.protocol.framing import (
    MAX_FRAME_BYTES,
    WireObject,
    count_fitting,
    is_int,
)
from app.shared.protocol.wire import _Wire

if TYPE_CHECKING:  # events.py imports this module; the reader is only a type here
    from app.shared.protocol.events import _Reader

# Roles a member can have in a room, as `member_roles` and `role_changed` name them.
OWNER, OPERATOR, MODERATOR, MEMBER = "owner", "operator", "moderator", "member"
ROLES = (OWNER, OPERATOR, MODERATOR, MEMBER)
SETTABLE_ROLES = (MODERATOR, MEMBER)  # what `set_role` may give
# The wire's ceilings; each server's own limits (flags, default lower) lie within them.
MAX_MINUTES = 10 * 366 * 24 * 60  # the longest timed ban or mute; longer is "for good" (null)
REASON_MAX = 1000  # characters

# The `action` of a `moderation` event.
KICK, BAN, UNBAN, MUTE, UNMUTE, SET_ROLE, TRANSFER_OWNER = (
    "kick", "ban", "unban", "mute", "unmute", "set_role", "transfer_owner",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Kick(_Wire):
    TYPE: ClassVar[str] = "kick"
    name: str
    reason: str | None = None
    id: RequestId = None


@dataclass(frozen=True, slots=True)
class Ban(_Wire):
    """Ban `name` from the room for `minutes` (None: for good)."""

    TYPE: ClassVar[str] = "ban"
    name: str
    minutes: int | None = None
    reason: str | None = None
    id: RequestId = None


@dataclass(frozen=True, slots=True)
class Unban(_Wire):
    TYPE: ClassVar[str] = "unban"
    name: str
    id: RequestId = None


@dataclass(frozen=True, slots=True)
class ListBans(_Wire):
    TYPE: ClassVar[str] = "bans"
    id: RequestId = None


@dataclass(frozen=True, slots=True)
class Mute(_Wire):
    """Mute `name` for `minutes` (None: until unmuted): they stay and read."""

    TYPE: ClassVar[str] = "mute"
    name: str
    minutes: int | None = None
    reason: str | None = None
    id: RequestId = None


@dataclass(frozen=True, slots=True)
class Unmute(_Wire):
    TYPE: ClassVar[str] = "unmute"
    name: str
    id: RequestId = None


@dataclass(frozen=True, slots=True)
class SetRole(_Wire):
    TYPE: ClassVar[str] = "set_role"
    name: str
    role: str  # one of SETTABLE_ROLES
    id: RequestId = None


@dataclass(frozen=True, slots=True)
class TransferOwner(_Wire):
    TYPE: ClassVar[str] = "transfer_owner"
    name: str
    id: RequestId = None


@dataclass(frozen=True, slots=True)
class DeleteMessage(_Wire):
    """Delete message `seq` of this room (one's own, or anyone's for a moderator)."""

    TYPE: ClassVar[str] = "delete_message"
    seq: int
    id: RequestId = None


@dataclass(frozen=True, slots=True)
class Report(_Wire):
    """Report message `seq` to the server's operators."""

    TYPE: ClassVar[str] = "report"
    seq: int
    reason: str | None = None
    id: RequestId = None


ModerationRequest = (
    Kick | Ban | Unban | ListBans | Mute | Unmute | SetRole | TransferOwner | DeleteMessage | Report
)
MODERATION_CLASSES = (Kick, Ban, Unban, ListBans, Mute, Unmute, SetRole, TransferOwner,
                      DeleteMessage, Report)  # fmt: skip
MODERATION_TYPES = frozenset(cls.TYPE for cls in MODERATION_CLASSES)
DELETE_MESSAGE = DeleteMessage.TYPE  # also a `moderation` action


def _name(obj: WireObject, rid: RequestId) -> str:
    name = obj.get("name")
    if not isinstance(name, str) or not name:
        raise ProtocolError(ErrorCode.BAD_REQUEST, "name must be a member's name", rid)
    return name


def _reason(obj: WireObject, rid: RequestId) -> str | None:
    reason = obj.get("reason")
    if reason is None:
        return None
    if not isinstance(reason, str) or len(reason) > REASON_MAX or "\x00" in reason:
        text = f"reason must be null or a text of at most {REASON_MAX} characters"
        raise ProtocolError(ErrorCode.BAD_REQUEST, text, rid)
    return reason.strip() or None


def _minutes(obj: WireObject, rid: RequestId) -> int | None:
    minutes = obj.get("minutes")
    if minutes is None:
        return None
    if not is_int(minutes) or not 1 <= minutes <= MAX_MINUTES:
        text = f"minutes must be null or an integer from 1 to {MAX_MINUTES}"
        raise ProtocolError(ErrorCode.BAD_REQUEST, text, rid)
    assert isinstance(minutes, int)
    return minutes


def parse_moderation(obj: WireObject, kind: str, rid: RequestId) -> ModerationRequest:
    """One of MODERATION_TYPES (already decoded) to its request."""
    if kind == ListBans.TYPE:
        return ListBans(rid)
    if kind in (DeleteMessage.TYPE, Report.TYPE):
        seq = obj.get("seq")
        if not is_int(seq) or not isinstance(seq, int) or seq < 1:
            raise ProtocolError(ErrorCode.BAD_REQUEST, "seq must be a message's seq", rid)
        if kind == DeleteMessage.TYPE:
            return DeleteMessage(seq, rid)
        return Report(seq, _reason(obj, rid), rid)
    name = _name(obj, rid)
    if kind == Kick.TYPE:
        return Kick(name, _reason(obj, rid), rid)
    if kind == Ban.TYPE:
        return Ban(name, _minutes(obj, rid), _reason(obj, rid), rid)
    if kind == Unban.TYPE:
        return Unban(name, rid)
    if kind == Mute.TYPE:
        return Mute(name, _minutes(obj, rid), _reason(obj, rid), rid)
    if kind == Unmute.TYPE:
        return Unmute(name, rid)
    if kind == SetRole.TYPE:
        role = obj.get("role")
        if role not in SETTABLE_ROLES:
            raise ProtocolError(ErrorCode.BAD_REQUEST, "role must be moderator or member", rid)
        assert isinstance(role, str)
        return SetRole(name, role, rid)
    if kind == TransferOwner.TYPE:
        return TransferOwner(name, rid)
    raise AssertionError(f"moderation type {kind!r} has no parser")  # our bug


# --- events ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Ok(_Wire):
    """A request was carried out."""

    TYPE: ClassVar[str] = "ok"
    id: RequestId = None

    @classmethod
    def from_wire(cls, read: _Reader) -> Ok:
        return cls(read.request_id())


@dataclass(frozen=True, slots=True)
class MemberRole(_Wire):
    """One entry of `member_roles`."""

    TYPE: ClassVar[str] = "member_role"  # never sent on its own
    name: str
    role: str

    def to_wire(self) -> WireObject:
        return {"name": self.name, "role": self.role}


_ORDER = {OWNER: 0, OPERATOR: 1, MODERATOR: 2}


def fitted_roles(roles: list[MemberRole], used: int) -> tuple[MemberRole, ...]:
    """The `member_roles` for a frame already `used` bytes long: every role but `member`,
    owner first, then operators and moderators, as many as fit the line."""
    budget = MAX_FRAME_BYTES - used - len(',"member_roles":[]') - 1
    ranked = sorted((r for r in roles if r.role in _ORDER), key=lambda r: _ORDER[r.role])
    return tuple(ranked[: count_fitting(ranked, budget)])


def member_roles(read: _Reader) -> tuple[MemberRole, ...] | None:
    """The optional `member_roles` of entered, joined and left."""
    if read.raw("member_roles") is None:
        return None
    return tuple(
        MemberRole(str(r.get("name", "")), str(r.get("role", MEMBER)))
        for r in read.objects("member_roles")
    )


@dataclass(frozen=True, slots=True)
class Moderation(_Wire):
    """An act, told to every member; `name` (whom) and `minutes`, `reason` may be null."""

    TYPE: ClassVar[str] = "moderation"
    action: str
    name: str | None
    by: str
    minutes: int | None = None
    reason: str | None = None

    def to_wire(self) -> WireObject:
        return {"type": self.TYPE, "action": self.action, "name": self.name, "by": self.by,
                "minutes": self.minutes, "reason": self.reason}  # fmt: skip

    @classmethod
    def from_wire(cls, read: _Reader) -> Moderation:
        minutes = read.raw("minutes")
        return cls(
            read.text("action"),
            read.optional_text("name"),
            read.text("by"),
            minutes if isinstance(minutes, int) else None,
            read.optional_text("reason"),
        )


@dataclass(frozen=True, slots=True)
class MuteState:
    """`entered.muted`, there only when the member entering is muted: till `until` (an ISO
    time like a `muted` error's; None: until unmuted)."""

    until: str | None = None

    def to_wire(self) -> WireObject:
        return {"until": self.until}  # null kept: it means "until unmuted"

    @classmethod
    def from_wire(cls, obj: object) -> MuteState:
        until = obj.get("until") if isinstance(obj, dict) else 0
        if until is not None and not isinstance(until, str):
            text = "entered.muted must be an object whose until is a time or null"
            raise ProtocolError(ErrorCode.BAD_REQUEST, text)
        return cls(until)


@dataclass(frozen=True, slots=True)
class MuteEntry(_Wire):
    """One entry of `entered.mutes`: `name` muted till `until` (an ISO time; None: until
    unmuted). Told only to whoever may unmute."""

    TYPE: ClassVar[str] = "mute_entry"  # never sent on its own
    name: str
    until: str | None = None

    def to_wire(self) -> WireObject:
        return {"name": self.name, "until": self.until}  # null kept: "until unmuted"


def mute_entries(obj: object) -> tuple[MuteEntry, ...] | None:
    """The optional `mutes` of `entered` (None: not told, an older server or a plain member)."""
    if obj is None:
        return None
    text = "entered.mutes must be a list of objects with a name and an until (a time or null)"
    if not isinstance(obj, list):
        raise ProtocolError(ErrorCode.BAD_REQUEST, text)
    entries = []
    for item in obj:
        name = item.get("name") if isinstance(item, dict) else None
        until = item.get("until") if isinstance(item, dict) else 0
        if not isinstance(name, str) or (until is not None and not isinstance(until, str)):
            raise ProtocolError(ErrorCode.BAD_REQUEST, text)
        entries.append(MuteEntry(name, until))
    return tuple(entries)


@dataclass(frozen=True, slots=True)
class BanEntry(_Wire):
    """One ban: `until` an ISO time or None (for good)."""

    TYPE: ClassVar[str] = "ban_entry"  # never sent on its own
    name: str
    until: str | None
    by: str
    reason: str | None

    def to_wire(self) -> WireObject:
        return {"name": self.name, "until": self.until, "by": self.by, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class BanList(_Wire):
    """The answer to `bans`: the room's bans in force, oldest first."""

    TYPE: ClassVar[str] = "bans"
    bans: tuple[BanEntry, ...]
    id: RequestId = None

    @classmethod
    def from_wire(cls, read: _Reader) -> BanList:
        bans = tuple(
            BanEntry(
                str(b.get("name", "")),
                b["until"] if isinstance(b.get("until"), str) else None,
                str(b.get("by", "")),
                b["reason"] if isinstance(b.get("reason"), str) else None,
            )
            for b in read.objects("bans")
        )
        return cls(bans, read.request_id())


@dataclass(frozen=True, slots=True)
class MessageDeleted(_Wire):
    """Told to every member: message `seq` was deleted `by` that name."""

    TYPE: ClassVar[str] = "message_deleted"
    seq: int
    by: str

    @classmethod
    def from_wire(cls, read: _Reader) -> MessageDeleted:
        return cls(read.integer("seq"), read.text("by"))


@dataclass(frozen=True, slots=True)
class Reported(_Wire):
    """The answer to `report`: the operators will see it."""

    TYPE: ClassVar[str] = "reported"
    id: RequestId = None

    @classmethod
    def from_wire(cls, read: _Reader) -> Reported:
        return cls(read.request_id())


@dataclass(frozen=True, slots=True)
class RoleChanged(_Wire):
    TYPE: ClassVar[str] = "role_changed"
    name: str
    role: str
    by: str

    @classmethod
    def from_wire(cls, read: _Reader) -> RoleChanged:
        return cls(read.text("name"), read.text("role"), read.text("by"))
