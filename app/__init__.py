"""RoomChat: a Qt-native multi-room chat server and client."""

__version__ = "0.1.0"
