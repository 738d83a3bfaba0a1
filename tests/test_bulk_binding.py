"""BulkWriter binds each value as SQLAlchemy itself binds it (chc_tui.steps.bulk._Binder),
its quicker way to SQLite's dates and UTC times included: every table's columns, compared
with the column types' own bind processors."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy.dialects import sqlite
from sqlalchemy.types import Boolean, Date
from sqlmodel import SQLModel
from sqlmodel.sql.sqltypes import UTCDateTime

import store.models  # noqa: F401  (registers the tables)
from chc_tui.steps.bulk import _Binder

DIALECT = sqlite.dialect()
LONDON_SUMMER = timezone(timedelta(hours=1))


def sample(column_type, n: int):
    if isinstance(column_type, UTCDateTime):
        return [datetime(2026, 11, 23, 4, 5, 6, 7, tzinfo=timezone.utc), datetime(2026, 6, 1, 12, tzinfo=LONDON_SUMMER),
                datetime(2026, 1, 1, tzinfo=timezone.utc), None][n]
    if isinstance(column_type, Date):
        return [date(2026, 11, 23), date(1, 1, 1), datetime(2026, 3, 4, 5, 6, tzinfo=timezone.utc), None][n]
    if isinstance(column_type, Boolean):
        return [True, False, True, None][n]
    return None


@pytest.mark.parametrize("table", SQLModel.metadata.sorted_tables, ids=lambda t: t.name)
@pytest.mark.parametrize("n", range(4))
def test_the_bulk_binds_every_value_as_sqlalchemy_does(table, n):
    names = [c.name for c in table.columns]
    row = {c.name: sample(c.type, n) for c in table.columns}
    processors = [c.type._cached_bind_processor(DIALECT) for c in table.columns]
    expected = tuple(v if bind is None or v is None else bind(v) for v, bind in zip(row.values(), processors))
    assert _Binder(table, DIALECT, names)(row) == expected


def test_a_time_without_its_zone_is_refused_as_sqlalchemy_refuses_it():
    table = SQLModel.metadata.tables["deadline"]
    row = {c.name: None for c in table.columns} | {"created_at": datetime(2026, 11, 23, 4, 5)}
    with pytest.raises(ValueError, match="timezone"):
        _Binder(table, DIALECT, [c.name for c in table.columns])(row)
