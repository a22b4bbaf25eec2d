"""The chat's system lines for moderation ("bob muted kim for 10 minutes") and its refusals."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication

from app.client import texts
from app.shared.protocol import (
    BAN,
    DELETE_MESSAGE,
    KICK,
    MODERATOR,
    MUTE,
    OPERATOR,
    OWNER,
    SET_ROLE,
    TRANSFER_OWNER,
    UNBAN,
    UNMUTE,
    ErrorCode,
    ErrorReply,
    Moderation,
    RoleChanged,
    RoomSettingsChanged,
)

translate = QCoreApplication.translate


def duration(minutes: int | None, action: str) -> str:
    """`for 10 minutes`, `for 1 day`, … or what None means for a ban or a mute."""
    if minutes is None:
        if action == BAN:
            return translate("Moderation", "for good")
        return translate("Moderation", "until unmuted")
    day, hour = 24 * 60, 60
    if minutes % day == 0:
        if minutes == day:
            return translate("Moderation", "for 1 day")
        return translate("Moderation", "for {n} days").format(n=minutes // day)
    if minutes % hour == 0:
        if minutes == hour:
            return translate("Moderation", "for 1 hour")
        return translate("Moderation", "for {n} hours").format(n=minutes // hour)
    if minutes == 1:
        return translate("Moderation", "for 1 minute")
    return translate("Moderation", "for {n} minutes").format(n=minutes)


def act_line(event: Moderation) -> str:
    """One act, as the room's members read it."""
    by, name, action = event.by, event.name or "", event.action
    lines = {
        KICK: translate("Moderation", "{by} removed {name} from the room"),
        BAN: translate("Moderation", "{by} banned {name} {duration}"),
        UNBAN: translate("Moderation", "{by} lifted the ban on {name}"),
        MUTE: translate("Moderation", "{by} muted {name} {duration}"),
        UNMUTE: translate("Moderation", "{by} unmuted {name}"),
        DELETE_MESSAGE: translate("Moderation", "{by} deleted a message"),
        SET_ROLE: "",  # told by role_changed
        TRANSFER_OWNER: "",
    }
    line = lines.get(action, translate("Moderation", "{by} moderated ({action})"))
    if not line:
        return ""
    line = line.format(by=by, name=name, duration=duration(event.minutes, action), action=action)
    if event.reason:
        line = translate("Moderation", "{line}: “{reason}”").format(line=line, reason=event.reason)
    return line


def role_line(event: RoleChanged) -> str:
    if event.role == OWNER:
        text = translate("Moderation", "{by} handed the room to {name}: now its owner")
    elif event.role == MODERATOR:
        text = translate("Moderation", "{by} made {name} a moderator")
    elif event.role == OPERATOR:
        text = translate("Moderation", "{name} is a server operator")
    else:
        text = translate("Moderation", "{by} made {name} a plain member")
    return text.format(by=event.by, name=event.name)


def settings_line(event: RoomSettingsChanged) -> str:
    parts = [_setting(key, value) for key, value in event.changes.items()]
    text = translate("Moderation", "{by} changed the room: {changes}")
    return text.format(by=event.by, changes="; ".join(p for p in parts if p))


def _setting(key: str, value: Any) -> str:
    if key == "name":
        return translate("Moderation", "its name is now “{value}”").format(value=value)
    if key == "capacity":
        return translate("Moderation", "room for {value} people").format(value=value)
    if key == "slow_mode_seconds":
        if not value:
            return translate("Moderation", "slow mode off")
        return translate("Moderation", "slow mode, one message per {value} s").format(value=value)
    if key == "read_only":
        if value:
            return translate("Moderation", "read-only (only the owner and moderators speak)")
        return translate("Moderation", "everyone may speak again")
    if key == "locked_doors":
        if value:
            return translate("Moderation", "doors locked (nobody new may enter)")
        return translate("Moderation", "doors open again")
    if key == "locked":
        if value:
            return translate("Moderation", "a new password")
        return translate("Moderation", "no password any more")
    return ""


def refusal(error: ErrorReply, room: str = "") -> str:
    """A refused moderation request or message, in words."""
    known = {
        ErrorCode.NOT_ALLOWED: translate(
            "Moderation", "Your role in this room does not allow that."
        ),
        ErrorCode.NO_SUCH_USER: translate("Moderation", "Nobody of that name is here."),
        ErrorCode.MUTED: translate("Moderation", "You are muted in this room."),
        ErrorCode.READ_ONLY: translate(
            "Moderation", "Only the owner and moderators may speak in this room now."
        ),
        ErrorCode.SLOW_MODE: translate(
            "Moderation", "Slow mode: wait a moment before your next message."
        ),
        ErrorCode.INVALID_PASSWORD: translate(
            "Moderation", "A room password has 4 to 128 characters."
        ),
    }
    if error.code in known:
        return known[ErrorCode(error.code)]
    return texts.request_error(error, room)
