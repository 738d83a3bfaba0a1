"""What a transaction has already read, kept in its session's `info` under a name, so that
thousands of steps in one transaction (an import, a demo build) ask the database once.
Each user says when its note goes stale and calls `forget` then (a savepoint rolled back,
the rows it read changed); a new session starts with none."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session


def kept(session: Session, name: str) -> dict[Any, Any]:
    """The note `name` of this session's transaction, made empty when first asked for."""
    return session.info.setdefault(name, {})


def forget(session: Session, name: str) -> None:
    session.info.pop(name, None)
