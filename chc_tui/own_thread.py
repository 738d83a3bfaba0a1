"""Background work the app never waits for when it ends.

Textual's thread workers run in the event loop's default executor, which asyncio.run
joins when the app ends: quitting waited for whatever they were doing (loading the ORM
after the first paint, counting a year's report). Work started here runs in a daemon
thread of its own instead, awaited by an async worker, and is left behind at exit. Only
for work that writes nothing, or whose writes are whole or nothing.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Awaitable, Callable, TypeVar

log = logging.getLogger(__name__)
R = TypeVar("R")


def run_in_own_thread(work: Callable[[], R], name: str) -> tuple[threading.Thread, Awaitable[R]]:
    """Start `work()` in a daemon thread; await the second value for its result (or its error)."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future = loop.create_future()

    def run() -> None:
        try:
            outcome: tuple = (work(), None)
        except BaseException as exc:  # raised where it is awaited, as a thread worker's was
            outcome = (None, exc)
        try:
            loop.call_soon_threadsafe(_settle, done, outcome)
        except RuntimeError:  # the app has ended: nobody is waiting
            log.debug("the app ended before %s did", name, exc_info=outcome[1])

    thread = threading.Thread(target=run, daemon=True, name=name)
    thread.start()
    return thread, _outcome(done)


def _settle(done: asyncio.Future, outcome: tuple) -> None:
    if not done.done():
        done.set_result(outcome)


async def _outcome(done: asyncio.Future):
    result, failure = await done
    if failure is not None:
        raise failure
    return result
