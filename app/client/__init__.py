"""The RoomChat desktop client."""
