"""Keys typed ahead of the screen: over SSH, or while the app is busy, the keys after one
that opens a form or the search can arrive in the same read and reach the widget that had
the focus before. Those that come back unused are given to where they were meant to go
(ChcApp.on_key, StepForm, MainScreen's search)."""

from __future__ import annotations

from textual import events


def retyped(event: events.Key) -> events.Key | None:
    """A copy of a printable key to give to another widget, marked so that a widget that
    refuses it does not have it given back again; None for any other key."""
    if not event.is_printable or getattr(event, "chc_retyped", False):
        return None
    key = events.Key(event.key, event.character)
    key.chc_retyped = True
    return key
