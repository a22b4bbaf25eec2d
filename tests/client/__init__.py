"""Tests of the desktop client: real windows against a real in-process server."""
