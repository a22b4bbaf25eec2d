"""A room's settings on the room port: the `room_settings` request and its event."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from app.shared.protocol.errors import ErrorCode, ProtocolError, RequestId
from app.shared.protocol.framing import WireObject, is_int
from app.shared.protocol.wire import _Wire

if TYPE_CHECKING:  # events.py imports this module; the reader is only a type here
    from app.shared.protocol.events import _Reader

SLOW_MODE_MAX = 7 * 24 * 60 * 60  # seconds between one member's messages: the wire's ceiling
MODE_KEYS = ("slow_mode_seconds", "read_only", "locked_doors")


@dataclass(frozen=True, slots=True)
class RoomModes:
    """`entered.settings`: the room's modes as they are now, by the wire names
    `room_settings_changed` uses."""

    slow_mode_seconds: int = 0  # 0: off
    read_only: bool = False
    locked_doors: bool = False

    def to_wire(self) -> WireObject:
        return {"slow_mode_seconds": self.slow_mode_seconds, "read_only": self.read_only,
                "locked_doors": self.locked_doors}  # fmt: skip

    @classmethod
    def from_wire(cls, obj: object) -> RoomModes:
        """Strict: an object with all three, of their types (other keys are ignored)."""
        text = ("entered.settings must be an object with slow_mode_seconds (an integer from 0"
                f" to {SLOW_MODE_MAX}), read_only and locked_doors (true or false)")  # fmt: skip
        if not isinstance(obj, dict):
            raise ProtocolError(ErrorCode.BAD_REQUEST, text)
        slow, read_only, locked = (obj.get(key) for key in MODE_KEYS)
        if not is_int(slow) or not isinstance(slow, int) or not 0 <= slow <= SLOW_MODE_MAX:
            raise ProtocolError(ErrorCode.BAD_REQUEST, text)
        if not isinstance(read_only, bool) or not isinstance(locked, bool):
            raise ProtocolError(ErrorCode.BAD_REQUEST, text)
        return cls(slow, read_only, locked)


@dataclass(frozen=True, slots=True)
class RoomSettings(_Wire):
    """Change any of a room's settings (None: leave it as it is)."""

    TYPE: ClassVar[str] = "room_settings"
    slow_mode_seconds: int | None = None  # 0: off
    read_only: bool | None = None
    locked_doors: bool | None = None
    capacity: int | None = None
    name: str | None = None
    id: RequestId = None
    password: str | None = None  # a new password (the server hashes it)
    clear_password: bool = False  # `"password": null` on the wire: open the room

    def to_wire(self) -> WireObject:
        obj = _Wire.to_wire(self)
        del obj["clear_password"]
        if self.clear_password:
            obj["password"] = None
        return obj

    @property
    def changes_password(self) -> bool:
        return self.password is not None or self.clear_password

    def changes(self) -> dict[str, Any]:
        """The settings asked for, by their wire names; a password change as `locked`
        (true: a password is set now, false: cleared), never the password itself."""
        wire = self.to_wire()
        changes = {k: v for k, v in wire.items() if k not in ("type", "id", "password")}
        if self.changes_password:
            changes["locked"] = self.password is not None
        return changes


def parse_room_settings(obj: WireObject, rid: RequestId) -> RoomSettings:
    password = obj.get("password")
    if password is not None and not isinstance(password, str):
        raise ProtocolError(ErrorCode.INVALID_PASSWORD, "password must be a text or null", rid)
    slow = obj.get("slow_mode_seconds")
    if slow is not None and (not is_int(slow) or not 0 <= slow <= SLOW_MODE_MAX):
        text = f"slow_mode_seconds must be an integer from 0 to {SLOW_MODE_MAX}"
        raise ProtocolError(ErrorCode.BAD_REQUEST, text, rid)
    flags = {}
    for key in ("read_only", "locked_doors"):
        value = obj.get(key)
        if value is not None and not isinstance(value, bool):
            raise ProtocolError(ErrorCode.BAD_REQUEST, f"{key} must be true or false", rid)
        flags[key] = value
    capacity = obj.get("capacity")
    if capacity is not None and not is_int(capacity):
        raise ProtocolError(ErrorCode.INVALID_CAPACITY, "capacity must be an integer", rid)
    name = obj.get("name")
    if name is not None and not isinstance(name, str):
        raise ProtocolError(ErrorCode.INVALID_ROOM_NAME, "name must be a string", rid)
    settings = RoomSettings(slow, flags["read_only"], flags["locked_doors"], capacity, name, rid,  # type: ignore[arg-type]  # checked above
                            password, "password" in obj and password is None)  # fmt: skip
    if not settings.changes():
        raise ProtocolError(ErrorCode.BAD_REQUEST, "room_settings changes nothing", rid)
    return settings


@dataclass(frozen=True, slots=True)
class RoomSettingsChanged(_Wire):
    """Told to every member: `by` changed these settings (wire names, new values)."""

    TYPE: ClassVar[str] = "room_settings_changed"
    by: str
    changes: dict[str, Any]

    @classmethod
    def from_wire(cls, read: _Reader) -> RoomSettingsChanged:
        return cls(read.text("by"), dict(read.obj("changes")))
