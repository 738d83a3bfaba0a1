"""The very first demo build (issue 22.3): its CPU time, and what it wrote, table by table.

    bench/demo_build.py --out /tmp/x.db [--dump rows.json] [--compare old.json] [--profile]

Builds the 200-complaint demo for a fixed day (2026-12-03, seed 2024) and prints the CPU
and wall time of `build_demo_database` and the load average. `--dump` writes every table's
rows (the wall-clock columns, which differ between any two builds, left out) so that
builds by two versions of the code can be compared with `--compare`: it names each table
whose rows differ and how. A change meant to alter some rows says which in REMEDY_DONE
below; everything else must be equal.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DAY = date(2026, 12, 3)
WALL_CLOCK = {"created_at", "at", "changed_at", "recorded_at", "updated_at"}


def dump(path: Path) -> dict[str, list[list]]:
    """Every table's rows in id order, without the columns stamped from the wall clock."""
    with sqlite3.connect(path) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        out: dict[str, list[list]] = {}
        for table in tables:
            columns = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]
            kept = [c for c in columns if c not in WALL_CLOCK]
            order = "id" if "id" in columns else ", ".join(f'"{c}"' for c in kept)
            rows = conn.execute(f'SELECT {", ".join(chr(34) + c + chr(34) for c in kept)} FROM "{table}" ORDER BY {order}')
            out[table] = [kept] + [list(r) for r in rows]
    return out


def compare(old: dict[str, list[list]], new: dict[str, list[list]]) -> list[str]:
    found = []
    for table in sorted(set(old) | set(new)):
        a, b = old.get(table), new.get(table)
        if a == b:
            continue
        if a is None or b is None:
            found.append(f"{table}: only in {'new' if a is None else 'old'}")
            continue
        if a[0] != b[0]:
            found.append(f"{table}: columns differ")
            continue
        rows_a, rows_b = a[1:], b[1:]
        changed = sum(1 for x, y in zip(rows_a, rows_b) if x != y)
        found.append(f"{table}: {len(rows_a)} -> {len(rows_b)} rows, {changed} of the first "
                     f"{min(len(rows_a), len(rows_b))} changed")
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--dump", type=Path)
    parser.add_argument("--compare", type=Path)
    parser.add_argument("--profile", type=Path, help="write a cProfile here instead of timing")
    args = parser.parse_args()
    from chc_tui.demo.build import build_demo_database

    if args.out.exists():
        args.out.unlink()
    cpu, wall = time.process_time(), time.perf_counter()
    if args.profile:
        import cProfile

        cProfile.runctx("build_demo_database(args.out, today=DAY)", globals(), locals(), str(args.profile))
    else:
        build_demo_database(args.out, today=DAY)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(f"build: CPU {cpu:.2f} s, wall {wall:.2f} s, load {os.getloadavg()[0]:.1f}")
    rows = dump(args.out)
    if args.dump:
        args.dump.write_text(json.dumps(rows, default=str))
    if args.compare:
        old = json.loads(args.compare.read_text())
        new = json.loads(json.dumps(rows, default=str))
        differences = compare(old, new)
        print("\n".join(differences) if differences else "every table's rows equal")


if __name__ == "__main__":
    main()
