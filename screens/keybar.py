"""The keys of the screen, on one line at the bottom: a light stand-in for Textual's Footer.

The Footer builds a widget per key and rebuilds them all whenever the bindings change,
which at start-up alone cost about 70 ms of the first paint (bench/RESULTS.md). This is
one widget that draws a line of text: the same keys, in the same order, hidden when a
screen's check_action hides them and dimmed when it disables them. No mouse: keys only.
"""

from __future__ import annotations

from rich.text import Text
from textual.screen import Screen
from textual.widget import Widget


class KeyBar(Widget):
    COMPONENT_CLASSES = {"keybar--key", "keybar--description", "keybar--disabled"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        width: 100%;
        color: $footer-foreground;
        background: $footer-background;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        .keybar--key { color: $footer-key-foreground; background: $footer-key-background; text-style: bold; }
        .keybar--description { color: $footer-description-foreground; background: $footer-description-background; }
        .keybar--disabled { text-style: dim; }
    }
    """

    _line: Text | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        if self.is_attached and screen is self.screen:
            line = self.line()
            if self._line is None or line.spans != self._line.spans or line.plain != self._line.plain:
                self._line = line
                self.refresh()  # one line, always the same size: no layout pass

    def render(self) -> Text:
        return self._line if self._line is not None else Text()

    def line(self) -> Text:
        key_style = self.get_component_rich_style("keybar--key", partial=True)
        text_style = self.get_component_rich_style("keybar--description", partial=True)
        dim = self.get_component_rich_style("keybar--disabled", partial=True)
        line = Text(no_wrap=True, overflow="ellipsis", end="")
        seen: set[str] = set()
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            extra = dim if not enabled else None
            line.append(f" {self.app.get_key_display(binding)} ", key_style + extra if extra else key_style)
            line.append(f"{binding.description} ", text_style + extra if extra else text_style)
        return line
