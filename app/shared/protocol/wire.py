"""The JSON form every request and event dataclass shares (`_Wire`)."""

from __future__ import annotations

from dataclasses import fields
from functools import cache
from typing import Any, ClassVar

from app.shared.protocol.framing import WireObject, encode_object


class _Wire:
    """Turns a request or event dataclass into its JSON object: `type` first, then the
    fields in declaration order, a field that is None left out (so a request's `id` is sent
    only when it has one, and an `id` of 0 is sent as 0)."""

    __slots__ = ()
    TYPE: ClassVar[str]
    RENAMED: ClassVar[dict[str, str]] = {}

    def to_wire(self) -> WireObject:
        obj: WireObject = {"type": self.TYPE}
        cls: Any = type(self)
        for name, key in _wire_keys(cls):
            value = getattr(self, name)
            if value is not None:
                obj[key] = _json_value(value)
        return obj

    def encode(self) -> bytes:
        return encode_object(self.to_wire())


@cache
def _wire_keys(cls: type[Any]) -> tuple[tuple[str, str], ...]:
    renamed: dict[str, str] = getattr(cls, "RENAMED", {})
    return tuple((f.name, renamed.get(f.name, f.name)) for f in fields(cls))


# What most fields hold, passed as they are before any look for `to_wire` (a `hasattr` on a
# str raises and catches an AttributeError inside).
_PLAIN = frozenset({str, int, bool, float})


def _json_value(value: Any) -> Any:
    if type(value) in _PLAIN:
        return value
    if isinstance(value, _Wire) or hasattr(value, "to_wire"):
        return value.to_wire()
    if isinstance(value, tuple | list):
        return [_json_value(item) for item in value]
    return value
