"""The server's flags are its `ServerConfig` fields: one each, same defaults, values arrive."""

from __future__ import annotations

import argparse
from dataclasses import MISSING, Field, fields
from typing import Any

import pytest

from app.server.cli import config_from_args
from app.server.config import NOT_FLAGS, ServerConfig
from app.server.flags import FLAG, Flag
from main import build_parser

# Flags of main.py that are not a ServerConfig field of their own.
NOT_FIELDS = {
    "-h", "--help", "--mode", "--log-level", "--db", "--headless", "--add-user",
    "--operator", "--grant-operator", "--revoke-operator",
    "--tls-cert", "--tls-key", "--make-cert", "--cert-host", "--tls", "--ca-file", "--lang",
}  # fmt: skip


def flag_fields() -> list[tuple[Field[Any], Flag]]:
    return [(item, item.metadata[FLAG]) for item in fields(ServerConfig) if FLAG in item.metadata]


def actions() -> dict[str, argparse.Action]:
    return {name: action for action in build_parser()._actions for name in action.option_strings}


def test_every_field_has_a_flag_or_says_why_not_and_every_flag_is_known() -> None:
    flagged = {item.name for item, _ in flag_fields()}
    assert flagged.isdisjoint(NOT_FLAGS)
    assert flagged | set(NOT_FLAGS) == {item.name for item in fields(ServerConfig)}
    field_flags = {spec.name for _, spec in flag_fields()}
    assert set(actions()) == field_flags | NOT_FIELDS
    assert field_flags.isdisjoint(NOT_FIELDS)


def test_every_flag_defaults_to_its_field_default() -> None:
    by_name = actions()
    for item, spec in flag_fields():
        action = by_name[spec.name]
        assert action.dest == item.name
        assert item.default is not MISSING
        if spec.shared:  # the client must see that it was left out; --help still says it
            assert action.default is None
            assert f"(default: {item.default})" in (action.help or "")
        else:
            assert action.default == item.default, spec.name


def other_value(item: Field[Any], spec: Flag) -> list[str]:
    """Flags that set `item` to something other than its default."""
    if isinstance(item.default, bool):
        if spec.parse is not None:  # a yes|no flag
            return [spec.name, "no" if item.default else "yes"]
        return [spec.name]
    if spec.choices:
        return [spec.name, next(c for c in spec.choices if c != item.default)]
    if item.default is None:  # the optional fields: the port range and the history's days
        return [spec.name, "2.5" if spec.metavar == "DAYS" else "50000-50100"]
    if isinstance(item.default, str):
        return [spec.name, "0.0.0.0"]
    return [spec.name, str(item.default + 1)]


def test_each_flag_reaches_its_field_and_the_rest_keep_their_defaults(tmp_path) -> None:
    db = str(tmp_path / "x.sqlite3")
    parser = build_parser()
    plain = config_from_args(parser.parse_args(["--mode", "server", "--db", db]))
    assert plain == ServerConfig(db_path=db)
    for item, spec in flag_fields():
        given = other_value(item, spec)
        config = config_from_args(parser.parse_args(["--mode", "server", "--db", db, *given]))
        changed = {
            other.name
            for other in fields(ServerConfig)
            if getattr(config, other.name) != getattr(plain, other.name)
        }
        assert changed == {item.name}, given


def test_a_client_left_without_host_or_port_can_tell() -> None:
    args = build_parser().parse_args(["--mode", "client"])
    assert args.host is None and args.port is None


@pytest.mark.parametrize(
    ("given", "value"),
    [
        (["--max-room-capacity", "1"], "from 2 to 400"),
        (["--max-room-capacity", "401"], "from 2 to 400"),
        (["--msg-rate", "-1"], "negative"),
        (["--keep-deleted-history", "maybe"], "yes or no"),
        (["--persistent-rooms", "pupils"], "invalid choice"),
        (["--server-name", "x" * 64], "at most 63 bytes"),
        (["--server-name", "a\nb"], "printable"),
    ],
)
def test_a_field_flag_checks_its_value(capsys, given: list[str], value: str) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--mode", "server", *given])
    assert value in capsys.readouterr().err
