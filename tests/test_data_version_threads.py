"""The database's data_version is asked from the app's thread (the watch for commits) and
from the report's counting thread (its stamp) at once, and the app's end closes the
connection meanwhile: one caller at a time on the one connection (a test worker died in
this call under load)."""

from __future__ import annotations

import threading


def test_data_version_from_several_threads_while_the_database_is_closed(db):
    failures: list[BaseException] = []
    stop = threading.Event()

    def ask() -> None:
        while not stop.is_set():
            try:
                db.data_version()
            except BaseException as exc:  # any failure is the finding
                failures.append(exc)
                return

    askers = [threading.Thread(target=ask) for _ in range(4)]
    for asker in askers:
        asker.start()
    try:
        for _ in range(2000):
            db.dispose()  # closes the watching connection; the next ask opens it again
            if failures:
                break
    finally:
        stop.set()
        for asker in askers:
            asker.join()
    assert failures == []
