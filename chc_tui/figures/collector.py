"""The cyclic garbage collector, paused while a year's figures are built.

A busy year's report builds some 200,000 small objects (the window's stages, the figures'
items) and frees none of them before it is done; none of them form cycles. The collector
runs every 700 new objects and, as they pile up, rescans every one of them: a quarter to a
third of the report's time at 100,000 complaints (bench/RESULTS.md). Paused, they are
scanned once, after. Reference counting still frees everything as usual."""

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
