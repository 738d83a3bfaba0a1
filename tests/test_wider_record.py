"""The use-cases around a complaint (issue 7): each record's rules, what a refusal leaves
(nothing), and what reaches the deadline panel. Built by hand on a fixed calendar."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from chc_tui.steps import learning, new_issues, ombudsman, remedies, residents, service_requests, usecases
from chc_tui.rules.context import StepContext
from chc_tui.rules.domain import StaleRecord, StepRefused
from chc_tui.steps.landlord import update_landlord_settings
from chc_tui.services import Services
from store.wider_record_queries import around_complaint, resident_needs, service_request_counts
from store.models import Complaint, Definition, ServiceRequest
from tests.conftest import dump

EQUALITY = "Equality Act 2010 considered: proportionate"  # 5.15

MON = date(2026, 11, 23)
ALICE = StepContext(actor="alice", today=MON)


def _log(db, name="Ada Brown", received=date(2026, 11, 2)) -> str:
    return usecases.log_complaint(
        db, received_on=received, channel="phone", resident_name=name, category="Repairs",
        resident_words="The leak is still there", ctx=ALICE,
    ).reference


def _resident_id(db, reference: str) -> int:
    with db.read() as s:
        return s.exec(select(Complaint.resident_id).where(Complaint.reference == reference)).one()


def _refused(db, call, field: str | None) -> StepRefused:
    before = dump(db)
    with pytest.raises(StepRefused) as refused:
        call()
    assert dump(db) == before, "a refused step wrote something"
    if field is not None:
        assert refused.value.for_field(field), refused.value.problems
    return refused.value


def _other(db, kind: str):
    services = Services(db, actor="alice", today_fn=lambda: MON)
    return [o for o in services.other_deadlines() if o.row.kind == kind]


# --- residents ------------------------------------------------------------------------------------


def test_a_restriction_without_a_review_date_is_refused(db):
    rid = _resident_id(db, _log(db))
    refused = _refused(db, lambda: residents.impose_restriction(
        db, rid, restriction="Contact by email only", reasons="Abusive calls to staff", equality_act_consideration=EQUALITY, decided_by="Head of Housing",
        decided_on=date(2026, 11, 20), review_on=None, ctx=ALICE), "review_on")
    assert "5.14" in refused.for_field("review_on")[0]
    _refused(db, lambda: residents.impose_restriction(
        db, rid, restriction="Email only", reasons="", equality_act_consideration=EQUALITY, decided_by="", decided_on=date(2026, 11, 20),
        review_on=date(2026, 11, 20), ctx=ALICE), "reasons")


def test_a_restriction_is_reviewed_and_lifted_and_shows_on_every_complaint(db):
    first = _log(db)
    rid = _resident_id(db, first)
    second = usecases.log_complaint(db, received_on=MON, channel="email", resident_name="", resident_id=rid,
                                    category="Communication", resident_words="Nobody rang back", ctx=ALICE).reference
    rest = residents.impose_restriction(
        db, rid, restriction="Contact by email only", reasons="Abusive calls to staff on 3 occasions",
        equality_act_consideration=EQUALITY, decided_by="Head of Housing", decided_on=date(2026, 9, 1), review_on=date(2026, 11, 30), ctx=ALICE)
    [panel] = _other(db, "restriction")
    assert (panel.row.due_on, panel.days_left, panel.row.complaint_reference) == (date(2026, 11, 30), 5, second)
    for reference in (first, second):
        with db.read() as s:
            complaint = s.exec(select(Complaint).where(Complaint.reference == reference)).one()
            assert [r.restriction for r in resident_needs(s, complaint.resident_id).current_restrictions] == ["Contact by email only"]
    # carrying on needs a reason it is still proportionate (5.15) and a next date
    _refused(db, lambda: residents.review_restriction(db, rest, reviewed_on=MON, next_review_on=date(2027, 2, 1), ctx=ALICE), "note")
    _refused(db, lambda: residents.review_restriction(db, rest, reviewed_on=MON, note="still abusive", ctx=ALICE), "next_review_on")
    residents.review_restriction(db, rest, reviewed_on=MON, next_review_on=date(2027, 2, 22), note="Two more abusive calls", ctx=ALICE)
    assert _other(db, "restriction")[0].row.due_on == date(2027, 2, 22)
    residents.review_restriction(db, rest, reviewed_on=MON, lift=True, ctx=ALICE)
    assert _other(db, "restriction") == []
    with db.read() as s:
        assert resident_needs(s, rid).current_restrictions == []


def test_adjustments_need_a_review_date_after_they_were_agreed(db):
    rid = _resident_id(db, _log(db))
    _refused(db, lambda: residents.agree_adjustment(db, rid, description="Large print", agreed_on=MON, review_on=None, ctx=ALICE), "review_on")
    _refused(db, lambda: residents.agree_adjustment(db, rid, description="Large print", agreed_on=MON, review_on=MON, ctx=ALICE), "review_on")
    adj = residents.agree_adjustment(db, rid, description="Large print letters", agreed_on=MON, review_on=date(2027, 5, 24), ctx=ALICE)
    residents.record_vulnerability(db, rid, description="Partially sighted", disclosed_on=MON, ctx=ALICE)
    residents.review_adjustment(db, adj, reviewed_on=MON, next_review_on=date(2027, 11, 22), ctx=ALICE)
    with pytest.raises(StaleRecord):
        residents.review_adjustment(db, adj, reviewed_on=MON, end=True, expected_version=1, ctx=ALICE)
    with db.read() as s:
        needs = resident_needs(s, rid)
    assert [(a.description, a.review_on, a.reviewed_on) for a in needs.current_adjustments] == [
        ("Large print letters", date(2027, 11, 22), MON)]
    assert [v.description for v in needs.current_vulnerabilities] == ["Partially sighted"]


def test_a_representative_needs_a_relationship_and_is_confirmed_later(db):
    rid = _resident_id(db, _log(db))
    _refused(db, lambda: residents.add_representative(db, rid, name="Sam Brown", relationship="", ctx=ALICE), "relationship")
    rep = residents.add_representative(db, rid, name="Sam Brown", relationship="son", ctx=ALICE)
    residents.confirm_representative(db, rep, authority_confirmed_on=MON, ctx=ALICE)
    with db.read() as s:
        [found] = resident_needs(s, rid).current_representatives
    assert (found.name, found.authority_confirmed_on) == ("Sam Brown", MON)


def test_contact_details_must_fit_the_preferred_channel(db):
    rid = _resident_id(db, _log(db))
    _refused(db, lambda: residents.update_contact(db, rid, address="1 High St", phone="", email="", preferred_channel="email", ctx=ALICE), "email")
    residents.update_contact(db, rid, address="1 High St", phone="", email="ada@example.org", preferred_channel="email", ctx=ALICE)
    with db.read() as s:
        assert resident_needs(s, rid).resident.preferred_channel == "email"


# --- service requests -----------------------------------------------------------------------------------


def test_a_service_request_takes_the_landlords_target_and_is_counted(db):
    update_landlord_settings(db, service_request_target_days="5", ctx=ALICE)
    logged = service_requests.log_service_request(
        db, received_on=date(2026, 11, 16), category="Repairs", description="Dripping kitchen tap",
        resident_name="Ada Brown", ctx=ALICE)
    # five working days after Mon 16/11
    assert (logged.reference, logged.target_days, logged.due_on) == ("SR2026-0001", 5, date(2026, 11, 23))
    [panel] = _other(db, "service_request")
    assert (panel.row.reference, panel.state.value) == ("SR2026-0001", "due today")
    _refused(db, lambda: service_requests.complete_service_request(db, "SR2026-0001", done_on=MON, outcome="", ctx=ALICE), "outcome")
    service_requests.complete_service_request(db, "SR2026-0001", done_on=MON, outcome="Washer replaced", ctx=ALICE)
    assert _other(db, "service_request") == []
    with db.read() as s:
        counts = service_request_counts(s, MON)
    assert (counts.open, counts.done, counts.done_late) == (0, 1, 0)


def test_a_service_request_turned_complaint_keeps_both_open(db):
    sr = service_requests.log_service_request(
        db, received_on=date(2026, 11, 2), category="Repairs", description="Broken boiler", resident_name="Ada Brown",
        ctx=ALICE).reference
    logged = service_requests.raise_complaint(
        db, sr, received_on=date(2026, 11, 20), channel="phone", resident_words="Three weeks without heating", ctx=ALICE)
    with db.read() as s:
        request = s.exec(select(ServiceRequest)).one()
        complaint = s.exec(select(Complaint).where(Complaint.reference == logged.reference)).one()
        assert request.done_on is None and complaint.status == "open"
        assert request.complaint_id == complaint.id and request.resident_id == complaint.resident_id
        assert [r.reference for r in around_complaint(s, complaint).service_requests] == [sr]
        assert service_request_counts(s, MON).raised_complaints == 1
    assert [o.row.complaint_reference for o in _other(db, "service_request")] == [logged.reference]
    _refused(db, lambda: service_requests.raise_complaint(db, sr, received_on=MON, channel="phone", resident_words="again", ctx=ALICE), None)


# --- remedies and actions -----------------------------------------------------------------------------


def test_a_financial_remedy_needs_its_amount_and_parts_that_add_up(db):
    ref = _log(db)
    _refused(db, lambda: remedies.offer_remedy(db, ref, kind="financial", description="Compensation", offered_on=MON,
                                               due_on=date(2026, 12, 7), amount="", ctx=ALICE), "amount")
    _refused(db, lambda: remedies.offer_remedy(db, ref, kind="financial", description="Compensation", offered_on=MON,
                                               due_on=date(2026, 12, 7), amount="250",
                                               parts="Time and trouble: 150\nDelay: 50", ctx=ALICE), "parts")
    _refused(db, lambda: remedies.offer_remedy(db, ref, kind="apology", description="Written apology", offered_on=MON,
                                               due_on=None, ctx=ALICE), "due_on")
    remedy = remedies.offer_remedy(db, ref, kind="financial", description="Compensation", offered_on=MON,
                                   due_on=date(2026, 12, 7), amount="£250.00",
                                   parts="Time and trouble: 150\nDelay in repairs: 100", ctx=ALICE)
    [panel] = _other(db, "remedy")
    assert (panel.row.due_on, panel.days_left) == (date(2026, 12, 7), 10)
    remedies.record_remedy_outcome(db, remedy, outcome="accepted", on=MON, ctx=ALICE)
    remedies.record_remedy_outcome(db, remedy, outcome="done", on=MON, ctx=ALICE)
    _refused(db, lambda: remedies.record_remedy_outcome(db, remedy, outcome="declined", on=MON, ctx=ALICE), None)
    assert _other(db, "remedy") == []
    with db.read() as s:
        [row] = around_complaint(s, s.exec(select(Complaint)).one()).remedies
    assert (row.amount_pence, row.accepted_on, row.done_on) == (25000, MON, MON)
    assert remedies.parse_parts(row.parts_json and "a: 1") == [{"label": "a", "pence": 100}]


def test_an_action_is_tracked_after_the_stage_closes(db):
    ref = _log(db)
    action = remedies.add_action(db, ref, description="Replace the ceiling", owner="Repairs team",
                                 due_on=date(2026, 12, 4), ctx=ALICE)
    with db.write() as s:  # the complaint closes; the action goes on
        s.exec(select(Complaint)).one().status = "closed"
    remedies.update_action(db, action, update="Contractor booked", due_on=date(2026, 12, 11), ctx=ALICE)
    [panel] = _other(db, "action")
    assert panel.row.due_on == date(2026, 12, 11)
    _refused(db, lambda: remedies.update_action(db, action, update="", done_on=MON, ctx=ALICE), "update")
    remedies.update_action(db, action, update="Ceiling replaced", done_on=MON, ctx=ALICE)
    assert _other(db, "action") == []


# --- Ombudsman cases -----------------------------------------------------------------------------------


def test_an_ombudsman_case_with_findings_per_issue_orders_and_a_chfo(db):
    ref = _log(db, received=date(2026, 1, 5))
    case = ombudsman.open_case(db, ref, ombudsman_reference="202601234", opened_on=date(2026, 10, 1), ctx=ALICE)
    _refused(db, lambda: ombudsman.open_case(db, ref, ombudsman_reference="202601234", opened_on=MON, ctx=ALICE), "ombudsman_reference")
    request = ombudsman.add_request(db, case, received_on=date(2026, 10, 1), description="The complaint file",
                                    due_on=date(2026, 10, 15), ctx=ALICE)
    ombudsman.meet_request(db, request, met_on=date(2026, 10, 14), ctx=ALICE)
    repairs = ombudsman.record_finding(db, case, issue="Repairs to the roof", determination="maladministration",
                                       determined_on=date(2026, 11, 2), ctx=ALICE)
    ombudsman.record_finding(db, case, issue="Complaint handling", determination="service_failure",
                             determined_on=date(2026, 11, 2), ctx=ALICE)
    _refused(db, lambda: ombudsman.record_finding(db, case, issue="Noise", determination="guilty",
                                                  determined_on=date(2026, 11, 2), ctx=ALICE), "determination")
    order = ombudsman.add_order(db, case, kind="order", description="Pay £400", due_on=date(2026, 11, 30),
                                finding_id=repairs, ctx=ALICE)
    [panel] = _other(db, "ombudsman_order")
    assert (panel.row.reference, panel.row.due_on, panel.days_left) == (ref, date(2026, 11, 30), 5)
    _refused(db, lambda: ombudsman.close_case(db, case, closed_on=MON, ctx=ALICE), None)
    _refused(db, lambda: ombudsman.comply_order(db, order, complied_on=MON, evidence="", ctx=ALICE), "evidence")
    ombudsman.comply_order(db, order, complied_on=MON, evidence="Payment reference BACS 4471", ctx=ALICE)
    assert _other(db, "ombudsman_order") == []
    ombudsman.record_chfo(db, case, issued_on=date(2026, 11, 2), reason="No stage 2 response", ctx=ALICE)
    ombudsman.close_case(db, case, closed_on=MON, ctx=ALICE)
    with db.read() as s:
        [view] = around_complaint(s, s.exec(select(Complaint)).one()).cases
    assert [(f.issue, ombudsman.Determination(f.determination).label) for f in view.findings] == [
        ("Repairs to the roof", "maladministration"), ("Complaint handling", "service failure")]
    assert (view.case.chfo_on, view.case.closed_on, view.orders[0].evidence) == (date(2026, 11, 2), MON, "Payment reference BACS 4471")


# --- learning and new issues ------------------------------------------------------------------------


def test_a_lesson_is_linked_to_the_complaints_that_taught_it(db):
    first, second = _log(db), _log(db, "Ben Carter")
    _refused(db, lambda: learning.record_lesson(db, theme="Repairs: delay", lesson="Follow up", improvement="",
                                                recorded_on=MON, due_on=None, complaints=["C2026-9999"], ctx=ALICE), "complaints")
    _refused(db, lambda: learning.record_lesson(db, theme="Repairs: delay", lesson="Follow up", improvement="Weekly call",
                                                recorded_on=MON, due_on=None, complaints=[first], ctx=ALICE), "due_on")
    lesson = learning.record_lesson(
        db, theme="Repairs: delay", lesson="Jobs waited for parts with nobody telling the resident",
        improvement="Weekly call while a job waits for parts", recorded_on=MON, due_on=date(2027, 1, 29),
        complaints=learning.split_references(f"{first.lower()}, {second}"), ctx=ALICE)
    learning.set_theme(db, first, theme="Repairs: delay", root_cause="Parts supply", ctx=ALICE)
    [panel] = _other(db, "improvement")
    assert (panel.row.reference, panel.row.due_on) == (f"L{lesson}", date(2027, 1, 29))
    learning.complete_improvement(db, lesson, done_on=MON, ctx=ALICE)
    assert _other(db, "improvement") == []
    with db.read() as s:
        complaint = s.exec(select(Complaint).where(Complaint.reference == first)).one()
        [view] = around_complaint(s, complaint).lessons
    assert (complaint.theme, complaint.root_cause, view.complaints) == ("Repairs: delay", "Parts supply", sorted([first, second]))


def test_a_related_new_issue_joins_the_stage_one_definition(db):
    ref = _log(db)
    _refused(db, lambda: new_issues.raise_new_issue(db, ref, issue="Also the gutter", raised_on=MON, related=True, ctx=ALICE), "issue")
    usecases.define(db, ref, understanding="The leak", outcomes_sought="Fix it", responsible_aspects="Roof repairs",
                    defined_on=date(2026, 11, 3), ctx=ALICE)
    handled = new_issues.raise_new_issue(db, ref, issue="The gutter also overflows", raised_on=MON, related=True, ctx=ALICE)
    assert handled.added_to_definition and handled.reference == ref
    with db.read() as s:
        latest = s.exec(select(Definition).order_by(Definition.id.desc())).first()
        assert latest.understanding.endswith("(Code 6.8): The gutter also overflows")
        assert s.exec(select(Complaint)).all().__len__() == 1


@pytest.mark.parametrize("related, would_delay", [(False, False), (True, True)])
def test_an_unrelated_or_delaying_new_issue_is_a_new_linked_complaint(db, related, would_delay):
    ref = _log(db)
    handled = new_issues.raise_new_issue(db, ref, issue="Noise from next door", raised_on=MON, related=related,
                                         would_delay=would_delay, ctx=ALICE)
    assert not handled.added_to_definition and handled.reference != ref
    with db.read() as s:
        first = s.exec(select(Complaint).where(Complaint.reference == ref)).one()
        new = s.exec(select(Complaint).where(Complaint.reference == handled.reference)).one()
        assert (new.related_to_id, new.resident_id, new.received_on) == (first.id, first.resident_id, MON)
        assert around_complaint(s, first).raised_here == [handled.reference]
        assert around_complaint(s, new).related_to == ref


def test_a_new_issue_after_the_stage_one_response_is_a_new_complaint():
    assert new_issues.how_to_handle(stage_one_answered=True, related=True, would_delay=False)[0] is False
    assert new_issues.how_to_handle(stage_one_answered=False, related=True, would_delay=False)[0] is True


def test_the_residents_adjustments_reach_every_letter_of_theirs(db):
    from chc_tui.documents import letters
    from letter_helpers import ready_to_sign

    ready_to_sign(db)

    ref = _log(db)
    residents.agree_adjustment(db, _resident_id(db, ref), description="Large print letters", agreed_on=MON,
                               review_on=date(2027, 5, 24), ctx=ALICE)
    usecases.note_adjustments(db, ref, adjustments="Call after 2pm", ctx=ALICE)
    usecases.define(db, ref, understanding="The leak", outcomes_sought="Fix it", responsible_aspects="Roof repairs",
                    defined_on=MON, ctx=ALICE)
    with pytest.raises(letters.LetterDrafted) as drafted:
        usecases.acknowledge(db, ref, acknowledged_on=MON, letter=letters.DRAFT, ctx=ALICE)
    assert drafted.value.draft.adjustments == "Call after 2pm; Large print letters"


def test_the_evidence_pack_carries_the_records_around_the_complaint(db):
    from chc_tui.documents.evidence_pack import build_pack, to_text
    from chc_tui.steps.landlord import LandlordSettings
    from store.queries import complaint_detail

    ref = _log(db, received=date(2026, 1, 5))
    rid = _resident_id(db, ref)
    residents.impose_restriction(db, rid, restriction="Email only", reasons="Abusive calls", equality_act_consideration=EQUALITY, decided_by="Sam Lee",
                                 decided_on=MON, review_on=date(2027, 2, 22), ctx=ALICE)
    remedies.offer_remedy(db, ref, kind="financial", description="Compensation", offered_on=MON,
                          due_on=date(2026, 12, 7), amount="250", ctx=ALICE)
    case = ombudsman.open_case(db, ref, ombudsman_reference="202601234", opened_on=date(2026, 10, 1), ctx=ALICE)
    ombudsman.record_finding(db, case, issue="Repairs", determination="severe_maladministration",
                             determined_on=MON, ctx=ALICE)
    with db.read() as s:
        text = to_text(build_pack(complaint_detail(s, ref), LandlordSettings(), MON))
    for expected in ("restriction (5.14)", "Email only. Reasons: Abusive calls", "Compensation £250.00",
                     "housing ombudsman case 202601234", "Repairs: severe maladministration"):
        assert expected.lower() in text.lower()  # headings are in capitals in the text form


@pytest.mark.parametrize("bad", ["0", "ten", "-3", "251"])
def test_the_service_request_target_must_be_a_whole_number_of_working_days(db, bad):
    with pytest.raises(StepRefused) as refused:
        update_landlord_settings(db, service_request_target_days=bad, ctx=ALICE)
    assert refused.value.for_field("service_request_target_days")
    with db.read() as s:
        assert service_requests.target_days(s) == 10  # unchanged: the default
