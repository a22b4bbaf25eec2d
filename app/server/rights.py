"""Who may do what beyond chatting: create a persistent room, delete a room."""

from __future__ import annotations

from app.shared.protocol import ErrorCode, ProtocolError, RequestId


def check_may_create_persistent(policy: str, operator: bool, request_id: RequestId) -> None:
    """`--persistent-rooms` (operators, everyone or nobody) decides; else `not_allowed`."""
    if policy == "everyone" or (policy == "operators" and operator):
        return
    who = "nobody" if policy == "nobody" else "only operators"
    raise ProtocolError(
        ErrorCode.NOT_ALLOWED, f"on this server {who} may create persistent rooms", request_id
    )


def check_may_delete(owner: str, name: str, operator: bool, request_id: RequestId) -> None:
    """A room's owner or an operator may delete it; anyone else gets `not_allowed`."""
    if operator or name == owner:
        return
    raise ProtocolError(
        ErrorCode.NOT_ALLOWED, "only the room's owner or an operator may delete it", request_id
    )
