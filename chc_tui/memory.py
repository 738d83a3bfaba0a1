"""Handing memory back after a big count (the annual report), so the app does not stay
at its busiest size for the rest of the day (issue 22.5: memory after five F3 visits)."""

from __future__ import annotations

import ctypes
import functools
import threading


def give_memory_back() -> None:
    """Ask the C allocator to return its free pages to the system: glibc otherwise keeps
    all but the top of its heap for reuse, and the process stays at its busiest size. In a
    thread of its own (ctypes lets go of the GIL): keys are answered meanwhile. No
    gc.collect() here: a full collection at 100k complaints stops the app for 0.2 s, and
    the figures let go are freed by their reference counts."""
    trim = _malloc_trim()
    if trim is not None:
        threading.Thread(target=trim, args=(0,), daemon=True, name="chc-malloc-trim").start()


@functools.cache
def _malloc_trim():
    try:
        return ctypes.CDLL(None).malloc_trim  # glibc's; none on macOS, Windows or musl
    except (AttributeError, OSError, TypeError):
        return None
