"""The list's search on a large database: the indexed search (migration 0023's trigram
index, the page read by its ids first) against the plain query it replaced, for exactly
the same rows, and the CPU each takes.

    python bench/search.py --db PATH [--reps 15] [NEEDLE ...]

The plain query is the one before the index: LIKE over every name and reference, one
query sorted whole (store.search_index.indexed made False, no limit), its first page
taken in Python. Every needle is compared over every state and over open complaints,
page of 500 (bench/run.py's figures) and 200 (the main screen's page). Prints one line a
needle: rows, "same" or DIFFER, and the median CPU and wall of the indexed search (the
plain query's own time with its LIMIT is main's: bench/run.py there). Exits 1 if any
result differs. Work on a copy of a bench database: opening migrates it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# Surnames, partial words, an apostrophe, a hyphen, case, a reference, LIKE's wildcards, too short.
DEFAULT_NEEDLES = ["Thomas", "thom", "Green", "O'B", "-", "jones", "ADEYEMI", "C2021-0533", "C2019", "a_e", "Th", "zzz"]


def median_ms(fn, reps: int) -> tuple[float, float, object]:
    result = fn()
    cpu, wall = [], []
    for _ in range(reps):
        c0, w0 = time.process_time(), time.perf_counter()
        result = fn()
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    return statistics.median(cpu) * 1000, statistics.median(wall) * 1000, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--reps", type=int, default=15)
    parser.add_argument("needles", nargs="*", default=DEFAULT_NEEDLES)
    args = parser.parse_args(argv)

    from store import queries, search_index
    from store.engine import open_database

    db = open_database(args.db)
    real_indexed = search_index.indexed

    def rows(needle: str, status: str | None, limit: int, plain: bool):
        search_index.indexed = (lambda text: False) if plain else real_indexed
        try:
            with db.read() as session:
                if plain:
                    return queries.complaint_rows(session, search=needle, status=status)[:limit]
                return queries.complaint_rows(session, search=needle, status=status, limit=limit)
        finally:
            search_index.indexed = real_indexed

    print(f"{args.db} · load {os.getloadavg()[0]:.2f} · CPU ms and wall ms, median of {args.reps}")
    print(f"{'needle':<12} {'states':<6} {'page':>4} {'rows':>5}  {'result':<6} {'cpu ms':>7} {'wall ms':>7}")
    differ = 0
    for needle in args.needles:
        for status in (None, "open"):
            for limit in (500, 200):
                plain = rows(needle, status, limit, True)
                new_cpu, new_wall, new = median_ms(lambda: rows(needle, status, limit, False), args.reps)
                same = plain == new
                differ += not same
                print(f"{needle:<12} {status or 'all':<6} {limit:>4} {len(new):>5}  {'same' if same else 'DIFFER':<6} "
                      f"{new_cpu:>7.1f} {new_wall:>7.1f}")
    db.dispose()
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
