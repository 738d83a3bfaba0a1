"""A year's report counted in a process of its own (issue 22.5: F3 answers at once).

Counting the busiest year of a large file takes seconds of Python. In the app's process
that holds the interpreter lock the keys need: every key waits while F3 counts. Here the
count runs in a child Python process on the other core, reading the same database, and
hands back the finished report and figures per handler and team. The app can then count
the year ahead of the key (at start-up, and the year before while the report is open)
without slowing what the handler is doing.

The child is started with `-I` (isolated): neither the working folder (on a shared server
it may be one others can write) nor PYTHON* variables can put code in front of ours. The
database's address goes through the child's stdin, never its arguments (a server URL's
password would show in `ps` to every user). Its result comes back through a pipe only
this process holds, so it is unpickled; nothing stored on disk ever is.

Small files are counted in the app's own thread: starting a Python process costs more
than counting a few thousand complaints.
"""

from __future__ import annotations

import contextlib
import gc
import io
import json
import logging
import os
import pickle
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date
from typing import Any, Iterator, Sequence

log = logging.getLogger(__name__)

# Below this many complaints a year counts in well under a tenth of a second in the app's
# own thread; a child process's start (its imports) costs about half a second.
COUNT_APART_FROM_COMPLAINTS = 5_000
_LENGTH_BYTES = 8
_counting: set[subprocess.Popen] = set()  # the children under way: stopped when the app ends
_stopping = False  # the app is ending: a child's end is not news


class CountApartFailed(RuntimeError):
    """The child could not count (it is logged): the caller counts in its own thread."""


def worth_counting_apart(services) -> bool:
    """True when the records are large enough for a count to hold up the keys, and the
    child can count exactly what this process would (the Code's own timescales)."""
    from chc_tui.rules.policy import CODE_2024

    if services.policy is not CODE_2024:
        return False  # a test's or a future policy: only this process knows it
    if services.db.url is None and not services.db.path.is_file():
        return False
    return _complaints_on_record(services) >= COUNT_APART_FROM_COMPLAINTS


def _complaints_on_record(services) -> int:
    from store.queries import complaints_on_record

    with services.db.read() as session:
        return complaints_on_record(session)


def count_apart(services, years: Sequence[int]) -> Iterator[tuple[int, Any, Any]]:
    """(year, AnnualReport, PerformanceByPerson) for each of `years` in turn, counted by a
    child process as `ReportService.count` counts them here, as each is ready. Raises
    CountApartFailed if the child cannot (the rest of the years are not counted)."""
    request = {
        "database": services.db.url or str(services.db.path),
        "today": services.today.isoformat(),
        "years": list(years),
    }
    with tempfile.TemporaryFile() as errors:  # never the app's terminal: it would tear the screen
        try:
            child = subprocess.Popen(
                _child_command(),
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors, close_fds=True,
            )
        except OSError as exc:  # no interpreter to start (an embedded or removed Python)
            log.warning("the report's count apart could not start: %s", exc)
            raise CountApartFailed(str(exc)) from exc
        _counting.add(child)
        try:
            assert child.stdin is not None and child.stdout is not None
            child.stdin.write(json.dumps(request).encode())
            child.stdin.close()
            for _ in years:
                yield _received(child.stdout, errors, child)
        finally:
            _counting.discard(child)
            if child.poll() is None:
                child.kill()  # the caller has stopped listening
            child.wait()


def _child_command() -> list[str]:
    return [sys.executable, "-I", "-m", "chc_tui.figures.count_apart"]


def stop_every_count() -> None:
    """At the app's end: no child goes on counting for nobody."""
    global _stopping
    _stopping = True
    for child in list(_counting):
        with contextlib.suppress(OSError):
            child.kill()


def _received(pipe, errors, child) -> tuple[int, Any, Any]:
    head = pipe.read(_LENGTH_BYTES)
    size = int.from_bytes(head, "big") if len(head) == _LENGTH_BYTES else -1
    blob = pipe.read(size) if size > 0 else b""
    if size <= 0 or len(blob) != size:
        child.wait()
        errors.seek(0)
        said = errors.read().decode(errors="replace").strip().splitlines()
        log.log(logging.DEBUG if _stopping else logging.WARNING, "the report's count apart ended early (exit %s): %s",
                child.returncode, said[-1] if said else "nothing said")
        raise CountApartFailed(said[-1] if said else f"exit {child.returncode}")
    return _unpickled_in_parts(blob)


def _unpickled_in_parts(blob: bytes) -> tuple[int, Any, Any]:
    """The year back from its parts, one figure at a time with a pause between (the
    unpickler holds the interpreter lock: a 300k year in one piece froze the keys for
    half a second). One unpickler for every part keeps what the figures share shared."""
    from chc_tui import collector

    parts = pickle.Unpickler(io.BytesIO(blob))
    with collector.paused():  # a million small objects: the collector would walk them all
        year, report, people, sections = parts.load()
        report.sections = [replace(section, figures=[]) for section in sections]
        for _ in range(parts.load()):
            at, figure = parts.load()
            report.sections[at].figures.append(figure)
            time.sleep(0)  # let the app's thread answer a key
        # Kept while the data holds: out of the collector's scans from now on (a full scan
        # of a 300k year's million objects paused a key by 150 ms). Freed by their counts.
        gc.freeze()
    return year, report, people


def _pickled_in_parts(year: int, report, people) -> bytes:
    """What `_unpickled_in_parts` reads: the year without its figures, then each figure."""
    out = io.BytesIO()
    parts = pickle.Pickler(out, protocol=pickle.HIGHEST_PROTOCOL)
    figures = [(at, figure) for at, section in enumerate(report.sections) for figure in section.figures]
    shells = [replace(section, figures=[]) for section in report.sections]
    parts.dump((year, replace(report, sections=[]), people, shells))
    parts.dump(len(figures))
    for placed in figures:
        parts.dump(placed)
    return out.getvalue()


# --- the child -----------------------------------------------------------------------------------


def _count_each(request: dict[str, Any], out) -> None:
    from chc_tui.figures.report_service import ReportService
    from chc_tui.services import Services
    from store.engine import Database

    today = date.fromisoformat(request["today"])
    services = Services(Database(request["database"]), actor="", today_fn=lambda: today)
    reports = ReportService(services)  # the earlier years' stages kept from one year to the next
    for year in request["years"]:
        report, count_people = reports.count(int(year))
        blob = _pickled_in_parts(int(year), report, count_people())
        out.write(len(blob).to_bytes(_LENGTH_BYTES, "big"))
        out.write(blob)
        out.flush()


def main() -> None:
    # Not niced: a handler is usually waiting for it, and a niced count starves behind any
    # busy process on a shared server (5 s became 24 s in tmux with two others running).
    # A process that counts and ends frees nothing in cycles worth finding: the collector's
    # passes over the year's objects (and the texts made as they are pickled) were a
    # third of pickling them (issue 22.5).
    gc.disable()
    request = json.loads(sys.stdin.buffer.read())
    _count_each(request, sys.stdout.buffer)
    sys.stdout.buffer.flush()
    os._exit(0)  # freeing a year's objects one by one would only cost time


if __name__ == "__main__":
    main()
