"""`chc complaint ...` (issue 16.3): every step of a complaint from the command line, through
the same use-cases as the app. A refused step names its rule on stderr, exits 2 and writes
nothing; a warning goes to stderr and the step exits 0; `show --json` reproduces the record."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime

import pytest

from letter_helpers import ready_to_sign
from sqlmodel import select

from store.models import Staff
from sqlmodel import select

from chc_tui.cli import args as cli_args
from chc_tui.cli import complaint as cli_complaint
from chc_tui.cli.main import main
from chc_tui.rules.domain import Channel, Decision, ExclusionReason
from conftest import dump
from store.models import AuditEntry, ClosureDay, Letter

TODAY = date(2026, 12, 1)  # a Tuesday; every date below is before it


@pytest.fixture
def chc(db, capsys, monkeypatch):
    """chc("complaint", "log", ...) on the test database, as `alice` on TODAY:
    (exit code, stdout, stderr). chc.login("bob") changes who is acting."""
    monkeypatch.setattr(cli_args, "today", lambda: TODAY)  # the one clock of every command
    ready_to_sign(db)  # letters are signed by name and title ("Alice"), never a login
    with db.write() as session:  # no complaints lead: these tests name the officer in Settings (6.9g)
        for person in session.exec(select(Staff)):
            person.roles = person.roles.replace(",complaints-lead", "")
            session.add(person)

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(["--db", str(db.path), *argv])
        out, err = capsys.readouterr()
        return code, out, err

    def login(name: str) -> None:
        for variable in ("LOGNAME", "USER", "LNAME", "USERNAME"):  # what getpass.getuser reads
            monkeypatch.setenv(variable, name)

    run.login = login
    login("alice")
    return run


def _log(chc, *extra: str) -> str:
    code, out, err = chc("complaint", "log", "--received", "02/11/2026", "--resident", "Ada Brown",
                         "--category", "Repairs", "--words", "The roof leaks into the bedroom", *extra)
    assert code == 0, err
    return out.split()[0]


def _define(chc, ref: str, on: str = "03/11/2026") -> None:
    code, _, err = chc("complaint", "define", ref, "--understanding", "The roof leak reported in August is not fixed",
                       "--outcomes", "Fix the roof; repaint the ceiling", "--responsible", "Roof repairs", "--on", on)
    assert code == 0, err


def test_the_whole_lifecycle_from_the_command_line(db, chc):
    code, out, err = chc("complaint", "log", "--received", "02/11/2026", "--resident", "Ada Brown",
                         "--category", "Repairs", "--channel", "letter", "--words", "The roof leaks into the bedroom")
    assert code == 0
    assert out == "C2026-0001 logged: acknowledge by 2026-11-09 (Code 6.2); respond by 2026-11-23 (provisional)\n"
    assert "warning: the acknowledgement was due on 2026-11-09, already past (Code 6.2)" in err  # TODAY is later

    # Acknowledging before defining is refused with its rule, and writes nothing.
    before = dump(db)
    code, out, err = chc("complaint", "acknowledge", "C2026-0001", "--on", "04/11/2026")
    assert (code, out) == (2, "")
    assert err == ("chc complaint acknowledge: refused: define the complaint first: the acknowledgement must set out "
                   "the landlord's understanding and the outcomes sought (Code 5.6)\n")
    assert dump(db) == before

    code, out, _ = chc("complaint", "define", "c2026-0001", "--understanding", "The roof leak reported in August is not fixed",
                       "--outcomes", "Fix the roof; repaint the ceiling", "--responsible", "Roof repairs",
                       "--not-responsible", "The neighbour's gutter", "--on", "03/11/2026")
    assert (code, out) == (0, "C2026-0001 stage 1 defined\n")

    code, out, err = chc("complaint", "acknowledge", "C2026-0001", "--on", "04/11/2026")
    assert (code, out, err) == (0, "C2026-0001 stage 1 acknowledged: respond by 2026-11-18 (Code 6.3); letter 1 sent\n", "")

    code, out, err = chc("complaint", "extend", "C2026-0001", "--to", "25/11/2026", "--reason", "Scaffolding is needed",
                         "--on", "16/11/2026", "--told-on", "16/11/2026")
    assert (code, err) == (0, "")
    assert out == ("C2026-0001 stage 1 extended to 2026-11-25 (5 working days beyond the response deadline set at "
                   "acknowledgement); letter 2 sent\n")

    # The stage 1 response letter must say how to escalate, naming who to contact (6.9g).
    before = dump(db)
    respond = ("complaint", "respond", "C2026-0001", "--decision", "partly-upheld", "--reasons", "The repair was late",
               "--remedy", "£50 for the delay, due 08/12/2026", "--impact", "Three weeks of a leaking roof",
               "--action", "Repaint the ceiling, due 15/12/2026, owner Repairs team", "--on", "24/11/2026")
    code, _, err = chc(*respond)
    assert code == 2 and "how to escalate to stage 2 is missing (Code 6.9g)" in err
    assert dump(db) == before
    assert chc("settings", "set", "complaints-officer", "Pat Jones")[:2] == (0, "complaints_officer saved\n")
    code, out, _ = chc(*respond)
    assert (code, out) == (0, "C2026-0001 stage 1 answered: partly upheld; letter 3 sent\n")

    # Stage 2 may not go to anyone who considered stage 1 (6.13).
    before = dump(db)
    code, _, err = chc("complaint", "escalate", "C2026-0001", "--requested", "25/11/2026", "--handler", "Alice")
    assert code == 2 and "(Code 6.13)" in err and "chc complaint escalate: refused: --handler: " in err
    assert dump(db) == before
    code, out, _ = chc("complaint", "escalate", "C2026-0001", "--requested", "25/11/2026", "--handler", "bob")
    assert (code, out) == (0, "C2026-0001 escalated to stage 2: acknowledge by 2026-12-02 (Code 6.11)\n")

    chc.login("bob")
    code, out, _ = chc("complaint", "define", "C2026-0001", "--understanding", "Still dissatisfied with the remedy",
                       "--outcomes", "£250", "--responsible", "The delay", "--on", "26/11/2026")
    assert (code, out) == (0, "C2026-0001 stage 2 defined\n")
    code, out, _ = chc("complaint", "acknowledge", "C2026-0001", "--on", "26/11/2026")
    assert (code, out) == (0, "C2026-0001 stage 2 acknowledged: respond by 2026-12-24 (Code 6.14); letter 4 sent\n")
    code, out, _ = chc("complaint", "respond", "C2026-0001", "--decision", "not-upheld",
                       "--reasons", "The stage 1 remedy was fair", "--on", "30/11/2026")
    assert (code, out) == (0, "C2026-0001 stage 2 answered: not upheld; letter 5 sent\n")
    code, out, err = chc("complaint", "close", "C2026-0001", "--on", "01/12/2026")
    assert (code, out) == (0, "C2026-0001 closed\n")
    assert err == ("chc complaint close: warning: outstanding actions go on being tracked after closure (Code 6.6, 6.17): "
                   "Repaint the ceiling, due 2026-12-15 (Repairs team)\n")

    with db.read() as s:
        kinds = [(letter.kind, letter.sent_by) for letter in s.exec(select(Letter).order_by(Letter.id))]
        actions = [(a.actor, a.action) for a in s.exec(select(AuditEntry).order_by(AuditEntry.id))]
    assert kinds == [("stage1_acknowledgement", "alice"), ("extension", "alice"), ("stage1_response", "alice"),
                     ("stage2_acknowledgement", "bob"), ("stage2_response", "bob")]
    assert actions == [
        ("alice", "log"), ("alice", "define"), ("alice", "acknowledge"), ("alice", "extend"),
        ("alice", "update landlord settings"), ("alice", "offer remedy"), ("alice", "add action"), ("alice", "respond"),
        ("alice", "escalate"), ("bob", "define"), ("bob", "acknowledge"), ("bob", "respond"), ("bob", "close"),
    ]

    code, out, _ = chc("complaint", "show", "C2026-0001")
    assert code == 0 and out.startswith("C2026-0001  Ada Brown  Repairs\nreceived 2026-11-02 by letter; closed on 2026-12-01\n")
    _show_json_reproduces_the_record(db, chc)


def _show_json_reproduces_the_record(db, chc) -> None:
    code, out, _ = chc("complaint", "show", "C2026-0001", "--json")
    assert code == 0
    shown = json.loads(out)
    with db.read() as s:
        stored = list(s.exec(select(Letter).order_by(Letter.id)))
        audit = list(s.exec(select(AuditEntry).where(AuditEntry.complaint_id != None).order_by(AuditEntry.id)))  # noqa: E711
    for letter in stored:
        assert letter.sha256 == hashlib.sha256(letter.body.encode("utf-8")).hexdigest()
    assert [datetime.fromisoformat(entry.pop("at")) for entry in shown["audit"]] == [a.at for a in audit]
    assert shown["audit"] == [
        {"actor": a.actor, "action": a.action, "details": json.loads(a.details_json),
         "before": json.loads(a.before_json) or None}
        for a in audit
    ]
    assert [(a["actor"], a["action"]) for a in shown.pop("audit")] == [
        ("alice", "log"), ("alice", "define"), ("alice", "acknowledge"), ("alice", "extend"), ("alice", "offer remedy"),
        ("alice", "add action"), ("alice", "respond"), ("alice", "escalate"), ("bob", "define"), ("bob", "acknowledge"),
        ("bob", "respond"), ("bob", "close"),
    ]

    def due(step, start, days, on, *, provisional=False, extension=False, active=True, met=None):
        return {"step": step, "clock_start": start, "working_days": days, "due_on": on, "provisional": provisional,
                "by_extension": extension, "active": active, "met_on": met}

    assert shown == {
        "reference": "C2026-0001",
        "resident": "Ada Brown",
        "tenure": None,  # not known: logged without --tenure (issue 18.6)
        "representative": None,
        "received": "2026-11-02",
        "channel": "letter",
        "category": "Repairs",
        "resident_words": "The roof leaks into the bedroom",
        "adjustments": None,
        "resident_adjustments": [],
        "status": "closed",
        "current_stage": 2,
        "handler": "Bob",
        "next_step": None,
        "closed_on": "2026-12-01",
        "imported_from": None,  # typed in, not imported (issue 18.2)
        "verified_on": None,
        "stages": [
            {
                "stage": 1,
                "opened_on": "2026-11-02",
                "handler": "Alice",
                "escalation_reason": None,
                "definition": {
                    "understanding": "The roof leak reported in August is not fixed",
                    "outcomes_sought": "Fix the roof; repaint the ceiling",
                    "responsible_aspects": "Roof repairs",
                    "not_responsible_aspects": "The neighbour's gutter",
                    "defined_on": "2026-11-03",
                    "defined_by": "alice",
                },
                "acknowledged_on": "2026-11-04",
                "acknowledge_due": "2026-11-09",
                "response_due": "2026-11-25",
                "response_due_provisional": False,
                "due_dates": [
                    due("acknowledge", "2026-11-02", 5, "2026-11-09", met="2026-11-04"),
                    due("respond", "2026-11-09", 10, "2026-11-23", provisional=True, active=False),
                    due("respond", "2026-11-04", 10, "2026-11-18", active=False),
                    due("respond", "2026-11-18", 5, "2026-11-25", extension=True, met="2026-11-24"),
                ],
                "extensions": [
                    {
                        "decided_on": "2026-11-16",
                        "previous_due": "2026-11-18",
                        "new_due": "2026-11-25",
                        "working_days_beyond_target": 5,
                        "reason": "Scaffolding is needed",
                        "told_resident_on": "2026-11-16",
                        "ombudsman_details_given": True,
                        "good_reason": None,
                        "decided_by": "alice",
                    }
                ],
                "responded_on": "2026-11-24",
                "response": {
                    "responded_on": "2026-11-24",
                    "decision": "partly_upheld",
                    "reasons": "The repair was late",
                    "remedy": "£50.00 for the delay, by 08/12/2026",
                    "outstanding_actions": "Repaint the ceiling, by 15/12/2026 (Repairs team)",
                    "responded_by": "alice",
                },
            },
            {
                "stage": 2,
                "opened_on": "2026-11-25",
                "handler": "Bob",
                "escalation_reason": None,
                "definition": {
                    "understanding": "Still dissatisfied with the remedy",
                    "outcomes_sought": "£250",
                    "responsible_aspects": "The delay",
                    "not_responsible_aspects": None,
                    "defined_on": "2026-11-26",
                    "defined_by": "bob",
                },
                "acknowledged_on": "2026-11-26",
                "acknowledge_due": "2026-12-02",
                "response_due": "2026-12-24",
                "response_due_provisional": False,
                "due_dates": [
                    due("acknowledge", "2026-11-25", 5, "2026-12-02", met="2026-11-26"),
                    # counted over Christmas, Boxing Day (28th in lieu) and New Year's Day
                    due("respond", "2026-12-02", 20, "2027-01-04", provisional=True, active=False),
                    due("respond", "2026-11-26", 20, "2026-12-24", met="2026-11-30"),
                ],
                "extensions": [],
                "responded_on": "2026-11-30",
                "response": {
                    "responded_on": "2026-11-30",
                    "decision": "not_upheld",
                    "reasons": "The stage 1 remedy was fair",
                    "remedy": None,
                    "outstanding_actions": None,
                    "responded_by": "bob",
                },
            },
        ],
        "refusal": None,
        "withdrawal": None,
        "letters": [
            {"id": letter.id, "stage": letter.stage, "kind": letter.kind, "sent_on": letter.sent_on.isoformat(),
             "sent_by": letter.sent_by, "edited": False, "sha256": letter.sha256}
            for letter in stored
        ],
    }
    assert [(x["kind"], x["sent_on"]) for x in shown["letters"]] == [
        ("stage1_acknowledgement", "2026-11-04"), ("extension", "2026-11-16"), ("stage1_response", "2026-11-24"),
        ("stage2_acknowledgement", "2026-11-26"), ("stage2_response", "2026-11-30"),
    ]


def test_a_refusal_over_twelve_months_names_its_rule(db, chc):
    ref = _log(chc)
    before = dump(db)
    facts = ("--issue-date", "01/03/2024", "--aware-date", "01/03/2024", "--discretion", "No good reason for the delay")
    code, out, err = chc("complaint", "refuse", ref, "--reason", "over-12-months", "--explanation", "  ", *facts)
    assert (code, out) == (2, "")
    assert err == "chc complaint refuse: refused: --explanation: an explanation to the resident is required (Code 2.4)\n"
    assert dump(db) == before

    code, out, err = chc("complaint", "refuse", ref, "--reason", "over-12-months", "--on", "05/11/2026",
                         "--explanation", "The damp you describe was last reported in 2024", *facts)
    assert (code, out) == (0, f"{ref} refused: issue arose over 12 months ago (2.2, 2.3); letter 1 sent\n")
    shown = json.loads(chc("complaint", "show", ref, "--json")[1])
    assert shown["status"] == "refused" and shown["closed_on"] == "2026-11-05"
    assert shown["refusal"] == {"stage": 1, "refused_on": "2026-11-05", "reason": "over_12_months",
                                "explanation": "The damp you describe was last reported in 2024",
                                "ombudsman_right_explained": True, "refused_by": "alice",
                                "issue_on": "2024-03-01", "aware_on": "2024-03-01",
                                "discretion_considered": "No good reason for the delay", "claim_filed_on": None}
    assert [x["kind"] for x in shown["letters"]] == ["refusal"]

    before = dump(db)
    code, _, err = chc("complaint", "refuse", ref, "--reason", "other", "--explanation", "Again")
    assert code == 2 and err == f"chc complaint refuse: refused: cannot refuse: {ref} is refused\n"
    code, _, err = chc("complaint", "withdraw", ref)
    assert code == 2 and f"cannot withdraw: {ref} is refused" in err
    assert dump(db) == before


def test_withdraw_sends_its_letter_and_nothing_follows(db, chc):
    ref = _log(chc)
    code, out, _ = chc("complaint", "withdraw", ref, "--on", "10/11/2026")
    assert (code, out) == (0, f"{ref} withdrawn; letter 1 sent\n")
    shown = json.loads(chc("complaint", "show", ref, "--json")[1])
    assert shown["withdrawal"] == {"stage": 1, "withdrawn_on": "2026-11-10", "reason": None, "recorded_by": "alice"}
    assert (shown["status"], shown["next_step"], shown["stages"][0]["acknowledge_due"]) == ("withdrawn", None, None)
    before = dump(db)
    code, _, err = chc("complaint", "close", ref)
    assert code == 2 and "cannot close" in err
    assert dump(db) == before


def test_a_letter_file_missing_a_required_item_is_refused(db, chc, tmp_path):
    ref = _log(chc)
    _define(chc, ref)
    letter = tmp_path / "ack.txt"
    # Every block an acknowledgement must carry (6.2, 5.6, 5.7, 6.3, 5.10, 3.7), in the handler's
    # own words under the letter's headings, but the reference.
    text = ("Dear Ada Brown,\n\nWe have received your complaint.\n\n"
            "Who is handling your complaint: alice is handling it.\n\n"
            "Our understanding of your complaint:\nThe roof still leaks.\n\n"
            "What you would like to happen:\nA roof repair and a repainted ceiling.\n\n"
            "What we are responsible for and will look into:\nThe roof.\n\n"
            "When we will respond: by 18 November 2026.\n\n"
            "Reasonable adjustments: tell us if you need a reasonable adjustment.\n\n"
            "The Housing Ombudsman: 0300 111 3000, https://www.housing-ombudsman.org.uk/residents/make-a-complaint/\n")
    letter.write_text(text, encoding="utf-8")
    before = dump(db)
    code, out, err = chc("complaint", "acknowledge", ref, "--on", "04/11/2026", "--letter-file", str(letter))
    assert (code, out) == (2, "")
    assert err == (f"chc complaint acknowledge: refused: --letter-file: the letter no longer gives the complaint "
                   f"reference: its heading \u201cOur reference\u201d is gone\n")
    assert dump(db) == before

    code, _, err = chc("complaint", "acknowledge", ref, "--letter-file", str(tmp_path / "missing.txt"))
    assert code == 2 and err.startswith("chc complaint acknowledge: --letter-file: cannot read ")
    assert dump(db) == before

    letter.write_text(f"Our reference: {ref}\n\n{text}", encoding="utf-8")
    code, out, _ = chc("complaint", "acknowledge", ref, "--on", "04/11/2026", "--letter-file", str(letter))
    assert (code, out) == (0, f"{ref} stage 1 acknowledged: respond by 2026-11-18 (Code 6.3); letter 1 sent\n")
    with db.read() as s:
        [sent] = s.exec(select(Letter)).all()
    assert (sent.body, sent.edited) == (letter.read_text(encoding="utf-8"), True)
    assert json.loads(chc("complaint", "show", ref, "--json")[1])["letters"][0]["edited"] is True


def test_warnings_go_to_stderr_and_the_step_still_exits_0(db, chc):
    ref = _log(chc)
    _define(chc, ref)
    code, out, err = chc("complaint", "acknowledge", ref, "--on", "12/11/2026")  # due 09/11
    assert code == 0 and out.startswith(f"{ref} stage 1 acknowledged: respond by 2026-11-26")
    assert err == ("chc complaint acknowledge: warning: stage 1 was acknowledged 3 working days after the deadline "
                   "of 2026-11-09 (Code 6.2): recorded as late\n")

    # Past the Code's limit of 10 working days beyond 26/11: refused without a good reason...
    before = dump(db)
    extend = ("complaint", "extend", ref, "--to", "17/12/2026", "--reason", "Specialist roofer", "--on", "20/11/2026",
              "--told-on", "20/11/2026")
    code, _, err = chc(*extend)
    assert code == 2 and "--good-reason: 15 working days beyond the response deadline, past the limit of 10" in err
    assert "(Code 6.4)" in err and "--record-anyway" in err
    assert dump(db) == before
    # ...recorded with one, and warned of. The date is in the future: allowed for a due date.
    code, out, err = chc(*extend, "--good-reason", "The only roofer licensed for the listed building")
    assert code == 0 and "extended to 2026-12-17" in out
    assert err == ("chc complaint extend: warning: this extension is 15 working days beyond the response deadline, "
                   "past the Code's 10: recorded with the good reason given (Code 6.4)\n")

    action = ("--action", "Replace the flashing, due 14/12/2026, owner Roofing team")
    code, out, err = chc("complaint", "respond", ref, "--decision", "upheld", "--reasons", "Late", *action,
                         "--on", "30/11/2026")
    assert code == 2 and "Code 6.9g" in err  # no complaints officer yet
    chc("settings", "set", "complaints_officer", "Pat Jones")
    code, out, err = chc("complaint", "respond", ref, "--decision", "upheld", "--reasons", "Late", *action,
                         "--on", "30/11/2026")
    assert (code, err) == (0, "")
    code, out, err = chc("complaint", "close", ref, "--on", "01/12/2026")
    assert (code, out) == (0, f"{ref} closed\n")
    assert err == ("chc complaint close: warning: outstanding actions go on being tracked after closure (Code 6.6, "
                   "6.17): Replace the flashing, due 2026-12-14 (Roofing team)\n")


def test_log_refusals_and_kept_references(db, chc):
    before = dump(db)
    code, _, err = chc("complaint", "log", "--received", "02/12/2026", "--resident", " ", "--category", "Repairs")
    assert code == 2
    assert err.splitlines() == [
        "chc complaint log: refused: --received: the date received cannot be in the future (today is 01/12/2026)",
        "chc complaint log: refused: --resident: the resident's name is required",
        "chc complaint log: refused: --words: the resident's own words is required (Code 5.12)",
    ]
    assert dump(db) == before
    ref = _log(chc, "--reference", "HX-77", "--handler", "carol", "--channel", "web-form")
    assert ref == "HX-77"
    shown = json.loads(chc("complaint", "show", "HX-77", "--json")[1])
    assert (shown["channel"], shown["handler"], shown["next_step"]) == ("web_form", "Carol", "define")  # typed as a login, shown by name
    code, _, err = chc("complaint", "log", "--received", "02/11/2026", "--resident", "B", "--category", "C",
                       "--words", "W", "--reference", "HX-77")
    assert code == 2 and "the reference HX-77 is already used" in err
    code, _, err = chc("complaint", "define", "NOPE-1", "--understanding", "u", "--outcomes", "o", "--responsible", "r")
    assert code == 2 and err == "chc complaint define: refused: no complaint with reference 'NOPE-1'\n"
    code, _, err = chc("complaint", "show", "NOPE-1")
    assert code == 2 and "no complaint with reference 'NOPE-1'" in err
    with pytest.raises(SystemExit) as exited:  # a choice argparse knows is wrong: its usage error, exit 2
        chc("complaint", "respond", ref, "--decision", "maybe", "--reasons", "r")
    assert exited.value.code == 2


def test_a_missing_database_is_one_line_and_exit_2(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(cli_args, "today", lambda: TODAY)  # the one clock of every command
    missing = tmp_path / "nowhere.db"
    code = main(["--db", str(missing), "complaint", "show", "C2026-0001"])
    _, err = capsys.readouterr()
    assert code == 2 and len(err.splitlines()) == 1 and "no database" in err
    assert not missing.exists()


def test_the_command_line_vocabularies_are_the_domains():
    assert [c.replace("-", "_") for c in cli_complaint.CHANNELS] == [c.value for c in Channel]
    assert [d.replace("-", "_") for d in cli_complaint.DECISIONS] == [d.value for d in Decision]
    assert [r.replace("-", "_") for r in cli_complaint.EXCLUSION_REASONS] == [r.value for r in ExclusionReason]


def test_deadlines_json(db, chc):
    assert json.loads(chc("deadlines", "--json")[1]) == {"today": "2026-12-01", "deadlines": []}
    ref = _log(chc)
    _define(chc, ref)
    chc("complaint", "acknowledge", ref, "--on", "27/11/2026")
    code, out, _ = chc("deadlines", "--json")
    assert code == 0
    assert json.loads(out) == {
        "today": "2026-12-01",
        "deadlines": [{
            "reference": ref, "resident": "Ada Brown", "stage": 1, "handler": "Alice", "step": "respond",
            "due_on": "2026-12-11", "due_step": "respond", "provisional": False, "working_days_left": 8,
            "state": "on_track",
        }],
    }


def test_settings_homes_owned_and_closure_days(db, chc):
    assert chc("settings", "set", "homes-owned", "2025", "5,035")[:2] == (0, "homes_owned 2025 saved\n")
    code, _, err = chc("settings", "set", "homes-owned", "2025")
    assert code == 2 and "give the financial year and the number" in err
    assert chc("settings", "set", "homes_owned", "2025", "none")[0] == 2
    assert chc("settings", "set", "name", "Riverside", "Homes")[0] == 2
    assert chc("settings", "set", "name", "Riverside Homes")[0] == 0
    assert chc("settings", "set", "service-request-target-days", "7")[0] == 0
    assert chc("settings", "set", "region", "scotland")[0] == 0
    assert chc("settings", "set", "region", "england-and-wales")[0] == 0

    # A range adds every working day in it: not the weekend, not Christmas, Boxing Day
    # (Monday 28th in lieu) or New Year's Day, which are bank holidays in England and Wales.
    code, out, _ = chc("settings", "closure", "add", "24/12/2026", "01/01/2027", "--note", "Christmas")
    assert (code, out) == (0, "4 closure days added: 2026-12-24, 2026-12-29, 2026-12-30, 2026-12-31\n")
    before = dump(db)
    code, _, err = chc("settings", "closure", "add", "26/12/2026", "28/12/2026")
    assert code == 2 and "there is no working day from 26/12/2026 to 28/12/2026" in err
    code, _, err = chc("settings", "closure", "add", "24/12/2026")
    assert code == 2 and err == "chc settings: 24/12/2026 is already a closure day\n"
    code, _, err = chc("settings", "closure", "add", "02/01/2027", "01/01/2027")
    assert code == 2 and "before it starts" in err
    assert dump(db) == before
    code, out, _ = chc("settings", "closure", "list")
    assert out.splitlines() == ["2026-12-24 Thu Christmas", "2026-12-29 Tue Christmas",
                                "2026-12-30 Wed Christmas", "2026-12-31 Thu Christmas"]
    assert chc("settings", "closure", "remove", "30/12/2026", "02/01/2027")[:2] == (
        0, "2 closure days removed: 2026-12-30, 2026-12-31\n")
    assert chc("settings", "closure", "remove", "29/12/2026")[:2] == (0, "closure day 2026-12-29 removed\n")
    assert chc("settings", "closure", "remove", "29/12/2026")[0] == 2
    with db.read() as s:
        assert [c.day for c in s.exec(select(ClosureDay))] == [date(2026, 12, 24)]

    code, out, _ = chc("settings", "show")
    assert code == 0
    lines = out.splitlines()
    assert "name: Riverside Homes" in lines and "service_request_target_days: 7" in lines
    assert "region: england-and-wales" in lines and "closure_days: 2026-12-24 Christmas" in lines
    assert "homes_owned 2025: 5035" in lines


def test_respond_takes_repeatable_remedies_and_actions_as_records(db, chc):
    """`--remedy` and `--action` (repeatable), one line each: remedy and action records in
    the response's transaction; a bad line is refused naming its option and line, nothing written."""
    from store.models import Action, Remedy

    ref = _log(chc)
    _define(chc, ref)
    assert chc("complaint", "acknowledge", ref, "--on", "04/11/2026")[0] == 0
    chc("settings", "set", "complaints_officer", "Pat Jones")
    respond = ("complaint", "respond", ref, "--decision", "upheld", "--reasons", "The roof repair was late",
               "--on", "30/11/2026")
    before = dump(db)
    code, out, err = chc(*respond)  # upheld, and nothing to put it right, nor why not (7.1)
    assert (code, out) == (2, "")
    assert err == ("chc complaint respond: refused: --remedy: the complaint is upheld: offer a remedy or an action to "
                   "put things right, or record why there is none (Code 7.1)\n")
    code, _, err = chc(*respond, "--remedy", "£250 compensation, due 10/01/2027", "--action", "Fix the roof, due 14/12/2026")
    assert code == 2 and err.splitlines() == [
        "chc complaint respond: refused: --action: action line 1: say who owns it, ending the line ', owner Repairs team'",
        "chc complaint respond: refused: --impact: say what the fault cost the resident: the remedy must reflect the "
        "impact on them (Code 7.2)",
    ]
    assert dump(db) == before
    code, out, err = chc(*respond,
                         "--remedy", "£250 compensation for distress, due 10/01/2027, parts Distress: 150; Time and trouble: 100",
                         "--remedy", "apology: a written apology from the Head of Repairs, due 04/12/2026",
                         "--action", "Replace the roof flashing, due 14/12/2026, owner Roofing team",
                         "--action", "Repaint the bedroom ceiling, due 20/12/2026, owner Decorating team",
                         "--impact", "Three months of a wet bedroom", "--remedies-guidance", "Remedies Guidance 2024: band 2")
    assert code == 0 and "recorded as late" in err  # answered after the deadline: a warning only
    with db.read() as s:
        remedies = [(r.kind, r.description, r.amount_pence, json.loads(r.parts_json), r.due_on, r.offered_on)
                    for r in s.exec(select(Remedy).order_by(Remedy.id))]
        actions = [(a.stage, a.description, a.owner, a.due_on) for a in s.exec(select(Action).order_by(Action.id))]
    assert remedies == [
        ("financial", "compensation for distress", 25000,
         [{"label": "Distress", "pence": 15000}, {"label": "Time and trouble", "pence": 10000}],
         date(2027, 1, 10), date(2026, 11, 30)),
        ("apology", "a written apology from the Head of Repairs", None, [], date(2026, 12, 4), date(2026, 11, 30)),
    ]
    assert actions == [(1, "Replace the roof flashing", "Roofing team", date(2026, 12, 14)),
                       (1, "Repaint the bedroom ceiling", "Decorating team", date(2026, 12, 20))]
    with db.read() as s:
        letter = s.exec(select(Letter).where(Letter.kind == "stage1_response")).one()
    assert "- £250.00 compensation for distress, by 10 January 2027\n" in letter.body
    assert "- Replace the roof flashing, by 14 December 2026\n- Repaint the bedroom ceiling, by 20 December 2026\n" in letter.body


def test_upheld_with_a_reason_for_no_remedy(db, chc):
    ref = _log(chc)
    _define(chc, ref)
    assert chc("complaint", "acknowledge", ref, "--on", "04/11/2026")[0] == 0
    chc("settings", "set", "complaints_officer", "Pat Jones")
    code, out, err = chc("complaint", "respond", ref, "--decision", "partly-upheld", "--reasons", "Partly late",
                         "--no-remedy-reason", "The roof was repaired the day after it was reported", "--on", "30/11/2026")
    assert code == 0, err
    code, out, _ = chc("complaint", "show", ref, "--json")
    assert json.loads(out)["stages"][0]["response"]["remedy"] is None


def test_refuse_over_12_months_needs_its_facts_and_show_gives_them(chc):
    """Issue 19.4: the dates and the discretion considered (2.3), each at its option."""
    ref = _log(chc)
    code, _, err = chc("complaint", "refuse", ref, "--reason", "over-12-months", "--explanation", "Too old")
    assert code == 2
    assert "--issue-date" in err and "--aware-date" in err and "--discretion" in err
    code, _, err = chc("complaint", "refuse", ref, "--reason", "over-12-months", "--explanation", "Too old",
                       "--issue-date", "01/05/2023", "--aware-date", "01/06/2023", "--discretion", "No good reason")
    assert code == 0, err
    shown = json.loads(chc("complaint", "show", ref, "--json")[1])["refusal"]
    assert (shown["issue_on"], shown["aware_on"], shown["discretion_considered"], shown["claim_filed_on"]) == (
        "2023-05-01", "2023-06-01", "No good reason", None)


def test_refuse_for_legal_proceedings_needs_the_claim_date(chc):
    ref = _log(chc)
    code, _, err = chc("complaint", "refuse", ref, "--reason", "legal-proceedings", "--explanation", "In court")
    assert code == 2 and "--claim-filed" in err
    assert chc("complaint", "refuse", ref, "--reason", "legal-proceedings", "--explanation", "In court",
               "--claim-filed", "12/10/2026")[0] == 0


def test_log_with_adjustments_gives_the_resident_the_need(chc):
    """Issue 19.3: the adjustment typed when logging is the resident's (5.10)."""
    ref = _log(chc, "--adjustments", "Large print letters")
    shown = json.loads(chc("complaint", "show", ref, "--json")[1])
    assert (shown["adjustments"], shown["resident_adjustments"]) == ("Large print letters", ["Large print letters"])
