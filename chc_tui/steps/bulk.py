"""The records plans return (chc_tui.steps.plans), written in bulk: held in memory, then
inserted per table with executemany in the caller's transaction. Ids are allocated up
front, max(id)+1 of each table as the transaction sees it (as SQLite gives them), so
each record's children can name it before anything is written.

Stamped as `identity` stamps the ORM's records: each record with a `by_staff_id` gets
who did the step, each audit entry the staff member acting."""

from __future__ import annotations

import operator
from datetime import date, datetime, timezone
from typing import Any, Callable

from sqlalchemy import func, select
from sqlalchemy.types import Date
from sqlmodel import Session, SQLModel
from sqlmodel.sql.sqltypes import UTCDateTime

from chc_tui.steps.plans.state import Values

# model -> its columns' names, the defaults of those without a factory (id aside), and the
# factories: a record is its defaults, then the values given, then what the factories make
_Shape = tuple[frozenset[str], dict[str, Any], list[tuple[str, Callable[[], Any]]]]
_SHAPES: dict[type, _Shape] = {}


def _shape(model: type[SQLModel]) -> _Shape:
    found = _SHAPES.get(model)
    if found is None:
        table = model.__table__  # type: ignore[attr-defined]
        defaults: dict[str, Any] = {}
        factories: list[tuple[str, Callable[[], Any]]] = []
        for column in table.columns:
            field = model.model_fields[column.name]
            if column.name == "id":
                continue
            if field.default_factory is not None:
                factories.append((column.name, field.default_factory))  # type: ignore[arg-type]
            else:
                defaults[column.name] = None if field.is_required() else field.default
        found = _SHAPES[model] = (frozenset(c.name for c in table.columns), defaults, factories)
    return found


_ORDER: dict[Any, int] = {}  # table -> its place, parents first (worked out once: a sort of every table)


def _parents_first(model: type[SQLModel]) -> int:
    if not _ORDER:
        _ORDER.update((table, n) for n, table in enumerate(SQLModel.metadata.sorted_tables))
    return _ORDER[model.__table__]  # type: ignore[attr-defined]


class BulkWriter:
    def __init__(self, session: Session, *, acting_staff_id: int | None = None) -> None:
        self.session = session
        self.acting_staff_id = acting_staff_id
        self._rows: dict[type, list[Values]] = {}
        self._next: dict[type, int] = {}
        self._again: list[tuple[type, Values, tuple[str, ...] | None]] = []  # records already written, changed since

    def add(self, model: type[SQLModel], values: Values, *, done_by: int | None = None) -> Values:
        """Hold one record (its columns by name; the rest take the model's defaults);
        returns it as held, with the id it will have (changed in place until flushed)."""
        if model not in self._next:
            table = model.__table__  # type: ignore[attr-defined]
            highest = self.session.execute(select(func.max(table.c.id))).scalar()
            self._next[model] = (highest or 0) + 1
        row_id = self._next[model]
        self._next[model] = row_id + 1
        names, defaults, factories = _shape(model)
        row = {**defaults, "id": row_id}
        if values.keys() <= names:  # nearly always: a plan's values are its record's columns
            row.update(values)
        else:
            row.update((name, value) for name, value in values.items() if name in names)
        for name, factory in factories:
            if name not in values:
                row[name] = factory()
        if "by_staff_id" in row and row["by_staff_id"] is None:
            row["by_staff_id"] = done_by
        if "actor_staff_id" in row and row["actor_staff_id"] is None:
            row["actor_staff_id"] = self.acting_staff_id
        self._rows.setdefault(model, []).append(row)
        return row

    def held(self, model: type[SQLModel]) -> list[Values]:
        """The records of `model` held, not yet written."""
        return self._rows.get(model, [])

    def written_again(self, model: type[SQLModel], row: Values, columns: tuple[str, ...] | None = None) -> None:
        """A record `add` returned that a flush has written since, and that steps go on
        changing (a step in between wrote through the ORM): written again, whole, as it
        stands at the next flush. With `columns`, only those, as the ORM writes only what
        changed: an UPDATE naming a column fires its triggers even when the value is the
        same (a complaint's reference: the search index's)."""
        self._again.append((model, row, columns))

    def mark(self) -> tuple[dict[type, int], dict[type, int], int]:
        """Where the held records stand now, to go back to (`undo`) if a row is refused."""
        return {m: len(rows) for m, rows in self._rows.items()}, dict(self._next), len(self._again)

    def undo(self, mark: tuple[dict[type, int], dict[type, int], int]) -> None:
        lengths, nexts, again = mark
        for model, rows in self._rows.items():
            del rows[lengths.get(model, 0):]
        self._next = nexts
        del self._again[again:]

    def flush(self) -> None:
        """Insert what is held, parents first; the next ids are read again afterwards
        (the ORM may write in between)."""
        connection = self.session.connection()
        for model in sorted(self._rows, key=_parents_first):
            rows = self._rows[model]
            if rows:
                sql, values = _insert(model, connection.dialect, rows)
                connection.exec_driver_sql(sql, values)
        for model, row, columns in self._again:
            connection.exec_driver_sql(*_update(model, connection.dialect, row, columns))
        self._rows.clear()
        self._next.clear()
        self._again.clear()


class _Binder:
    """A record's values as the driver takes them, in its table's column order, each as
    SQLAlchemy itself would bind it (its column type's bind processor: dates as SQLite
    stores them)."""

    def __init__(self, table, dialect, names: list[str]) -> None:
        columns = {c.name: c for c in table.columns}
        self.names = names
        self._values = operator.itemgetter(*names)
        types = [columns[name].type for name in names]
        self._processed = [(n, _quicker(type_, dialect, bind)) for n, (type_, bind) in enumerate(
            (type_, type_._cached_bind_processor(dialect)) for type_ in types) if bind is not None]

    def __call__(self, row: Values) -> tuple:
        values = list(self._values(row))
        for n, bind in self._processed:
            if values[n] is not None:
                values[n] = bind(values[n])
        return tuple(values)


_SAMPLE_DATES = (date(2026, 11, 23), date(999, 1, 2), date(1, 1, 1))
_SAMPLE_TIMES = (datetime(2026, 11, 23, 4, 5, 6, 7, tzinfo=timezone.utc), datetime(2026, 1, 1, tzinfo=timezone.utc),
                 datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=timezone.utc))


def _quicker(column_type, dialect, slow: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """`slow` (the bind processor) or a quicker way to the very text it gives SQLite for a
    date and a UTC time (SQLAlchemy's formats them field by field; every record has a time,
    created_at). The quicker one is used only if it gives what `slow` gives for the
    samples; any other value goes to `slow`."""
    if dialect.name != "sqlite":
        return slow
    fast: Callable[[Any], Any]
    if isinstance(column_type, UTCDateTime):
        def fast(value: Any) -> Any:
            if type(value) is datetime and value.tzinfo is timezone.utc:
                return value.replace(tzinfo=None).isoformat(" ", "microseconds")
            return slow(value)
        samples: tuple[Any, ...] = _SAMPLE_TIMES
    elif type(column_type) is Date:
        def fast(value: Any) -> Any:
            return value.isoformat() if type(value) is date else slow(value)
        samples = _SAMPLE_DATES
    else:
        return slow
    return fast if all(fast(sample) == slow(sample) for sample in samples) else slow


# (model, dialect) -> the INSERT in the driver's own terms and its binder; the UPDATE and its
_INSERTS: dict[tuple[type, str], tuple[str, _Binder]] = {}
_UPDATES: dict[tuple[type, str, tuple[str, ...] | None], tuple[str, _Binder]] = {}


def _quoted(dialect, names: list[str]) -> list[str]:
    return [dialect.identifier_preparer.quote(name) for name in names]


def _insert(model: type[SQLModel], dialect, rows: list[Values]) -> tuple[str, list[tuple]]:
    """The rows as the driver takes them, for one executemany."""
    key = (model, dialect.name)
    found = _INSERTS.get(key)
    if found is None:
        table = model.__table__  # type: ignore[attr-defined]
        names = [column.name for column in table.columns]
        sql = (f"INSERT INTO {dialect.identifier_preparer.quote(table.name)} ({', '.join(_quoted(dialect, names))}) "
               f"VALUES ({', '.join(_mark(dialect) for _ in names)})")
        found = _INSERTS[key] = (sql, _Binder(table, dialect, names))
    sql, bind = found
    return sql, [bind(row) for row in rows]


def _update(model: type[SQLModel], dialect, row: Values, columns: tuple[str, ...] | None = None) -> tuple[str, tuple]:
    """One record written again, every column but its id (or only `columns`), by its id."""
    key = (model, dialect.name, columns)
    found = _UPDATES.get(key)
    if found is None:
        table = model.__table__  # type: ignore[attr-defined]
        names = [column.name for column in table.columns
                 if column.name != "id" and (columns is None or column.name in columns)] + ["id"]
        sets = ", ".join(f"{name} = {_mark(dialect)}" for name in _quoted(dialect, names[:-1]))
        sql = f"UPDATE {dialect.identifier_preparer.quote(table.name)} SET {sets} WHERE id = {_mark(dialect)}"
        found = _UPDATES[key] = (sql, _Binder(table, dialect, names))
    sql, bind = found
    return sql, bind(row)


def _mark(dialect) -> str:
    return "?" if dialect.paramstyle == "qmark" else "%s"
