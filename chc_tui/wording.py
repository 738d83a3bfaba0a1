"""Words shared by screens, the CLI and documents (no Textual, no SQL)."""

from __future__ import annotations


def counted(n: int, one: str, many: str | None = None) -> str:
    """"1 letter", "3 letters", "2 stage 2 escalation requests": a count with its noun agreeing."""
    return f"{n} {one if n == 1 else (many or one + 's')}"
