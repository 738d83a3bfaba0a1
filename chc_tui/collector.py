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
def paused(kept: bool = False) -> Iterator[None]:
    """`kept`: what was built is kept (a year's report): it is frozen out of the collector's
    later scans as the pause ends, instead of scanned once more and moved up a generation
    (0.1-0.27 s for a 300k year's million objects). Freed by their reference counts still;
    only cyclic garbage alive at that moment stays, and a count leaves next to none."""
    # Only the caller that paused it restarts it: a pause inside a pause, or in another
    # thread meanwhile, never leaves the collector off.
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if kept:
            gc.freeze()
        if was_on:
            gc.enable()
