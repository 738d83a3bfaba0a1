"""The records behind a figure, each as (reference, what about it), their texts made only
when first read (issue 22.1).

A busy year's report lists some 1.4 million records under its figures (at 300,000
complaints), and making every one's text was over a third of counting it; yet the JSON
export and the report screen's first view read only the references (and how many). The
texts are needed when a figure's list is opened on screen or a document writes them.
So a figure's `items` may be an `Items`: the rows it was counted from, with how to name
and describe each; it reads like the tuple of pairs it stands for (iterating, indexing,
len, ==, +), and makes that tuple once, on first use. `references()` needs no texts.

Pickled, it is the tuple of pairs itself (see `__reduce__`).
"""

from __future__ import annotations

from operator import attrgetter, itemgetter
from typing import Any, Callable, Iterator, Sequence, overload

Item = tuple[str, str]  # (reference, what about it)

reference_of: Callable[[Any], str] = attrgetter("reference")  # a fact's own reference


def first_reference(row: tuple) -> str:
    """The reference of a (fact, ...) row: a judged response, an extension with its stage."""
    return row[0].reference


_first = itemgetter(0)


def _pair(item: Item) -> Item:
    return item


def _its_reference(item: Item) -> str:
    return item[0]


class Items(Sequence[Item]):
    """A figure's records as (reference, text) pairs, the texts made on first read.

    Each part is (rows, describe, refer): describe(row) is the row's pair, refer(row) its
    reference alone (the same as describe(row)[0]). The rows are never changed after."""

    __slots__ = ("_parts", "_made")

    def __init__(self, rows: Sequence[Any], describe: Callable[[Any], Item], refer: Callable[[Any], str] = reference_of):
        self._parts: tuple[tuple[Sequence[Any], Callable[[Any], Item], Callable[[Any], str]], ...] = (
            (rows, describe, refer),)
        self._made: tuple[Item, ...] | None = None

    @classmethod
    def _joined(cls, parts: tuple) -> Items:
        joined = cls.__new__(cls)
        joined._parts = parts
        joined._made = None
        return joined

    def _items(self) -> tuple[Item, ...]:
        made = self._made
        if made is None:
            made = self._made = tuple(describe(row) for rows, describe, _ in self._parts for row in rows)
        return made

    def references(self) -> list[str]:
        """Every record's reference, in order, without making a text."""
        if self._made is not None:
            return [ref for ref, _ in self._made]
        found: list[str] = []
        for rows, _, refer in self._parts:
            # C loops (the JSON's 1.4 million references at 300k): attrgetter over the facts,
            # or over the first of each row
            found += map(reference_of, map(_first, rows)) if refer is first_reference else map(refer, rows)
        return found

    def __len__(self) -> int:
        return sum(len(rows) for rows, _, _ in self._parts)

    def __bool__(self) -> bool:
        return any(rows for rows, _, _ in self._parts)

    @overload
    def __getitem__(self, index: int) -> Item: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[Item, ...]: ...
    def __getitem__(self, index: int | slice) -> Item | tuple[Item, ...]:
        return self._items()[index]

    def __iter__(self) -> Iterator[Item]:
        return iter(self._items())

    def __add__(self, other: object) -> Items:
        """Two figures' lists in one (the screen's combined rows), still lazy."""
        if isinstance(other, Items):
            return Items._joined(self._parts + other._parts)
        if isinstance(other, tuple):
            return Items._joined(self._parts + ((other, _pair, _its_reference),)) if other else self
        return NotImplemented

    def __radd__(self, other: object) -> Items:
        if isinstance(other, tuple):
            return Items._joined(((other, _pair, _its_reference),) + self._parts) if other else self
        return NotImplemented

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (Items, tuple)):
            return self._items() == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._items())

    def __repr__(self) -> str:
        return repr(self._items())

    def __reduce__(self) -> tuple:
        # Pickled as the pairs themselves, a plain tuple: a year counted by another process
        # (chc_tui.figures.count_apart) makes its texts there, and the app unpickles strings,
        # not the facts behind them (slotted dataclasses restore field by field in Python:
        # twice the unpickling, which holds the keys' interpreter lock, at 300k).
        return tuple, (self._items(),)


def references(items: Sequence[Item]) -> list[str]:
    """The references of a figure's items, lazy or a plain tuple."""
    if isinstance(items, Items):
        return items.references()
    return [ref for ref, _ in items]
