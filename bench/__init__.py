"""RoomChat's benchmark: the real server as a subprocess, driven by asyncio clients.

`python -m bench [scenario ...]` runs the scenarios of issue 9 (fanout, latency, rooms, idle,
login-storm, overload), prints a table and writes `bench/results/latest.json`. See
`docs/PERFORMANCE.md` for what each number means and what limits it.
"""
