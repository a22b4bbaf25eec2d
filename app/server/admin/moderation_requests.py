"""The admin window's room moderation as requests: what was typed and chosen in the Rooms
tab made into the typed requests of `app.shared.protocol`. No widgets, no Qt."""

from __future__ import annotations

from dataclasses import dataclass

from app.server.admin.snapshots import RoomState
from app.shared.protocol import (
    BAN,
    KICK,
    MEMBER,
    MODERATOR,
    MUTE,
    SET_ROLE,
    TRANSFER_OWNER,
    UNBAN,
    UNMUTE,
    Ban,
    Kick,
    Mute,
    RoomSettings,
    SetRole,
    TransferOwner,
    Unban,
    Unmute,
)

MemberRequest = Kick | Mute | Unmute | Ban | Unban | SetRole | TransferOwner


def member_request(
    action: str,
    name: str,
    minutes: int | None = None,
    reason: str = "",
    role: str = MODERATOR,
) -> MemberRequest | None:
    """The request for `action` (a `moderation` action: kick, mute, unmute, ban, unban,
    set_role with `role`, transfer_owner) on the name typed; None without a name.
    `minutes` (None: for good) and `reason` are used by the acts that take them."""
    name = name.strip()
    if not name:
        return None
    why = reason.strip() or None
    if action == KICK:
        return Kick(name, why)
    if action == MUTE:
        return Mute(name, minutes, why)
    if action == UNMUTE:
        return Unmute(name)
    if action == BAN:
        return Ban(name, minutes, why)
    if action == UNBAN:
        return Unban(name)
    if action == SET_ROLE:
        if role not in (MODERATOR, MEMBER):
            raise ValueError(f"a room role to give is moderator or member, not {role!r}")
        return SetRole(name, role)
    if action == TRANSFER_OWNER:
        return TransferOwner(name)
    raise ValueError(f"no member request for {action!r}")  # our bug


@dataclass(frozen=True, slots=True)
class SettingsChoice:
    """The room settings as the window's widgets show them."""

    slow_mode_seconds: int
    read_only: bool
    locked_doors: bool
    password: str = ""  # a new password; empty: leave it as it is
    clear_password: bool = False  # open the room (wins over `password`)


def shown_settings(room: RoomState) -> SettingsChoice:
    """What the widgets show for a room before anything is changed."""
    return SettingsChoice(room.slow_mode_seconds, room.read_only, room.locked_doors)


def settings_request(room: RoomState, choice: SettingsChoice) -> RoomSettings | None:
    """A `room_settings` with only what `choice` changes of the room as it is (clearing a
    password only when it has one); None when nothing would change."""
    slow = choice.slow_mode_seconds
    request = RoomSettings(
        slow_mode_seconds=slow if slow != room.slow_mode_seconds else None,
        read_only=choice.read_only if choice.read_only != room.read_only else None,
        locked_doors=choice.locked_doors if choice.locked_doors != room.locked_doors else None,
        password=choice.password or None if not choice.clear_password else None,
        clear_password=choice.clear_password and room.locked,
    )
    return request if request.changes() else None
