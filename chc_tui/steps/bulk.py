"""The records plans return (chc_tui.steps.plans), written in bulk: held in memory, then
inserted per table with executemany in the caller's transaction. Ids are allocated up
front, max(id)+1 of each table as the transaction sees it (as SQLite gives them), so
each record's children can name it before anything is written.

Stamped as `identity` stamps the ORM's records: each record with a `by_staff_id` gets
who did the step, each audit entry the staff member acting."""

from __future__ import annotations

from typing import Any, Callable

from sqlalchemy import func, select
from sqlmodel import Session, SQLModel

from chc_tui.steps.plans.state import Values

_MISSING = object()
# model -> [(column, default, factory)]: every column an insert names
_COLUMNS: dict[type, list[tuple[str, Any, Callable[[], Any] | None]]] = {}


def _columns(model: type[SQLModel]) -> list[tuple[str, Any, Callable[[], Any] | None]]:
    found = _COLUMNS.get(model)
    if found is None:
        table = model.__table__  # type: ignore[attr-defined]
        found = []
        for column in table.columns:
            field = model.model_fields[column.name]
            factory = field.default_factory
            default = None if field.is_required() else field.default
            found.append((column.name, default, factory))  # type: ignore[arg-type]
        _COLUMNS[model] = found
    return found


class BulkWriter:
    def __init__(self, session: Session, *, acting_staff_id: int | None = None) -> None:
        self.session = session
        self.acting_staff_id = acting_staff_id
        self._rows: dict[type, list[Values]] = {}
        self._next: dict[type, int] = {}
        self._again: list[tuple[type, Values]] = []  # records already written, changed since

    def add(self, model: type[SQLModel], values: Values, *, done_by: int | None = None) -> Values:
        """Hold one record (its columns by name; the rest take the model's defaults);
        returns it as held, with the id it will have (changed in place until flushed)."""
        if model not in self._next:
            table = model.__table__  # type: ignore[attr-defined]
            highest = self.session.execute(select(func.max(table.c.id))).scalar()
            self._next[model] = (highest or 0) + 1
        row_id = self._next[model]
        self._next[model] = row_id + 1
        row = {"id": row_id}
        for name, default, factory in _columns(model):
            if name in values:
                row[name] = values[name]
            elif name != "id":
                row[name] = factory() if factory is not None else default
        if "by_staff_id" in row and row["by_staff_id"] is None:
            row["by_staff_id"] = done_by
        if "actor_staff_id" in row and row["actor_staff_id"] is None:
            row["actor_staff_id"] = self.acting_staff_id
        self._rows.setdefault(model, []).append(row)
        return row

    def held(self, model: type[SQLModel]) -> list[Values]:
        """The records of `model` held, not yet written."""
        return self._rows.get(model, [])

    def written_again(self, model: type[SQLModel], row: Values) -> None:
        """A record `add` returned that a flush has written since, and that steps go on
        changing (a step in between wrote through the ORM): written again, whole, as it
        stands at the next flush."""
        self._again.append((model, row))

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
        order = {table: n for n, table in enumerate(SQLModel.metadata.sorted_tables)}
        connection = self.session.connection()
        for model in sorted(self._rows, key=lambda m: order[m.__table__]):  # type: ignore[attr-defined]
            rows = self._rows[model]
            if rows:
                sql, values = _insert(model, connection.dialect, rows)
                connection.exec_driver_sql(sql, values)
        for model, row in self._again:
            connection.exec_driver_sql(*_update(model, connection.dialect, row))
        self._rows.clear()
        self._next.clear()
        self._again.clear()


# model -> (the INSERT in the driver's own terms, each column's bind processor)
_INSERTS: dict[tuple[type, str], tuple[str, list[tuple[str, Callable[[Any], Any] | None]]]] = {}


def _insert(model: type[SQLModel], dialect, rows: list[Values]) -> tuple[str, list[tuple]]:
    """The rows as the driver takes them, each value as SQLAlchemy itself would bind it
    (its column type's bind processor: dates as SQLite stores them), for one executemany."""
    key = (model, dialect.name)
    found = _INSERTS.get(key)
    if found is None:
        table = model.__table__  # type: ignore[attr-defined]
        names = [column.name for column in table.columns]
        quote = dialect.identifier_preparer.quote
        sql = f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in names)}) VALUES ({_marks(dialect, names)})"
        found = _INSERTS[key] = (sql, _processors(table, dialect))
    sql, processors = found
    return sql, [_bound(row, processors) for row in rows]


def _update(model: type[SQLModel], dialect, row: Values) -> tuple[str, tuple]:
    """One record written again, every column but its id, by its id."""
    table = model.__table__  # type: ignore[attr-defined]
    quote = dialect.identifier_preparer.quote
    processors = [p for p in _processors(table, dialect) if p[0] != "id"]
    mark = _marks(dialect, ["id"])
    sets = ", ".join(f"{quote(name)} = {mark}" for name, _ in processors)
    return f"UPDATE {quote(table.name)} SET {sets} WHERE id = {mark}", _bound(row, processors) + (row["id"],)


def _marks(dialect, names: list[str]) -> str:
    return ", ".join("?" if dialect.paramstyle == "qmark" else "%s" for _ in names)


def _processors(table, dialect) -> list[tuple[str, Callable[[Any], Any] | None]]:
    return [(c.name, c.type._cached_bind_processor(dialect)) for c in table.columns]


def _bound(row: Values, processors: list[tuple[str, Callable[[Any], Any] | None]]) -> tuple:
    return tuple(row[name] if bind is None or row[name] is None else bind(row[name]) for name, bind in processors)
