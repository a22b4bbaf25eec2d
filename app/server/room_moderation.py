"""A room's moderation requests answered, sans I/O: kick, ban, mute, roles, the owner.

`RoomModerator` checks the rules (`moderation.RoomRules`) and returns effects for the Qt
adapter: the answer, the `moderation` event to every member, closing whoever was removed,
and what the database is to keep (`Remember`). No Qt here.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import replace
from typing import TYPE_CHECKING, Generic, TypeVar

from app.server.moderation import (
    Act,
    BanRecord,
    LiftedBan,
    LiftedMute,
    RoomRules,
    SavedBan,
    SavedMute,
    SavedOwner,
    SavedRole,
    iso_or_none,
)
from app.server.room_effects import Broadcast, Close, Effect, Remember, Send, SummaryChanged
from app.server.room_messages import delete_message, report_message
from app.server.room_settings import change_settings
from app.shared.names import login_key
from app.shared.protocol import (
    BAN,
    KICK,
    MAX_FRAME_BYTES,
    MEMBER,
    MODERATOR,
    MUTE,
    OWNER,
    SET_ROLE,
    TRANSFER_OWNER,
    UNBAN,
    UNMUTE,
    Ban,
    BanEntry,
    BanList,
    DeleteMessage,
    ErrorCode,
    ErrorReply,
    Kick,
    ListBans,
    Moderation,
    ModerationRequest,
    Mute,
    MuteEntry,
    Ok,
    ProtocolError,
    Report,
    RoleChanged,
    RoomSettings,
    SetRole,
    TransferOwner,
    Unban,
    Unmute,
    encode,
    error_reply,
    fitted_mutes,
)

if TYPE_CHECKING:
    from app.server.room_conversation import Member, RoomConversation

C = TypeVar("C", bound=Hashable)


class RoomModerator(Generic[C]):
    """Answers one room's moderation requests against its `RoomConversation`."""

    def __init__(self, room: RoomConversation[C], rules: RoomRules, now: Callable[[], float]):
        self._room = room
        self.rules = rules
        self._now = now  # wall clock, Unix seconds (bans outlive the process)

    def role_of(self, member: Member[C]) -> str:
        """The role shown to the room."""
        return self.rules.role_of(member.key, member.operator)

    def acting_role(self, member: Member[C]) -> str:
        """The role a request of `member` is judged by (an operator outranks the owner)."""
        return self.rules.acting_role(member.key, member.operator)

    def mutes_told(self, member: Member[C]) -> tuple[MuteEntry, ...] | None:
        """`entered.mutes` for `member`: who is muted now, those inside first (by the name
        they are shown by; others by their account key), when `member` may unmute anyone."""
        if self.acting_role(member) == MEMBER:
            return None
        inside: list[MuteEntry] = []
        away: list[MuteEntry] = []
        for key, until in self.rules.mutes_in_force():
            present = self._room.members.get(key)
            entry = MuteEntry(present.name if present else key, iso_or_none(until))
            (inside if present else away).append(entry)
        return fitted_mutes(inside + away)

    def answer(
        self,
        actor: Member[C],
        request: ModerationRequest | RoomSettings,
        password_hash: str | None = None,
    ) -> list[Effect[C]]:
        """The effects of one request from `actor`; a refusal changes nothing. A
        `room_settings` with a new password comes with its hash."""
        try:
            return self._answer(actor, request, password_hash)
        except ProtocolError as refused:
            return [Send(actor.connection, error_reply(refused))]

    def _answer(
        self,
        actor: Member[C],
        request: ModerationRequest | RoomSettings,
        password_hash: str | None = None,
    ) -> list[Effect[C]]:
        role = self.acting_role(actor)
        rid = request.id
        self.rules.limits.check(request, rid)
        if isinstance(request, ListBans):
            self.rules.check_moderates(role, None, rid)
            return [Send(actor.connection, self._ban_list(request))]
        if isinstance(request, RoomSettings):
            now = self._now()
            return change_settings(self._room, self.rules, actor, role, request, now, password_hash)
        if isinstance(request, DeleteMessage):
            return delete_message(self._room, actor, role, request, self._now())
        if isinstance(request, Report):
            return report_message(self._room, actor, request, self._now())
        key = login_key(request.name)
        target = self._room.members.get(key)
        # Whoever is not in the room is judged by their account: an operator stays one.
        target_role = self.acting_role(target) if target else self.rules.acting_role(key)
        shown = target.name if target else request.name
        effects: list[Effect[C]] = [Send(actor.connection, Ok(rid))]
        minutes: int | None = None
        reason: str | None = None
        if isinstance(request, Kick | Ban | Unban | Mute | Unmute):
            self.rules.check_moderates(role, target_role, rid)
        else:
            self.rules.check_manages(role, rid)
        if isinstance(request, Kick):
            if target is None:
                raise ProtocolError(ErrorCode.NO_SUCH_USER, "nobody of that name is here", rid)
            action, reason = KICK, request.reason
            target.kicked_by = actor.name
            last = ErrorReply(ErrorCode.KICKED.value, "you were removed from the room",
                              None, reason=reason)  # fmt: skip
            effects.append(Close(target.connection, last=last))
        elif isinstance(request, Ban):
            action, minutes, reason = BAN, request.minutes, request.reason
            until = self.rules.until(minutes)
            ban = BanRecord(key, shown, until, actor.name, reason)
            self.rules.ban(ban)
            self._room.seats.revoke(key)
            effects.append(Remember(SavedBan(ban)))
            if target is not None:
                target.banned_by = actor.name
                last = ErrorReply(ErrorCode.BANNED.value, "you are banned from this room",
                                  None, until=iso_or_none(until), reason=reason)  # fmt: skip
                effects.append(Close(target.connection, last=last))
        elif isinstance(request, Unban):
            if not self.rules.unban(key):
                raise ProtocolError(ErrorCode.NO_SUCH_USER, "nobody of that name is banned", rid)
            action = UNBAN
            effects.append(Remember(LiftedBan(key)))
        elif isinstance(request, Mute):
            action, minutes, reason = MUTE, request.minutes, request.reason
            until = self.rules.until(minutes)
            self.rules.mute(key, until)
            effects.append(Remember(SavedMute(key, until)))
        elif isinstance(request, Unmute):
            if not self.rules.unmute(key):
                raise ProtocolError(ErrorCode.NO_SUCH_USER, "nobody of that name is muted", rid)
            action = UNMUTE
            effects.append(Remember(LiftedMute(key)))
        elif isinstance(request, SetRole):
            action = SET_ROLE
            self._set_role(key, target_role, request, effects, shown, actor.name)
        else:
            action = TRANSFER_OWNER
            self._transfer(actor, target, request, effects)
        effects.append(Broadcast(Moderation(action, shown, actor.name, minutes, reason)))
        act = Act(self._room.info.id, self._now(), actor.name, action, shown, minutes, reason)
        effects.append(Remember(act))
        # The room hears of it before whoever was removed is closed.
        return [e for e in effects if not isinstance(e, Close)] + [
            e for e in effects if isinstance(e, Close)
        ]

    def _set_role(
        self,
        key: str,
        target_role: str,
        request: SetRole,
        effects: list[Effect[C]],
        shown: str,
        by: str,
    ) -> None:
        if key == self.rules.owner_key:
            raise ProtocolError(
                ErrorCode.NOT_ALLOWED, "the owner's role is the owner's", request.id
            )
        if request.role == MODERATOR:
            self.rules.moderators.add(key)
        else:
            self.rules.moderators.discard(key)
        effects.append(Remember(SavedRole(key, request.role)))
        target = self._room.members.get(key)
        shown_role = self.role_of(target) if target else request.role
        effects.append(Broadcast(RoleChanged(shown, shown_role, by)))

    def _transfer(
        self,
        actor: Member[C],
        target: Member[C] | None,
        request: TransferOwner,
        effects: list[Effect[C]],
    ) -> None:
        if target is None:
            raise ProtocolError(ErrorCode.NO_SUCH_USER, "the new owner must be here", request.id)
        if target.key == self.rules.owner_key:
            raise ProtocolError(ErrorCode.BAD_REQUEST, "they own the room already", request.id)
        room = self._room
        old_key = self.rules.owner_key
        self.rules.owner_key = target.key
        self.rules.moderators.discard(target.key)
        self.rules.moderators.add(old_key)  # the former owner stays a moderator
        room.info = replace(room.info, owner=target.name)
        effects += (Remember(SavedOwner(target.name)), Remember(SavedRole(target.key, MEMBER)))
        effects.append(Remember(SavedRole(old_key, MODERATOR)))
        effects.append(SummaryChanged())
        old = room.members.get(old_key)
        if old is not None:
            effects.append(Broadcast(RoleChanged(old.name, self.role_of(old), actor.name)))
        effects.append(Broadcast(RoleChanged(target.name, OWNER, actor.name)))

    def _ban_list(self, request: ListBans) -> BanList:
        """The bans in force, as many as fit one line (oldest first)."""
        entries: list[BanEntry] = []
        budget = MAX_FRAME_BYTES - len(encode(BanList((), request.id))) - 1
        for ban in self.rules.bans():
            entry = BanEntry(ban.name, iso_or_none(ban.until), ban.by, ban.reason)
            budget -= len(encode(BanList((entry,)))) - len(encode(BanList(()))) + 1
            if budget < 0:
                break
            entries.append(entry)
        return BanList(tuple(entries), request.id)
