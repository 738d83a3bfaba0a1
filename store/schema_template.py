"""A new SQLite file's schema made in one step (issue 22.3): the objects the migrations leave
in sqlite_master, and the rows they write, replayed from a template, instead of running
every migration from empty through Alembic (0.2 s of CPU, most of it Alembic's import and
its batch operations: a fifth of the first demo's build).

The template (migrations/head_schema.json) is what Alembic makes from an empty file, read
back from that file: every CREATE statement in the order SQLite keeps them, and the rows of
every table that has any (alembic_version; the search index's own tables as 0023 leaves
them). tests/test_schema_template.py holds a file made from it equal to a migrated one,
object by object and row by row, so a new migration fails the tests until the template
is made again:

    python -m store.schema_template

Used only where it gives that same file: an empty SQLite file (nothing to migrate), a
template of this release's HEAD, and a SQLite with the trigram tokenizer (0023 makes no
index without it). Anything else migrates through Alembic as before; so does PostgreSQL.
Light at import (json, sqlite3): it runs before the ORM is needed."""

from __future__ import annotations

import json
import sqlite3
import tempfile
from contextlib import closing
from functools import lru_cache
from pathlib import Path
from typing import Any

TEMPLATE = Path(__file__).parent / "migrations" / "head_schema.json"
_BLOB = "blob"  # a BLOB value in the template's rows: {"blob": hex}


def _made_with_another(name: str) -> bool:
    """A table SQLite makes itself as it makes another object: its own (sqlite_sequence,
    sqlite_stat1) and FTS5's shadow tables behind the search index (made by its CREATE
    VIRTUAL TABLE, so never created twice)."""
    from store import search_index

    return name.startswith("sqlite_") or (name in search_index.index_tables() and name not in search_index.INDEXED)


def read(conn: sqlite3.Connection) -> dict[str, Any]:
    """The template of the file open on `conn`: its revision, its statements and its rows."""
    objects = conn.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid").fetchall()
    statements = [sql for name, sql in objects if not _made_with_another(name)]
    tables = [name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY rowid")
              if not name.startswith("sqlite_")]
    rows = {}
    for table in tables:
        found = conn.execute(f'SELECT * FROM "{table}"').fetchall()  # FTS5's _config has no rowid
        if found:
            rows[table] = [[_encoded(value) for value in row] for row in found]
    revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    return {"revision": revision, "statements": statements, "rows": rows}


def _encoded(value: object) -> object:
    return {_BLOB: value.hex()} if isinstance(value, bytes) else value


def _decoded(value: object) -> object:
    return bytes.fromhex(value[_BLOB]) if isinstance(value, dict) else value


@lru_cache(maxsize=1)
def template() -> dict[str, Any]:
    return json.loads(TEMPLATE.read_text(encoding="utf-8"))


def fits(conn: sqlite3.Connection, head: str) -> bool:
    """Whether the template makes exactly what migrating this file to `head` would: the file
    is empty, the template is of `head`, and this SQLite has the trigram tokenizer."""
    from store import search_index

    if conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
        return False
    try:
        if template()["revision"] != head:
            return False
    except (OSError, ValueError, KeyError):
        return False  # no template (a trimmed install): the migrations still make the file
    return search_index.trigram_available(conn)


def create(conn: sqlite3.Connection) -> None:
    """Make the template's objects and rows in the empty file on `conn`, inside the caller's
    transaction. Rows replace what making an object wrote (FTS5's first structure record)."""
    made = template()
    for sql in made["statements"]:
        conn.execute(sql)
    for table, rows in made["rows"].items():
        conn.execute(f'DELETE FROM "{table}"')
        marks = ", ".join("?" * len(rows[0]))
        conn.executemany(f'INSERT INTO "{table}" VALUES ({marks})', [[_decoded(v) for v in row] for row in rows])


def migrated_from_empty() -> dict[str, Any]:
    """The template as Alembic makes it now: a temporary file migrated from empty to HEAD."""
    from store.engine import make_engine
    from store.migrate import HEAD, upgrade

    with tempfile.TemporaryDirectory(prefix="chc-template-") as folder:
        path = Path(folder) / "head.db"
        engine = make_engine(path)
        try:
            upgrade(engine, HEAD)  # a named revision: always through the migrations
        finally:
            engine.dispose()
        with closing(sqlite3.connect(path)) as conn:
            return read(conn)


def write() -> None:
    TEMPLATE.write_text(json.dumps(migrated_from_empty(), indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    write()
    print(f"wrote {TEMPLATE}")
