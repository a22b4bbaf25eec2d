"""The `nodes` event: the live nodes' main ports, parsed and encoded back, refused when
malformed, and cut to the line limit however many and however long the hosts."""

from __future__ import annotations

import json

import pytest

from app.shared.protocol import (
    MAX_FRAME_BYTES,
    NodeAddress,
    NodeList,
    ProtocolError,
    decode_frame,
    encode,
    fitted_nodes,
    parse_server_frame,
)


def test_nodes_parse_and_encode_back_a_missing_host_being_the_one_reached() -> None:
    line = b'{"type":"nodes","nodes":[{"port":4000},{"host":"10.0.0.9","port":4001}]}\n'
    event = parse_server_frame(decode_frame(line))
    assert event == NodeList((NodeAddress(4000), NodeAddress(4001, "10.0.0.9")))
    assert encode(event) == line


@pytest.mark.parametrize(
    "nodes",
    [
        [{"host": "h"}],
        [{"port": 0}],
        [{"port": 65_536}],
        [{"port": True}],
        [{"port": "4000"}],
        [{"port": 4000, "host": 7}],
        [4000],
        "4000",
    ],
)
def test_a_malformed_node_list_is_a_protocol_error(nodes: object) -> None:
    frame = json.dumps({"type": "nodes", "nodes": nodes}).encode() + b"\n"
    with pytest.raises(ProtocolError):
        parse_server_frame(decode_frame(frame))


def test_the_largest_node_list_fits_one_line_keeping_the_first_nodes() -> None:
    nodes = [NodeAddress(65_535, "n" * 253 + str(i)) for i in range(1_000)]
    event = fitted_nodes(nodes)
    assert 0 < len(event.nodes) < len(nodes)
    assert event.nodes == tuple(nodes[: len(event.nodes)])
    assert len(encode(event)) <= MAX_FRAME_BYTES
    assert fitted_nodes(nodes[:3]).nodes == tuple(nodes[:3])
