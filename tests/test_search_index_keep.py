"""The search's index as the running SQLite can keep it (store.search_index.keep).

The trigram tokenizer needs SQLite 3.34: an older system library (a long-term-support
Linux's) has FTS5 without it. There a file from a newer machine would refuse every write
to a resident or a complaint (its triggers name the index), so its triggers are set aside
and the search runs the plain LIKE; back on a SQLite with the tokenizer, the index is
rebuilt from the records, so what was written in between is found. A backup made on
either kind of machine restores on the other."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import date

import pytest

from chc_tui.rules.context import StepContext
from chc_tui.steps import usecases
from store import queries, search_index
from store.engine import open_database

ALICE = StepContext(actor="alice", today=date(2026, 11, 2))


def _log(db, name: str) -> str:
    return usecases.log_complaint(db, received_on=date(2026, 10, 1), channel="phone", resident_name=name,
                                  category="Repairs", resident_words="Leak", ctx=ALICE).reference


def _found(db, needle: str) -> list[str]:
    with db.read() as session:
        return [row.reference for row in queries.complaint_rows(session, search=needle)]


def _triggers(path) -> set[str]:
    with closing(sqlite3.connect(path)) as conn:
        return {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}


@pytest.fixture
def no_trigram(monkeypatch):
    """This process's SQLite taken as one without the trigram tokenizer."""
    monkeypatch.setattr(search_index, "_TRIGRAM", [False])


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_an_index_missing_its_triggers_is_rebuilt_when_the_file_is_opened(db):
    """A name changed while the triggers were gone (the file on an older SQLite) is found
    by its new name, and no longer by its old one, once a newer SQLite opens the file."""
    reference = _log(db, "Siobhan O'Brien")
    path = db.path
    db.dispose()
    with closing(sqlite3.connect(path)) as conn:
        conn.executescript("DROP TRIGGER resident_name_search_update; DROP TRIGGER resident_name_search_delete;"
                           "UPDATE resident SET name = 'Mary Thomason';")
    db = open_database(path)
    try:
        assert _triggers(path) >= search_index.trigger_names()
        assert _found(db, "thomason") == [reference]
        assert _found(db, "brien") == []
        later = _log(db, "Tom Thomas")
        assert _found(db, "thomas") == [later, reference] or _found(db, "thomas") == [reference, later]
    finally:
        db.dispose()


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_where_sqlite_has_no_trigram_tokenizer_the_triggers_are_set_aside_and_search_is_plain(db, no_trigram,
                                                                                            monkeypatch):
    first = _log(db, "Siobhan O'Brien")
    path = db.path
    db.dispose()
    db = open_database(path)
    try:
        assert not _triggers(path) & search_index.trigger_names()
        later = _log(db, "Tom Thomas")  # a write the index's triggers would have refused there
        asked = []
        monkeypatch.setattr(search_index, "matching_rowids", lambda *args: asked.append(args))
        assert _found(db, "brien") == [first] and _found(db, "thomas") == [later]
        assert asked == []  # the plain LIKE, not the index
    finally:
        db.dispose()
    monkeypatch.undo()  # the file taken back to a machine whose SQLite has the tokenizer
    db = open_database(path)
    try:
        assert _triggers(path) >= search_index.trigger_names()
        assert _found(db, "thomas") == [later]
    finally:
        db.dispose()


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_anonymising_where_the_index_cannot_be_opened_empties_its_stored_trigrams(db, no_trigram):
    from store.personal import clear_removed_from_file

    _log(db, "Zebedee Quartermaine")
    path = db.path
    db.dispose()
    open_database(path).dispose()  # sets the triggers aside
    clear_removed_from_file(path)
    with open(path, "rb") as f:
        assert b"ebedee" not in f.read().replace(b"Zebedee", b"")  # a name in the resident row itself is erasure's
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("SELECT count(*) FROM resident_name_search_data").fetchone() == (0,)


def test_the_schema_check_allows_the_index_absent_or_set_aside_but_not_changed(tmp_path):
    from store.backup import _normalised, reference_schema, schema_problems
    from store.migrate import HEAD

    expected = reference_schema(HEAD)
    without_index = {key: value for key, value in expected.items()
                     if not (key[1] in search_index.index_tables() or key[1] in search_index.trigger_names())}
    assert schema_problems(without_index, expected, HEAD) == []  # made by an older SQLite
    assert schema_problems(expected, without_index, HEAD) == []  # restored onto one
    set_aside = {key: value for key, value in expected.items() if key[1] not in search_index.trigger_names()}
    assert schema_problems(set_aside, expected, HEAD) == []
    changed = dict(expected)
    key = ("trigger", "resident_name_search_insert")
    changed[key] = (changed[key][0], _normalised("CREATE TRIGGER resident_name_search_insert AFTER INSERT ON resident "
                                                 "BEGIN DELETE FROM complaint; END"))
    assert schema_problems(changed, expected, HEAD) != []
    assert schema_problems(changed, without_index, HEAD) != []
