"""A figure's records behind it, their texts made only when read (issue 22.1): the JSON
export reads references alone, the list reads like the tuple of pairs it stands for, and
a report with lazy lists pickles."""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from datetime import date

from chc_tui.figures import figure_items
from chc_tui.figures.figure_items import Items, first_reference
from chc_tui.figures.report import Figure, to_json
from report_helpers import Book, report_for

D = date


@dataclass(frozen=True)
class Fact:
    reference: str
    day: int


made: list[str] = []


def describe(fact: Fact) -> tuple[str, str]:
    made.append(fact.reference)
    return fact.reference, f"day {fact.day}"


def test_references_make_no_text():
    made.clear()
    items = Items([Fact("A", 1), Fact("B", 2)], describe)
    assert items.references() == ["A", "B"] and len(items) == 2 and items
    assert made == []
    assert items == (("A", "day 1"), ("B", "day 2"))
    assert items[1] == ("B", "day 2") and items[:1] == (("A", "day 1"),)
    assert list(items) == [("A", "day 1"), ("B", "day 2")]
    assert made == ["A", "B"]  # made once, on first read
    assert items.references() == ["A", "B"] and made == ["A", "B"]


def test_joined_lists_stay_lazy_and_keep_their_order():
    made.clear()
    joined = (("Z", "first"),) + Items([Fact("A", 1)], describe) + Items([], describe) + (("Y", ""),)
    assert isinstance(joined, Items) and made == []
    assert joined.references() == ["Z", "A", "Y"] and len(joined) == 3
    assert joined == (("Z", "first"), ("A", "day 1"), ("Y", ""))
    assert not Items([], describe) and Items([], describe) == ()


def test_rows_of_several_facts_are_named_by_the_first():
    items = Items([(Fact("A", 1), "why")], lambda row: (row[0].reference, row[1]), first_reference)
    assert items.references() == ["A"] and items == (("A", "why"),)


def test_a_figure_compares_with_its_tuple_form():
    lazy = Figure(("x",), "X", 1, items=Items([Fact("A", 1)], describe))
    plain = Figure(("x",), "X", 1, items=(("A", "day 1"),))
    assert lazy == plain and lazy.references() == plain.references() == ["A"]


def test_a_report_pickles_with_its_lists_as_the_pairs(db):
    """A year counted by another process comes back with plain tuples of texts, as before."""
    book = Book(db, D(2025, 7, 1))
    book.complaint(D(2025, 4, 2), timing="target")
    book.complaint(D(2025, 5, 6), timing=None)
    report = report_for(db, 2025, book.today)
    again = pickle.loads(pickle.dumps(report))
    for before, after in zip(report.figures(), again.figures()):
        assert type(after.items) is tuple and after.items == tuple(before.items), before.key
    assert to_json(again) == to_json(report)


def test_the_json_makes_no_item_text(db, monkeypatch):
    book = Book(db, D(2025, 7, 1))
    ref = book.complaint(D(2025, 4, 2), timing="target")
    report = report_for(db, 2025, book.today)

    def refuse(self):
        raise AssertionError("a text was made for the JSON")

    monkeypatch.setattr(figure_items.Items, "_items", refuse)
    assert ref in to_json(report)["trace"]["received.stage1.total"]
