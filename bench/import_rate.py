"""The import rate: rows per second for a 1,000-row spreadsheet into an empty database
(issue 15), by the clock and by CPU time (steadier on a shared machine); beside it the
floor (issue 22.2): SQLite's own executemany of the very rows the import wrote, into an
empty database in one transaction. Run: .venv/bin/python bench/import_rate.py [ROWS [DB]]
(DB: import into a copy of that database instead, e.g. /tmp/bench/b10k.db; no floor then).
One row in ESCALATED_EVERY is escalated (stage 2 requested, acknowledged and answered by
another handler), about the share a landlord's year has; their own rate is measured too,
on a sheet of those rows alone (planned like the others since issue 22.2's escalation
plans; before, they were replayed through the use-cases). The last line is the floor
ratio: how many times the floor's CPU time the import takes."""

from __future__ import annotations

import csv
import shutil
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

HEADER = ["Reference", "Resident", "Received date", "Category", "Stage 1 acknowledged", "Stage 1 responded",
          "Stage 1 decision", "Stage 1 handler", "Stage 2 requested", "Stage 2 acknowledged", "Stage 2 responded",
          "Stage 2 decision", "Stage 2 handler"]
ESCALATED_EVERY = 10  # every tenth row (all of them answered at stage 1)


def _escalated(n: int) -> bool:
    return n % ESCALATED_EVERY == 0


def write_sheet(path: Path, rows: int, only_escalated: bool = False) -> int:
    """The sheet (with `only_escalated`, its escalated rows alone); returns its rows."""
    start = date(2025, 1, 6)
    written = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for n in range(rows):
            if only_escalated and not _escalated(n):
                continue
            received = start + timedelta(days=n % 300)
            answered, escalated = n % 2 == 0, _escalated(n)
            on = lambda days: f"{received + timedelta(days=days):%d/%m/%Y}"  # noqa: E731
            writer.writerow([
                f"HA-{n:05d}", f"Resident {n}", f"{received:%d/%m/%Y}", "Repairs",
                on(2) if answered else "", on(9) if answered else "", "upheld" if answered else "", "alice",
                *((on(12), on(14), on(30), "not upheld", "bob") if escalated else ("",) * 5),
            ])
            written += 1
    return written


def floor(imported: Path, empty: Path, rows: int) -> tuple[str, float]:
    """The rows `imported` holds, every table's, inserted into `empty` with executemany in
    one transaction: the least time SQLite itself needs to store what the import stored."""
    import sqlite3

    from sqlmodel import SQLModel

    import store.models  # noqa: F401  (registers the tables)

    source, target = sqlite3.connect(imported), sqlite3.connect(empty, isolation_level=None)
    target.execute("PRAGMA foreign_keys = ON")
    target.execute("PRAGMA synchronous = NORMAL")
    tables = []
    for table in SQLModel.metadata.sorted_tables:
        columns = [c.name for c in table.columns]
        names = ", ".join(f'"{c}"' for c in columns)
        found = source.execute(f'SELECT {names} FROM "{table.name}" ORDER BY rowid').fetchall()
        tables.append((f'INSERT INTO "{table.name}" ({names}) VALUES ({", ".join("?" * len(columns))})', found))
    target.execute("DELETE FROM staff_login")  # the empty database's own first admin, if any
    target.execute("DELETE FROM staff")
    began, cpu = time.perf_counter(), time.process_time()
    target.execute("BEGIN IMMEDIATE")
    for sql, found in tables:
        target.executemany(sql, found)
    target.execute("COMMIT")
    took, cpu = time.perf_counter() - began, time.process_time() - cpu
    records = sum(len(found) for _, found in tables)
    source.close()
    target.close()
    return (f"floor  : {records:,} records of {rows} rows by executemany in one transaction in {took:.2f} s "
            f"({rows / took:,.0f} rows/s); CPU {cpu:.2f} s ({rows / max(cpu, 1e-6):,.0f} rows/s)"), cpu


def main() -> None:
    from chc_tui.spreadsheets.importer import import_file
    from store.engine import open_database

    sheet_rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    import_cpu = 0.0
    with tempfile.TemporaryDirectory() as folder:
        for only_escalated, name in ((False, "bench.db"), (True, "escalated.db")):
            sheet = Path(folder) / "sheet.csv"
            rows = write_sheet(sheet, sheet_rows, only_escalated)
            if len(sys.argv) > 2:
                shutil.copyfile(sys.argv[2], Path(folder) / name)
            db = open_database(Path(folder) / name)
            for dry_run in (True, False):
                began, cpu = time.perf_counter(), time.process_time()
                report = import_file(db, sheet, dry_run=dry_run, actor="bench", today=date(2026, 11, 23))
                took, cpu = time.perf_counter() - began, time.process_time() - cpu
                if not dry_run and not only_escalated:
                    import_cpu = cpu
                assert not report.problems and len(report.imported) == rows, (report.problems[:3], len(report.imported))
                what = f"{rows} escalated rows alone" if only_escalated else f"{rows} rows, 1 in {ESCALATED_EVERY} escalated"
                print(f"{'dry run' if dry_run else 'import '}: {what} in {took:.1f} s ({rows / took:.0f} rows/s); "
                      f"CPU {cpu:.1f} s ({rows / cpu:.0f} rows/s)")
            db.dispose()
        rows = sheet_rows
        if len(sys.argv) <= 2:
            open_database(Path(folder) / "floor.db").dispose()
            line, floor_cpu = floor(Path(folder) / "bench.db", Path(folder) / "floor.db", rows)
            print(line)
            print(f"ratio  : the import takes {import_cpu / max(floor_cpu, 1e-6):.1f} times the floor's CPU time")


if __name__ == "__main__":
    main()
