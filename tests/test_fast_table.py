"""FastTable draws exactly what Textual's DataTable draws: every character of every line,
in the same style, for the kinds of cell the panel and list hold (plain, styled, in
styled parts, justified, cut with an ellipsis, empty, too wide, wide characters), on the
cursor row and off it, with zebra stripes, focused and not. One difference on purpose:
a str cell is shown as typed, never read as markup."""

from __future__ import annotations

import pytest
from rich.text import Text
from textual.app import App
from textual.containers import Horizontal
from textual.widgets import DataTable

from screens.fast_table import FastTable

ROWS = [
    ("AB2026-0001", Text("12", style="bold red", justify="right"), Text("overdue", style="red"), "Mrs Jane Smith-Wolstenholme"),
    ("AB2026-0002", Text("3", justify="right"), Text("due soon", style="black on yellow"), Text("A very long name indeed for this", overflow="ellipsis", no_wrap=True)),
    ("", Text(""), Text("", style="green"), ""),
    ("no markup here", Text("-140", style="reverse", justify="right"), "plain words beyond the column", Text("Zoë Ōtake 漢字名前", overflow="ellipsis", no_wrap=True)),
    ("SR2026-0001", Text("0", justify="center"), Text("on track  ", style="dim"), Text("  spaced  ", justify="left")),
    ("X", Text("trailing   ", justify="right"), Text("cut here exactly", overflow="crop"), Text("folded text", overflow="fold")),
    (Text.assemble(("SR", "bold"), "2026-", ("0001", "red")), Text.assemble(("1", "green"), "23", justify="right"),
     Text.assemble(("due ", "yellow"), ("soon", "bold yellow"), " later", justify="center"), Text.assemble(("Ms ", "dim"), "Rose Okafor-Llewellyn", overflow="ellipsis")),
    ("12345678", Text("1234", justify="right"), Text("exactly9c", style="bold"), Text("fourteen chars", overflow="ellipsis")),
    ("漢字漢字漢", Text("漢字", justify="right"), Text("漢字漢字漢字", overflow="ellipsis"), Text("centred", justify="center", style="italic")),
]
WIDTHS = (8, 4, 9, 14)


class Pair(App):
    def __init__(self, zebra: bool) -> None:
        super().__init__()
        self.zebra = zebra

    def compose(self):
        with Horizontal():
            yield DataTable(id="plain", cursor_type="row", zebra_stripes=self.zebra)
            yield FastTable(id="fast", cursor_type="row", zebra_stripes=self.zebra)

    def on_mount(self) -> None:
        for table in self.query(DataTable):
            for index, width in enumerate(WIDTHS):
                table.add_column(f"C{index}", key=f"c{index}", width=width)
            for number, row in enumerate(ROWS):
                table.add_row(*row, key=str(number))


def _cells(table: DataTable) -> list[list[tuple[str, object]]]:
    """Each line as (character, style) pairs: what the terminal shows, whatever the split
    into segments."""
    lines = []
    for y in range(table.size.height):
        line = []
        for segment in table.render_line(y):
            for character in segment.text:
                line.append((character, segment.style))
        lines.append(line)
    return lines


async def _compare(zebra: bool) -> None:
    app = Pair(zebra)
    async with app.run_test(size=(120, 12)) as pilot:
        plain, fast = app.query_one("#plain", DataTable), app.query_one("#fast", FastTable)

        async def drawn(table: DataTable, focused: bool):
            app.set_focus(table if focused else None)
            await pilot.pause()
            table._pseudo_class_state = table.get_pseudo_class_state()  # as render_lines sets it
            return _cells(table)

        for cursor_row in (0, 3, 5):
            plain.move_cursor(row=cursor_row)
            fast.move_cursor(row=cursor_row)
            for focused in (True, False):
                expected = await drawn(plain, focused)
                assert await drawn(fast, focused) == expected, (cursor_row, focused)
        shown = await drawn(fast, False)
        assert any(ch == "…" for line in shown for ch, _ in line)  # the ellipsis case was drawn
        assert len(shown) == len(ROWS) + 1


async def test_fast_table_draws_what_datatable_draws():
    await _compare(zebra=False)


async def test_fast_table_draws_what_datatable_draws_with_zebra_stripes():
    await _compare(zebra=True)


async def test_a_typed_text_is_shown_as_typed_not_read_as_markup():
    class One(App):
        def compose(self):
            yield FastTable(id="fast", cursor_type="row")

        def on_mount(self) -> None:
            table = self.query_one(FastTable)
            table.add_column("Note", key="note", width=40)
            table.add_row("Mr [urgent] Khan said [b]no[/b] [/x]", key="1")
            table.add_row("first line\nsecond line", key="2")

    app = One()
    async with app.run_test(size=(60, 6)) as pilot:
        await pilot.pause()
        table = app.query_one(FastTable)
        lines = ["".join(ch for ch, _ in line) for line in _cells(table)]
        assert "Mr [urgent] Khan said [b]no[/b] [/x]" in lines[1]
        assert "first line" in lines[2] and "second" not in lines[2]
        assert table.get_row_at(0) == ["Mr [urgent] Khan said [b]no[/b] [/x]"]  # the data stays as given


async def test_columns_sized_to_their_cells_as_datatable_sizes_them():
    """Columns without a set width take their widest cell: FastTable measures its Text
    rows itself (start-up), and must come to DataTable's widths, rows added later too."""

    class AutoPair(App):
        def compose(self):
            with Horizontal():
                yield DataTable(id="plain", cursor_type="row")
                yield FastTable(id="fast", cursor_type="row")

        def on_mount(self) -> None:
            for table in self.query(DataTable):
                for index in range(len(WIDTHS)):
                    table.add_column(f"C{index}", key=f"c{index}")
                for number, row in enumerate(ROWS[:4]):
                    table.add_row(*row, key=str(number))

    app = AutoPair()
    async with app.run_test(size=(200, 14)) as pilot:
        await pilot.pause()
        plain, fast = app.query_one("#plain", DataTable), app.query_one("#fast", FastTable)

        def widths(table: DataTable) -> list[int]:
            return [column.content_width for column in table.ordered_columns]

        assert widths(fast) == widths(plain)
        for table in (plain, fast):
            for number, row in enumerate(ROWS[4:], start=4):
                table.add_row(*row, key=str(number))
            table.add_row("labelled", Text("wide  enough  here"), "", "", key="labelled", label="L")
        await pilot.pause()
        assert widths(fast) == widths(plain)
        assert widths(fast)[3] == len("A very long name indeed for this")  # measured, not a set width
        assert fast.virtual_size == plain.virtual_size


async def test_end_and_home_go_to_the_last_and_first_row():
    class Many(App):
        def compose(self):
            yield FastTable(id="fast", cursor_type="row")

        def on_mount(self) -> None:
            table = self.query_one(FastTable)
            table.add_column("Ref", key="ref", width=12)
            for n in range(40):
                table.add_row(Text(f"C2026-{n:04d}"), key=str(n))
            table.focus()

    app = Many()
    async with app.run_test(size=(40, 10)) as pilot:
        table = app.query_one(FastTable)
        await pilot.press("end")
        assert table.cursor_row == 39
        await pilot.pause()
        assert table.scroll_offset.y > 0  # the last row is in view
        await pilot.press("home")
        assert table.cursor_row == 0
        await pilot.press("down", "down", "end", "up")
        assert table.cursor_row == 38


class Later(App):
    """A table given its first rows now and the rest with add_rows_after_paint; `refill`:
    then filled again at once, as a search typed before the rest arrives fills it."""

    def __init__(self, refill: bool = False) -> None:
        super().__init__()
        self.refill = refill

    def compose(self):
        yield FastTable(id="fast", cursor_type="row")

    def on_mount(self) -> None:
        table = self.query_one(FastTable)
        table.add_column("n", key="n", width=6)
        for i in range(3):
            table.add_row(str(i), key=f"k{i}")
        self.before_rest: tuple[int, int] | None = None  # (rows, scrollable height) once painted
        table.add_rows_after_paint(7, lambda: (((str(i),), f"k{i}") for i in range(3, 10)))
        self.call_after_refresh(lambda: setattr(self, "before_rest", (table.row_count, table.virtual_size.height)))
        if self.refill:
            table.clear()
            table.add_row("found", key="found")


@pytest.mark.parametrize("a_turn", [50, 2])  # all at one turn, or in four (a key may come between)
async def test_rows_added_after_the_paint_follow_the_first_and_scroll_as_if_there_from_the_start(monkeypatch, a_turn):
    import screens.fast_table

    monkeypatch.setattr(screens.fast_table, "ROWS_A_TURN", a_turn)
    app = Later()
    async with app.run_test(size=(20, 6)) as pilot:
        table = app.query_one(FastTable)
        await pilot.pause(0.3)  # (they come screens.fast_table.REST_AFTER_PAINT after the paint)
        assert app.before_rest == (3, 1 + 10)  # painted: 3 rows, and the header and 10 rows' height to scroll
        assert [table.coordinate_to_cell_key((i, 0))[0].value for i in range(table.row_count)] == [f"k{i}" for i in range(10)]
        assert table.virtual_size.height == 1 + 10


async def test_rows_to_come_are_dropped_when_the_table_is_filled_again_before_them():
    """A search typed before they arrive: its rows replace the table's, the old page's rest never lands."""
    app = Later(refill=True)
    async with app.run_test(size=(20, 6)) as pilot:
        table = app.query_one(FastTable)
        await pilot.pause(0.3)
        assert table.row_count == 1 and table.virtual_size.height == 1 + 1


async def test_a_key_down_the_table_before_the_rows_to_come_brings_them_at_once():
    app = Later()
    async with app.run_test(size=(20, 6)) as pilot:
        table = app.query_one(FastTable)
        table.focus()
        await pilot.press("end")  # before they were due: End still reaches the last of them
        assert table.row_count == 10 and table.cursor_row == 9
        await pilot.pause(0.3)
        assert table.row_count == 10  # and they are not added twice
