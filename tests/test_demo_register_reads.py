"""A demo build runs its thousands of steps in one transaction (issue 22.3): the staff
register's reads that each step makes (who a typed handler is, a signer's logins) are read
once per transaction, and never served stale when the register changes in it."""

from __future__ import annotations

from datetime import date

from sqlalchemy import event

from chc_tui.rules.context import StepContext
from chc_tui.steps import staff
from store import staff_queries
from store.models import Staff

DAY = date(2026, 11, 2)
ADMIN = StepContext(actor="alice", today=DAY)


def _register(db) -> int:
    with db.write() as session:  # alice, the first login, becomes the first admin
        from chc_tui.steps.identity import acting_staff

        acting_staff(session, ADMIN)
    return staff.add_staff(db, display_name="Sam Okafor", logins=["sam.okafor"], ctx=ADMIN, active_from=DAY)


def _counting_staff_reads(db) -> list[str]:
    seen: list[str] = []

    @event.listens_for(db._write_engine, "before_cursor_execute")
    def _count(_conn, _cursor, statement, *_rest) -> None:
        if "FROM staff" in statement:
            seen.append(statement)

    return seen


def test_a_handler_named_in_many_steps_of_one_transaction_is_looked_up_once(db):
    _register(db)
    with db.write() as session:
        reads = _counting_staff_reads(db)
        for _ in range(5):
            assert [s.display_name for s in staff_queries.matching(session, "Sam Okafor")] == ["Sam Okafor"]
            row = staff_queries.matching(session, "sam.okafor")[0]
            assert staff_queries.member(session, row).logins == ("sam.okafor",)
    # "Sam Okafor": as a login, every name, the old spellings; "sam.okafor" as a login; the logins
    assert len(reads) == 5


def test_a_change_to_the_register_in_the_transaction_is_seen(db):
    sam = _register(db)
    with db.write() as session:
        row = staff_queries.matching(session, "Sam Okafor")[0]
        assert staff_queries.member(session, row).logins == ("sam.okafor",)
        assert staff_queries.matching(session, "Tom Bell") == []
        staff.edit_staff(db, sam, display_name="Samuel Okafor", logins=["sam.okafor", "sokafor"], ctx=ADMIN)
        tom = staff.add_staff(db, display_name="Tom Bell", logins=["tom.bell"], ctx=ADMIN, active_from=DAY)
        assert [s.id for s in staff_queries.matching(session, "Samuel Okafor")] == [sam]
        assert staff_queries.member(session, row).logins == ("sam.okafor", "sokafor")
        assert [s.id for s in staff_queries.matching(session, "Tom Bell")] == [tom]


def test_a_change_not_yet_flushed_is_seen(db):
    sam = _register(db)
    with db.write() as session:
        assert staff_queries.matching(session, "Sam Okafor")[0].id == sam
        row = session.get(Staff, sam)
        assert row is not None
        row.display_name = "Samuel Okafor"  # not flushed: the next lookup must not be the one kept
        assert staff_queries.matching(session, "Samuel Okafor")[0].id == sam
        assert staff_queries.matching(session, "Sam Okafor") == []  # no old spelling kept: not edited by the step


def test_a_savepoint_rolled_back_takes_what_it_read_with_it(db):
    _register(db)
    with db.write() as session:
        savepoint = session.begin_nested()
        added = staff.add_staff(db, display_name="Tom Bell", logins=["tom.bell"], ctx=ADMIN, active_from=DAY)
        assert [s.id for s in staff_queries.matching(session, "Tom Bell")] == [added]
        savepoint.rollback()
        assert staff_queries.matching(session, "Tom Bell") == []
