"""Issue 17.6: corrections. A typo in a resident's details, or in a date that started a
clock, is put right with the reason, audited before and after; a date's correction recounts
the due dates it drives (shown before saving, both kept in the audit), and a date a letter
already gave the resident is flagged and needs "I will write to the resident"."""

from __future__ import annotations

import json
from datetime import date

import pytest

from letter_helpers import ready_to_sign
from sqlmodel import select

from chc_tui.app import build_app
from chc_tui.cli import args as cli_args
from chc_tui.cli.main import main
from chc_tui.documents import letters
from chc_tui.rules.context import StepContext
from chc_tui.rules.domain import StaleRecord, StepRefused
from chc_tui.services import Services
from chc_tui.steps import corrections, usecases
from conftest import dump
from screens.complaint import ComplaintScreen
from screens.corrections import CorrectionPicker
from screens.forms import StepForm
from screens.main import MainScreen
from store.models import AuditEntry, Deadline
from store.queries import complaint_detail
from test_tui_journeys import field, form_errors, save, settle, wait_for

# Easter 2026 in England and Wales: Good Friday 3 April, Easter Monday 6 April.
TODAY = date(2026, 4, 8)  # a Wednesday
TYPED = date(2026, 4, 2)  # Thursday before Good Friday, as logged by mistake
REAL = date(2026, 3, 31)  # Tuesday: the day the complaint really came in


def ctx(today: date = TODAY, actor: str = "alice") -> StepContext:
    return StepContext(actor=actor, today=today)


@pytest.fixture(autouse=True)
def _signers(db):
    ready_to_sign(db)  # letters are signed by name and title, never a login (issue 17)


@pytest.fixture
def services(db):
    return Services(db, actor="alice", today_fn=lambda: TODAY)


def log(db, received_on: date = TYPED, name: str = "Ada Bronw", today: date = TODAY) -> str:
    return usecases.log_complaint(
        db, received_on=received_on, channel="phone", resident_name=name, category="Repairs",
        resident_words="The roof leaks into the bedroom", ctx=ctx(today),
    ).reference


def define(db, ref: str, on: date, today: date = TODAY) -> None:
    usecases.define(db, ref, understanding="The roof leak is not fixed", outcomes_sought="Fix the roof",
                    responsible_aspects="Roof repairs", defined_on=on, ctx=ctx(today))


def deadlines(db, ref: str, stage: int = 1) -> list[tuple[str, bool, date, date]]:
    with db.read() as session:
        detail = complaint_detail(session, ref)
        view = detail.stage(stage)
        return [(dl.step, dl.provisional, dl.clock_start, dl.due_on) for dl in view.deadlines]


def last_audit(db) -> AuditEntry:
    with db.read() as session:
        return session.exec(select(AuditEntry).order_by(AuditEntry.id.desc())).first()


# --- the date received, around a bank holiday ---------------------------------------------------------


def test_correcting_the_received_date_recounts_its_clocks_over_easter(db):
    ref = log(db)
    # Logged on Thu 2 April: five working days skip Good Friday and Easter Monday.
    assert deadlines(db, ref) == [
        ("acknowledge", False, TYPED, date(2026, 4, 13)),
        ("respond", True, date(2026, 4, 13), date(2026, 4, 27)),
    ]

    plan = corrections.preview_received_date(db, ref, received_on=REAL, ctx=ctx())
    assert [(d.step, d.provisional, d.old_due, d.new_due) for d in plan.deadlines] == [
        ("acknowledge", False, date(2026, 4, 13), date(2026, 4, 9)),
        ("respond", True, date(2026, 4, 27), date(2026, 4, 23)),
    ]
    assert plan.problems == () and plan.told == ()
    assert "stage 1 moves from the 2026/27 financial year to 2025/26 in the figures" in plan.notes
    assert plan.lines()[:3] == [
        f"{ref} stage 1: the date received 02/04/2026 -> 31/03/2026",
        "  acknowledge and define by: 13/04/2026 -> 09/04/2026; running",
        "  respond by (provisional): 27/04/2026 -> 23/04/2026; running",
    ]

    saved = corrections.correct_received_date(db, ref, received_on=REAL, reason="Typed the date of the call back",
                                              ctx=ctx())
    assert saved == plan  # the preview is what was saved
    assert deadlines(db, ref) == [
        ("acknowledge", False, REAL, date(2026, 4, 9)),
        ("respond", True, date(2026, 4, 9), date(2026, 4, 23)),
    ]
    with db.read() as session:
        detail = complaint_detail(session, ref)
        assert detail.complaint.received_on == REAL and detail.current.opened_on == REAL
        ack = session.exec(select(Deadline).where(Deadline.step == "acknowledge")).one()
        assert [day for day, _ in json.loads(ack.skipped_json)] == ["2026-04-03", "2026-04-04", "2026-04-05", "2026-04-06"]

    entry = last_audit(db)
    assert (entry.actor, entry.action) == ("alice", "correct received date")
    assert json.loads(entry.before_json) == {
        "received_on": "2026-04-02", "acknowledge_due": "2026-04-13", "provisional_response_due": "2026-04-27",
    }
    details = json.loads(entry.details_json)
    assert details["received_on"] == "2026-03-31"
    assert (details["acknowledge_due"], details["provisional_response_due"]) == ("2026-04-09", "2026-04-23")
    assert details["reason"] == "Typed the date of the call back"
    assert "told_in_letters" not in details and "will_write_to_resident" not in details  # no letter told them


def test_an_acknowledged_stage_keeps_its_response_deadline_and_is_judged_again(db):
    """The response deadline runs from the acknowledgement (6.3) and does not move; the
    acknowledgement deadline does, and the step met on time may now be late."""
    ref = log(db, received_on=date(2026, 4, 7))
    define(db, ref, date(2026, 4, 7))
    usecases.acknowledge(db, ref, acknowledged_on=date(2026, 4, 7), ctx=ctx())
    plan = corrections.preview_received_date(db, ref, received_on=date(2026, 3, 26), ctx=ctx())
    ack, provisional = plan.deadlines
    assert (ack.old_due, ack.new_due) == (date(2026, 4, 14), date(2026, 4, 2))
    assert ack.state() == "met 07/04/2026 (was on time, now 1 working day late)"
    assert provisional.state() == "replaced by the deadline fixed at acknowledgement on 07/04/2026"
    assert [k.line() for k in plan.kept] == [
        "respond by 21/04/2026: counted from the acknowledgement on 07/04/2026; it does not move"
    ]
    corrections.correct_received_date(db, ref, received_on=date(2026, 3, 26), reason="Email was received earlier",
                                      ctx=ctx())
    with db.read() as session:
        respond = session.exec(select(Deadline).where(Deadline.step == "respond", Deadline.active == True)).one()  # noqa: E712
        assert respond.due_on == date(2026, 4, 21)
    assert deadlines(db, ref)[0] == ("acknowledge", False, date(2026, 3, 26), date(2026, 4, 2))


def test_a_date_a_letter_gave_the_resident_is_flagged_and_needs_confirming(db):
    ref = log(db, received_on=date(2026, 3, 31))
    define(db, ref, date(2026, 4, 1))
    usecases.acknowledge(db, ref, acknowledged_on=date(2026, 4, 7), letter=letters.AS_DRAFTED, ctx=ctx())
    plan = corrections.preview_received_date(db, ref, received_on=date(2026, 3, 30), ctx=ctx())
    assert [(t.letter_id, t.kind, t.sent_on, t.what, t.told) for t in plan.told] == [
        (1, "Stage 1 acknowledgement", date(2026, 4, 7), "the date received", date(2026, 3, 31)),
    ]
    assert ("WARNING: the Stage 1 acknowledgement letter sent 07/04/2026 (letter 1) told the resident "
            "31 March 2026 as the date received: write to the resident about the corrected date") in plan.lines()

    before = dump(db)
    with pytest.raises(StepRefused) as refused:
        corrections.correct_received_date(db, ref, received_on=date(2026, 3, 30), reason="Typo", ctx=ctx())
    assert refused.value.for_field("confirm_told") == [
        "the Stage 1 acknowledgement letter sent 07/04/2026 (letter 1) told the resident 31 March 2026 as the "
        "date received: confirm that you will write to the resident about the corrected date"
    ]
    assert dump(db) == before

    corrections.correct_received_date(db, ref, received_on=date(2026, 3, 30), reason="Typo", confirm_told=True,
                                      ctx=ctx())
    details = json.loads(last_audit(db).details_json)
    assert details["will_write_to_resident"] is True
    assert details["told_in_letters"] == [
        "the Stage 1 acknowledgement letter sent 07/04/2026 (letter 1) told the resident 31 March 2026 as the date received"
    ]
    with db.read() as session:  # the letter as sent is never rewritten (5.12)
        detail = complaint_detail(session, ref)
        assert "received on 31 March 2026" in detail.letters[0].body


def test_a_closed_complaint_may_be_corrected_and_says_its_figures_follow(db):
    ref = log(db, received_on=date(2026, 3, 31), today=date(2026, 5, 1))
    define(db, ref, date(2026, 4, 1), today=date(2026, 5, 1))
    usecases.acknowledge(db, ref, acknowledged_on=date(2026, 4, 7), ctx=ctx(date(2026, 5, 1)))
    usecases.respond(db, ref, decision="upheld", no_remedy_reason="Put right before we answered", reasons="We were slow", responded_on=date(2026, 4, 20),
                     ctx=ctx(date(2026, 5, 1)))
    usecases.close(db, ref, closed_on=date(2026, 4, 21), ctx=ctx(date(2026, 5, 1)))
    plan = corrections.correct_received_date(db, ref, received_on=date(2026, 4, 1), reason="Logged a day early",
                                             ctx=ctx(date(2026, 5, 1)))
    assert plan.notes[0] == (f"{ref} is closed: its figures (annual report, self-assessment) count the corrected "
                             "date when they are next produced; reports already sent are not changed")
    assert deadlines(db, ref)[0][3] == date(2026, 4, 10)


def test_correcting_the_stage_2_request_date(db):
    ref = log(db, received_on=date(2026, 3, 2), today=date(2026, 4, 30))
    later = ctx(date(2026, 4, 30))
    define(db, ref, date(2026, 3, 3), today=date(2026, 4, 30))
    usecases.acknowledge(db, ref, acknowledged_on=date(2026, 3, 4), ctx=later)
    usecases.respond(db, ref, decision="not_upheld", reasons="No fault found", responded_on=date(2026, 3, 18),
                     ctx=later)
    usecases.escalate(db, ref, requested_on=date(2026, 4, 2), handler="bob", ctx=later)
    plan = corrections.correct_requested_date(db, ref, requested_on=date(2026, 3, 31), reason="Date of the email",
                                              ctx=later)
    assert [(d.step, d.old_due, d.new_due) for d in plan.deadlines] == [
        ("acknowledge", date(2026, 4, 13), date(2026, 4, 9)),
        ("respond", date(2026, 5, 12), date(2026, 5, 8)),  # 20 working days (6.14), provisional
    ]
    assert deadlines(db, ref, stage=2)[0] == ("acknowledge", False, date(2026, 3, 31), date(2026, 4, 9))
    with db.read() as session:
        assert complaint_detail(session, ref).complaint.received_on == date(2026, 3, 2)  # stage 1 untouched
    assert last_audit(db).action == "correct stage 2 request date"


# --- each refusal writes nothing -------------------------------------------------------------------


def _acknowledged(db) -> str:
    ref = log(db, received_on=date(2026, 3, 31))
    define(db, ref, date(2026, 4, 1))
    usecases.acknowledge(db, ref, acknowledged_on=date(2026, 4, 7), ctx=ctx())
    return ref


RECEIVED = corrections.correct_received_date
RESIDENT = corrections.correct_resident

REFUSALS = [
    ("in the future", RECEIVED, dict(received_on=date(2026, 4, 9), reason="r"),
     "received_on", "the date received cannot be in the future (today is 08/04/2026)"),
    ("after the acknowledgement", RECEIVED, dict(received_on=date(2026, 4, 8), reason="r"),
     "received_on", "the date received cannot be after the stage 1 acknowledgement (07/04/2026): correct that "
                    "first, or check the date"),
    ("after the definition", RECEIVED, dict(received_on=date(2026, 4, 2), reason="r"),
     "received_on", "the date received cannot be after the stage 1 definition (01/04/2026): correct that first, "
                    "or check the date"),
    ("no reason", RECEIVED, dict(received_on=date(2026, 3, 30), reason="  "),
     "reason", "the reason for the correction is required"),
    ("no change", RECEIVED, dict(received_on=date(2026, 3, 31), reason="r"),
     "received_on", "the date received is already 31/03/2026: there is nothing to correct"),
    ("not a date", RECEIVED, dict(received_on="31/03", reason="r"),
     "received_on", "the date received must be a date, not '31/03'"),
    ("empty name", RESIDENT, dict(name=" ", reason="r"), "name", "the resident's name cannot be empty"),
    ("not an email", RESIDENT, dict(email="ada.example.org", reason="r"), "email",
     "'ada.example.org' is not an email address"),
    ("no reason for a name", RESIDENT, dict(name="Ada Brown", reason=""), "reason",
     "the reason for the correction is required"),
    ("nothing changes", RESIDENT, dict(name="Ada Bronw", phone="", reason="r"), None,
     "these are the resident's details already: there is nothing to correct"),
]


@pytest.mark.parametrize("step, values, field_name, message", [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS])
def test_a_refused_correction_writes_nothing(db, step, values, field_name, message):
    ref = _acknowledged(db)
    before = dump(db)
    with pytest.raises(StepRefused) as refused:
        step(db, ref, ctx=ctx(), **values)
    assert message in refused.value.for_field(field_name)
    assert dump(db) == before


def test_stale_and_missing_stage_2_are_refused_and_write_nothing(db):
    ref = log(db, received_on=date(2026, 3, 31))
    before = dump(db)
    with pytest.raises(StaleRecord):
        corrections.correct_received_date(db, ref, received_on=date(2026, 3, 30), reason="r", expected_version=0,
                                          ctx=ctx())
    with pytest.raises(StepRefused) as refused:
        corrections.correct_requested_date(db, ref, requested_on=date(2026, 3, 30), reason="r", ctx=ctx())
    assert refused.value.for_field("requested_on") == [f"{ref} has not been escalated: it has no stage 2 request "
                                                       "date to correct"]
    assert dump(db) == before


def test_a_stage_2_request_before_the_stage_1_response_is_refused(db):
    ref = log(db, received_on=date(2026, 3, 2), today=date(2026, 4, 30))
    later = ctx(date(2026, 4, 30))
    define(db, ref, date(2026, 3, 3), today=date(2026, 4, 30))
    usecases.acknowledge(db, ref, acknowledged_on=date(2026, 3, 4), ctx=later)
    usecases.respond(db, ref, decision="not_upheld", reasons="No fault", responded_on=date(2026, 3, 18), ctx=later)
    usecases.escalate(db, ref, requested_on=date(2026, 4, 2), handler="bob", ctx=later)
    before = dump(db)
    with pytest.raises(StepRefused) as refused:
        corrections.correct_requested_date(db, ref, requested_on=date(2026, 3, 17), reason="r", ctx=later)
    assert refused.value.for_field("requested_on") == [
        "the date stage 2 was requested cannot be before the stage 1 response (18/03/2026): escalation follows "
        "the stage 1 response (Code 6.10)"
    ]
    assert dump(db) == before


# --- the resident's details ------------------------------------------------------------------------------


def test_correcting_the_residents_name_and_contact_details(db):
    ref = log(db)
    other = log(db, received_on=date(2026, 4, 7))
    with db.read() as session:
        detail = complaint_detail(session, ref)
        version = detail.resident.version
    with db.write() as session:  # the second complaint is the same resident's
        from store.models import Complaint

        session.exec(select(Complaint).where(Complaint.reference == other)).one().resident_id = detail.resident.id
    plan = corrections.correct_resident(db, ref, name=" Ada Brown ", email="ada@example.org", phone="",
                                        address=None, reason="Name misspelt on the phone", expected_version=version,
                                        ctx=ctx())
    assert plan.changes == {"name": ("Ada Bronw", "Ada Brown"), "email": ("", "ada@example.org")}
    assert plan.other_complaints == (other,)
    entry = last_audit(db)
    assert entry.action == "correct resident details"
    with db.read() as session:
        complaint_id = complaint_detail(session, ref).complaint.id
        resident = complaint_detail(session, other).resident
    assert entry.complaint_id == complaint_id  # in the history of the complaint it was corrected from
    assert json.loads(entry.before_json) == {"name": "Ada Bronw", "email": ""}
    assert json.loads(entry.details_json) == {"name": "Ada Brown", "email": "ada@example.org",
                                              "reason": "Name misspelt on the phone", "resident_id": resident.id}
    assert (resident.name, resident.email, resident.version) == ("Ada Brown", "ada@example.org", version + 1)


def test_a_stale_resident_correction_writes_nothing(db):
    ref = log(db)
    before = dump(db)
    with pytest.raises(StaleRecord):
        corrections.correct_resident(db, ref, name="Ada Brown", reason="r", expected_version=7, ctx=ctx())
    assert dump(db) == before


# --- the screen -------------------------------------------------------------------------------------------


async def _open_correction(pilot, app, ref: str, downs: int) -> None:
    """From the list: open the complaint, C, the choice `downs` down the list, Enter."""
    await settle(pilot)
    app.open_complaint(ref)  # what Enter on its row does
    await wait_for(pilot, lambda: isinstance(app.screen, ComplaintScreen) and app.screen.detail is not None,
                   "the complaint screen")
    await pilot.press("C")
    await wait_for(pilot, lambda: isinstance(app.screen, CorrectionPicker), "what to correct")
    await pilot.press(*["down"] * downs, "enter")
    await wait_for(pilot, lambda: isinstance(app.screen, StepForm) and app.focused is not None, "the correction form")


def _preview(app) -> str:
    return str(app.screen.query_one("#form-preview").render())


async def test_correcting_the_received_date_on_the_screen(services, db):
    ref = log(db)
    app = build_app(services)
    async with app.run_test(size=(100, 40)) as pilot:
        await _open_correction(pilot, app, ref, downs=1)
        assert app.focused.id == "f-received_on"
        await pilot.press(*"31/03/2026")
        await wait_for(pilot, lambda: "13/04/2026 -> Thu 09/04/2026" in _preview(app), "the live preview")
        assert "respond by (provisional): Mon 27/04/2026 -> Thu 23/04/2026" in _preview(app)

        await save(pilot)  # no reason: refused beside its field, the date kept
        assert form_errors(app) == {"reason": "the reason for the correction is required"}
        assert app.screen.query_one("#f-received_on").value == "31/03/2026"
        assert dump(db)["audit_entry"] and last_audit(db).action == "log"

        await field(pilot, "reason", "Typed the date of the call back")
        await save(pilot)
        assert isinstance(app.screen, ComplaintScreen)
        assert deadlines(db, ref)[0] == ("acknowledge", False, REAL, date(2026, 4, 9))
        assert last_audit(db).action == "correct received date"

        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen), "the list")
        await settle(pilot)
        row = app.screen.query_one("#complaints").get_row(ref)
        assert "09/04/26" in [str(cell) for cell in row]


async def test_escape_on_the_correction_form_writes_nothing(services, db):
    ref = _acknowledged(db)
    app = build_app(services)
    async with app.run_test(size=(100, 40)) as pilot:
        before = dump(db)
        await _open_correction(pilot, app, ref, downs=1)
        await pilot.press(*"30/03/2026")
        await wait_for(pilot, lambda: "met Tue 07/04/2026 (on time)" in _preview(app), "the live preview")
        await pilot.press("escape")  # typed something: asked first
        await wait_for(pilot, lambda: not isinstance(app.screen, StepForm), "the discard question")
        await pilot.press("y")  # Discard
        await wait_for(pilot, lambda: isinstance(app.screen, ComplaintScreen), "back on the complaint")
        assert dump(db) == before


async def test_a_told_date_needs_the_box_ticked_on_the_screen(services, db):
    ref = log(db, received_on=date(2026, 3, 31))
    define(db, ref, date(2026, 4, 1))
    usecases.acknowledge(db, ref, acknowledged_on=date(2026, 4, 7), letter=letters.AS_DRAFTED, ctx=ctx())
    app = build_app(services)
    async with app.run_test(size=(100, 40)) as pilot:
        await _open_correction(pilot, app, ref, downs=1)
        await pilot.press(*"30/03/2026")
        await wait_for(pilot, lambda: "told the resident 31 March 2026 as the date received" in _preview(app),
                       "the letter warning")
        await field(pilot, "reason", "Typo")
        before = dump(db)
        await save(pilot)
        assert "confirm that you will write to the resident" in form_errors(app)["confirm_told"]
        assert dump(db) == before
        app.screen.query_one("#f-confirm_told").focus()
        await pilot.press("space")
        await save(pilot)
        assert isinstance(app.screen, ComplaintScreen)
        assert json.loads(last_audit(db).details_json)["will_write_to_resident"] is True


async def test_correcting_the_residents_name_on_the_screen(services, db):
    ref = log(db)
    app = build_app(services)
    async with app.run_test(size=(100, 40)) as pilot:
        await _open_correction(pilot, app, ref, downs=0)
        await field(pilot, "name", "Ada Brown", clear=True)
        await wait_for(pilot, lambda: "'Ada Bronw' -> 'Ada Brown'" in _preview(app), "the preview")
        await field(pilot, "reason", "Misspelt")
        await save(pilot)
        assert isinstance(app.screen, ComplaintScreen)
        assert app.screen.detail.resident.name == "Ada Brown"


# --- chc correct --------------------------------------------------------------------------------------------


@pytest.fixture
def chc(db, capsys, monkeypatch):
    monkeypatch.setattr(cli_args, "today", lambda: TODAY)

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(["--db", str(db.path), *argv])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_chc_correct_previews_then_saves(db, chc):
    ref = log(db)
    before = dump(db)
    code, out, err = chc("correct", ref, "--received", "31/03/2026")
    assert (code, err) == (0, "")
    assert out.splitlines()[:3] == [
        f"{ref} stage 1: the date received 2026-04-02 -> 2026-03-31",
        "  acknowledge and define by: 2026-04-13 -> 2026-04-09; running",
        "  respond by (provisional): 2026-04-27 -> 2026-04-23; running",
    ]
    assert out.splitlines()[-1] == "Nothing written: add --yes (and --reason) to save this correction."
    assert dump(db) == before

    code, out, err = chc("correct", ref, "--received", "31/03/2026", "--json")
    preview = json.loads(out)
    assert preview["saved"] is False and preview["due_dates"][0]["new_due"] == "2026-04-09"
    assert dump(db) == before

    code, out, err = chc("correct", ref, "--received", "31/03/2026", "--yes")
    assert (code, out) == (2, "")
    assert err == "chc correct: refused: --reason: the reason for the correction is required\n"
    assert dump(db) == before

    code, out, err = chc("correct", ref, "--received", "31/03/2026", "--reason", "Typo", "--yes")
    assert code == 0 and out.endswith("Saved.\n"), err
    assert deadlines(db, ref)[0][3] == date(2026, 4, 9)


def test_chc_correct_a_told_date_needs_will_write(db, chc):
    ref = log(db, received_on=date(2026, 3, 31))
    define(db, ref, date(2026, 4, 1))
    usecases.acknowledge(db, ref, acknowledged_on=date(2026, 4, 7), letter=letters.AS_DRAFTED, ctx=ctx())
    code, out, _ = chc("correct", ref, "--received", "30/03/2026")
    assert code == 0 and ("WARNING: the Stage 1 acknowledgement letter sent 2026-04-07 (letter 1) told the resident "
                          "31 March 2026 as the date received") in out
    before = dump(db)
    code, _, err = chc("correct", ref, "--received", "30/03/2026", "--reason", "Typo", "--yes")
    assert code == 2 and err.startswith("chc correct: refused: --will-write-to-resident: the Stage 1 acknowledgement")
    assert dump(db) == before
    code, out, err = chc("correct", ref, "--received", "30/03/2026", "--reason", "Typo", "--yes",
                         "--will-write-to-resident", "--json")
    assert code == 0, err
    saved = json.loads(out)
    assert saved["saved"] is True and saved["told_in_letters"][0]["told"] == "2026-03-31"


def test_chc_correct_refusals_exit_2_and_write_nothing(db, chc):
    ref = _acknowledged(db)
    before = dump(db)
    code, out, err = chc("correct", ref, "--received", "08/04/2026")
    assert code == 2
    assert "chc correct: refused: --received: the date received cannot be after the stage 1 acknowledgement" in err
    code, _, err = chc("correct", ref, "--stage2-requested", "08/04/2026", "--reason", "r", "--yes")
    assert (code, err) == (2, f"chc correct: refused: --stage2-requested: {ref} has not been escalated: it has no "
                              "stage 2 request date to correct\n")
    code, _, err = chc("correct", ref, "--received", "01/04/2026", "--resident-name", "X", "--reason", "r")
    assert (code, err) == (2, "chc correct: correct a date or the resident's details, not both at once\n")
    code, _, err = chc("correct", ref, "--reason", "r")
    assert code == 2 and "say what to correct" in err
    code, _, err = chc("correct", "C1999-0001", "--received", "01/04/2026")
    assert (code, err) == (2, "chc correct: refused: no complaint with reference 'C1999-0001'\n")
    assert dump(db) == before


def test_chc_correct_the_residents_details(db, chc):
    ref = log(db)
    code, out, _ = chc("correct", ref.lower(), "--resident-name", "Ada Brown", "--phone", "01234 567890")
    assert code == 0
    assert out.splitlines()[:2] == [f"{ref}: the resident's name 'Ada Bronw' -> 'Ada Brown'",
                                    f"{ref}: the resident's telephone (none) -> '01234 567890'"]
    code, out, err = chc("correct", ref, "--resident-name", "Ada Brown", "--phone", "01234 567890",
                         "--reason", "Misheard", "--yes", "--json")
    assert code == 0, err
    assert json.loads(out)["changes"] == {"name": {"old": "Ada Bronw", "new": "Ada Brown"},
                                          "phone": {"old": "", "new": "01234 567890"}}
    with db.read() as session:
        assert complaint_detail(session, ref).resident.name == "Ada Brown"
