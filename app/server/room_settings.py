"""A room's settings changed by its owner, a moderator or an operator, sans I/O."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeVar

from app.server.moderation import Act, RoomRules, SavedPassword, SavedRoom
from app.server.room_effects import Broadcast, Effect, Remember, Send, SummaryChanged
from app.shared.protocol import (
    MEMBER,
    ErrorCode,
    Ok,
    ProtocolError,
    RoomSettings,
    RoomSettingsChanged,
)
from app.shared.validation import check_room_name, check_room_password

if TYPE_CHECKING:
    from app.server.room_conversation import Member, RoomConversation

C = TypeVar("C", bound=Hashable)
ROOM_SETTINGS = "room_settings"  # the audit log's action


def check_may_change(role: str, request: RoomSettings) -> None:
    """Raise `not_allowed` for a plain member, `invalid_password` for a new password of
    the wrong length: checked before a password is hashed, and again after."""
    if role == MEMBER:
        text = "only the owner, moderators and operators may change the room's settings"
        raise ProtocolError(ErrorCode.NOT_ALLOWED, text, request.id)
    if request.password is not None:
        check_room_password(request.password, request.id)


def change_settings(
    room: RoomConversation[C],
    rules: RoomRules,
    actor: Member[C],
    role: str,
    request: RoomSettings,
    now: float,
    password_hash: str | None = None,
) -> list[Effect[C]]:
    """Check every asked change first, then make them all; raises ProtocolError (nothing
    changed) when one is refused. A new password comes hashed (`password_hash`): the
    adapter hashes it off the event loop first."""
    rid = request.id
    check_may_change(role, request)
    if request.password is not None and password_hash is None:
        raise ProtocolError(ErrorCode.INTERNAL_ERROR, "the password was not hashed", rid)
    info = room.info
    changes: dict[str, Any] = request.changes()
    name, capacity = info.name, info.capacity
    if request.name is not None:
        name = check_room_name(request.name, rid)
        if name != info.name:
            room.name_check(name, rid)
        changes["name"] = name
    if request.capacity is not None:
        capacity = request.capacity
        least = max(2, len(room.members))
        if not least <= capacity <= room.max_capacity:
            text = f"capacity must be from {least} (the members now) to {room.max_capacity}"
            raise ProtocolError(ErrorCode.INVALID_CAPACITY, text, rid)
    modes = rules.modes
    if request.slow_mode_seconds is not None:
        rules.slow_mode_seconds = request.slow_mode_seconds
    if request.read_only is not None:
        rules.read_only = request.read_only
    if request.locked_doors is not None:
        rules.locked_doors = request.locked_doors
    effects: list[Effect[C]] = [Send(actor.connection, Ok(rid))]
    if rules.modes != modes:
        effects.append(Remember(rules.modes))
    if (name, capacity) != (info.name, info.capacity):
        room.info = replace(info, name=name, capacity=capacity)
        room.seats.capacity = capacity
        effects += (Remember(SavedRoom(name, capacity)), SummaryChanged())
    if request.changes_password:
        kept = password_hash if request.password is not None else None
        room.info = replace(room.info, password_hash=kept)
        effects += (Remember(SavedPassword(kept)), SummaryChanged())
    effects.append(Broadcast(RoomSettingsChanged(actor.name, changes)))
    # Which settings (their values are in the event); a password as `password`, never it.
    summary = ", ".join(sorted("password" if k == "locked" else k for k in changes))
    effects.append(Remember(Act(info.id, now, actor.name, ROOM_SETTINGS, None, None, summary)))
    return effects
