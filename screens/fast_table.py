"""A DataTable that draws its one-line rows straight to segments.

Textual's DataTable draws every cell through Rich (Styled around Padding around Text,
then split, cropped and padded line by line), each cell with its own cache key and its
own look-ups of the row's styles. At start-up that was most of the first paint's work
(bench/RESULTS.md). The rows of the panel and the lists are one line of Text cells with
a row cursor, so this draws a row at once: the row's styles looked up once, each cell
through the same steps as Rich (justify, overflow, crop, padding, style layering)
without the layers around them. Anything else (the header, row labels, fixed columns,
taller rows, a cell or column cursor, a renderable that is not Text, wrapping text)
goes to DataTable's own renderer. tests/test_fast_table.py checks that both draw the
same characters in the same styles.
"""

from __future__ import annotations

from itertools import islice, zip_longest
from typing import Callable, Iterable, Iterator, Sequence

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Size
from textual.widgets import DataTable
from textual.widgets._data_table import RowRenderables, default_cell_formatter

_NULL = Style()
# Rows added at a turn after the paint (add_rows_after_paint): a key typed meanwhile ("q"
# straight after the first paint) waits for one turn (about 2 ms of 50 rows), not for all.
ROWS_A_TURN = 50
# Seconds after the paint before they come: Textual's writer thread writes the frame meanwhile
# (it needs the GIL the rows would hold), and a "q" typed at once never waits for them.
REST_AFTER_PAINT = 0.1
_NEW_LINE = Text("\n")  # Rich joins a cell's lines with it, turning the Text's own style into a span


def _fits(cell: object) -> bool:
    """A cell this module draws exactly as Rich would."""
    return (
        isinstance(cell, Text)
        and cell.no_wrap is not False
        and cell.justify != "full"
        and cell.overflow != "ignore"
        and "\n" not in cell.plain
        and "\t" not in cell.plain
    )


def _sized(plain: str, inner: int, justify: str, overflow: str) -> str:
    """rich.containers.Lines.justify then Text.truncate, on the text alone."""

    def truncate(text: str, pad: bool = False) -> str:
        length = cell_len(text)
        if length > inner:
            text = set_cell_size(text, inner - 1) + "…" if overflow == "ellipsis" else set_cell_size(text, inner)
        if pad and length < inner:
            text += " " * (inner - length)
        return text

    if justify == "left":
        plain = truncate(plain, pad=True)
    elif justify == "center":
        plain = truncate(plain.rstrip())
        plain = " " * ((inner - cell_len(plain)) // 2) + plain
        plain += " " * (inner - cell_len(plain))
    elif justify == "right":
        plain = truncate(plain.rstrip())
        plain = " " * (inner - cell_len(plain)) + plain
    return truncate(plain)


def one_line_segments(cell: Text, width: int, padding: int, console, justify=None, overflow=None) -> list[Segment]:
    """The segments Rich draws for `Padding(cell, (0, padding))` in `width` cells on one
    line without wrapping (rich.text.Text.wrap, Lines.justify and Text.render, unlayered),
    before any outer style."""
    inner = width - 2 * padding
    justify = cell.justify or justify or "default"
    overflow = cell.overflow or overflow or "fold"
    if cell.spans:  # styled in parts: Rich's own steps, which move and cut the spans
        line = cell.copy()
        line.end = ""
        if justify == "left":
            line.truncate(inner, overflow=overflow, pad=True)
        elif justify == "center":
            line.rstrip()
            line.truncate(inner, overflow=overflow)
            line.pad_left((inner - cell_len(line.plain)) // 2)
            line.pad_right(inner - cell_len(line.plain))
        elif justify == "right":
            line.rstrip()
            line.truncate(inner, overflow=overflow)
            line.pad_left(inner - cell_len(line.plain))
        line.truncate(inner, overflow=overflow)
        segments = list(_NEW_LINE.join([line]).render(console))
    else:  # one style for the whole cell, the usual case: the same result, far fewer steps
        text = _sized(cell.plain, inner, justify, overflow)
        style = console.get_style(cell.style, default=_NULL) if cell.style else None
        segments = [Segment(text, style)] if text else []
    segments = Segment.adjust_line_length(segments, inner, style=_NULL)
    if padding:
        side = Segment(" " * padding, _NULL)
        return [side, *segments, side]
    return segments


class FastTable(DataTable):
    """DataTable with the fast path above for its one-line rows of Text cells.

    Differences on purpose: a `str` cell is shown as it is, where DataTable reads it
    as Rich markup (the cells hold references, names and notes typed by people; a
    resident's "[urgent]" must not vanish or be taken for a style). And with a row cursor,
    Home and End go to the first and last row, as a handler expects of a list; DataTable
    scrolls sideways instead, which at these widths did nothing.
    """

    BINDINGS = [
        Binding("home", "first_row", "First", show=False, id="table.first"),
        Binding("end", "last_row", "Last", show=False, id="table.last"),
    ]

    def __init__(self, *args, **kwargs) -> None:
        self._row_styles: dict[tuple, Style] = {}  # a striped row's style, looked up once per stripe
        self._rows_to_come = 0  # one-line rows add_rows_after_paint will add below the others
        self._fills = 0  # how many times the table was cleared: rows to come for an older fill are dropped
        self._coming: tuple[int, object] | None = None  # (fill, the rows to come: a callable, then its iterator)
        super().__init__(*args, **kwargs)  # (which already clears the caches)

    def add_rows_after_paint(self, count: int, rows: Callable[[], Iterable[tuple[Sequence[object], str]]]) -> None:
        """`count` one-line rows (cells, key) that follow the rows added so far, added a
        moment after the screen has been painted: the first paint builds and measures only
        what it shows, and a "q" straight after it does not wait for them. Meanwhile the
        table scrolls as if they were there (its scrollbar is the full table's), and a key
        that moves past the rows shown adds them at once; a clear() drops them, as a new
        fill replaces them."""
        self._rows_to_come = count
        self._require_update_dimensions = True  # the scrollable height, with them
        fill = self._fills
        self._coming = (fill, rows)
        self.call_after_refresh(lambda: self.set_timer(REST_AFTER_PAINT, lambda: self._add_rows_to_come(fill)))

    def _rows(self, fill: int) -> Iterator[tuple[Sequence[object], str]] | None:
        """The rows still to come for fill number `fill`, or None when they came or were dropped."""
        coming = self._coming
        if coming is None or coming[0] != fill:
            return None
        rows = coming[1]
        if not isinstance(rows, Iterator):
            rows = iter(rows())
            self._coming = (fill, rows)
        return rows

    def _add_rows_to_come(self, fill: int, turn: int | None = ROWS_A_TURN) -> None:
        """A turn's rows (`turn` None: all of them), then the next turn after whatever came in meanwhile."""
        rows = self._rows(fill)
        if rows is None:
            return
        added = 0
        for cells, key in (rows if turn is None else islice(rows, turn)):
            self._rows_to_come -= 1
            self.add_row(*cells, key=key)
            added += 1
        if turn is not None and added == turn and self._rows_to_come > 0:
            self.call_next(self._add_rows_to_come, fill)
        else:
            self._rows_to_come, self._coming = 0, None

    def _rows_now(self) -> None:
        """Before a key that moves down the table: the rows to come, at once."""
        if self._coming is not None:
            self._add_rows_to_come(self._coming[0], turn=None)

    def action_cursor_down(self) -> None:
        self._rows_now()
        super().action_cursor_down()

    def action_page_down(self) -> None:
        self._rows_now()
        super().action_page_down()

    def action_scroll_bottom(self) -> None:
        self._rows_now()
        super().action_scroll_bottom()

    def clear(self, columns: bool = False):
        self._fills += 1
        self._rows_to_come, self._coming = 0, None
        return super().clear(columns)

    def action_first_row(self) -> None:
        if self.cursor_type == "row" and self.row_count:
            self.move_cursor(row=0, animate=False)
        else:
            self.action_scroll_home()

    def action_last_row(self) -> None:
        self._rows_now()
        if self.cursor_type == "row" and self.row_count:
            self.move_cursor(row=self.row_count - 1, animate=False)
        else:
            self.action_scroll_end()

    def notify_style_update(self) -> None:
        self._row_styles.clear()  # a new theme or a restyle: look the stripes up again
        super().notify_style_update()

    def _clear_caches(self) -> None:
        self._row_styles.clear()
        super()._clear_caches()

    def _get_row_style(self, row_index, base_style):
        if row_index < self.fixed_rows or not self.zebra_stripes:
            return super()._get_row_style(row_index, base_style)
        key = (row_index % 2, base_style, self._pseudo_class_state)
        style = self._row_styles.get(key)
        if style is None:
            style = self._row_styles[key] = super()._get_row_style(row_index, base_style)
        return style

    def _update_dimensions(self, new_rows) -> None:
        """As DataTable's, with the new rows of plain Text cells measured here: Rich's
        measure builds a ConsoleOptions per cell, most of the first paint's idle work
        for the list's and the panel's 400 rows. A Text's width is its longest line's
        (Text.__rich_measure__'s maximum); other rows go to DataTable's own measure."""
        slow = []
        columns = self.ordered_columns
        for row_key in new_rows:
            row_index = self._row_locations.get(row_key)
            row = self.rows.get(row_key)
            if row_index is None or row is None or row.label is not None or row.auto_height:
                slow.append(row_key)  # (a removed row: DataTable's own skips it)
                continue
            cells = self._get_row_renderables(row_index).cells
            if not all(type(cell) is Text for cell in cells):
                slow.append(row_key)
                continue
            for column, cell in zip(columns, cells):
                width = max(map(cell_len, cell.plain.splitlines()), default=0)
                if width > column.content_width:
                    column.content_width = width
        super()._update_dimensions(slow)  # also the virtual size, with no rows left to measure
        if self._rows_to_come:
            size = self.virtual_size
            self.virtual_size = Size(size.width, size.height + self._rows_to_come)

    def _compute_row_renderables(self, row_index):
        row_key = self._row_locations.get_key(row_index) if row_index >= 0 else None
        row = self.rows.get(row_key) if row_key is not None else None
        if row is None or row.height != 1 or self._should_render_row_labels:
            return super()._compute_row_renderables(row_index)
        cells = []
        for datum, _ in zip_longest(self.get_row_at(row_index), range(len(self.columns))):
            if datum is None:
                cells.append(Text(no_wrap=True, end=""))
            elif isinstance(datum, str):  # plain text, its first line (a row is one line high)
                cells.append(Text(datum.partition("\n")[0], no_wrap=True, end=""))
            else:
                cells.append(default_cell_formatter(datum, wrap=False, height=1) or Text(no_wrap=True, end=""))
        return RowRenderables(None, cells)

    def _render_line_in_row(self, row_key, line_no, base_style, cursor_location, hover_location):
        slow = super()._render_line_in_row
        cursor_type = self.cursor_type
        if (
            row_key is self._header_row_key
            or line_no != 0
            or cursor_type != "row"
            or self.fixed_columns
            or self._should_render_row_labels
        ):
            return slow(row_key, line_no, base_style, cursor_location, hover_location)
        show_cursor = self.show_cursor
        show_hover_cursor = self._show_hover_cursor
        cache_key = (
            row_key,
            line_no,
            base_style,
            cursor_location,
            hover_location,
            cursor_type,
            show_cursor,
            show_hover_cursor,
            self._update_count,
            self._pseudo_class_state,
        )  # DataTable's own key: its invalidation (updates, restyling, the cursor) applies unchanged
        cached = self._row_render_cache.get(cache_key)
        if cached is not None:
            return cached
        row_index = self._row_locations.get(row_key)
        row = self.rows.get(row_key)
        if row_index is None or row is None or row.height != 1:
            return slow(row_key, line_no, base_style, cursor_location, hover_location)
        cells = self._get_row_renderables(row_index).cells
        if not all(_fits(cell) for cell in cells):
            return slow(row_key, line_no, base_style, cursor_location, hover_location)

        cursor = cursor_location.row == row_index
        hover = hover_location.row == row_index
        component_style, post_style = self._get_styles_to_render_cell(
            False,
            False,
            row_index < self.fixed_rows,
            hover,
            cursor,
            show_cursor,
            show_hover_cursor,
            self.cursor_foreground_priority == "css",
            self.cursor_background_priority == "css",
        )
        row_style = self._get_row_style(row_index, base_style)
        row_pre_style = row_style + component_style  # the cell's meta below adds no colours
        console = self.app.console
        options = self.app.console_options
        padding = self.cell_padding
        from_meta = Style.from_meta
        scrollable_row = []
        table_width = 0
        for column_index, (column, cell) in enumerate(zip(self.ordered_columns, cells)):
            width = column.get_render_width(self)
            table_width += width
            pre_style = row_pre_style + from_meta({"row": row_index, "column": column_index})
            add = pre_style.__add__
            segments = [
                Segment(text, add(style)) for text, style, _ in
                one_line_segments(cell, width, padding, console, options.justify, options.overflow)
            ]
            if post_style:
                segments = [Segment(text, style + post_style if style else post_style) for text, style, _ in segments]
            scrollable_row.append(segments)

        # The rest of the line, in the row's style (as DataTable does for a row cursor).
        remaining_space = max(0, self.size.width - table_width)
        extend_style, _ = self._get_styles_to_render_cell(
            False, False, False, hover, cursor, show_cursor, show_hover_cursor, False, False
        )
        extend_style = row_style + extend_style + from_meta({"row": row_index, "column": 0, "out_of_bounds": True})
        scrollable_row.append([Segment(" " * remaining_space, extend_style)])
        row_pair = ([], scrollable_row)
        self._row_render_cache[cache_key] = row_pair
        return row_pair
