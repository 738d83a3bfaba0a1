"""The search over every state on SQLite answers from the trigram index (migration 0023,
store/search_index.py) and matches exactly what the plain LIKE matched: names with
apostrophes, hyphens, accents and odd case, partial words, LIKE's own wildcards. The
index follows every change of a name or a reference through its triggers."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from chc_tui.rules.context import StepContext
from conftest import POSTGRES_URL
from chc_tui.steps import usecases
from store import queries, search_index
from store.models import Complaint, Resident

ALICE = StepContext(actor="alice", today=date(2026, 11, 2))

NAMES = [
    "Siobhán O'Brien", "Mary-Jane Smith-Jones", "ÉMILE Dupont", "émile dupont", "Zoë Brontë",
    "THOMAS Thomason", "Tom Thomas", "Anna  Two Spaces", "Jürgen Müller", "Hans Straße",
    "\u212aate Kelvin",  # KELVIN SIGN: the index folds it to k, LIKE does not
    "İlkay İstanbul",  # dotted capital I: folded to i by the index, not by LIKE
    "100% Sure", "under_score", "O'BRIEN-OBRIEN", "obrien", "Ann Lee",
]

NEEDLES = [
    "o'brien", "O'BRIEN", "Brien", "'Bri", "obrien", "mary-jane", "-jane", "smith-j", "Smith-Jones",
    "Émile", "émile", "ÉMILE", "mile", "EMILE", "zoë", "ZOË", "brontë", "Bronte", "thom", "THOMAS",
    "homason", "tom t", "müll", "MÜLL", "Muller", "stra", "straße", "STRASSE", "kat", "KAT", "ate K",
    "ista", "İst", "ist", "ilkay", "100%", "0% S", "%", "_", "o_b", "o%b", "%brien", "under_sc",
    "under%", "C2026", "2026-00", "c2026-0001", "-000", "C2026-0017", "0017", "Two Spaces",
    "Anna  Two", "Anna Two", "  ", "nobody", "an", "e", "ie d", "ann lee", "ANN LEE", "n L",
]


@pytest.fixture
def residents(db):
    """A complaint per name, received on days in no order; every third withdrawn."""
    for n, name in enumerate(NAMES):
        ref = usecases.log_complaint(db, received_on=date(2026, 10, 1) + timedelta(days=(n * 7) % 17),
                                     channel="phone", resident_name=name, category="Repairs", resident_words="Leak",
                                     ctx=ALICE).reference
        if n % 3 == 2:
            usecases.withdraw(db, ref, reason="Sorted", withdrawn_on=date(2026, 11, 2), ctx=ALICE)
    return db


def _references(db, needle: str, **filters) -> list:
    with db.read() as session:
        return queries.complaint_rows(session, search=needle, **filters)


def _plain(db, monkeypatch, needle: str, **filters) -> list[str]:
    """What the plain LIKE query (the one before the index, and PostgreSQL's) returns."""
    with monkeypatch.context() as plain:
        plain.setattr(search_index, "indexed", lambda text: False)
        return _references(db, needle, **filters)


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_the_index_matches_exactly_what_the_plain_like_matched(residents, monkeypatch):
    db = residents
    different = {}
    for needle in NEEDLES:
        for filters in ({}, {"limit": 5}, {"limit": 3, "offset": 2}, {"status": "withdrawn"}, {"status": "open"}):
            indexed, plain = _references(db, needle, **filters), _plain(db, monkeypatch, needle, **filters)
            if indexed != plain:
                different[(needle, tuple(filters.items()))] = (indexed, plain)
    assert different == {}


@pytest.mark.parametrize("db", ["sqlite", pytest.param("postgresql", marks=pytest.mark.skipif(
    not POSTGRES_URL, reason="no PostgreSQL server (CHC_TEST_POSTGRES_URL)"))], indirect=True)
def test_a_page_of_a_search_is_that_part_of_the_whole_list(residents):
    """A page is sorted on ids and keys first, then read (queries._page_of): the same rows."""
    db = residents
    different = {}
    for needle in NEEDLES:
        whole = _references(db, needle)
        for offset, limit in ((0, 4), (4, 4), (2, 50)):
            page = _references(db, needle, limit=limit, offset=offset)
            if page != whole[offset:offset + limit]:
                different[(needle, offset)] = page
    assert different == {}
    assert len(_references(db, "o")) > 4  # pages of several rows were compared


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_what_like_matches_and_does_not(residents):
    """Pinned by hand: ASCII case is ignored, other letters' case is not; % and _ are LIKE's."""
    db = residents

    def names(needle: str) -> set[str]:
        with db.read() as session:
            return {row.resident for row in queries.complaint_rows(session, search=needle)}

    assert names("o'brien") == {"Siobhán O'Brien", "O'BRIEN-OBRIEN"}
    assert names("émile") == {"émile dupont"}
    assert names("EMILE") == set()
    assert names("kat") == set()
    assert names("ist") == set()  # İstanbul's capital is not an ASCII I
    assert names("o_b") == {"Siobhán O'Brien", "O'BRIEN-OBRIEN"}
    assert names("mary-jane") == {"Mary-Jane Smith-Jones"}
    assert names("thomas") == {"THOMAS Thomason", "Tom Thomas"}
    assert names("Anna Two") == set()


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_a_search_over_every_state_reads_the_index_not_every_name(residents):
    """Before 0023 the plan scanned ix_resident_name and ix_complaint_reference whole."""
    db = residents
    with db.read() as session:
        captured = []
        original = session.exec

        def spy(query, *args, **kwargs):
            captured.append(query)
            return original(query, *args, **kwargs)

        session.exec = spy  # type: ignore[method-assign]
        queries.complaint_rows(session, search="Thomas", limit=200)
        conn = session.connection()
        compiled = captured[-1].compile(conn, compile_kwargs={"literal_binds": True})
        plan = " | ".join(row[-1] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}"))
    assert "resident_name_search" in plan and "complaint_reference_search" in plan
    assert "ix_resident_name" not in plan and "ix_complaint_reference" not in plan


def _search(db, needle: str) -> list[str]:
    with db.read() as session:
        return [row.resident for row in queries.complaint_rows(session, search=needle)]


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_the_index_follows_a_renamed_a_deleted_and_a_new_resident(residents):
    db = residents
    with db.write() as session:
        resident = session.exec(select(Resident).where(Resident.name == "Ann Lee")).one()
        resident.name = "Annabel Leeward"
        session.add(resident)
    assert _search(db, "Ann Lee") == []
    assert _search(db, "bel Leew") == ["Annabel Leeward"]
    with db.engine.begin() as conn:  # a reference changed, a resident with no complaint added and deleted
        conn.exec_driver_sql("UPDATE complaint SET reference = 'C2026-9017' WHERE reference = 'C2026-0017'")
        conn.exec_driver_sql("INSERT INTO resident (id, name, address, phone, email, preferred_channel, version, "
                             "created_at, tenure) VALUES (900, 'Una Nowhere', '', '', '', 'letter', 1, "
                             "'2026-11-02 09:00:00.000000', '')")
        conn.exec_driver_sql("DELETE FROM resident WHERE id = 900")
    assert _search(db, "C2026-0017") == []
    assert _search(db, "C2026-9017") == ["Annabel Leeward"]
    usecases.log_complaint(db, received_on=date(2026, 11, 2), channel="phone", resident_name="Xavier Quillfeather",
                           category="Repairs", resident_words="Leak", ctx=ALICE)
    assert _search(db, "quillf") == ["Xavier Quillfeather"]
    with db.engine.connect() as conn:  # FTS5's own check of the index against the rows
        for name in search_index.INDEXED:
            conn.exec_driver_sql(f"INSERT INTO {name}({name}, rank) VALUES ('integrity-check', 1)")


def test_needles_the_index_can_narrow():
    assert [search_index.indexed(t) for t in ("Tho", "Th", "a_bcd", "ab_c", "ab%cd", "O'B", "é é", "%%%")] == [
        True, False, True, False, False, True, True, False]
