"""Settings as command-line flags: each dataclass field's metadata names its flag and parser."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import MISSING, dataclass, fields
from enum import Enum
from typing import TYPE_CHECKING, Any

from app.shared.validation import CAPACITY_MAX, CAPACITY_MIN

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

FLAG = "flag"  # the metadata key a field's `Flag` is stored under


class FlagGroup(Enum):
    """Where a flag appears in `--help`: beside --mode, or in a server section."""

    SHARED = "shared"  # --host, --port: the client has the same flag
    SERVER = "server"
    LIMITS = "limits"


@dataclass(frozen=True, slots=True)
class Flag:
    """How one settings field is given on the command line.

    The flag's default is the field's default; `help` may say `%(default)s`. A bool field is
    a switch: `--x` turns on a field that defaults to False, and `--no-x` (any name) turns off
    one that defaults to True; a bool field with a `parse` (such as `yes_no`) takes a value
    instead. A `shared` flag has no argparse default (None), so that the
    client can tell it was left out; the server then takes the field's default.
    """

    name: str
    help: str
    group: FlagGroup
    parse: Callable[[str], Any] | None = None
    metavar: str | None = None
    choices: tuple[str, ...] | None = None
    shared: bool = False


def flag(
    name: str,
    help: str,
    group: FlagGroup,
    *,
    parse: Callable[[str], Any] | None = None,
    metavar: str | None = None,
    choices: tuple[str, ...] | None = None,
    shared: bool = False,
) -> dict[str, Flag]:
    """The `metadata=` of a field that is a flag."""
    return {FLAG: Flag(name, help, group, parse, metavar, choices, shared)}


def add_flags(
    parser: argparse.ArgumentParser | argparse._ArgumentGroup,
    settings: type[DataclassInstance],
    group: FlagGroup,
) -> None:
    """Add a flag for each field of `settings` in `group`, in the fields' order."""
    for item in fields(settings):
        spec: Flag | None = item.metadata.get(FLAG)
        if spec is None or spec.group is not group:
            continue
        if item.default is MISSING:
            raise TypeError(f"{settings.__name__}.{item.name} is a flag without a default")
        options: dict[str, Any] = {"dest": item.name, "help": spec.help}
        if isinstance(item.default, bool) and spec.parse is None:
            options["action"] = "store_false" if item.default else "store_true"
        else:
            options.update(type=spec.parse, metavar=spec.metavar, choices=spec.choices)
        if spec.shared:  # the help still tells the server's default
            options["help"] = spec.help.replace("%(default)s", str(item.default))
        else:
            options["default"] = item.default
        parser.add_argument(spec.name, **options)


def flag_values(settings: type[DataclassInstance], args: argparse.Namespace) -> dict[str, Any]:
    """Each flag field's value in `args`, for `settings(**values)`; a shared flag that was
    left out is left out here too, so that its field's default applies."""
    values: dict[str, Any] = {}
    for item in fields(settings):
        spec: Flag | None = item.metadata.get(FLAG)
        if spec is not None and not (spec.shared and getattr(args, item.name) is None):
            values[item.name] = getattr(args, item.name)
    return values


def port_number(text: str) -> int:
    value = int(text)
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError("a port is 0 to 65535")
    return value


def port_range(text: str) -> tuple[int, int]:
    try:
        low, high = (int(part) for part in text.split("-", 1))
    except ValueError:
        raise argparse.ArgumentTypeError("expected LO-HI, for example 50000-50100") from None
    if not 1 <= low <= high <= 65535:
        raise argparse.ArgumentTypeError("need 1 <= LO <= HI <= 65535")
    return low, high


def room_capacity(text: str) -> int:
    """A room capacity the protocol can carry: every member's name fits one frame."""
    value = int(text)
    if not CAPACITY_MIN <= value <= CAPACITY_MAX:
        raise argparse.ArgumentTypeError(f"must be from {CAPACITY_MIN} to {CAPACITY_MAX}")
    return value


def int_from(low: int, high: int) -> Callable[[str], int]:
    """A parser for an integer flag from `low` to `high`."""

    def parse(text: str) -> int:
        value = int(text)
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be from {low:,} to {high:,}")
        return value

    return parse


def yes_no(text: str) -> bool:
    if text not in ("yes", "no"):
        raise argparse.ArgumentTypeError("expected yes or no")
    return text == "yes"


def non_negative_int(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must not be negative")
    return value


def non_negative_float(text: str) -> float:
    value = float(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must not be negative")
    return value


def positive_float(text: str) -> float:
    value = float(text)
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError("must be a positive number")
    return value


def server_name(text: str) -> str:
    """An announced instance name: one DNS label, so at most 63 bytes of UTF-8 (RFC 6763
    §4.1.1); "" (the default, which argparse passes through here too) means "RoomChat on
    HOST"."""
    if len(text.encode("utf-8")) > 63 or not text.isprintable():
        raise argparse.ArgumentTypeError("must be at most 63 bytes of printable text")
    return text


def node_label(text: str) -> str:
    """A `--node-name`: printable, at most 63 bytes (it goes into every NOTIFY), no space."""
    if len(text.encode("utf-8")) > 63 or not text.isprintable() or " " in text:
        raise argparse.ArgumentTypeError("must be at most 63 bytes of printable text, no space")
    return text


MAX_WORKERS = 64


def worker_count(text: str) -> int:
    """`--workers`: a number of processes, or `auto` (one per core)."""
    if text == "auto":
        from PySide6.QtCore import QThread

        return max(1, min(QThread.idealThreadCount(), MAX_WORKERS))
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("expected a number of processes or auto") from None
    if not 1 <= value <= MAX_WORKERS:
        raise argparse.ArgumentTypeError(f"from 1 to {MAX_WORKERS}")
    return value
