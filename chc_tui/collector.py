"""The cyclic garbage collector, paused while a batch of records is read and judged.

A busy year's report builds some 200,000 small objects (the window's stages, the figures'
items), the panel's other due dates some 60,000 at 300,000 complaints (12,451 rows, each
assessed), and neither frees any of them before it is done; none of them form cycles. The
collector runs every 700 new objects and, as they pile up, rescans every one of them: a
quarter to a third of the report's time at 100,000 complaints, and a third to a half of the
other due dates' at 300,000 (bench/RESULTS.md). Paused, they are scanned once, after.
Reference counting still frees everything as usual."""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def paused() -> Iterator[None]:
    # Only the caller that paused it restarts it: a pause inside a pause, or in another
    # thread meanwhile, never leaves the collector off.
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
