"""Issue 18: an extension counts only when it was agreed in line with the Code (6.4, 6.5,
6.15, 6.16), by one rule, in the extend step, CH02, the timeliness split and the
self-assessment; and the acknowledgement is measured one way in the report and the
self-assessment."""

from __future__ import annotations

from datetime import date

import pytest

from chc_tui.figures.assessment_evidence import measure
from chc_tui.rules.context import StepContext
from chc_tui.rules.domain import NeedsConfirmation
from chc_tui.steps import usecases
from tests.report_helpers import Book, report_for, wd

D = date
TODAY = D(2025, 7, 1)


def _logged_and_acknowledged(db, received: date, acked: date) -> str:
    ctx = StepContext(actor="alice", today=TODAY)
    ref = usecases.log_complaint(db, received_on=received, channel="phone", resident_name="Mr B", category="Repairs",
                                 resident_words="Leak.", handler="alice", ctx=ctx).reference
    usecases.define(db, ref, understanding="u", outcomes_sought="o", responsible_aspects="r", defined_on=acked, ctx=ctx)
    usecases.acknowledge(db, ref, acknowledged_on=acked, ctx=ctx)
    return ref


def test_the_late_untold_extension_is_refused_then_recorded_knowingly_and_counted_late(db):
    # Received Fri 4 April 2025, acknowledged Fri 11 April: response due Tue 29 April (10 wd, Easter in between).
    ref = _logged_and_acknowledged(db, D(2025, 4, 4), D(2025, 4, 11))
    ctx = StepContext(actor="alice", today=TODAY)
    late = dict(new_due=D(2025, 5, 13), reason="Waiting for the roofer", decided_on=D(2025, 5, 12), ctx=ctx)
    with pytest.raises(NeedsConfirmation) as refused:
        usecases.extend(db, ref, **late)
    assert "decided 12/05/2025, after the deadline it replaced (29/04/2025) had passed (Code 6.4)" in refused.value.for_field("decided_on")[0]
    assert refused.value.for_field("told_resident_on") and refused.value.for_field("ombudsman_details_given")
    with db.read() as s:
        from sqlmodel import select

        from store.models import Extension
        assert s.exec(select(Extension)).all() == []  # nothing half-written
    usecases.extend(db, ref, accept_shortfalls=True, **late)
    usecases.respond(db, ref, decision="upheld", no_remedy_reason="Put right before we answered", reasons="r", responded_on=D(2025, 5, 13), ctx=ctx)

    report = report_for(db, 2025, TODAY)
    assert report.value("tsm.CH02.stage1_within_timescale_pct") == 0.0
    assert report.value("tsm.CH02.stage1_within_extension") == 0
    assert report.value("tsm.CH02.stage1_late_extension_not_in_line") == 1
    assert report.value("timeliness.stage1.late_extension_not_in_line") == 1
    assert report.value("extensions.stage1.not_in_line_with_code") == 1
    figures = measure(db, 2025, today=TODAY)
    assert figures["6.3"].numerator == 0 and figures["6.3"].part("late: extension not in line with the Code") == 1
    assert figures["6.4"].numerator == 0 and ref in figures["6.4"].cases
    assert "decided after the deadline it replaced" in figures["6.4"].shortfall
    assert figures["6.5"].numerator == 0 and ref in figures["6.5"].cases


def test_an_extension_kept_to_the_code_counts_within_timescale(db):
    ref = _logged_and_acknowledged(db, D(2025, 4, 4), D(2025, 4, 11))
    ctx = StepContext(actor="alice", today=TODAY)
    usecases.extend(db, ref, new_due=D(2025, 5, 13), reason="Roofer", decided_on=D(2025, 4, 28),
                    told_resident_on=D(2025, 4, 29), ombudsman_details_given=True, ctx=ctx)
    usecases.respond(db, ref, decision="upheld", no_remedy_reason="Put right before we answered", reasons="r", responded_on=D(2025, 5, 13), ctx=ctx)
    report = report_for(db, 2025, TODAY)
    assert report.value("tsm.CH02.stage1_within_timescale_pct") == 100.0
    assert report.value("tsm.CH02.stage1_within_extension") == 1
    assert report.value("extensions.stage1.in_line_with_code") == 1
    figures = measure(db, 2025, today=TODAY)
    assert (figures["6.3"].numerator, figures["6.4"].numerator, figures["6.5"].numerator) == (1, 1, 1)


def test_told_before_the_decision_is_refused_at_its_field(db):
    ref = _logged_and_acknowledged(db, D(2025, 4, 4), D(2025, 4, 11))
    ctx = StepContext(actor="alice", today=TODAY)
    with pytest.raises(Exception) as refused:
        usecases.extend(db, ref, new_due=D(2025, 5, 13), reason="Roofer", decided_on=D(2025, 4, 28),
                        told_resident_on=D(2025, 4, 25), ombudsman_details_given=True, accept_shortfalls=True, ctx=ctx)
    assert "cannot be before the extension was decided" in refused.value.for_field("told_resident_on")[0]


def test_a_letter_tells_the_resident_on_the_day_it_is_sent_never_backdated(db):
    from tests.letter_helpers import ready_to_sign
    from chc_tui.documents import letters

    ready_to_sign(db)
    ref = _logged_and_acknowledged(db, D(2025, 4, 4), D(2025, 4, 11))
    # decided on the 28th, but the letter goes out on 2 May, after the 29 April deadline
    on_may_2 = StepContext(actor="alice", today=D(2025, 5, 2))
    with pytest.raises(NeedsConfirmation) as refused:
        usecases.extend(db, ref, new_due=D(2025, 5, 13), reason="Roofer", decided_on=D(2025, 4, 28),
                        letter=letters.AS_DRAFTED, ctx=on_may_2)
    assert "told 02/05/2025, after the deadline it replaced (29/04/2025)" in refused.value.for_field("told_resident_on")[0]


def test_within_target_after_a_late_acknowledgement_is_shown_beside_ch02(db):
    book = Book(db, TODAY)
    book.complaint(D(2025, 4, 7), ack_after=15, timing="target")  # acknowledged 10 wd late, answered within target
    book.complaint(D(2025, 4, 7), ack_after=1, timing="target")
    report = report_for(db, 2025, TODAY)
    assert report.value("tsm.CH02.stage1_within_target") == 2
    figure = report.figure("tsm.CH02.stage1_within_target_after_late_acknowledgement")
    assert figure.value == 1 and figure.of == 2


def test_the_report_and_the_self_assessment_count_acknowledgements_one_way(db):
    book = Book(db, TODAY)
    book.complaint(D(2025, 4, 7), ack_after=1, timing=None)  # on time
    book.complaint(D(2025, 4, 7), ack_after=7, timing=None)  # late
    book.log(D(2025, 4, 7))  # never acknowledged, long past its deadline: late
    book.log(D(2025, 6, 30))  # not yet due on 1 July
    report = report_for(db, 2025, TODAY)
    within = report.figure("working_days.stage1.to_acknowledge.within_code")
    sa = measure(db, 2025, today=TODAY)["6.2"]
    assert (within.value, within.of) == (1, 3) == (sa.numerator, sa.denominator)


# --- the extend form at 80x24: warned at the fields, recorded only knowingly -----------------


async def test_the_extend_form_warns_then_records_a_late_extension_on_the_second_save(db):
    from test_tui_journeys import field, form_errors, open_form, save, settle, wait_for

    from chc_tui.app import build_app
    from chc_tui.services import Services
    from screens.complaint import ComplaintScreen
    from screens.forms import StepForm
    from tests.letter_helpers import ready_to_sign

    ready_to_sign(db)
    ref = _logged_and_acknowledged(db, D(2025, 4, 4), D(2025, 4, 11))  # response due 29/04/2025
    services = Services(db, actor="alice", today_fn=lambda: D(2025, 5, 12))
    app = build_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_complaint(ref)
        await wait_for(pilot, lambda: isinstance(app.screen, ComplaintScreen), "the complaint")
        await open_form(pilot, "x")
        assert app.screen.query_one("#f-told_resident_on").value == ""  # no default: told by the letter
        await field(pilot, "new_due", "13/05/2025")
        await field(pilot, "reason", "Waiting for the roofer")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: form_errors(app), "the warnings")
        errors = form_errors(app)
        assert "after the deadline it replaced (29/04/2025) had passed" in errors["decided_on"]
        assert "the resident was told 12/05/2025, after the deadline it replaced" in errors["told_resident_on"]
        assert "record it knowingly" in errors["*"]
        assert services.complaint(ref).current.extensions == []  # nothing written
        await save(pilot)  # the second Ctrl+S, nothing changed: the letter, then sent
        await wait_for(pilot, lambda: not isinstance(app.screen, StepForm), "the form to close")
    (extension,) = services.complaint(ref).current.extensions
    assert (extension.decided_on, extension.told_resident_on) == (D(2025, 5, 12), D(2025, 5, 12))
    assert report_for(db, 2025, D(2025, 7, 1)).value("extensions.stage1.not_in_line_with_code") == 1
