"""The keys of the screen, on one line at the bottom: a light stand-in for Textual's Footer.

The Footer builds a widget per key and rebuilds them all whenever the bindings change,
which at start-up alone cost about 70 ms of the first paint (bench/RESULTS.md). This is
one widget that draws a line of text: the same keys, in the same order, hidden when a
screen's check_action hides them and dimmed when it disables them. No mouse: keys only.

Help and Quit are always on it, however narrow the terminal (issue 17): where the keys
do not all fit, the dimmed ones go first, then the last of the others, and a "…" says
that F1 lists them all.
"""

from __future__ import annotations

from typing import NamedTuple

from rich.style import Style
from rich.text import Text
from textual.screen import Screen
from textual.widget import Widget

ALWAYS_SHOWN = ("app.help", "app.quit")  # binding ids (a keymap may change their keys)
MORE = " … "  # stands for the keys left out: F1 lists every one


class KeyLabel(NamedTuple):
    key: str
    description: str
    enabled: bool
    always: bool

    @property
    def width(self) -> int:
        return len(self.key) + len(self.description) + 3  # " key " + "description "


def fit(labels: list[KeyLabel], width: int) -> list[KeyLabel | None]:
    """The labels that fit in `width`, in their order, with None (drawn "…") just before
    Help where some were left out. Help and Quit stay; the dimmed keys go first, then
    the others from the end of the line."""
    used = sum(label.width for label in labels)
    if used <= width:
        return list(labels)
    used += len(MORE)
    dropped: set[int] = set()
    others = [i for i, label in enumerate(labels) if not label.always]
    for index in sorted(others, key=lambda i: (labels[i].enabled, -i)):  # dimmed, then last first
        if used <= width:
            break
        dropped.add(index)
        used -= labels[index].width
    shown: list[KeyLabel | None] = [label for i, label in enumerate(labels) if i not in dropped]
    first_always = next((i for i, label in enumerate(shown) if label is not None and label.always), len(shown))
    shown.insert(first_always, None)
    return shown


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

    _labels: list[KeyLabel] | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        if self.is_attached and screen is self.screen:
            labels = self.labels()
            if labels != self._labels:
                self._labels = labels
                self.refresh()  # one line, always the same size: no layout pass

    def render(self) -> Text:
        """The line for the width there is (a resize renders it again)."""
        return self.line(self.size.width) if self._labels is not None else Text()

    def labels(self) -> list[KeyLabel]:
        labels: list[KeyLabel] = []
        seen: set[str] = set()
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            labels.append(KeyLabel(self.app.get_key_display(binding), binding.description, enabled,
                                   binding.id in ALWAYS_SHOWN))
        return labels

    def line(self, width: int) -> Text:
        key_style = self.get_component_rich_style("keybar--key", partial=True)
        text_style = self.get_component_rich_style("keybar--description", partial=True)
        dim = self.get_component_rich_style("keybar--disabled", partial=True)
        line = Text(no_wrap=True, overflow="ellipsis", end="")
        for label in fit(self._labels or [], width):
            if label is None:
                line.append(MORE, text_style)
                continue
            extra: Style | None = dim if not label.enabled else None
            line.append(f" {label.key} ", key_style + extra if extra else key_style)
            line.append(f"{label.description} ", text_style + extra if extra else text_style)
        return line
