"""Whether a screen can still be drawn on: built, and not yet taken off the stack.

The app's timers (the 2-second watch for other handlers' commits, the minute's recount)
and the screens' background loads call back into screens at any moment. A screen pushed
but not yet built has no widgets to query, and one popped is being taken apart: Enter
then Escape a few tenths of a second apart crashed the app with NoMatches '#detail'
(issue 15, item 4). Every such call back checks here first."""

from __future__ import annotations

from typing import Any, Callable

from textual.screen import Screen


def is_live(screen: Screen) -> bool:
    # While the app shuts down it takes each screen's widgets apart with the screen still
    # on the stack, and its timers still tick (CI: NoMatches '#report-head' at exit).
    return (screen.app.is_running and screen.is_running and screen.is_mounted and screen.is_attached
            and screen in screen.app.screen_stack)


def when_live(screen: Screen, callback: Callable[..., Any]) -> Callable[..., None]:
    """`callback`, run only while `screen` is live (for a worker's call_from_thread)."""

    def guarded(*args: Any) -> None:
        if is_live(screen):
            callback(*args)

    return guarded
