"""The screens' `self.app` is chc_tui.app.ChcApp, for mypy and for an editor.

Textual types a screen's `app` as `App[object]`, so `self.app.services.run(...)` or
`self.app.start_step(...)` could not be followed from a screen. A screen subclasses
`ChcScreen` (or `ChcModalScreen`) instead of Textual's `Screen` (or `ModalScreen`)::

    class MainScreen(ChcScreen): ...
    class ConfirmScreen(ChcModalScreen[bool]): ...

and its `self.app` is typed as ChcApp. Only the type checker sees the difference: at run
time the two names are Textual's own classes, so Textual's `app` property answers
unchanged, nothing joins a screen's class hierarchy (or its CSS type names), and
chc_tui.app (which imports the screens) is not imported from here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from textual.screen import ModalScreen, Screen

ResultType = TypeVar("ResultType")

if TYPE_CHECKING:
    from textual import getters

    from chc_tui.app import ChcApp

    class ChcScreen(Screen[ResultType]):
        app = getters.app(ChcApp)

    class ChcModalScreen(ModalScreen[ResultType]):
        app = getters.app(ChcApp)

else:
    ChcScreen = Screen
    ChcModalScreen = ModalScreen
