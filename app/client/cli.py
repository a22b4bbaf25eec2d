"""`main.py --mode client`: the desktop client (being built; see issue 3)."""

from __future__ import annotations

import argparse
import sys


def run_client(args: argparse.Namespace) -> int:
    print("the RoomChat client is not built yet", file=sys.stderr)
    return 2
