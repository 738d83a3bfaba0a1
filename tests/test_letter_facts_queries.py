"""A letter's facts in a handful of queries (issue 22.3): the landlord's settings were read
one query a field (4,962 reads for a demo's 391 letters) and the stage's records one query
each. Settings are read once per transaction, and never served after the transaction
that read them: another handler's change, or a change rolled back, is seen at once."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import event
from sqlmodel import delete, select

from chc_tui.documents import letters
from chc_tui.rules.context import StepContext
from chc_tui.steps import usecases
from chc_tui.steps.landlord import SETTING_KEYS, landlord_settings
from chc_tui.steps.settings import get_setting, put_setting
from store.models import Complaint, Setting, StageRecord
from tests.letter_helpers import ready_to_sign

NOVEMBER = date(2026, 11, 2)


@contextmanager
def counted(db):
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def test_the_landlords_settings_are_one_query_a_transaction(db):
    with db.read() as session:
        with counted(db) as statements:
            first = landlord_settings(session)
            again = landlord_settings(session)
    assert first == again
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 1, selects  # was one a field: 11 each time


def test_a_change_another_handler_saves_is_read_by_the_next_transaction(db):
    with db.read() as reading:
        assert get_setting(reading, "landlord.address") is None
        with db.write() as writing:
            put_setting(writing, "landlord.address", "1 Quay Street")
        reading.rollback()  # the next transaction
        assert get_setting(reading, "landlord.address") == "1 Quay Street"


def test_a_change_rolled_back_is_not_served(db):
    with db.write() as session:
        put_setting(session, "landlord.address", "1 Quay Street")
        with pytest.raises(RuntimeError):
            with session.begin_nested():
                put_setting(session, "landlord.address", "a mistake")
                assert get_setting(session, "landlord.address") == "a mistake"
                raise RuntimeError
        assert get_setting(session, "landlord.address") == "1 Quay Street"
    with db.read() as session:
        assert get_setting(session, "landlord.address") == "1 Quay Street"


def test_settings_deleted_in_bulk_are_gone(db):
    with db.write() as session:
        put_setting(session, "import.journal.x", {"complaints": [1]})
        assert get_setting(session, "import.journal.x") == {"complaints": [1]}
        session.exec(delete(Setting).where(Setting.key.startswith("import.journal.")))  # type: ignore[attr-defined]
        assert get_setting(session, "import.journal.x") is None


def test_a_value_read_is_the_callers_own(db):
    with db.write() as session:
        put_setting(session, "stock_types", ["LCRA"])
        get_setting(session, "stock_types").append("changed by a caller")
        assert get_setting(session, "stock_types") == ["LCRA"]


def test_every_landlord_field_is_read_in_the_one_query(db):
    with db.write() as session:
        for name, key in SETTING_KEYS.items():
            if name not in ("service_request_target_days", "financial_year_end"):
                put_setting(session, key, f"the {name}")
    with db.read() as session:
        settings = landlord_settings(session)
    assert settings.address == "the address" and settings.name == "the name"
    assert settings.ombudsman_phone == "the ombudsman_phone"


def test_a_letters_facts_read_the_stage_in_one_query(db):
    """An acknowledgement's facts: the stage's definition, response date, extension and
    response, and the complaint's refusal and withdrawal, were six queries."""
    ready_to_sign(db)
    ctx = StepContext(actor="alice", today=NOVEMBER)
    logged = usecases.log_complaint(db, received_on=NOVEMBER, channel="phone", resident_name="Ann Lee",
                                    category="Repairs", resident_words="The roof leaks", handler="alice", ctx=ctx)
    usecases.define(db, logged.reference, defined_on=NOVEMBER, understanding="A leak", outcomes_sought="Fixed",
                    responsible_aspects="The roof", not_responsible_aspects="", ctx=ctx)
    usecases.acknowledge(db, logged.reference, acknowledged_on=NOVEMBER, letter=letters.AS_DRAFTED, ctx=ctx)
    with db.read() as session:
        complaint = session.exec(select(Complaint)).one()
        stage = session.exec(select(StageRecord)).one()
        landlord_settings(session)  # read once a transaction: not the stage's queries
        with counted(db) as statements:
            facts = letters.gather_facts(session, complaint, stage, letters.LetterKind.STAGE1_ACKNOWLEDGEMENT, NOVEMBER)
    assert facts.definition is not None and facts.definition.understanding == "A leak"
    assert facts.response_due is not None and facts.extension is None and facts.response is None
    assert facts.refusal is None and facts.withdrawal is None
    stage_tables = ("definition", "deadline", "extension", "response", "refusal", "withdrawal")
    reading = [s for s in statements if any(f"FROM {table}" in s for table in stage_tables)]
    assert len(reading) <= 2, reading  # the one query, and the definition by its id
