"""One typed door per step (issue 16.2): every write is `Services.run(step, ...)` with the
use-case function itself, never a step named by a string and looked up at run time."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

import chc_tui.services
from chc_tui.steps import residents, usecases
from chc_tui.rules.domain import StaleRecord, StepRefused
from chc_tui.services import Services
from store.queries import complaint_detail

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 23)  # a Monday


def test_services_has_no_string_dispatch():
    assert not hasattr(Services, "do")
    assert not hasattr(chc_tui.services, "AROUND_MODULES")
    assert callable(Services.run)


def test_no_screen_or_command_names_a_step_by_a_string():
    """No `.do("step")`, no step looked up with importlib or getattr on a module."""
    found = []
    for folder in ("chc_tui", "screens"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            for pattern in (r'\bdo\("', r"importlib\.import_module", r"getattr\(usecases,"):
                found += [f"{path.relative_to(ROOT)}: {pattern}" for _ in re.finditer(pattern, text)]
    assert found == []


@pytest.fixture
def services(db):
    return Services(db, actor="alice", today_fn=lambda: TODAY)


def test_run_gives_the_step_the_handlers_database_actor_and_today(services):
    seen = {}

    def step(db, reference, *, note="", ctx=None):
        seen.update(db=db, reference=reference, note=note, ctx=ctx)
        return "done"

    assert services.run(step, "C1", note="n") == "done"
    assert seen["db"] is services.db and (seen["reference"], seen["note"]) == ("C1", "n")
    assert (seen["ctx"].actor, seen["ctx"].today, seen["ctx"].policy) == ("alice", TODAY, services.policy)


def test_a_step_run_through_the_door_records_its_actor_and_keeps_its_refusals(services):
    logged = services.run(usecases.log_complaint, received_on=TODAY, channel="phone", resident_name="Ann Lee",
                          category="Repairs", resident_words="Damp")
    with services.db.read() as session:
        detail = complaint_detail(session, logged.reference)
    assert detail.current.handler == "alice"
    with pytest.raises(StepRefused):
        services.run(usecases.acknowledge, logged.reference)  # not defined yet (Code 5.6)
    with pytest.raises(StaleRecord):
        services.run(usecases.assign_handler, logged.reference, handler="bob",
                     expected_version=detail.complaint.version - 1)


def test_the_around_steps_go_through_the_same_door(services):
    logged = services.run(usecases.log_complaint, received_on=TODAY, channel="phone", resident_name="Ann Lee",
                          category="Repairs", resident_words="Damp")
    resident_id = services.resident_of(logged.reference)
    services.run(residents.record_vulnerability, resident_id, description="Hard of hearing", disclosed_on=TODAY)
    assert [v.description for v in services.resident_needs(resident_id).current_vulnerabilities] == ["Hard of hearing"]
