"""The `placements` table does not grow for ever: what dead nodes and closed rooms left in
it goes when a node's lease runs out, and when a room closes."""

from __future__ import annotations

import pytest

from tests.db_access import query_db, run_sql
from tests.fake_clock import FakeClock

pytestmark = pytest.mark.parametrize("db_engine", ["postgresql"])
_ROW = "INSERT INTO placements (node, name, owner, capacity, room_id, error) VALUES "


def _left(db_path: str) -> list[str]:
    return [row[0] for row in query_db(db_path, "SELECT name FROM placements ORDER BY name")]


def test_a_dead_nodes_placements_and_those_of_closed_rooms_go_with_its_lease(
    node, node_client, db_path
) -> None:
    wall = FakeClock(1_000_000.0)
    a = node("a", wall_clock=wall, node_lease=6.0)
    b = node("b", wall_clock=wall, node_lease=6.0)
    on_a = node_client(a, "alice").request("create_room", "room_created", name="Here", capacity=3)
    on_b = node_client(b, "bob").request("create_room", "room_created", name="There", capacity=3)
    here, there = on_a["room"]["id"], on_b["room"]["id"]
    assert here in a.directory.rooms and there in b.directory.rooms
    run_sql(
        db_path,
        _ROW + "('b', 'to the dead node', 'x', 2, NULL, NULL)",
        _ROW + f"('a', 'its room closes with b', 'x', 2, {there}, NULL)",
        _ROW + "('a', 'a refusal nobody read', 'x', 2, NULL, 'room_name_taken')",
        _ROW + "('a', 'still asked', 'x', 2, NULL, NULL)",
        _ROW + f"('a', 'answered, room open', 'x', 2, {here}, NULL)",
    )
    a.node.renew()  # nobody is dead yet: nothing goes
    assert len(_left(db_path)) == 5
    b.node._timer.stop()  # B hangs: it renews no more
    wall.advance(7.0)
    a.node.renew()
    assert _left(db_path) == ["answered, room open", "still asked"]


def test_a_room_that_closes_takes_its_placement_answer_along(node, node_client, db_path) -> None:
    a = node("a")
    created = node_client(a, "alice").request(
        "create_room", "room_created", name="Brief", capacity=3
    )
    room_id = created["room"]["id"]
    run_sql(db_path, _ROW + f"('a', 'Brief', 'alice', 3, {room_id}, NULL)")
    a.close_room(room_id)
    assert _left(db_path) == []
