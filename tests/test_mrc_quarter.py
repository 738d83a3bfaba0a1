"""The MRC's quarterly view (Code 9.7): exact figures from hand-built records, and the CLI."""

from __future__ import annotations

from datetime import date

from chc_tui.cli.main import main
from chc_tui.figures.mrc_quarter import compute, next_quarter, parse_quarter
from chc_tui.rules.calendar import WorkingCalendar
from store.report_queries import StageFacts
from store.wider_record_report_queries import FindingFacts, LessonFacts, OrderFacts, RemedyFacts, WiderRecordFacts


def test_quarter_1_is_the_first_quarter_of_the_financial_year():
    q = parse_quarter("2025Q1")
    assert (q.start, q.end) == (date(2025, 4, 1), date(2025, 6, 30))
    assert next_quarter(q).end == date(2025, 9, 30)
    q4 = parse_quarter("2025q4")
    assert (q4.start, q4.end) == (date(2026, 1, 1), date(2026, 3, 31))
    dec = parse_quarter("2025Q1", "31/12")
    assert (dec.start, dec.end) == (date(2025, 1, 1), date(2025, 3, 31))


def test_figures_for_one_quarter_of_two():
    q = parse_quarter("2025Q1")
    stages = [
        StageFacts(reference="C1", status="closed", stage=1, opened_on=date(2025, 4, 2), acknowledged_on=date(2025, 4, 3), target_due=date(2025, 4, 30), responded_on=date(2025, 5, 1), stage_id=1),
        StageFacts(reference="C2", status="open", stage=1, opened_on=date(2025, 7, 2), acknowledged_on=None, target_due=None, responded_on=None, stage_id=2),  # Q2: not counted
        StageFacts(reference="C3", status="open", stage=2, opened_on=date(2025, 5, 2), acknowledged_on=None, target_due=None, responded_on=None, stage_id=3),
    ]
    around = WiderRecordFacts(
        remedies=(RemedyFacts(1, "C1", 1, "money", "x", 5000, date(2025, 4, 20), date(2025, 5, 20), None, None),
                  RemedyFacts(2, "C1", 1, "apology", "x", None, date(2025, 4, 20), None, None, date(2025, 4, 21))),
        findings=(FindingFacts("C9", "OMB-1", "repairs", "severe_maladministration", date(2025, 5, 5)),
                  FindingFacts("C9", "OMB-1", "comms", "service_failure", date(2025, 8, 5))),  # Q2
        orders=(OrderFacts("C9", "OMB-1", "order", "pay", date(2025, 6, 1), None,
                           determination="severe_maladministration"),),
        lessons=(LessonFacts(7, "repairs", "l", "new triage", date(2025, 4, 1), date(2025, 9, 1), None, ("C1",)),
                 LessonFacts(8, "repairs", "l", "later", date(2025, 4, 1), date(2026, 1, 1), None, ())),
    )
    v = compute(q, next_quarter(q).end, stages, around, WorkingCalendar())
    assert v.received == {1: ("C1",), 2: ("C3",)}
    assert v.answered(1) == 1 and v.answered(2) == 0
    assert v.responses[1]["out_of_target"] == 1 and v.within_timescale(1) == 0 and [r for r, _ in v.late_responses] == ["C1"]
    assert v.findings == {"severe_maladministration": 1}
    assert [r for r, _ in v.severe_findings] == ["C9"]
    assert v.orders_due == 1 and v.orders_complied == 0 and [r for r, _ in v.orders_open_severe] == ["C9"]
    assert [r for r, _ in v.remedies_outstanding] == ["C1"] and "£50.00" in v.remedies_outstanding[0][1]
    assert [r for r, _ in v.improvements_due] == ["lesson 7"]


def test_the_cli_writes_both_formats_and_refuses_a_bad_quarter(db, tmp_path, capsys):
    for name in ("v.docx", "v.html"):
        assert main(["report", "mrc", "--db", str(db.path), "--quarter", "2025Q1", "--out", str(tmp_path / name)]) == 0
        assert (tmp_path / name).stat().st_size > 0
    assert "2025Q1" in (tmp_path / "v.html").read_text()
    capsys.readouterr()
    assert main(["report", "mrc", "--db", str(db.path), "--quarter", "2025Q5", "--out", str(tmp_path / "bad.html")]) == 2
    assert "not a quarter" in capsys.readouterr().err
    assert not (tmp_path / "bad.html").exists()


def test_the_view_carries_the_landlords_logo_and_name_like_the_annual_report(db, tmp_path, capsys):
    from chc_tui.services import Services
    from chc_tui.steps.usecases import set_landlord_name
    from chc_tui.steps.report_logo import set_report_logo
    from test_report_summary import png

    (tmp_path / "logo.png").write_bytes(png())
    services = Services(db, actor="alice")
    services.run(set_report_logo, str(tmp_path / "logo.png"))
    services.run(set_landlord_name, "Brightwater Homes")
    for name in ("v.docx", "v.html"):
        assert main(["report", "mrc", "--db", str(db.path), "--quarter", "2025Q1", "--out", str(tmp_path / name)]) == 0
    html = (tmp_path / "v.html").read_text()
    assert html.count('src="data:image/png;base64,') == 2 and 'alt="Brightwater Homes logo"' in html
    assert "Severe maladministration: 0 findings" in html
    assert "Brightwater Homes: the MRC&#39;s quarterly view 2025Q1</div>" in html  # the page header

    import docx

    word = docx.Document(str(tmp_path / "v.docx"))
    assert len(word.inline_shapes) == 1 and word.sections[0].header.part.related_parts
