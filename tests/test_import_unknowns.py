"""Imports that keep unknowns unknown (issue 18.2): what a spreadsheet does not hold is
stored as not known, never filled in; the record is "imported, not verified" until a
handler verifies it from the letters (chc_tui.steps.verification); a refusal reason is
"legal proceedings" only on words that mean a claim filed at court (Code 2.2)."""

from __future__ import annotations

from datetime import date

import pytest

from chc_tui.cli.main import main
from chc_tui.rules.context import StepContext
from chc_tui.rules.domain import StepRefused
from chc_tui.spreadsheets.importer import read_refusal, refusal_reason
from chc_tui.steps import usecases
from chc_tui.steps.verification import ExtensionFound, not_known, verify_imported
from conftest import dump
from report_helpers import report_for, wd
from test_import import HEADER, TODAY, detail, refs, run, write_csv

RECEIVED = date(2025, 6, 2)  # a Monday, in 2025/26
ACKED = date(2025, 6, 3)
TARGET = wd(ACKED, 10)  # stage 1: 10 working days from acknowledgement (6.9)
EXTENDED_TO = wd(TARGET, 29)  # 29 working days beyond the target: past the Code's 10 (6.4)
RESPONDED = wd(TARGET, 20)  # within the extension
COLUMNS = [*HEADER, "Stage 1 extension reason"]


def _day(d: date) -> str:
    return f"{d:%d/%m/%Y}"


EXTENDED = {
    "Reference": "HA-201", "Resident": "Mrs Ann Hale", "Received date": _day(RECEIVED), "Category": "Damp and mould",
    "Stage 1 acknowledged": _day(ACKED), "Stage 1 extended to": _day(EXTENDED_TO),
    "Stage 1 extension reason": "Waiting for the surveyor's report", "Stage 1 responded": _day(RESPONDED),
    "Stage 1 decision": "upheld", "Stage 1 handler": "alice",
}
SOLICITOR = {
    "Reference": "HA-202", "Resident": "Mr Ben Hart", "Received date": "10/06/2025", "Category": "Repairs",
    "Refused date": "11/06/2025", "Refused reason": "solicitor letter received", "Stage 1 handler": "alice",
}
CLAIM_FORM = {
    "Reference": "HA-203", "Resident": "Ms Cy Holt", "Received date": "10/06/2025", "Category": "Repairs",
    "Refused date": "12/06/2025", "Refused reason": "Claim form filed at court", "Stage 1 handler": "alice",
}
ROWS = [EXTENDED, SOLICITOR, CLAIM_FORM]


def on(actor: str = "alice", today: date = TODAY) -> StepContext:
    return StepContext(actor=actor, today=today)


@pytest.fixture
def imported(db, tmp_path):
    report = run(db, write_csv(tmp_path / "old complaints.csv", ROWS, header=COLUMNS))
    assert report.problems == [] and report.committed
    assert refs(report) == {"HA-201": "HA-201", "HA-202": "HA-202", "HA-203": "HA-203"}
    return report


def test_an_imported_extension_keeps_its_unknown_facts_unknown(db, imported):
    stage = detail(db, "HA-201").stage(1)
    (extension,) = stage.extensions
    assert (extension.previous_due, extension.new_due, extension.working_days_beyond_target) == (TARGET, EXTENDED_TO, 29)
    assert extension.reason == "Waiting for the surveyor's report"  # the reason, never the good reason
    assert extension.good_reason == ""
    assert (extension.decided_on, extension.told_resident_on, extension.ombudsman_details_given) == (None, None, None)


def test_every_imported_complaint_is_marked_imported_from_the_file_and_not_verified(db, imported):
    for reference in ("HA-201", "HA-202", "HA-203"):
        complaint = detail(db, reference).complaint
        assert (complaint.imported_from, complaint.verified_on, complaint.verified_by_staff_id) == (
            "old complaints.csv", None, None)
    usecases.log_complaint(db, received_on=TODAY, channel="phone", resident_name="Typed in", category="Repairs",
                           resident_words="Leak", ctx=on())
    assert detail(db, "C2026-0001").complaint.imported_from == ""


def test_an_imported_29_day_extension_with_a_reason_is_not_within_timescale(db, imported):
    report = report_for(db, 2025, TODAY)
    assert report.value("tsm.CH02.stage1_responses") == 1
    assert report.value("tsm.CH02.stage1_within_timescale_pct") == 0.0
    assert report.value("tsm.CH02.stage1_within_extension") == 0
    assert report.value("tsm.CH02.stage1_late_extension_not_in_line") == 1
    assert [ref for ref, _ in report.figure("tsm.CH02.stage1_late_extension_not_in_line").items] == ["HA-201"]


def test_once_verified_with_a_good_reason_recorded_it_counts_within_the_extension(db, imported):
    decided = wd(ACKED, 4)
    verified = verify_imported(db, "HA-201", extensions=[ExtensionFound(
        1, decided_on=decided, told_resident_on=decided, ombudsman_details_given=True,
        good_reason="The surveyor could not get access for five weeks")], ctx=on())
    assert (verified.still_not_known, verified.not_in_line) == ((), ())
    record = detail(db, "HA-201")
    (extension,) = record.stage(1).extensions
    assert (extension.decided_on, extension.told_resident_on, extension.ombudsman_details_given, extension.good_reason) == (
        decided, decided, True, "The surveyor could not get access for five weeks")
    assert (record.complaint.verified_on, record.complaint.imported_from) == (TODAY, "old complaints.csv")
    assert record.complaint.verified_by_staff_id is not None
    entry = record.history[-1]
    assert (entry.action, entry.actor) == ("verify imported", "alice")
    assert entry.details["extension_1_decided_on"] == decided.isoformat()
    assert entry.details["extension_1_good_reason"] == "The surveyor could not get access for five weeks"
    assert entry.before["extension_1_decided_on"] is None and entry.before["verified_on"] is None

    report = report_for(db, 2025, TODAY)
    assert report.value("tsm.CH02.stage1_within_timescale_pct") == 100.0
    assert report.value("tsm.CH02.stage1_within_extension") == 1


def test_verified_without_a_good_reason_it_stays_late(db, imported):
    decided = wd(ACKED, 4)
    verified = verify_imported(db, "HA-201", extensions=[ExtensionFound(
        1, decided_on=decided, told_resident_on=decided, ombudsman_details_given=True)], ctx=on())
    assert verified.still_not_known == ("extension 1: a good reason for passing the Code's limit",)
    assert len(verified.not_in_line) == 1 and "no good reason recorded" in verified.not_in_line[0]
    assert report_for(db, 2025, TODAY).value("tsm.CH02.stage1_late_extension_not_in_line") == 1


def test_refusals_never_claim_the_ombudsman_route_was_explained(db, imported):
    for reference in ("HA-202", "HA-203"):
        assert detail(db, reference).refusal.ombudsman_right_explained is None
    verify_imported(db, "HA-202", refusal_explained=True, ctx=on())
    assert detail(db, "HA-202").refusal.ombudsman_right_explained is True
    assert not_known(detail(db, "HA-202")) == []


def test_solicitor_letter_is_other_and_listed_claim_form_is_legal_proceedings(db, imported):
    assert detail(db, "HA-202").refusal.exclusion_reason == "other"
    assert detail(db, "HA-203").refusal.exclusion_reason == "legal_proceedings"
    assert [(r.row, r.reference, r.words) for r in imported.unknowns.read_as_other] == [
        (3, "HA-202", "solicitor letter received")]


@pytest.mark.parametrize("words", [
    "claim filed", "Claim issued at court last week", "court proceedings issued", "claim form received from court",
    "Particulars of Claim served", "legal proceedings have started", "The resident has started a county court claim",
    "Claim form filed at court",
])
def test_words_that_mean_a_claim_filed_at_court_are_legal_proceedings(words):
    assert read_refusal(words) == ("legal_proceedings", words, False)


@pytest.mark.parametrize("words", [
    "solicitor", "solicitor letter received", "disrepair claim", "legal", "pre-action letter from solicitors",
    "Legal action threatened", "Resident says they will go to court",
])
def test_words_that_do_not_are_other_for_review(words):
    assert read_refusal(words) == ("other", words, True)
    assert refusal_reason(words) == ("other", words)


def test_a_named_reason_is_kept_and_not_listed():
    assert read_refusal("legal proceedings: county court claim") == ("legal_proceedings", "county court claim", False)
    assert read_refusal("other: not about our services") == ("other", "not about our services", False)


def test_the_dry_run_lists_per_column_what_will_be_stored_as_not_known(db, tmp_path):
    before = dump(db)
    second = {**EXTENDED, "Reference": "HA-204", "Resident": "Mr Dai Hay", "Stage 1 extended to": _day(wd(TARGET, 5)),
              "Stage 1 extension reason": ""}
    report = run(db, write_csv(tmp_path / "old.csv", [*ROWS, second], header=COLUMNS), dry_run=True)
    assert dump(db) == before
    assert report.unknown_lines() == [
        "Stage 1 extended to: 2 extensions: decision date, date the resident was told, Ombudsman details given "
        "and good reason not known",
        "Refused date: 2 refusals: whether the Ombudsman route was explained (Code 2.4) not known",
        '4 complaints marked "imported from old.csv, not verified" until a handler verifies each '
        "(chc complaint verify, or V on the complaint)",
        "1 refusal read as 'other': review them",
        "  row 3: HA-202: 'solicitor letter received'",
    ]


def test_the_dry_run_on_the_command_line_prints_them(tmp_path, capsys):
    database = tmp_path / "cli.db"
    path = write_csv(tmp_path / "old.csv", ROWS, header=COLUMNS)
    assert main(["--db", str(database), "import", str(write_csv(tmp_path / "empty.csv", []))]) == 0  # creates it
    assert main(["--db", str(database), "import", str(path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "  Stage 1 extended to: 1 extension: decision date, date the resident was told, Ombudsman details given " \
           "and good reason not known" in out
    assert "  Refused date: 2 refusals: whether the Ombudsman route was explained (Code 2.4) not known" in out
    assert "  1 refusal read as 'other': review them\n    row 3: HA-202: 'solicitor letter received'" in out


# --- verifying: what is refused ----------------------------------------------------------


def test_a_complaint_typed_in_cannot_be_verified(db):
    ref = usecases.log_complaint(db, received_on=TODAY, channel="phone", resident_name="Typed in", category="Repairs",
                                 resident_words="Leak", ctx=on()).reference
    with pytest.raises(StepRefused, match="not imported from a spreadsheet"):
        verify_imported(db, ref, ctx=on())


def test_a_complaint_verified_once_cannot_be_verified_again(db, imported):
    verify_imported(db, "HA-203", ctx=on(today=date(2026, 11, 20)))
    before = dump(db)
    with pytest.raises(StepRefused, match="already verified on 20/11/2026 by alice"):
        verify_imported(db, "HA-203", refusal_explained=True, ctx=on("bob"))
    assert dump(db) == before


def problems(db, **kwargs) -> dict[str | None, str]:
    before = dump(db)
    with pytest.raises(StepRefused) as refused:
        verify_imported(db, "HA-201", ctx=on(), **kwargs)
    assert dump(db) == before  # nothing half-written
    return {p.field: p.message for p in refused.value.problems}


def test_told_before_decided_and_future_dates_are_refused_at_their_fields(db, imported):
    decided = wd(ACKED, 4)
    found = problems(db, extensions=[ExtensionFound(1, decided_on=decided, told_resident_on=ACKED)])
    assert found == {"extension_1_told_resident_on": "extension 1: the date the resident was told cannot be before "
                                                     f"the extension was decided ({_day(decided)})"}
    found = problems(db, extensions=[ExtensionFound(1, decided_on=date(2026, 11, 24), told_resident_on=date(2026, 12, 1))])
    assert found["extension_1_decided_on"] == "extension 1: the date decided cannot be in the future (today is 23/11/2026)"
    assert "cannot be in the future" in found["extension_1_told_resident_on"]
    found = problems(db, extensions=[ExtensionFound(1, decided_on=RECEIVED)])
    assert found == {"extension_1_decided_on": "extension 1: the date decided cannot be before the stage 1 "
                                               f"acknowledgement ({_day(ACKED)})"}


def test_an_unknown_extension_or_a_missing_refusal_is_refused(db, imported):
    assert problems(db, extensions=[ExtensionFound(2, ombudsman_details_given=True)]) == {
        "extension": "HA-201 has no extension 2 (it has 1)"}
    assert problems(db, refusal_explained=True) == {"refusal_explained": "HA-201 was not refused: there is no refusal to verify"}


def test_the_command_line_verifies_with_the_letters_facts(tmp_path, capsys):
    """On the real day: the CLI's login is put on the register on it by its first write."""
    database = tmp_path / "cli.db"
    path = write_csv(tmp_path / "old.csv", ROWS, header=COLUMNS)
    cli = ["--db", str(database)]
    assert main([*cli, "import", str(path)]) == 0
    capsys.readouterr()
    assert main([*cli, "complaint", "show", "HA-201"]) == 0
    shown = capsys.readouterr().out
    assert "imported from old.csv, not verified" in shown
    assert "not known: extension 1 (stage 1, to " in shown

    decided = wd(ACKED, 4).isoformat()
    assert main([*cli, "complaint", "verify", "HA-201", "--extension", "1", "--decided-on", decided,
                 "--told-on", ACKED.isoformat()]) == 2
    err = capsys.readouterr().err
    assert "chc complaint verify: refused: --extension 1 --told-on: extension 1: the date the resident was told " \
           "cannot be before the extension was decided" in err

    assert main([*cli, "complaint", "verify", "HA-201", "--extension", "1", "--decided-on", decided,
                 "--told-on", decided, "--ombudsman-details-given", "yes", "--good-reason", "No access for weeks"]) == 0
    captured = capsys.readouterr()
    assert captured.out == f"HA-201 verified on {date.today().isoformat()}\n" and captured.err == ""

    assert main([*cli, "complaint", "verify", "HA-202", "--refusal-explained", "no"]) == 0
    assert f"HA-202 verified on {date.today().isoformat()}" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main([*cli, "complaint", "verify", "HA-203", "--told-on", decided])
    assert "say which extension first" in capsys.readouterr().err


# --- the screen ------------------------------------------------------------------------------


def _shown(screen) -> str:
    from rich.console import Console

    from screens.complaint import render_detail

    console = Console(width=80, record=True)
    console.print(render_detail(screen.detail))
    return console.export_text()


async def test_v_on_the_complaint_verifies_an_import_at_80x24(db, imported):
    from chc_tui.app import build_app
    from chc_tui.services import Services
    from screens.complaint import ComplaintScreen
    from screens.forms import StepForm
    from test_tui_journeys import field, form_errors, save, settle, wait_for

    services = Services(db, actor="alice", today_fn=lambda: TODAY)
    app = build_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_complaint("HA-201")  # what Enter on its row does
        await wait_for(pilot, lambda: isinstance(app.screen, ComplaintScreen) and app.screen.detail is not None,
                       "the complaint screen")
        screen = app.screen
        shown = _shown(screen)
        assert "Imported from old complaints.csv, not verified" in shown
        assert "Ombudsman details not known (imported)" in " ".join(shown.split())
        assert screen.check_action("verify", ()) is True

        await pilot.press("V")
        await wait_for(pilot, lambda: isinstance(app.screen, StepForm) and app.focused is not None, "the verify form")
        form = app.screen
        assert "imported from old complaints.csv, not verified" in form.spec.title
        assert [f.name for f in form.spec.fields] == [
            "extension_1_decided_on", "extension_1_told_resident_on", "extension_1_ombudsman_details_given",
            "extension_1_good_reason"]
        assert "extension 1 (stage 1, to " in form.spec.intro and "not known" in form.spec.intro

        decided = wd(ACKED, 4)
        before = dump(db)
        await field(pilot, "extension_1_decided_on", _day(decided))
        await field(pilot, "extension_1_told_resident_on", _day(ACKED))
        await save(pilot)
        assert form_errors(app) == {"extension_1_told_resident_on": (
            f"extension 1: the date the resident was told cannot be before the extension was decided ({_day(decided)})")}
        assert dump(db) == before

        await field(pilot, "extension_1_told_resident_on", _day(decided), clear=True)
        app.screen.query_one("#f-extension_1_ombudsman_details_given").focus()
        await pilot.press("enter", "down", "enter")  # the choice: yes
        await pilot.pause()
        await field(pilot, "extension_1_good_reason", "No access for five weeks")
        await save(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, ComplaintScreen), "back on the complaint")
        await settle(pilot)

        (extension,) = detail(db, "HA-201").stage(1).extensions
        assert (extension.decided_on, extension.told_resident_on, extension.ombudsman_details_given,
                extension.good_reason) == (decided, decided, True, "No access for five weeks")
        assert detail(db, "HA-201").complaint.verified_on == TODAY
        assert "Imported from old complaints.csv, verified" in _shown(app.screen)
        assert app.screen.check_action("verify", ()) is False  # once only


def test_within_the_limit_no_good_reason_is_asked_for(db, tmp_path):
    within = {**EXTENDED, "Stage 1 extended to": _day(wd(TARGET, 5))}
    run(db, write_csv(tmp_path / "within.csv", [within], header=COLUMNS))
    (item,) = not_known(detail(db, "HA-201"))
    assert item.facts == ("decided_on", "told_resident_on", "ombudsman_details_given")
    assert str(item).startswith("extension 1 (stage 1, to ")


def test_each_extension_option_belongs_to_the_extension_before_it():
    from chc_tui.cli.main import build_parser

    args = build_parser().parse_args([
        "complaint", "verify", "HA-1", "--extension", "1", "--decided-on", "02/06/2025", "--ombudsman-details-given",
        "no", "--extension", "2", "--told-on", "2025-06-09", "--good-reason", "Access", "--refusal-explained", "yes"])
    assert args.extensions == [
        {"number": 1, "decided_on": date(2025, 6, 2), "ombudsman_details_given": False},
        {"number": 2, "told_resident_on": date(2025, 6, 9), "good_reason": "Access"},
    ]
    assert args.refusal_explained is True
