"""The RoomChat server: accounts, the room directory, a TCP port per room."""
