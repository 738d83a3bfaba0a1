"""FastTable (screens/fast_table.py) reaches into DataTable's private parts, and ChcApp into
one of App's. These are the
parts it was checked against, on Textual 8.2 and Rich 15.0 (pyproject pins those minors):
a Textual upgrade that renames one, changes a signature or changes the row render cache's
key fails here, loudly, so the upgrade is a decision (re-check tests/test_fast_table.py and
the bench), not a table drawn wrong on a handler's screen."""

from __future__ import annotations

import inspect
import re

import pytest
from textual.widgets import DataTable

# The methods FastTable overrides or calls, with the signatures it was written for.
CHECKED_SIGNATURES = {
    "_get_row_style": "(self, row_index: 'int', base_style: 'Style') -> 'Style'",
    "_compute_row_renderables": "(self, row_index: 'int') -> 'RowRenderables'",
    "_get_row_renderables": "(self, row_index: 'int') -> 'RowRenderables'",
    "_clear_caches": "(self) -> 'None'",
    "_update_dimensions": "(self, new_rows: 'Iterable[RowKey]') -> 'None'",  # new rows measured
    "_render_line_in_row": (
        "(self, row_key: 'RowKey', line_no: 'int', base_style: 'Style', cursor_location: 'Coordinate', "
        "hover_location: 'Coordinate') -> 'tuple[SegmentLines, SegmentLines]'"
    ),
    "_get_styles_to_render_cell": (
        "(self, is_header_cell: 'bool', is_row_label_cell: 'bool', is_fixed_style_cell: 'bool', hover: 'bool', "
        "cursor: 'bool', show_cursor: 'bool', show_hover_cursor: 'bool', has_css_foreground_priority: 'bool', "
        "has_css_background_priority: 'bool') -> 'tuple[Style, Style]'"
    ),
}

# The attributes of a DataTable FastTable reads.
CHECKED_ATTRIBUTES = [
    "_row_render_cache", "_row_locations", "_header_row_key", "_should_render_row_labels",
    "_show_hover_cursor", "_update_count", "_pseudo_class_state", "fixed_rows", "fixed_columns",
    "zebra_stripes", "cursor_foreground_priority", "cursor_background_priority", "cell_padding",
]

# DataTable's key for a rendered row line, as FastTable builds it (the same key, so that
# DataTable's invalidation applies to FastTable's rows unchanged).
CHECKED_CACHE_KEY = [
    "row_key", "line_no", "base_style", "cursor_location", "hover_location", "cursor_type",
    "show_cursor", "self._show_hover_cursor", "self._update_count", "self._pseudo_class_state",
]


def _cache_key(source: str) -> list[str]:
    match = re.search(r"cache_key = \((.*?)\)", source, re.S)
    assert match, "no cache_key tuple found"
    return [part.strip() for part in match.group(1).split(",") if part.strip()]


@pytest.mark.parametrize("name", sorted(CHECKED_SIGNATURES))
def test_the_private_methods_fast_table_uses_are_as_checked(name):
    method = getattr(DataTable, name, None)
    assert method is not None, f"DataTable.{name} is gone: FastTable must be re-checked against this Textual"
    assert str(inspect.signature(method)) == CHECKED_SIGNATURES[name], f"DataTable.{name} changed"


def test_the_private_attributes_fast_table_reads_are_there():
    table = DataTable()
    missing = [name for name in CHECKED_ATTRIBUTES if not hasattr(table, name)]
    assert not missing, f"DataTable no longer has {missing}: FastTable must be re-checked"


def test_the_row_render_cache_key_is_the_one_fast_table_builds():
    from screens import fast_table

    assert _cache_key(inspect.getsource(DataTable._render_line_in_row)) == CHECKED_CACHE_KEY
    ours = _cache_key(inspect.getsource(fast_table.FastTable._render_line_in_row))
    # FastTable reads two of them into locals first; the same values.
    assert [{"show_hover_cursor": "self._show_hover_cursor"}.get(k, k) for k in ours] == CHECKED_CACHE_KEY


def test_the_private_module_fast_table_imports_still_has_its_names():
    from textual.widgets import _data_table

    assert callable(getattr(_data_table, "default_cell_formatter", None))
    assert getattr(_data_table, "RowRenderables", None) is not None


def test_the_private_app_method_chc_overrides_is_as_checked():
    """ChcApp._check_bindings (chc_tui/app.py) lets the main screen take "/" before the keys
    typed after it: Textual's own must still be the method keys pass through."""
    from textual.app import App

    from chc_tui.app import ChcApp

    assert str(inspect.signature(App._check_bindings)) == "(self, key: 'str', priority: 'bool' = False) -> 'bool'"
    assert "_check_bindings" in vars(ChcApp)
