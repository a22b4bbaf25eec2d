"""A broadcast's frames cut into pieces at line ends (`connection.write_blocks`)."""

from __future__ import annotations

from app.server.connection import write_blocks


def test_small_data_is_one_piece() -> None:
    data = b'{"a":1}\n{"b":2}\n'
    assert write_blocks(data, 64) == [data]


def test_pieces_end_at_line_ends_stay_under_the_limit_and_join_to_the_data() -> None:
    lines = [b'{"n":%d,"t":"%s"}\n' % (i, b"x" * (i * 7 % 40)) for i in range(200)]
    data = b"".join(lines)
    pieces = write_blocks(data, 100)
    assert b"".join(pieces) == data
    assert len(pieces) > 1
    assert all(len(piece) <= 100 and piece.endswith(b"\n") for piece in pieces)
    assert set(b"".join(pieces).splitlines(keepends=True)) == set(lines)


def test_a_line_longer_than_the_limit_is_a_piece_of_its_own() -> None:
    long = b'{"t":"' + b"y" * 300 + b'"}\n'
    data = b'{"a":1}\n' + long + b'{"b":2}\n'
    assert write_blocks(data, 100) == [b'{"a":1}\n', long, b'{"b":2}\n']
