"""The line at the top of every screen: a light stand-in for Textual's Header.

The Header is four widgets (icon, title, clock space, and itself) whose title is set by
watchers after mounting, each change a layout pass: at start-up that made one more
frame before the main screen settled. This is one widget drawing the same line: the
icon, the screen's title (or the app's) and the sub-title (who and which database),
centred between the same margins. No mouse: it does not grow when clicked.
"""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from rich.style import Style
from rich.text import Text
from textual.widget import Widget

ICON = "⭘"
LEFT = 8  # the Header's icon column
RIGHT = 10  # and its clock space
_DIM = Style(dim=True)


def title_line(title: str, sub_title: str, width: int) -> Text:
    """The title and sub-title centred between the icon and the right margin."""
    middle = max(0, width - LEFT - RIGHT)
    text = Text(title)
    if sub_title:
        text.append(" — ", _DIM)
        text.append(sub_title, _DIM)
    if cell_len(text.plain) > middle:
        text.truncate(middle, overflow="ellipsis")
    gap = middle - cell_len(text.plain)
    line = Text(set_cell_size(f" {ICON}", min(LEFT, width)), no_wrap=True, end="")
    line.append(" " * (gap // 2))
    line.append_text(text)
    line.append(" " * (gap - gap // 2 + RIGHT))
    return line


class TitleBar(Widget):
    DEFAULT_CSS = """
    TitleBar {
        dock: top;
        width: 100%;
        height: 1;
        background: $panel;
        color: $foreground;
    }
    """

    def on_mount(self) -> None:
        for owner in (self.app, self.screen):
            self.watch(owner, "title", self._retitle, init=False)
            self.watch(owner, "sub_title", self._retitle, init=False)

    def _retitle(self) -> None:
        self.refresh()  # one line, always the same size: no layout pass

    def render(self) -> Text:
        screen, app = self.screen, self.app
        title = screen.title if screen.title is not None else app.title
        sub_title = screen.sub_title if screen.sub_title is not None else app.sub_title
        return title_line(title or "", sub_title or "", self.size.width)
