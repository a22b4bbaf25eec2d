"""The `upload` scenario of issue 17: one member uploads a 25 MiB file while the room's 49
others chat at a paced 200 messages a second; upload throughput, and the chat's p99
latency while the upload is under way.

The uploader is a thread with a blocking socket (a duplicate of its room connection) that
writes chunk frames as fast as the server takes them; the chunk lines are built before
the clock starts, so the generator spends nothing on base64 while it measures.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import socket
import threading
import time
from typing import Any

from bench.clients import Mode, Wire, build_room, close_all, percentiles_ms
from bench.engine import Engine, Role
from bench.scenarios import (
    PASSWORD,
    Context,
    Result,
    Snapshot,
    lag_ms,
    lost,
    room_wires,
    run_with_server,
    target,
    window_figures,
)
from bench.server_process import ServerProcess

MIB = 1024 * 1024
CHUNK = 46_080  # the most a chunk may carry (the server's `chunk_bytes` is checked)


class Uploader:
    """Uploads `data` on a duplicate of a room connection, from a thread of its own."""

    def __init__(self, wire: Wire, data: bytes) -> None:
        assert wire.transport is not None
        wire.transport.pause_reading()
        original = wire.transport.get_extra_info("socket")
        self.sock = socket.socket(fileno=os.dup(original.fileno()))
        self.sock.setblocking(True)
        self.sock.settimeout(120)
        self.size = len(data)
        self.sha256 = hashlib.sha256(data).hexdigest()
        # Every chunk's base64, made now: in the window the thread only joins and writes
        # (the GIL it would hold for base64 would stall the engine's probe).
        self.payloads = [base64.b64encode(data[i : i + CHUNK]) for i in range(0, len(data), CHUNK)]
        self.buffer = b""
        self.began_ns = self.ended_ns = 0
        self.error: str | None = None
        self.attachment: dict[str, Any] | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _next(self, kind: str) -> dict[str, Any]:
        """The next frame of type `kind` (chat and the like in between are skipped)."""
        while True:
            while b"\n" not in self.buffer:
                data = self.sock.recv(1 << 20)
                if not data:
                    raise ConnectionError("the server closed the connection")
                self.buffer += data
            line, _, self.buffer = self.buffer.partition(b"\n")
            if kind.encode() in line or b'"error"' in line:
                frame = json.loads(line)
                if frame.get("type") == "error":
                    raise RuntimeError(f"upload: {frame}")
                if frame.get("type") == kind and (kind != "message" or "attachment" in frame):
                    return frame

    def _run(self) -> None:
        try:
            begin = {"type": "upload_begin", "name": "bench.bin", "size": self.size,
                     "mime": "application/octet-stream", "sha256": self.sha256}  # fmt: skip
            self.began_ns = time.perf_counter_ns()
            self.sock.sendall(json.dumps(begin).encode() + b"\n")
            ready = self._next("upload_ready")
            if ready["chunk_bytes"] < CHUNK:
                raise RuntimeError(f"the server takes chunks of {ready['chunk_bytes']} bytes")
            upload_id = ready["upload_id"]
            head = b'{"type":"upload_chunk","upload_id":%d,"data":"' % upload_id
            tail = b'"}\n'
            payloads = self.payloads
            for start in range(0, len(payloads), 16):  # a few chunks per write
                group = payloads[start : start + 16]
                self.sock.sendall(b"".join([head + p + tail for p in group]))
            end = {"type": "upload_end", "upload_id": upload_id, "text": None}
            self.sock.sendall(json.dumps(end).encode() + b"\n")
            self.attachment = self._next("message")["attachment"]
            self.ended_ns = time.perf_counter_ns()
        except Exception as failure:  # reported, not raised: the scenario goes on
            self.error = f"{type(failure).__name__}: {failure}"
            self.ended_ns = time.perf_counter_ns()

    def close(self) -> None:
        self.sock.close()


def upload(params: dict[str, Any], context: Context) -> Result:
    """Member 0 uploads `file_mib` MiB; the others chat at `rate` in total, member 1 (one
    of them) timing every message it receives."""
    members, rate = int(params["members"]), float(params["rate"])
    size = int(float(params["file_mib"]) * MIB)
    names = [f"up{i:05d}" for i in range(members)]
    data = hashlib.sha256(b"bench").digest() * (size // 32 + 1)
    data = data[:size]

    async def drive(server: ServerProcess) -> Result:
        modes = [Mode.COUNT] * members
        modes[1] = Mode.PROBE
        setup = await build_room(server.port, "upload", names, PASSWORD, modes, members)
        walls = room_wires(setup.members)
        uploader = Uploader(walls[0], data)
        engine = Engine()
        wires = [engine.adopt(w, Role.PROBE if i == 1 else Role.COUNT)
                 for i, w in enumerate(walls) if i > 0]  # fmt: skip
        probe = wires[0]
        now = time.perf_counter()
        warmup = float(params["warmup"])
        limit = now + warmup + float(params["limit_s"])
        engine.pace(wires, rate, now, limit)
        start = Snapshot.take(server, wires)

        def begin_upload() -> None:
            uploader.thread.start()

        def check_done() -> None:
            if uploader.ended_ns:
                engine.call_at(time.perf_counter() + 0.5, engine.stop)  # the chat in flight
            elif time.perf_counter() < limit:
                engine.call_at(time.perf_counter() + 0.05, check_done)

        engine.call_at(now + warmup, begin_upload)
        engine.call_at(now + warmup, check_done)
        engine.run(limit + 1.0)
        end = Snapshot.take(server, wires)
        uploader.thread.join(5)
        uploader.close()
        engine.close()
        close_all(setup.members)
        figures = window_figures(start, end)
        figures.pop("per_member_median_per_s")
        seconds = (uploader.ended_ns - uploader.began_ns) / 1e9 if uploader.began_ns else 0.0
        figures["upload_s"] = round(seconds, 3)
        done = uploader.attachment is not None
        throughput = round(size / MIB / seconds, 2) if done and seconds else None
        figures["upload_mib_per_s"] = throughput
        during = percentiles_ms([probe], uploader.began_ns, uploader.ended_ns or 1)
        figures.update({f"chat_{k}": v for k, v in during.items()})
        before = percentiles_ms([probe], start.wall_ns + 10**9, uploader.began_ns or 1)
        figures.update({f"chat_{k}_before": v for k, v in before.items()})
        figures["generator_lag_p99_ms"] = lag_ms(engine)
        figures["connections_lost"] = lost(wires)
        p99 = figures.get("chat_p99_ms")
        result: Result = {
            "metrics": figures,
            "targets": [
                target(
                    "upload_mib_per_s",
                    "upload throughput (MiB/s)",
                    throughput,
                    "the upload completes",
                    done,
                ),
                target(
                    "chat_p99_ms",
                    "chat p99 during the upload (ms)",
                    p99,
                    "<= 20 ms",
                    p99 is not None and p99 <= 20.0 and done,
                ),
            ],
            "notes": [f"{members - 1} members chat (one of them the probe), one uploads"],
        }
        if uploader.error:
            result["notes"].append(uploader.error)
        return result

    return run_with_server(
        "upload", params, context, drive, accounts=names, max_room_capacity=members
    )


DEFAULTS = {
    "upload": {"warmup": 3.0, "members": 50, "rate": 200.0, "file_mib": 25.0, "limit_s": 120.0}
}
SCENARIOS = {"upload": upload}
