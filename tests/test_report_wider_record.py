"""The annual report's "around" and "learning" sections and the self-assessment evidence
from the records around the complaints (1.4, 1.5, 3.6, 5.10, 5.14, 7.3, 9.1), on one small
record set built by hand through the use-cases, asserted exactly, with 31 March / 1 April
on both sides of the 2024/25 financial year."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from chc_tui.steps import learning, ombudsman, remedies, residents, service_requests, usecases
from chc_tui.steps.assessment import answer_provision
from chc_tui.figures.assessment_evidence import MEASURED, load_checklist, measure
from chc_tui.rules.context import StepContext
from chc_tui.steps.landlord import update_landlord_settings
from chc_tui.figures.report import to_json
from report_helpers import report_for
from store.models import Complaint

EQUALITY = "Equality Act 2010 considered: proportionate"  # 5.15

D = date
TODAY = D(2025, 5, 1)  # 2024/25 (1 April 2024 to 31 March 2025), a month after it ended
ALICE = StepContext(actor="alice", today=TODAY)
YEAR_END, NEXT_YEAR = D(2025, 3, 31), D(2025, 4, 1)


def at(day: date) -> StepContext:
    """Alice on an earlier day: a new action cannot already be overdue when it is added."""
    return StepContext(actor="alice", today=day)


def log(db, received: date, name: str) -> str:
    return usecases.log_complaint(db, received_on=received, channel="phone", resident_name=name, category="Repairs",
                                  resident_words="Something went wrong.", ctx=ALICE).reference


def resident_of(db, reference: str) -> int:
    with db.read() as s:
        return s.exec(select(Complaint.resident_id).where(Complaint.reference == reference)).one()


def request(db, received: date, name: str) -> str:
    return service_requests.log_service_request(db, received_on=received, category="Repairs",
                                                description="Fix the tap", resident_name=name, ctx=ALICE).reference


def done(db, sr: str, on: date) -> None:
    service_requests.complete_service_request(db, sr, done_on=on, outcome="Fixed", ctx=ALICE)


def raise_from(db, sr: str, on: date) -> str:
    return service_requests.raise_complaint(db, sr, received_on=on, channel="phone", resident_words="Still broken",
                                            ctx=ALICE).reference


def offer(db, ref: str, kind: str, offered: date, due: date, amount: str = "") -> int:
    return remedies.offer_remedy(db, ref, kind=kind, description=f"A {kind}", offered_on=offered, due_on=due,
                                 amount=amount, ctx=ALICE)


def outcome(db, remedy: int, what: str, on: date) -> None:
    remedies.record_remedy_outcome(db, remedy, outcome=what, on=on, ctx=ALICE)


@pytest.fixture
def book(db):
    """2024/25, the landlord's service request target 5 working days:

    Complaints: P received 28/03/2024 (the year before); A 03/06/2024 (theme "Repairs: delay");
    B 31/03/2025 (no theme); C 01/04/2025 (the year after); and from service requests
    D 31/03/2025 (no theme), E 03/02/2025 ("Communication"), F 02/04/2024 ("Repairs: delay").
    Service requests: SR1 03/06/2024 due 10/06, done 10/06 (on the target day); SR2 24/03/2025
    due 31/03, done 01/04/2025 (late); SR3 31/03/2025 not done, D raised from it the same day;
    SR4 01/04/2025 (the year after); SR5 15/01/2025 due 22/01, done 20/01, E raised from it
    after; SR6 10/03/2024 (the year before), F raised from it 02/04/2024, done 05/04/2024.
    """
    update_landlord_settings(db, service_request_target_days="5", ctx=ALICE)
    refs = {"P": log(db, D(2024, 3, 28), "Pat"), "A": log(db, D(2024, 6, 3), "Ada"),
            "B": log(db, YEAR_END, "Ben"), "C": log(db, NEXT_YEAR, "Cat")}
    sr = {n: request(db, day, f"Requester {n}") for n, day in (
        ("SR1", D(2024, 6, 3)), ("SR2", D(2025, 3, 24)), ("SR3", YEAR_END), ("SR4", NEXT_YEAR),
        ("SR5", D(2025, 1, 15)), ("SR6", D(2024, 3, 10)))}
    done(db, sr["SR1"], D(2024, 6, 10))
    done(db, sr["SR2"], NEXT_YEAR)
    refs["D"] = raise_from(db, sr["SR3"], YEAR_END)
    done(db, sr["SR5"], D(2025, 1, 20))
    refs["E"] = raise_from(db, sr["SR5"], D(2025, 2, 3))
    refs["F"] = raise_from(db, sr["SR6"], D(2024, 4, 2))
    done(db, sr["SR6"], D(2024, 4, 5))
    for key, theme in (("A", "Repairs: delay"), ("F", "Repairs: delay"), ("E", "Communication")):
        learning.set_theme(db, refs[key], theme=theme, root_cause="", ctx=ALICE)
    refs["sr"] = sr

    # remedies
    r1 = offer(db, refs["A"], "financial", D(2024, 6, 10), D(2024, 6, 24), "250")
    outcome(db, r1, "done", D(2024, 6, 20))  # on time
    r2 = offer(db, refs["A"], "apology", D(2024, 6, 10), D(2024, 6, 17))
    outcome(db, r2, "done", D(2024, 6, 18))  # a day late
    offer(db, refs["F"], "financial", YEAR_END, D(2025, 4, 14), "£100.50")  # outstanding, due next year
    offer(db, refs["P"], "action", D(2024, 3, 29), D(2024, 4, 30))  # offered the year before, never done
    r5 = offer(db, refs["B"], "explanation", YEAR_END, YEAR_END)
    outcome(db, r5, "declined", NEXT_YEAR)  # still outstanding at the year end
    offer(db, refs["A"], "apology", NEXT_YEAR, D(2025, 4, 30))  # the year after
    r7 = offer(db, refs["P"], "apology", D(2024, 3, 30), D(2024, 3, 31))
    outcome(db, r7, "done", D(2024, 4, 1))  # done in the year, late

    # outstanding actions
    x1 = remedies.add_action(db, refs["A"], description="Fix the roof", owner="Repairs", due_on=D(2024, 6, 30),
                             ctx=at(D(2024, 6, 10)))
    remedies.update_action(db, x1, update="Roof fixed", done_on=D(2024, 6, 28), ctx=ALICE)
    remedies.add_action(db, refs["A"], description="Check the gutter", owner="Repairs", due_on=YEAR_END,
                        ctx=at(D(2024, 6, 10)))  # due on the last day: not yet overdue then
    x3 = remedies.add_action(db, refs["F"], description="Replace the boiler", owner="Gas team", due_on=D(2025, 3, 15),
                             ctx=at(D(2024, 4, 2)))
    remedies.update_action(db, x3, update="Boiler replaced", done_on=NEXT_YEAR, ctx=ALICE)  # overdue at the year end
    remedies.add_action(db, refs["B"], description="Call back", owner="Housing", due_on=NEXT_YEAR, ctx=at(YEAR_END))

    # the Ombudsman
    k1 = ombudsman.open_case(db, refs["P"], ombudsman_reference="202400001", opened_on=D(2024, 4, 1), ctx=ALICE)
    repairs = ombudsman.record_finding(db, k1, issue="Repairs", determination="maladministration",
                                       determined_on=YEAR_END, ctx=ALICE)
    ombudsman.record_finding(db, k1, issue="Complaint handling", determination="service_failure",
                             determined_on=YEAR_END, ctx=ALICE)
    ombudsman.record_finding(db, k1, issue="Noise", determination="outside_jurisdiction",
                             determined_on=D(2024, 10, 10), ctx=ALICE)
    ombudsman.record_finding(db, k1, issue="Heating", determination="no_maladministration",
                             determined_on=D(2024, 10, 10), ctx=ALICE)
    o1 = ombudsman.add_order(db, k1, kind="order", description="Pay £400", due_on=D(2024, 4, 30), finding_id=repairs,
                             ctx=ALICE)
    ombudsman.comply_order(db, o1, complied_on=D(2024, 4, 29), evidence="BACS 1", ctx=ALICE)
    o2 = ombudsman.add_order(db, k1, kind="recommendation", description="Review the policy", due_on=YEAR_END, ctx=ALICE)
    ombudsman.comply_order(db, o2, complied_on=D(2025, 4, 2), evidence="Policy v2", ctx=ALICE)
    ombudsman.record_chfo(db, k1, issued_on=D(2024, 5, 15), reason="No stage 2 response", ctx=ALICE)
    k2 = ombudsman.open_case(db, refs["F"], ombudsman_reference="202500002", opened_on=NEXT_YEAR, ctx=ALICE)
    damp = ombudsman.record_finding(db, k2, issue="Damp", determination="severe_maladministration",
                                    determined_on=NEXT_YEAR, ctx=ALICE)
    ombudsman.add_order(db, k2, kind="order", description="Treat the damp", due_on=D(2025, 4, 20), finding_id=damp,
                        ctx=ALICE)

    # lessons
    refs["L1"] = learning.record_lesson(db, theme="Repairs: delay", lesson="Jobs wait for parts",
                                        improvement="Weekly call", recorded_on=YEAR_END, due_on=D(2025, 4, 30),
                                        complaints=[refs["A"], refs["F"]], ctx=ALICE)
    refs["L2"] = learning.record_lesson(db, theme="Communication", lesson="Nobody rang back", improvement="",
                                        recorded_on=D(2024, 4, 1), due_on=None, complaints=[refs["E"]], ctx=ALICE)
    learning.record_lesson(db, theme="Repairs", lesson="Next year's lesson", improvement="", recorded_on=NEXT_YEAR,
                           due_on=None, complaints=[refs["A"]], ctx=ALICE)
    refs["L4"] = learning.record_lesson(db, theme="Letters", lesson="Letters were unclear", improvement="Letters checked",
                                        recorded_on=D(2024, 3, 10), due_on=D(2024, 3, 31), complaints=[refs["P"]],
                                        ctx=ALICE)
    learning.complete_improvement(db, refs["L4"], done_on=D(2024, 4, 1), ctx=ALICE)

    # a resident's records
    rid = {k: resident_of(db, refs[k]) for k in "ABEFP"}
    ad1 = residents.agree_adjustment(db, rid["A"], description="Large print", agreed_on=D(2024, 6, 3),
                                     review_on=D(2025, 3, 30), ctx=ALICE)  # overdue on 31/03/2025
    residents.agree_adjustment(db, rid["B"], description="Calls only", agreed_on=D(2024, 5, 1), review_on=YEAR_END,
                               ctx=ALICE)  # due on the last day: not overdue
    ad3 = residents.agree_adjustment(db, rid["F"], description="Easy read", agreed_on=D(2024, 4, 1),
                                     review_on=D(2024, 10, 1), ctx=ALICE)
    residents.review_adjustment(db, ad3, reviewed_on=D(2025, 4, 2), next_review_on=D(2025, 10, 1), ctx=ALICE)
    residents.agree_adjustment(db, rid["P"], description="Interpreter", agreed_on=NEXT_YEAR, review_on=D(2025, 10, 1),
                               ctx=ALICE)
    ad5 = residents.agree_adjustment(db, rid["E"], description="Email only", agreed_on=D(2024, 6, 1),
                                     review_on=D(2024, 12, 1), ctx=ALICE)
    residents.review_adjustment(db, ad5, reviewed_on=YEAR_END, end=True, ctx=ALICE)  # ended on the last day
    residents.record_vulnerability(db, rid["A"], description="Partially sighted", disclosed_on=D(2024, 6, 3), ctx=ALICE)
    residents.record_vulnerability(db, rid["B"], description="Hard of hearing", disclosed_on=D(2020, 1, 1), ctx=ALICE)
    residents.record_vulnerability(db, rid["P"], description="Anxiety", disclosed_on=NEXT_YEAR, ctx=ALICE)
    rep1 = residents.add_representative(db, rid["A"], name="Sam", relationship="son", ctx=ALICE)
    residents.confirm_representative(db, rep1, authority_confirmed_on=D(2024, 6, 5), ctx=ALICE)
    residents.add_representative(db, rid["B"], name="Kim", relationship="friend", ctx=ALICE)
    rep3 = residents.add_representative(db, rid["E"], name="Lee", relationship="advocate", ctx=ALICE)
    residents.confirm_representative(db, rep3, authority_confirmed_on=NEXT_YEAR, ctx=ALICE)
    rep4 = residents.add_representative(db, rid["P"], name="Max", relationship="daughter", ctx=ALICE)
    residents.end_representative(db, rep4, ended_on=D(2024, 3, 31), ctx=ALICE)  # ended before the year
    residents.impose_restriction(db, rid["A"], restriction="Email only", reasons="Abusive calls", equality_act_consideration=EQUALITY, decided_by="Head",
                                 decided_on=D(2024, 6, 1), review_on=D(2025, 3, 1), confirmed=True, ctx=ALICE)  # overdue
    rs2 = residents.impose_restriction(db, rid["B"], restriction="One call a week", reasons="Many calls",
                                       equality_act_consideration=EQUALITY, decided_by="Head", decided_on=D(2024, 5, 1), review_on=D(2024, 9, 1), confirmed=True, ctx=ALICE)
    residents.review_restriction(db, rs2, reviewed_on=D(2024, 8, 1), lift=True, ctx=ALICE)
    residents.impose_restriction(db, rid["P"], restriction="Named officer", reasons="Threats", equality_act_consideration=EQUALITY, decided_by="Head",
                                 decided_on=D(2024, 2, 1), review_on=YEAR_END, confirmed=True, ctx=ALICE)
    residents.impose_restriction(db, rid["F"], restriction="Email only", reasons="Abuse", equality_act_consideration=EQUALITY, decided_by="Head",
                                 decided_on=NEXT_YEAR, review_on=D(2025, 10, 1), confirmed=True, ctx=ALICE)
    refs["ad1"] = ad1
    return refs


def values(report, prefix: str) -> dict[str, object]:
    return {f.key.removeprefix(prefix): f.value for f in report.figures() if f.key.startswith(prefix)}


# --- the annual report --------------------------------------------------------------------------


def test_remedies_in_the_report(db, book):
    r = report_for(db, 2024, TODAY)
    assert values(r, "around.remedies.") == {
        "offered.total": 4,
        "offered.by_kind.apology": 1, "offered.by_kind.acknowledgement": 0, "offered.by_kind.explanation": 1,
        "offered.by_kind.action": 0, "offered.by_kind.changed_decision": 0, "offered.by_kind.corrected_record": 0,
        "offered.by_kind.financial": 2, "offered.by_kind.changed_policy": 0,
        "financial.count": 2, "financial.total": 350.5,
        "done.total": 3, "done.late": 2,
        "outstanding.total": 3, "outstanding.overdue": 1,
    }
    assert r.figure("around.remedies.financial.total").text == "£350.50"
    assert r.figure("around.remedies.offered.by_kind.financial").label == "Offered: financial remedy"
    assert r.figure("around.remedies.offered.by_kind.financial").text == "2 (50%)"
    assert [ref for ref, _ in r.figure("around.remedies.outstanding.overdue").items] == [book["P"]]
    assert sorted(ref for ref, _ in r.figure("around.remedies.done.late").items) == sorted([book["A"], book["P"]])
    assert "No remedies recorded in 2024/25." not in r.section("around").notes


def test_actions_in_the_report(db, book):
    r = report_for(db, 2024, TODAY)
    assert values(r, "around.actions.") == {"due": 3, "done.total": 1, "done.late": 0, "overdue": 1}
    assert [ref for ref, _ in r.figure("around.actions.overdue").items] == [book["F"]]


def test_service_requests_in_the_report(db, book):
    r = report_for(db, 2024, TODAY)
    sr = book["sr"]
    assert values(r, "around.service_requests.") == {
        "received": 4, "done_within_target": 2, "done_late": 1, "not_done": 1, "complaints_raised": 3}
    assert [ref for ref, _ in r.figure("around.service_requests.received").items] == [
        sr["SR1"], sr["SR5"], sr["SR2"], sr["SR3"]]
    assert [ref for ref, _ in r.figure("around.service_requests.done_within_target").items] == [sr["SR1"], sr["SR5"]]
    assert not r.figure("around.service_requests.received").items_are_complaints
    assert sorted(ref for ref, _ in r.figure("around.service_requests.complaints_raised").items) == sorted(
        [book["D"], book["E"], book["F"]])


def test_the_ombudsman_in_the_report(db, book):
    r = report_for(db, 2024, TODAY)
    v = values(r, "around.ombudsman.")
    assert v.pop("maladministration_rate_pct") == pytest.approx(200 / 3)
    assert v == {
        "cases_opened": 1, "findings.total": 4,
        "findings.by_determination.severe_maladministration": 0, "findings.by_determination.maladministration": 1,
        "findings.by_determination.service_failure": 1, "findings.by_determination.no_maladministration": 1,
        "findings.by_determination.redress": 0, "findings.by_determination.mediation": 0,
        "findings.by_determination.outside_jurisdiction": 1, "findings.by_determination.withdrawn": 0,
        "findings.fault": 2,
        # orders and recommendations apart (issue 18): the order on time, the recommendation late
        "orders.due": 1, "orders.complied_on_time": 1, "orders.complied_late": 0, "orders.not_complied": 0,
        "orders.carried_forward": 0, "orders.carried_forward_complied": 0, "orders.not_linked": 0,
        "orders.severe_maladministration.total": 0, "orders.severe_maladministration.complied_on_time": 0,
        "orders.severe_maladministration.complied_late": 0, "orders.severe_maladministration.open_overdue": 0,
        "orders.severe_maladministration.open_not_yet_due": 0,
        "recommendations.due": 1, "recommendations.complied_on_time": 0, "recommendations.complied_late": 1,
        "recommendations.not_complied": 0, "recommendations.carried_forward": 0,
        "recommendations.carried_forward_complied": 0, "chfo": 1,
    }
    assert r.figure("around.ombudsman.maladministration_rate_pct").text == "67%"
    assert r.figure("around.ombudsman.findings.fault").of == 3
    assert r.figure("around.ombudsman.findings.by_determination.redress").label == "Finding: reasonable redress"
    nxt = report_for(db, 2025, D(2025, 5, 1))
    assert (nxt.value("around.ombudsman.cases_opened"), nxt.value("around.ombudsman.findings.fault"),
            nxt.value("around.ombudsman.maladministration_rate_pct"), nxt.value("around.ombudsman.orders.not_complied")) \
        == (1, 1, 100.0, 1)
    # the order on severe maladministration, due 20/04/2025 and open on 01/05/2025 (Code 9.7(c))
    assert nxt.value("around.ombudsman.orders.severe_maladministration.open_overdue") == 1


def test_learning_in_the_report(db, book):
    r = report_for(db, 2024, TODAY)
    assert values(r, "learning.") == {
        "complaints_received": 5,
        "by_theme.Repairs: delay": 2, "by_theme.Communication": 1, "by_theme.(none)": 2,
        "lessons.total": 2, "lessons.by_theme.Communication": 1, "lessons.by_theme.Repairs: delay": 1,
        "lessons.complaints_linked": 3,
        "improvements.in_place": 1, "improvements.overdue": 0,
    }
    assert r.figure("learning.by_theme.(none)").label == "Theme: no theme recorded"
    assert sorted(ref for ref, _ in r.figure("learning.by_theme.(none)").items) == sorted([book["B"], book["D"]])
    assert sorted(ref for ref, _ in r.figure("learning.lessons.complaints_linked").items) == sorted(
        [book["A"], book["E"], book["F"]])
    assert [ref for ref, _ in r.figure("learning.improvements.in_place").items] == [f"L{book['L4']}"]
    # a month into 2025/26 the weekly call (due 30/04/2025) is past its date
    assert report_for(db, 2025, D(2025, 5, 1)).value("learning.improvements.overdue") == 1


def test_the_sections_are_in_the_json(db, book):
    out = to_json(report_for(db, 2024, TODAY))
    assert out["around"]["remedies"]["financial"]["total"] == 350.5
    assert out["around"]["service_requests"]["done_within_target_pct"] == 50.0
    assert out["learning"]["lessons"]["total"] == 2
    assert out["trace"]["around.actions.overdue"] == [book["F"]]


def test_an_empty_year_shows_zeros_and_says_so(db):
    r = report_for(db, 2024, TODAY)
    assert r.section("around").notes == (
        "No remedies recorded in 2024/25.", "No outstanding actions recorded in 2024/25.",
        "No service requests recorded in 2024/25.", "No Ombudsman cases, findings or orders recorded in 2024/25.")
    assert r.section("learning").notes == ("No lessons recorded in 2024/25.", "No complaints received in 2024/25.")
    assert r.value("around.remedies.offered.total") == 0 and r.value("around.remedies.financial.total") == 0.0
    assert r.value("around.ombudsman.maladministration_rate_pct") is None
    assert r.figure("around.ombudsman.maladministration_rate_pct").text == "n/a"


# --- the self-assessment evidence ------------------------------------------------------------------


def test_1_4_and_1_5_service_requests(db, book):
    f = measure(db, 2024, today=TODAY)
    sr = book["sr"]
    assert (f["1.4"].numerator, f["1.4"].denominator, f["1.4"].parts) == (
        2, 4, (("within target", 2), ("late", 1), ("not done", 1)))
    assert f["1.4"].text == (
        "2024/25: 4 service requests recorded in the year, separately from complaints; 2 done within the landlord's "
        f"target (50%), 1 done after it, 1 not yet done ({sr['SR3']})."
    )
    assert f["1.4"].short == "50% 2/4" and not f["1.4"].shortfall
    d, e, ff = book["D"], book["E"], book["F"]
    assert (f["1.5"].numerator, f["1.5"].denominator) == (2, 3)
    assert f["1.5"].text == (
        "2024/25: 3 complaints received in the year were raised from a service request; for 2 of them the request "
        f"was still being worked on when the complaint was raised (67%): {', '.join(sorted([d, ff]))}, of which 1 was "
        "done after the complaint, evidence that work on the request carried on; 1 raised after the request was done."
    )
    assert e not in f["1.5"].text


def test_3_6_representatives(db, book):
    f = measure(db, 2024, today=TODAY)["3.6"]
    assert (f.numerator, f.denominator) == (1, 3)
    assert f.text == (
        "2024/25: 3 representatives recorded as acting for residents (not ended before the year began); authority "
        f"to act confirmed by 31/03/2025 for 1 (33%); not confirmed: {', '.join(sorted([book['B'], book['E']]))}."
    )
    assert not f.shortfall


def test_5_10_adjustments_and_vulnerabilities(db, book):
    f = measure(db, 2024, today=TODAY)["5.10"]
    assert (f.numerator, f.denominator, f.cases) == (2, 3, (book["A"],))
    assert f.parts == (("in place", 3), ("review overdue", 1), ("vulnerabilities", 2), ("disclosed in the year", 1))
    assert f.text == (
        f"2024/25: 3 reasonable adjustments in place on 31/03/2025; 2 within their review date (67%), 1 past its "
        f"review date ({book['A']}), 1 reviewed since (not judged); 2 disclosed vulnerabilities or disabilities on "
        "record, 1 disclosed in the year."
    )
    assert f.shortfall == f"1 reasonable adjustment past its review date on 31/03/2025 ({book['A']})"
    # judged on today while the year runs: on 30/03/2025 the large print review is due that day, not
    # overdue, and the email-only adjustment (ended 31/03) is still in place, its review recorded since
    running = measure(db, 2024, today=D(2025, 3, 30))["5.10"]
    assert (running.numerator, running.denominator, running.shortfall) == (4, 4, "")


def test_5_14_restrictions_and_the_contradiction(db, book):
    f = measure(db, 2024, today=TODAY)["5.14"]
    assert (f.numerator, f.denominator, f.cases) == (2, 3, (book["A"],))
    assert f.text == (
        "2024/25: 3 restrictions on contact in force in the year, each with its reasons, decision-maker and review "
        f"date recorded; 2 kept under review (67%); 1 past its review date on 31/03/2025 ({book['A']})."
    )
    answer_provision(db, year=2024, provision="5.14", comply="yes", evidence="Policy", commentary="", ctx=ALICE)
    answer_provision(db, year=2024, provision="7.3", comply="no", evidence="", commentary="Late", ctx=ALICE)
    rows = {r.number: r for r in load_checklist(db, 2024, today=TODAY)}
    assert rows["5.14"].contradicts
    assert rows["5.14"].reason == (
        f"Answered Yes, but the records show 1 restriction on contact past its review date on 31/03/2025 "
        f"({book['A']}) (Code 5.14)."
    )
    assert not rows["7.3"].contradicts  # answered No
    assert [r.number for r in rows.values() if r.contradicts] == ["5.14"]


def test_7_3_remedies_due_in_the_year(db, book):
    f = measure(db, 2024, today=TODAY)["7.3"]
    assert (f.numerator, f.denominator) == (1, 3)
    assert f.parts == (("done on time", 1), ("done late", 1), ("not done", 1))
    assert f.text == (
        f"2024/25: of 3 remedies due in the year, 1 done by their due date (33%), 1 done late ({book['A']}), "
        f"1 still not done ({book['P']}). Not counted: 1 declined by the resident."
    )
    assert f.shortfall == (f"1 done late and 1 still not done of 3 remedies due in the year "
                           f"({', '.join(sorted([book['A'], book['P']]))})")


def test_9_1_lessons(db, book):
    f = measure(db, 2024, today=TODAY)["9.1"]
    assert (f.numerator, f.denominator) == (1, 2)
    taught = ", ".join(sorted([book["A"], book["E"], book["F"]]))
    assert f.text == (
        f"2024/25: 2 lessons recorded in the year, learned from 3 complaints ({taught}); 1 led to a service "
        "improvement (50%), 0 in place by 31/03/2025."
    )


def test_no_around_figures_without_the_records(db):
    """A landlord who records none of these gets no figure, not a misleading "none"."""
    log(db, D(2024, 6, 3), "Ada")
    assert set(measure(db, 2024, today=TODAY)) == set(MEASURED)


def test_a_year_without_any_but_with_records_in_another(db, book):
    f = measure(db, 2023, today=TODAY)
    assert f["1.4"].text == "2023/24: 1 service request recorded in the year, separately from complaints; 0 done " \
                            f"within the landlord's target (0%), 1 done after it, 0 not yet done."
    assert f["9.1"].text == "2023/24: 1 lesson recorded in the year, learned from 1 complaint " \
                            f"({book['P']}); 1 led to a service improvement (100%), 0 in place by 31/03/2024."
    assert f["7.3"].text == "2023/24: of 1 remedy due in the year, 0 done by its due date (0%), 1 done late " \
                            f"({book['P']}), 0 still not done."
    later = measure(db, 2026, today=D(2026, 5, 1))
    assert later["1.4"].text == "2026/27: no service requests recorded in the year to measure."
    assert later["7.3"].text == "2026/27: no remedies due in the year to measure."


def test_the_sections_reach_the_exports_and_the_screen(db, book):
    from chc_tui.documents.report_export import render_text
    from screens.report import report_rows

    r = report_for(db, 2024, TODAY)
    md = render_text(r, "md")
    assert "### Putting things right, service requests and the Ombudsman" in md
    assert "| Financial remedies offered, total | £350.50 |  |" in md
    assert "| Service requests done within target | 2 | 50% |" in md
    assert "### Learning from complaints" in md and "| Theme: no theme recorded | 2 | 40% |" in md
    rows = {row.key: row for row in report_rows(r)}
    assert rows["around.remedies.financial.total"].value == "£350.50"
    assert rows["learning.lessons.total"].items_are_complaints is False
    empty = render_text(report_for(db, 2026, D(2026, 5, 1)), "md")
    assert "No service requests recorded in 2026/27." in empty
