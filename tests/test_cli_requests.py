"""`chc requests`: service requests from the command line, through the same use-cases as
the F5 screen; a refusal says why and writes nothing."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from chc_tui.steps import usecases
from chc_tui.cli.main import main
from chc_tui.rules.context import StepContext
from conftest import dump
from store.models import ServiceRequest


def _run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_log_list_and_done_from_the_command_line(db, capsys):
    path = str(db.path)
    ref = usecases.log_complaint(db, received_on=date(2026, 11, 2), channel="phone", resident_name="Ada Brown",
                                 category="Repairs", resident_words="Leak", ctx=StepContext(today=date(2026, 11, 2))).reference
    code, out, _ = _run(capsys, "requests", "--db", path, "log", "Dripping tap", "--for", ref.lower(),
                        "--received", "16/11/2026")
    assert code == 0 and out.strip() == "SR2026-0001 target 2026-11-30 (10 working days)"
    with db.read() as s:
        [request] = s.exec(select(ServiceRequest)).all()
    assert request.resident_id == _resident_of(db, ref)

    code, out, err = _run(capsys, "requests", "--db", path, "list")
    assert code == 0 and out.startswith("SR2026-0001  2026-11-30") and "Ada Brown: Dripping tap" in out
    assert err.startswith("1 open")

    before = dump(db)
    code, _, err = _run(capsys, "requests", "--db", path, "log", "Broken gate")  # nobody it is for
    assert code == 2 and "the resident's name is required" in err
    assert dump(db) == before

    code, out, _ = _run(capsys, "requests", "--db", path, "done", "sr2026-0001", "Washer replaced", "--on", "20/11/2026")
    assert code == 0
    with db.read() as s:
        [request] = s.exec(select(ServiceRequest)).all()
    assert (request.done_on, request.outcome) == (date(2026, 11, 20), "Washer replaced")
    code, _, err = _run(capsys, "requests", "--db", path, "done", "SR2026-0001", "again")
    assert code == 2 and "already done" in err


def _resident_of(db, reference: str) -> int:
    from store.models import Complaint

    with db.read() as s:
        return s.exec(select(Complaint.resident_id).where(Complaint.reference == reference)).one()
