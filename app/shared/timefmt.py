"""Timestamps on the wire: ISO-8601 in UTC with milliseconds and a `Z`."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now_iso() -> str:
    return to_iso(datetime.now(UTC))


def to_iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def from_iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
