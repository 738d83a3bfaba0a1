"""The first paint's CPU time, chc against a bare Textual app, each in a real terminal (tmux).

    python bench/paint_cpu.py --db COPY.db --runs 9 [--python OTHER_VENV/bin/python ...] [--wall]

Each run starts bench/startup_child.py in a tmux pane of its own: `bare` (a Textual app that
exits after its first paint) and `chc --db COPY` (exits after the frame that shows the
deadline panel and the list's "N shown"). The child writes the process's CPU time
(time.process_time: user + sys since the interpreter started, imports included) at that
moment. CPU, not wall: the machine is shared and wall clock in tmux swings by a third under
load. Every --python given (a venv's interpreter: another tree's chc, e.g. main's) runs in
turn with the bare app in each round, so old and new meet the same moments' load.

--wall: in each round also bench/keys.py's start-up figure, wall clock from the pane's start
to the list's "N shown" on the screen (the bare app's text), `chc --db COPY` left running as
a handler would; only that, so many rounds fit in the minutes a loaded machine is steady.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = Path(__file__).resolve().parent / "startup_child.py"
TIMEOUT_S = 120.0
SCREEN_CPU: dict[str, list[float]] = {}  # by interpreter: CPU from the main screen's mount to the first frame


def one(python: str, kind: str, db: Path | None, size: str) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.json"
        args = [python, str(CHILD), str(out), kind] + ([str(db), "paint"] if db else [])
        name = f"chcpaint{os.getpid()}x{time.monotonic_ns() % 10**9}"
        cols, rows = size.split("x")
        command = " ".join(map(shlex.quote, args)) + "; sleep 600"
        subprocess.run(["tmux", "new-session", "-d", "-s", name, "-x", cols, "-y", rows, command], check=True)
        try:
            deadline = time.monotonic() + TIMEOUT_S
            while not out.exists() or not out.read_text().endswith("}"):
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{kind}: no result in {TIMEOUT_S:.0f} s")
                time.sleep(0.02)
            time.sleep(0.05)
            got = json.loads(out.read_text())
        finally:
            subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)
    if got.get("error"):
        raise RuntimeError(f"{kind}: {got['error']}")
    if "cpu_at_mount" in got:  # chc: the main screen's share, from its mount to the first frame
        SCREEN_CPU.setdefault(python, []).append(got["cpu_at_paint"] - got["cpu_at_mount"])
    return got["cpu_at_paint"]


def wall(python: str, db: Path | None, size: str) -> float:
    """keys.py's "fully usable (N shown)" for chc, its bare first paint for the bare app."""
    import keys

    if db is None:
        with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as script:
            script.write(keys.BARE_APP)
        command, seen = f"{shlex.quote(python)} {shlex.quote(script.name)}", (lambda t: "bare app ready" in t)
    else:
        command, seen = f"{shlex.quote(python)} -m chc_tui --db {shlex.quote(str(db))}", keys._usable
    pane = keys.Pane(command, size)
    try:
        return pane.wait(seen, "painted") - pane.started
    finally:
        pane.close()
        if db is None:
            os.unlink(script.name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--size", default="100x30")
    parser.add_argument("--python", action="append", help="an interpreter whose chc to run (default: this one)")
    parser.add_argument("--wall", action="store_true", help="also the wall clock to \"N shown\" (keys.py's), each round")
    args = parser.parse_args(argv)
    pythons = args.python or [sys.executable]
    # One idle session keeps the tmux server up between the runs: a server still shutting
    # down refuses the next session ("server exited unexpectedly"); CPU is the child's own.
    holder = f"chcpaintholder{os.getpid()}"
    subprocess.run(["tmux", "new-session", "-d", "-s", holder, "sleep 3600"], check=True)
    try:
        return _measure(args, pythons)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", holder], capture_output=True)


def _measure(args, pythons: list[str]) -> int:
    bare: list[float] = []
    chc: dict[str, list[float]] = {p: [] for p in pythons}
    bare_wall: list[float] = []
    chc_wall: dict[str, list[float]] = {p: [] for p in pythons}
    loads = [os.getloadavg()[0]]
    for round_ in range(args.runs):
        order = pythons if round_ % 2 == 0 else pythons[::-1]  # neither always first, nor last
        bare.append(one(pythons[0], "bare", None, args.size))
        for python in order:
            chc[python].append(one(python, "chc", args.db, args.size))
        if args.wall:
            bare_wall.append(wall(pythons[0], None, args.size))
            for python in order:
                chc_wall[python].append(wall(python, args.db, args.size))
        loads.append(os.getloadavg()[0])
    print(f"CPU at first paint (process_time, s), {args.db.name}, {args.size}, median of {args.runs}; "
          f"load {min(loads):.2f}-{max(loads):.2f}")
    b = statistics.median(bare)
    print(f"{'bare Textual app':40} {b * 1000:7.0f} ms  ({min(bare) * 1000:.0f}-{max(bare) * 1000:.0f})")
    for python, times in chc.items():
        m = statistics.median(times)
        print(f"{python:40} {m * 1000:7.0f} ms  ({min(times) * 1000:.0f}-{max(times) * 1000:.0f})  {m / b:.2f}x bare")
    print("CPU from the main screen's on_mount to that first frame (the filling, measuring and first render)")
    for python, times in SCREEN_CPU.items():
        print(f"{python:40} {statistics.median(times) * 1000:7.1f} ms  ({min(times) * 1000:.1f}-{max(times) * 1000:.1f})")
    if args.wall:
        print("wall clock to \"N shown\" in tmux (keys.py's); ratio: the median of each round's chc / bare")
        b = statistics.median(bare_wall)
        print(f"{'bare Textual app (its text)':40} {b * 1000:7.0f} ms  ({min(bare_wall) * 1000:.0f}-{max(bare_wall) * 1000:.0f})")
        for python, times in chc_wall.items():
            m = statistics.median(times)
            ratio = statistics.median(t / w for t, w in zip(times, bare_wall))
            print(f"{python:40} {m * 1000:7.0f} ms  ({min(times) * 1000:.0f}-{max(times) * 1000:.0f})  {ratio:.2f}x bare")
    return 0


if __name__ == "__main__":
    sys.exit(main())
