"""The Ombudsman's orders in the annual report (issue 18, item 4; Code 8.1(c), 9.7(c)):
orders and recommendations counted apart, each order on its finding so those on severe
maladministration are reported with their progress, and open orders from earlier years
carried forward. One small record set built by hand, asserted exactly, 2024/25."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from chc_tui.figures.report import to_json
from chc_tui.rules.context import StepContext
from chc_tui.rules.domain import StepRefused
from chc_tui.steps import ombudsman, usecases
from report_helpers import report_for
from store.models import Complaint, OmbudsmanCase, OmbudsmanOrder
from tests.conftest import dump

D = date
TODAY = D(2025, 5, 1)  # a month after 2024/25 (1 April 2024 to 31 March 2025) ended
ALICE = StepContext(actor="alice", today=TODAY)


def log(db, received: date, name: str) -> str:
    return usecases.log_complaint(db, received_on=received, channel="phone", resident_name=name, category="Repairs",
                                  resident_words="Something went wrong.", ctx=ALICE).reference


def order(db, case: int, finding: int | None, due: date, complied: date | None = None, kind: str = "order",
          what: str = "Put it right") -> int:
    made = ombudsman.add_order(db, case, kind=kind, description=what, due_on=due, finding_id=finding, ctx=ALICE)
    if complied is not None:
        ombudsman.comply_order(db, made, complied_on=complied, evidence="Evidence sent", ctx=ALICE)
    return made


@pytest.fixture
def book(db):
    """X (received 10/01/2023): case K opened 01/06/2023, findings determined 01/09/2023 of
    severe maladministration (Damp) and maladministration (Repairs).
      O1 on Damp, due 31/01/2024, complied 10/05/2024: carried forward, complied in the year, late
      O2 on Damp, due 29/02/2024, never complied: carried forward, open and overdue
      O3 on Repairs, due 01/03/2024, complied 20/03/2024: done before the year, not in it
      R2 a recommendation on no finding, due 01/02/2024, open: a recommendation carried forward
    Y (received 01/05/2024): case K2 opened 01/08/2024, finding of severe maladministration
    (Heating) determined 01/10/2024.
      O4 due 01/11/2024, complied 30/10/2024: due in the year, on time
      O5 due 30/06/2025, open: after the year end, open and not yet due
      O6 due 01/03/2025, complied 10/04/2025: due in the year, complied late (after the year
         end: still open and overdue on 31/03/2025)
      R1 a recommendation on Heating, due 01/12/2024, open
    O7 an order recorded before orders needed a finding (written straight to the table),
      due 15/01/2025, open: not linked."""
    x, y = log(db, D(2023, 1, 10), "Xena"), log(db, D(2024, 5, 1), "Yuri")
    k = ombudsman.open_case(db, x, ombudsman_reference="202300001", opened_on=D(2023, 6, 1), ctx=ALICE)
    damp = ombudsman.record_finding(db, k, issue="Damp", determination="severe_maladministration",
                                    determined_on=D(2023, 9, 1), ctx=ALICE)
    repairs = ombudsman.record_finding(db, k, issue="Repairs", determination="maladministration",
                                       determined_on=D(2023, 9, 1), ctx=ALICE)
    ids = {
        "O1": order(db, k, damp, D(2024, 1, 31), D(2024, 5, 10)),
        "O2": order(db, k, damp, D(2024, 2, 29)),
        "O3": order(db, k, repairs, D(2024, 3, 1), D(2024, 3, 20)),
        "R2": order(db, k, None, D(2024, 2, 1), kind="recommendation"),
    }
    k2 = ombudsman.open_case(db, y, ombudsman_reference="202400002", opened_on=D(2024, 8, 1), ctx=ALICE)
    heating = ombudsman.record_finding(db, k2, issue="Heating", determination="severe_maladministration",
                                       determined_on=D(2024, 10, 1), ctx=ALICE)
    ids |= {
        "O4": order(db, k2, heating, D(2024, 11, 1), D(2024, 10, 30)),
        "O5": order(db, k2, heating, D(2025, 6, 30)),
        "O6": order(db, k2, heating, D(2025, 3, 1), D(2025, 4, 10)),
        "R1": order(db, k2, heating, D(2024, 12, 1), kind="recommendation"),
    }
    with db.write() as s:
        legacy = OmbudsmanOrder(case_id=k2, kind="order", description="Apologise", due_on=D(2025, 1, 15))
        s.add(legacy)
        s.flush()
        ids["O7"] = legacy.id
    return {"X": x, "Y": y, **ids}


def values(report, prefix: str) -> dict[str, object]:
    return {f.key.removeprefix(prefix): f.value for f in report.figures() if f.key.startswith(prefix)}


def described(report, key: str) -> list[str]:
    return [text.split(" · ")[1].split(":")[0] for _ref, text in report.figure(key).items]


def test_orders_and_recommendations_are_counted_apart(db, book):
    """Defect: today 'orders due in the year' counts orders and recommendations together."""
    r = report_for(db, 2024, TODAY)
    assert values(r, "around.ombudsman.orders.") == {
        "due": 3, "complied_on_time": 1, "complied_late": 1, "not_complied": 1,
        "carried_forward": 2, "carried_forward_complied": 1,
        "severe_maladministration.total": 5,
        "severe_maladministration.complied_on_time": 1, "severe_maladministration.complied_late": 1,
        "severe_maladministration.open_overdue": 2, "severe_maladministration.open_not_yet_due": 1,
        "not_linked": 1,
    }
    assert values(r, "around.ombudsman.recommendations.") == {
        "due": 1, "complied_on_time": 0, "complied_late": 0, "not_complied": 1,
        "carried_forward": 1, "carried_forward_complied": 0,
    }
    assert r.figure("around.ombudsman.orders.due").label == "Ombudsman orders due in the year"
    assert r.figure("around.ombudsman.recommendations.due").label == "Ombudsman recommendations due in the year"


def test_orders_on_severe_maladministration_with_their_progress(db, book):
    """Defect: an order's finding is not read, so 9.7(c) cannot be reported."""
    r = report_for(db, 2024, TODAY)
    key = "around.ombudsman.orders.severe_maladministration."
    assert r.figure(key + "total").of is None
    assert all(r.figure(key + part).of == 5 for part in
               ("complied_on_time", "complied_late", "open_overdue", "open_not_yet_due"))
    refs = {part: sorted(ref for ref, _ in r.figure(key + part).items) for part in
            ("complied_on_time", "complied_late", "open_overdue", "open_not_yet_due")}
    assert refs == {"complied_on_time": [book["Y"]], "complied_late": [book["X"]],
                    "open_overdue": sorted([book["X"], book["Y"]]), "open_not_yet_due": [book["Y"]]}
    [(_, text)] = r.figure(key + "open_not_yet_due").items
    assert text == "202400002 · order (on Heating: severe maladministration): Put it right · due 30/06/2025, not complied with"
    assert "9.7(c)" in r.figure(key + "total").note
    out = to_json(r)["around"]["ombudsman"]
    assert out["orders"]["severe_maladministration"]["open_overdue"] == 2
    assert out["orders"]["due"] == 3 and out["recommendations"]["due"] == 1


def test_open_orders_from_earlier_years_are_carried_forward(db, book):
    """Defect: an order due before the year and still open when it began is dropped."""
    r = report_for(db, 2024, TODAY)
    carried = r.figure("around.ombudsman.orders.carried_forward")
    assert [text.split(" · due ")[1] for _ref, text in carried.items] == [
        "31/01/2024, complied 10/05/2024", "29/02/2024, not complied with"]
    assert [ref for ref, _ in r.figure("around.ombudsman.orders.carried_forward_complied").items] == [book["X"]]
    # 2025/26: O2 (due 29/02/2024), O6 (due 01/03/2025, complied 10/04/2025) and O7 (due
    # 15/01/2025) carried forward, O6 complied with in it; O5 (due 30/06/2025) due in it;
    # R1 and R2 carried forward
    nxt = report_for(db, 2025, TODAY)
    assert values(nxt, "around.ombudsman.orders.carried_forward") == {"": 3, "_complied": 1}
    assert (nxt.value("around.ombudsman.orders.due"), nxt.value("around.ombudsman.recommendations.carried_forward")) \
        == (1, 2)


def test_the_year_before_counts_nothing_of_the_later_orders(db, book):
    r = report_for(db, 2023, D(2024, 4, 30))
    # 2023/24: O1, O2, O3 and R2 due in it; the 2024 case had not been opened
    assert (r.value("around.ombudsman.orders.due"), r.value("around.ombudsman.recommendations.due"),
            r.value("around.ombudsman.orders.severe_maladministration.total")) == (3, 1, 2)


# --- the step: an order needs its finding, of its own case -----------------------------------------


def _refused(db, call, field: str) -> StepRefused:
    before = dump(db)
    with pytest.raises(StepRefused) as refused:
        call()
    assert dump(db) == before, "a refused step wrote something"
    assert refused.value.for_field(field), refused.value.problems
    return refused.value


def test_an_order_needs_the_finding_it_was_made_on(db):
    x, y = log(db, D(2024, 5, 1), "Xena"), log(db, D(2024, 5, 2), "Yuri")
    k = ombudsman.open_case(db, x, ombudsman_reference="202400010", opened_on=D(2024, 8, 1), ctx=ALICE)
    k2 = ombudsman.open_case(db, y, ombudsman_reference="202400011", opened_on=D(2024, 8, 1), ctx=ALICE)
    no_finding = _refused(db, lambda: order(db, k, None, D(2024, 12, 1)), "finding_id")
    assert no_finding.problems[0].message == (
        "record the Ombudsman's finding on case 202400010 first: an order is made on a finding (Code 9.7(c))")
    other = ombudsman.record_finding(db, k2, issue="Noise", determination="maladministration",
                                     determined_on=D(2024, 9, 1), ctx=ALICE)
    ombudsman.record_finding(db, k, issue="Damp", determination="severe_maladministration",
                             determined_on=D(2024, 9, 1), ctx=ALICE)
    assert _refused(db, lambda: order(db, k, None, D(2024, 12, 1)), "finding_id").problems[0].message.startswith(
        "choose the finding this order was made on")
    wrong = _refused(db, lambda: order(db, k, other, D(2024, 12, 1)), "finding_id")
    assert wrong.problems[0].message == "that finding is not one of case 202400010's: choose a finding of this case"
    assert _refused(db, lambda: order(db, k, 9999, D(2024, 12, 1)), "finding_id")
    # a recommendation may be on no finding
    order(db, k, None, D(2024, 12, 1), kind="recommendation")
    with db.read() as s:
        case_of = {c.id: c.ombudsman_reference for c in s.exec(select(OmbudsmanCase))}
        assert [(case_of[o.case_id], o.kind, o.finding_id) for o in s.exec(select(OmbudsmanOrder))] == [
            ("202400010", "recommendation", None)]
        assert s.exec(select(Complaint)).all()
