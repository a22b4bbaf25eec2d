"""Who may moderate whom in a room, and the room's bans and mutes on an injected clock.

Pure rules, no I/O: roles come from the room's owner, its stored moderators and the
server's operators; a ban or mute ends at a wall-clock time (Unix seconds) or never.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from app.shared.protocol import (
    MEMBER,
    MODERATOR,
    OPERATOR,
    OWNER,
    ErrorCode,
    MuteState,
    ProtocolError,
    RequestId,
    RoomModes,
)
from app.shared.timefmt import to_iso

# An operator outranks the owner, who outranks moderators; nobody acts on an equal.
_RANK = {MEMBER: 0, MODERATOR: 1, OWNER: 2, OPERATOR: 3}


@dataclass(frozen=True, slots=True)
class BanRecord:
    """A ban in force: `until` in Unix seconds, None for good."""

    key: str
    name: str
    until: float | None
    by: str
    reason: str | None


@dataclass(frozen=True, slots=True)
class Act:
    """One audit-log line: who did what to whom, when (Unix seconds), and why."""

    room_id: int
    at: float
    actor: str
    action: str
    target: str | None
    minutes: int | None = None
    reason: str | None = None
    seq: int = 0  # the message a delete_message was about; never its text


@dataclass(frozen=True, slots=True)
class DeletedMessage:
    """Remove message `seq` from the database file itself."""

    seq: int


@dataclass(frozen=True, slots=True)
class ReportedMessage:
    """A member reported message `seq` (by `author`, when the room still shows it)."""

    seq: int
    author: str | None
    reporter: str
    reason: str | None
    at: float


@dataclass(frozen=True, slots=True)
class SavedBan:
    ban: BanRecord


@dataclass(frozen=True, slots=True)
class LiftedBan:
    key: str


@dataclass(frozen=True, slots=True)
class SavedRole:
    key: str
    role: str


@dataclass(frozen=True, slots=True)
class SavedOwner:
    name: str


@dataclass(frozen=True, slots=True)
class SavedRoom:
    """The room's name and capacity as they are now."""

    name: str
    capacity: int


@dataclass(frozen=True, slots=True)
class SavedPassword:
    """The room's password hash as it is now (None: an open room)."""

    password_hash: str | None = field(repr=False)


@dataclass(frozen=True, slots=True)
class SavedMute:
    """A mute in force: `until` in Unix seconds, None until unmuted."""

    key: str
    until: float | None


@dataclass(frozen=True, slots=True)
class LiftedMute:
    key: str


@dataclass(frozen=True, slots=True)
class Modes:
    """A room's slow mode, read-only and locked doors, as they are now."""

    slow_mode_seconds: int = 0
    read_only: bool = False
    locked_doors: bool = False


# What the database is to keep.
Change = (
    Act
    | SavedMute
    | LiftedMute
    | Modes
    | SavedPassword
    | SavedBan
    | LiftedBan
    | SavedRole
    | SavedOwner
    | SavedRoom
    | DeletedMessage
    | ReportedMessage
)


@dataclass(frozen=True, slots=True)
class ModerationLimits:
    """The server's limits (its flags) on what moderation requests may ask."""

    max_minutes: int = 366 * 24 * 60
    max_reason_chars: int = 200
    max_slow_mode: int = 24 * 60 * 60

    def check(self, request: object, request_id: RequestId) -> None:
        """Raise `bad_request` for minutes, a reason or a slow mode past these limits."""
        minutes = getattr(request, "minutes", None)
        if minutes is not None and minutes > self.max_minutes:
            text = f"minutes must be null or an integer from 1 to {self.max_minutes}"
            raise ProtocolError(ErrorCode.BAD_REQUEST, text, request_id)
        reason = getattr(request, "reason", None)
        if reason is not None and len(reason) > self.max_reason_chars:
            text = f"reason must be null or a text of at most {self.max_reason_chars} characters"
            raise ProtocolError(ErrorCode.BAD_REQUEST, text, request_id)
        slow = getattr(request, "slow_mode_seconds", None)
        if slow is not None and slow > self.max_slow_mode:
            text = f"slow_mode_seconds must be an integer from 0 to {self.max_slow_mode}"
            raise ProtocolError(ErrorCode.BAD_REQUEST, text, request_id)


def iso_or_none(moment: float | None) -> str | None:
    """A wall-clock time (Unix seconds) as the wire shows it."""
    return None if moment is None else to_iso(datetime.fromtimestamp(moment, UTC))


def not_allowed(text: str, request_id: RequestId) -> ProtocolError:
    return ProtocolError(ErrorCode.NOT_ALLOWED, text, request_id)


class RoomRules:
    """One room's roles, bans and mutes. Keys are account keys; `owner_key` the owner's."""

    def __init__(
        self,
        owner_key: str,
        moderators: Iterable[str],
        bans: Iterable[BanRecord],
        now: Callable[[], float],
        mutes: Iterable[SavedMute] = (),
        modes: Modes = Modes(),
        is_operator: Callable[[str], bool] = lambda key: False,
    ) -> None:
        self.owner_key = owner_key
        self.moderators = set(moderators)
        self._bans = {ban.key: ban for ban in bans}
        self._mutes: dict[str, float | None] = {mute.key: mute.until for mute in mutes}
        self._now = now
        self.slow_mode_seconds = modes.slow_mode_seconds
        self.read_only = modes.read_only
        self.locked_doors = modes.locked_doors
        self.limits = ModerationLimits()  # the adapter sets the server's
        self.is_operator = is_operator  # an account's operator flag, for whoever is not in
        self._last_said: dict[str, float] = {}  # per account, while slow mode is on

    @property
    def modes(self) -> Modes:
        return Modes(self.slow_mode_seconds, self.read_only, self.locked_doors)

    def told_on_entering(self, key: str) -> tuple[RoomModes, MuteState | None]:
        """`entered`'s `settings` and, when `key` is muted, its `muted`."""
        muted, until = self.muted_until(key)
        modes = RoomModes(self.slow_mode_seconds, self.read_only, self.locked_doors)
        return modes, MuteState(iso_or_none(until)) if muted else None

    # --- roles ---------------------------------------------------------------------------

    def role_of(self, key: str, operator: bool = False) -> str:
        """The role members see (`member_roles`): an operator who owns the room is its owner."""
        if key == self.owner_key:
            return OWNER
        if operator:
            return OPERATOR
        return MODERATOR if key in self.moderators else MEMBER

    def acting_role(self, key: str, operator: bool | None = None) -> str:
        """The role a request is judged by: an operator outranks every room role, their own
        included, whether in the room (`operator` from their ticket) or not (None: looked
        up in the accounts)."""
        if operator is None:
            operator = self.is_operator(key)
        return OPERATOR if operator else self.role_of(key)

    def check_moderates(self, actor: str, target: str | None, request_id: RequestId) -> None:
        """`actor` (a role) may kick, ban or mute someone of role `target` (None: absent,
        judged as a member); else `not_allowed`."""
        if actor == MEMBER:
            raise not_allowed("only the owner, moderators and operators may do that", request_id)
        if target is not None and _RANK[target] >= _RANK[actor]:
            raise not_allowed(f"a {actor} may not do that to a {target}", request_id)

    def check_manages(self, actor: str, request_id: RequestId) -> None:
        """Naming moderators and handing the room on: the owner and operators."""
        if actor not in (OWNER, OPERATOR):
            raise not_allowed("only the owner or an operator may do that", request_id)

    def speaks_freely(self, role: str) -> bool:
        """Exempt from slow mode and read-only."""
        return role != MEMBER

    # --- bans ----------------------------------------------------------------------------

    def until(self, minutes: int | None) -> float | None:
        return None if minutes is None else self._now() + minutes * 60

    def ban(self, record: BanRecord) -> None:
        self._bans[record.key] = record

    def unban(self, key: str) -> bool:
        return self._bans.pop(key, None) is not None

    def ban_of(self, key: str) -> BanRecord | None:
        """The ban in force on `key`; an expired one is forgotten."""
        ban = self._bans.get(key)
        if ban is not None and ban.until is not None and ban.until <= self._now():
            del self._bans[key]
            return None
        return ban

    def bans(self) -> list[BanRecord]:
        return [b for b in list(self._bans.values()) if self.ban_of(b.key) is not None]

    def check_not_banned(self, key: str, request_id: RequestId) -> None:
        ban = self.ban_of(key)
        if ban is not None:
            text = "you are banned from this room" + (f": {ban.reason}" if ban.reason else "")
            raise ProtocolError(ErrorCode.BANNED, text, request_id, until=iso_or_none(ban.until))

    # --- mutes ---------------------------------------------------------------------------

    def mute(self, key: str, until: float | None) -> None:
        self._mutes[key] = until

    def unmute(self, key: str) -> bool:
        found = key in self._mutes
        self._mutes.pop(key, None)
        return found

    def muted_until(self, key: str) -> tuple[bool, float | None]:
        """(muted, until): whether `key` is muted now and till when (None: until unmuted)."""
        if key not in self._mutes:
            return False, None
        until = self._mutes[key]
        if until is not None and until <= self._now():
            del self._mutes[key]
            return False, None
        return True, until

    def mutes_in_force(self) -> list[tuple[str, float | None]]:
        """(key, until) of every mute in force; an expired one is forgotten."""
        return [(key, until) for key, until in list(self._mutes.items())
                if self.muted_until(key)[0]]  # fmt: skip

    def check_may_say(
        self, key: str, request_id: RequestId, operator: bool = False, slow: bool = True
    ) -> None:
        """Raise `muted`, `read_only` or `slow_mode` (with `retry_after`) when `key` may
        not speak now; a message allowed counts for slow mode. With `slow` False, slow mode
        is left out (an upload's end: its begin took the turn)."""
        if not (self._mutes or self.read_only or self.slow_mode_seconds):  # the common case
            return
        muted, until = self.muted_until(key)
        if muted:
            raise ProtocolError(
                ErrorCode.MUTED, "you are muted in this room", request_id, until=iso_or_none(until)
            )
        if self.speaks_freely(self.role_of(key, operator)):
            return
        if self.read_only:
            text = "only the owner and moderators may speak in this room now"
            raise ProtocolError(ErrorCode.READ_ONLY, text, request_id)
        if self.slow_mode_seconds and slow:
            now = self._now()
            wait = self._last_said.get(key, -1e18) + self.slow_mode_seconds - now
            if wait > 0:
                text = f"slow mode: one message per {self.slow_mode_seconds} seconds"
                raise ProtocolError(ErrorCode.SLOW_MODE, text, request_id, wait)
            self._last_said[key] = now

    def check_may_enter(self, key: str, request_id: RequestId, operator: bool = False) -> None:
        """Raise `banned` or `room_locked` for a `join_room`; an operator, who may moderate
        every room, is held by neither."""
        if operator:
            return
        self.check_not_banned(key, request_id)
        if self.locked_doors:
            raise ProtocolError(ErrorCode.ROOM_LOCKED, "the room takes nobody new now", request_id)
