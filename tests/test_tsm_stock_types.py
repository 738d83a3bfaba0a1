"""TSM CH01 and CH02 per relevant stock type (issue 18.6): the landlord's stock types
(LCRA, LCHO), a resident's tenure, homes owned per year per type, and the figures per type
beside the total, on hand-built record sets with exact figures. Also the done-when of the
issue: `chc settings set homes-owned 2024 1234` then `chc report --year 2024 --format json`
gives CH01 per 1,000 homes."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import select

from chc_tui.cli.main import main
from chc_tui.figures.report import ReportInputs, compute, to_json, tsm_homes
from chc_tui.figures.report_texts import set_homes_owned, set_stock_types
from chc_tui.rules.calendar import WorkingCalendar
from chc_tui.rules.context import StepContext
from chc_tui.rules.domain import StepRefused
from chc_tui.rules.tenure import tenure_from_words
from chc_tui.steps import residents, usecases
from chc_tui.steps.settings import get_setting, stock_types
from report_helpers import Book, report_for, wd
from store.models import AuditEntry, Complaint, Resident, Setting
from store.report_queries import StageFacts

D = date
CAL = WorkingCalendar()
YEAR = 2025  # 1 April 2025 to 31 March 2026
_ids = iter(range(1, 10_000))


def stage(ref: str, opened: date, tenure: str, *, n: int = 1, sent: date | None = None,
          target: date | None = None) -> StageFacts:
    acked = opened if sent else None
    return StageFacts(
        stage_id=next(_ids), reference=ref, category="Repairs", status="closed" if sent else "open",
        received_on=opened, stage=n, opened_on=opened, acknowledged_on=acked, responded_on=sent,
        decision="upheld" if sent else None, remedy="", target_due=target, tenure=tenure,
    )


def report(*stages: StageFacts, homes: int | None, by_type: dict, types=("LCRA", "LCHO")):
    inputs = ReportInputs(year=YEAR, today=D(2026, 5, 1), stages=stages, refusals=(), withdrawals=(),
                          earliest_received=min(s.opened_on for s in stages), homes_owned=homes,
                          stock_types=types, homes_by_type=by_type)
    return compute(inputs, CAL)


def refs(r, key: str) -> list[str]:
    return [ref for ref, _ in r.figure(key).items]


# --- the figures, computed from plain rows --------------------------------------------------------

MAY, JUNE = D(2025, 5, 1), D(2025, 6, 2)
TARGET = D(2025, 5, 15)


def _record_set():
    return (
        stage("L1", MAY, "LCRA", sent=D(2025, 5, 14), target=TARGET),  # within target
        stage("L2", MAY, "LCRA", sent=D(2025, 5, 20), target=TARGET),  # out of target, no extension
        stage("L3", JUNE, "LCRA"),  # awaiting a response
        stage("H1", MAY, "LCHO", sent=D(2025, 5, 15), target=TARGET),  # within target, on the day
        stage("U1", MAY, "", sent=D(2025, 5, 22), target=TARGET),  # tenure not known, out of target
        stage("L1-S2", JUNE, "LCRA", n=2),
        stage("OLD", D(2025, 3, 31), "LCHO"),  # the year before: in no figure
    )


def test_ch01_and_ch02_per_stock_type_and_in_total():
    r = report(*_record_set(), homes=None, by_type={"LCRA": 800, "LCHO": 200})
    # the total: no total entered, so the sum of the types' homes (800 + 200)
    assert r.value("tsm.CH01.homes_owned") == 1000
    assert r.value("tsm.CH01.stage1_received") == 5
    assert r.value("tsm.CH01.stage1_per_1000_homes") == 5.0
    assert r.value("tsm.CH01.stage2_per_1000_homes") == 1.0
    # LCRA: 3 of 800 homes, 1 stage 2
    assert r.value("tsm.CH01.LCRA.homes_owned") == 800
    assert r.value("tsm.CH01.LCRA.stage1_received") == 3
    assert refs(r, "tsm.CH01.LCRA.stage1_per_1000_homes") == ["L1", "L2", "L3"]
    assert r.value("tsm.CH01.LCRA.stage1_per_1000_homes") == 3.75
    assert r.value("tsm.CH01.LCRA.stage2_per_1000_homes") == 1.25
    # LCHO: 1 of 200 homes
    assert r.value("tsm.CH01.LCHO.stage1_per_1000_homes") == 5.0
    assert r.value("tsm.CH01.LCHO.stage2_per_1000_homes") == 0.0
    # tenure not known: in the total, listed beside the types
    assert r.value("tsm.CH01.tenure_not_known.stage1_received") == 1
    assert refs(r, "tsm.CH01.tenure_not_known.stage1_received") == ["U1"]
    assert r.value("tsm.CH01.tenure_not_known.stage2_received") == 0
    # CH02: the total 2 of 4 (L1, H1 within; L2, U1 out); LCRA 1 of 2; LCHO 1 of 1
    assert r.value("tsm.CH02.stage1_responses") == 4
    assert r.value("tsm.CH02.stage1_within_timescale_pct") == 50.0
    assert r.value("tsm.CH02.LCRA.stage1_responses") == 2
    assert r.value("tsm.CH02.LCRA.stage1_within_timescale_pct") == 50.0
    assert r.value("tsm.CH02.LCRA.stage1_within_target") == 1
    assert r.value("tsm.CH02.LCRA.stage1_out_of_target") == 1
    assert refs(r, "tsm.CH02.LCRA.stage1_out_of_target") == ["L2"]
    assert r.value("tsm.CH02.LCHO.stage1_within_timescale_pct") == 100.0
    assert r.value("tsm.CH02.LCHO.stage2_within_timescale_pct") is None  # nothing to divide by
    assert r.value("tsm.CH02.tenure_not_known.stage1_responses") == 1
    assert refs(r, "tsm.CH02.tenure_not_known.stage1_responses") == ["U1"]
    assert r.stock_types == ("LCRA", "LCHO")

    data = to_json(r)
    assert data["tsm"]["CH01"]["LCRA"]["stage1_per_1000_homes"] == 3.75
    assert data["tsm"]["CH01"]["stage1_per_1000_homes"] == 5.0  # today's total keys stay
    assert data["tsm"]["CH02"]["LCHO"]["stage1_within_timescale_pct"] == 100.0
    assert data["tsm"]["CH01"]["tenure_not_known"] == {"stage1_received": 1, "stage2_received": 0}
    assert data["trace"]["tsm.CH01.tenure_not_known.stage1_received"] == ["U1"]


def test_an_entered_total_is_used_as_it_stands_and_a_type_without_homes_has_no_rate():
    r = report(*_record_set(), homes=1234, by_type={"LCRA": 1000})
    assert r.value("tsm.CH01.homes_owned") == 1234
    assert r.value("tsm.CH01.stage1_per_1000_homes") == 4.05  # 5 / 1,234 × 1,000 = 4.051...
    assert r.value("tsm.CH01.LCRA.stage1_per_1000_homes") == 3.0
    assert r.value("tsm.CH01.LCHO.homes_owned") is None
    assert r.value("tsm.CH01.LCHO.stage1_per_1000_homes") is None
    assert r.value("tsm.CH01.LCHO.stage1_received") == 1
    assert "--type LCHO" in r.figure("tsm.CH01.LCHO.homes_owned").note


def test_with_lcra_only_the_total_is_the_lcra_figure():
    r = report(*_record_set(), homes=500, by_type={}, types=("LCRA",))
    assert r.stock_types == ("LCRA",)
    assert r.value("tsm.CH01.LCRA.homes_owned") == 500
    # with one stock type every home is in it: U1, whose tenure is not recorded, is LCRA's
    assert r.value("tsm.CH01.LCRA.stage1_per_1000_homes") == 8.0  # 4 / 500 × 1,000
    assert r.value("tsm.CH01.stage1_per_1000_homes") == 10.0  # 5 / 500 × 1,000
    # LCHO's complaint (H1) is not of a stock type the landlord has: not known, in the total only
    assert refs(r, "tsm.CH01.tenure_not_known.stage1_received") == ["H1"]
    with pytest.raises(KeyError):
        r.figure("tsm.CH01.LCHO.stage1_per_1000_homes")


def test_tsm_homes_rules():
    def inputs(total, by_type, types):
        return ReportInputs(year=YEAR, today=D(2026, 5, 1), stages=(), refusals=(), withdrawals=(),
                            earliest_received=None, homes_owned=total, stock_types=types, homes_by_type=by_type)

    assert tsm_homes(inputs(900, {}, ("LCRA",)))[0] == 900
    assert tsm_homes(inputs(900, {}, ("LCRA",)))[1]["LCRA"][0] == 900
    assert tsm_homes(inputs(None, {"LCRA": 700, "LCHO": 300}, ("LCRA", "LCHO")))[0] == 1000
    assert tsm_homes(inputs(None, {"LCRA": 700}, ("LCRA", "LCHO")))[0] is None  # LCHO's homes missing
    assert tsm_homes(inputs(900, {}, ("LCRA", "LCHO")))[1] == {
        "LCRA": (None, "not set for 2025/26: chc settings set homes-owned 2025 N --type LCRA, so CH01 for LCRA can be counted"),
        "LCHO": (None, "not set for 2025/26: chc settings set homes-owned 2025 N --type LCHO, so CH01 for LCHO can be counted"),
    }


# --- words from a spreadsheet ---------------------------------------------------------------------------


@pytest.mark.parametrize("words, tenure", [
    ("Low cost rental", "LCRA"), ("LCRA", "LCRA"), ("general needs", "LCRA"), ("General Needs (social rent)", "LCRA"),
    ("Affordable rent", "LCRA"), ("supported housing", "LCRA"),
    ("Shared ownership", "LCHO"), ("low cost home ownership", "LCHO"), ("lcho", "LCHO"),
    ("", ""), (None, ""), ("leasehold", ""), ("market rent", ""), ("rental", ""), ("other", ""),
    ("general needs / shared ownership", ""),  # both: unclear
])
def test_tenure_from_a_spreadsheets_words(words, tenure):
    assert tenure_from_words(words) == tenure


# --- the steps ----------------------------------------------------------------------------------------


def _dump(db) -> tuple:
    with db.read() as s:
        return (sorted((r.key, r.value) for r in s.exec(select(Setting))),
                len(s.exec(select(AuditEntry)).all()),
                sorted((r.id, r.tenure, r.version) for r in s.exec(select(Resident))))


def test_stock_types_default_to_lcra_and_are_set_by_a_step(db):
    with db.read() as s:
        assert stock_types(s) == ("LCRA",)
    assert set_stock_types(db, "lcho, LCRA") == ("LCRA", "LCHO")
    with db.read() as s:
        assert stock_types(s) == ("LCRA", "LCHO")
        assert s.exec(select(AuditEntry).where(AuditEntry.action == "set stock types")).one()


@pytest.mark.parametrize("value, message", [
    ("LCRA,XYZ", "unknown stock type XYZ"),
    ("", "name at least one stock type"),
])
def test_bad_stock_types_are_refused_and_nothing_is_written(db, value, message):
    before = _dump(db)
    with pytest.raises(StepRefused) as refused:
        set_stock_types(db, value)
    assert refused.value.problems[0].field == "stock_types"
    assert message in refused.value.problems[0].message
    assert _dump(db) == before


def test_a_stock_type_held_by_a_resident_cannot_be_taken_away(db):
    set_stock_types(db, "LCRA,LCHO")
    ref = usecases.log_complaint(db, received_on=D(2026, 11, 2), channel="phone", resident_name="Ann",
                                 category="Repairs", resident_words="Leak.", resident_tenure="LCHO").reference
    before = _dump(db)
    with pytest.raises(StepRefused, match="1 resident has the tenure LCHO"):
        set_stock_types(db, "LCRA")
    assert _dump(db) == before
    with db.read() as s:
        resident = s.get(Resident, s.exec(select(Complaint.resident_id).where(Complaint.reference == ref)).one())
    residents.set_tenure(db, resident.id, tenure="")
    assert set_stock_types(db, "LCRA") == ("LCRA",)


@pytest.mark.parametrize("kwargs, field, message", [
    ({"homes": 0}, "homes", "from 1 to"),
    ({"homes": -5}, "homes", "from 1 to"),
    ({"homes": "-5"}, "homes", "whole number"),
    ({"homes": 100, "stock_type": "LCHO"}, "stock_type", "LCHO is not one of the landlord's stock types (LCRA)"),
    ({"homes": 100, "stock_type": "XYZ"}, "stock_type", "unknown stock type"),
])
def test_bad_homes_owned_is_refused_at_its_field_and_nothing_is_written(db, kwargs, field, message):
    before = _dump(db)
    with pytest.raises(StepRefused) as refused:
        set_homes_owned(db, year=2025, **kwargs)
    assert refused.value.problems[0].field == field
    assert message in refused.value.problems[0].message
    assert _dump(db) == before


def test_homes_owned_per_stock_type_are_their_own_settings(db):
    set_stock_types(db, "LCRA,LCHO")
    set_homes_owned(db, year=2025, homes=1200)
    set_homes_owned(db, year=2025, homes="1,000", stock_type="lcra")
    set_homes_owned(db, year=2025, homes=200, stock_type="LCHO")
    with db.read() as s:
        assert get_setting(s, "homes_owned:2025") == 1200
        assert get_setting(s, "homes_owned:2025:LCRA") == 1000
        assert get_setting(s, "homes_owned:2025:LCHO") == 200


def test_tenure_is_set_when_logging_and_on_the_resident(db):
    set_stock_types(db, "LCRA,LCHO")
    logged = usecases.log_complaint(db, received_on=D(2026, 11, 2), channel="phone", resident_name="Ann",
                                    category="Repairs", resident_words="Leak.", resident_tenure="lcra")
    with db.read() as s:
        resident = s.get(Resident, s.exec(select(Complaint.resident_id).where(Complaint.reference == logged.reference)).one())
    assert resident.tenure == "LCRA"
    residents.set_tenure(db, resident.id, tenure="LCHO", expected_version=resident.version)
    with db.read() as s:
        assert s.get(Resident, resident.id).tenure == "LCHO"
        entry = s.exec(select(AuditEntry).where(AuditEntry.action == "set tenure")).one()
        assert json.loads(entry.details_json)["tenure"] == "LCHO"
        assert json.loads(entry.before_json) == {"tenure": "LCRA"}
    before = _dump(db)
    with pytest.raises(StepRefused) as refused:
        residents.set_tenure(db, resident.id, tenure="freehold")
    assert refused.value.problems[0].field == "tenure"
    assert _dump(db) == before


def test_a_tenure_the_landlord_has_not_set_up_is_refused_when_logging(db):
    before = _dump(db)
    with pytest.raises(StepRefused) as refused:
        usecases.log_complaint(db, received_on=D(2026, 11, 2), channel="phone", resident_name="Ann",
                               category="Repairs", resident_words="Leak.", resident_tenure="LCHO")
    assert refused.value.problems[0].field == "tenure"
    assert "LCHO is not one of the landlord's stock types (LCRA)" in refused.value.problems[0].message
    assert _dump(db) == before


def test_the_report_reads_tenure_from_the_records(db):
    set_stock_types(db, "LCRA,LCHO")
    book = Book(db, D(2026, 5, 1))
    lcra = book.complaint(D(2025, 5, 1), timing="target")
    lcho = book.complaint(D(2025, 6, 2), timing="late")
    book.complaint(D(2025, 7, 1), timing=None)
    with db.read() as s:
        for ref, tenure in ((lcra, "LCRA"), (lcho, "LCHO")):
            rid = s.exec(select(Complaint.resident_id).where(Complaint.reference == ref)).one()
            residents.set_tenure(db, rid, tenure=tenure)
    set_homes_owned(db, year=2025, homes=400, stock_type="LCRA")
    set_homes_owned(db, year=2025, homes=100, stock_type="LCHO")
    r = report_for(db, 2025, D(2026, 5, 1))
    assert r.value("tsm.CH01.homes_owned") == 500
    assert r.value("tsm.CH01.stage1_per_1000_homes") == 6.0  # 3 / 500
    assert r.value("tsm.CH01.LCRA.stage1_per_1000_homes") == 2.5  # 1 / 400
    assert r.value("tsm.CH01.LCHO.stage1_per_1000_homes") == 10.0  # 1 / 100
    assert r.value("tsm.CH02.LCRA.stage1_within_timescale_pct") == 100.0
    assert r.value("tsm.CH02.LCHO.stage1_within_timescale_pct") == 0.0
    assert r.value("tsm.CH01.tenure_not_known.stage1_received") == 1


# --- the command line -------------------------------------------------------------------------------------


@pytest.fixture
def chc(db, capsys, monkeypatch):
    for variable in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.setenv(variable, "alice")

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(["--db", str(db.path), *argv])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def _three_in_2024(db) -> list[str]:
    book = Book(db, D(2025, 6, 1))
    return [book.complaint(D(2024, 5, 1)), book.complaint(D(2024, 9, 2), timing="late"),
            book.complaint(D(2025, 3, 31), timing=None)]


def test_homes_owned_set_from_the_cli_gives_ch01_in_the_cli_report(db, chc):
    """The issue's done-when, exactly: set from the CLI, CH01 per 1,000 homes in its JSON."""
    _three_in_2024(db)
    assert chc("settings", "set", "homes-owned", "2024", "1234")[:2] == (0, "homes_owned 2024 saved\n")
    code, out, err = chc("report", "--year", "2024", "--format", "json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data["tsm"]["CH01"]["homes_owned"] == 1234
    assert data["tsm"]["CH01"]["stage1_per_1000_homes"] == 2.43  # 3 / 1,234 × 1,000 = 2.431...
    # LCRA is the landlord's only stock type: every complaint is in it, tenure recorded or not
    assert data["tsm"]["CH01"]["LCRA"]["stage1_per_1000_homes"] == 2.43
    assert data["tsm"]["CH01"]["tenure_not_known"]["stage1_received"] == 0


def test_stock_types_tenure_and_homes_per_type_from_the_cli(db, chc):
    refs = _three_in_2024(db)
    code, _, err = chc("settings", "set", "homes-owned", "2024", "200", "--type", "LCHO")
    assert code == 2 and "LCHO is not one of the landlord's stock types (LCRA)" in err
    assert chc("settings", "set", "stock-types", "LCRA,LCHO")[:2] == (0, "stock_types LCRA,LCHO saved\n")
    assert chc("settings", "set", "homes-owned", "2024", "800", "--type", "LCRA")[:2] == (0, "homes_owned 2024 LCRA saved\n")
    assert chc("settings", "set", "homes-owned", "2024", "200", "--type", "lcho")[:2] == (0, "homes_owned 2024 LCHO saved\n")
    code, _, err = chc("settings", "set", "homes-owned", "2024", "0", "--type", "LCHO")
    assert code == 2 and "homes owned must be a whole number from 1" in err
    code, _, err = chc("settings", "set", "region", "scotland", "--type", "LCHO")
    assert code == 2 and "--type goes with homes-owned only" in err
    assert chc("complaint", "tenure", refs[0], "LCRA")[:2] == (0, f"{refs[0]}: Mrs A Resident's tenure is LCRA\n")
    assert chc("complaint", "tenure", refs[1], "LCHO")[0] == 0
    code, _, err = chc("complaint", "tenure", refs[2], "freehold")
    assert code == 2 and "--tenure: unknown tenure 'FREEHOLD'" in err
    code, out, _ = chc("settings", "show")
    assert "stock_types: LCRA,LCHO" in out.splitlines()

    code, out, _ = chc("report", "--year", "2024", "--format", "json")
    tsm = json.loads(out)["tsm"]
    assert tsm["CH01"]["homes_owned"] == 1000  # no total entered: 800 + 200
    assert tsm["CH01"]["stage1_per_1000_homes"] == 3.0
    assert tsm["CH01"]["LCRA"]["stage1_per_1000_homes"] == 1.25  # 1 / 800
    assert tsm["CH01"]["LCHO"]["stage1_per_1000_homes"] == 5.0  # 1 / 200
    assert tsm["CH01"]["tenure_not_known"]["stage1_received"] == 1
    assert tsm["CH02"]["LCRA"]["stage1_within_timescale_pct"] == 100.0
    assert tsm["CH02"]["LCHO"]["stage1_within_timescale_pct"] == 0.0


def test_complaint_log_takes_a_tenure(db, chc, monkeypatch):
    from chc_tui.cli import args as cli_args

    monkeypatch.setattr(cli_args, "today", lambda: D(2026, 11, 3))
    code, out, err = chc("complaint", "log", "--received", "02/11/2026", "--resident", "Ann", "--category", "Repairs",
                         "--words", "Leak.", "--tenure", "LCRA")
    assert code == 0, err
    ref = out.split()[0]
    code, out, _ = chc("complaint", "show", ref, "--json")
    assert json.loads(out)["tenure"] == "LCRA"
    code, _, err = chc("complaint", "log", "--received", "02/11/2026", "--resident", "Bo", "--category", "Repairs",
                       "--words", "Leak.", "--tenure", "LCHO")
    assert code == 2 and "--tenure: LCHO is not one of the landlord's stock types" in err


# --- the settings screen (F4), pressing real keys at 80x24 ----------------------------------------------


async def test_f4_sets_the_stock_types_and_homes_owned_per_type(db):
    from chc_tui.app import build_app
    from chc_tui.services import Services
    from screens.forms import StepForm
    from screens.settings import SettingsScreen
    from test_settings import _open_settings, _wait

    app = build_app(Services(db, actor="alice", today_fn=lambda: D(2025, 6, 2)))
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_settings(pilot, app)
        await pilot.press("s")
        await _wait(pilot, lambda: isinstance(app.screen, StepForm))
        app.screen.query_one("#f-LCHO").focus()
        await pilot.press("space", "ctrl+s")
        await _wait(pilot, lambda: isinstance(app.screen, SettingsScreen))
        with db.read() as s:
            assert stock_types(s) == ("LCRA", "LCHO")
        await pilot.press("h")
        await _wait(pilot, lambda: isinstance(app.screen, StepForm))
        form = app.screen
        homes = form.query_one("#f-homes")
        homes.focus()
        await pilot.press(*"0", "ctrl+s")
        await _wait(pilot, lambda: str(form.query_one("#e-homes").render()).strip() != "")
        assert "from 1 to" in str(form.query_one("#e-homes").render())  # beside the field, nothing written
        with db.read() as s:
            assert get_setting(s, "homes_owned:2025") is None
        await pilot.press("backspace", *"200")
        form.query_one("#f-stock_type").value = "LCHO"
        await pilot.press("ctrl+s")
        await _wait(pilot, lambda: isinstance(app.screen, SettingsScreen))
    with db.read() as s:
        assert get_setting(s, "homes_owned:2025:LCHO") == 200
        assert get_setting(s, "homes_owned:2025") is None


# --- a spreadsheet's Tenure column ------------------------------------------------------------------------


def _tenure_sheet(tmp_path, tenures: list[str]):
    from test_import import write_csv

    header = ["Reference", "Resident", "Received date", "Category", "Tenure"]
    rows = [{"Reference": f"HA-{i}", "Resident": f"Resident {i}", "Received date": "02/11/2026",
             "Category": "Repairs", "Tenure": t} for i, t in enumerate(tenures, start=1)]
    return write_csv(tmp_path / "sheet.csv", rows, header)


def test_the_tenure_column_is_read_as_a_stock_type_or_not_known(db, tmp_path):
    from chc_tui.spreadsheets.importer import import_file

    set_stock_types(db, "LCRA,LCHO")
    path = _tenure_sheet(tmp_path, ["General needs", "Shared ownership", "leasehold", ""])
    report = import_file(db, path, actor="importer", today=D(2026, 11, 23))
    assert report.problems == [] and len(report.imported) == 4
    with db.read() as s:
        got = {ref: tenure for ref, tenure in s.exec(
            select(Complaint.reference, Resident.tenure).join(Resident, Resident.id == Complaint.resident_id)).all()}
    assert got == {"HA-1": "LCRA", "HA-2": "LCHO", "HA-3": "", "HA-4": ""}


def test_a_tenure_the_landlord_has_not_set_up_is_a_problem_on_its_row(db, tmp_path):
    from chc_tui.spreadsheets.importer import import_file

    path = _tenure_sheet(tmp_path, ["Low cost rental", "Shared ownership"])
    before = _dump(db)
    report = import_file(db, path, actor="importer", today=D(2026, 11, 23))
    assert [(p.row, p.column) for p in report.problems] == [(3, "Tenure")]
    assert "LCHO is not one of the landlord's stock types (LCRA)" in report.problems[0].message
    assert _dump(db) == before
