"""`chc remind` (issue 21.4): each member of staff's own deadlines overdue, due today or due
within two working days, and the complaints lead's summary, by email to a real SMTP server
on loopback; run twice on one day, each digest is sent once; --stdout prints the same
digests and sends nothing.

The record set, on Thursday 3 December 2026 (England, no bank holiday near):
  C2026-0001 Alice's, received Thu 26/11, not acknowledged: acknowledgement due today
  C2026-0002 Alice's, acknowledged Mon 23/11: response due Mon 07/12, 2 working days left
  C2026-0003 Bob's, received Thu 19/11, not acknowledged: acknowledgement overdue by 5
  C2026-0004 Bob's, received Wed 02/12: acknowledgement due Wed 09/12, 4 left (on track: not sent)
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from chc_tui.cli.main import main as chc
from chc_tui.rules.context import StepContext
from chc_tui.steps import usecases
from chc_tui.steps.mail_settings import set_mail_setting
from mail_helpers import free_port, smtp_server  # noqa: F401  (the fixture)
from store.models import ReminderSent, Staff, StaffLogin

THU = date(2026, 12, 3)
ALICE = StepContext(actor="alice", today=THU)
PEOPLE = {  # login: (display name, email, roles)
    "alice": ("Alice Smith", "alice@riverside.example", "admin,handler"),
    "bob": ("Bob Jones", "bob@riverside.example", "handler"),
    "manager": ("Mo Khan", "mo@riverside.example", "complaints-lead"),
}

HEADING = ("Complaint deadlines on Thursday 03/12/2026 that are overdue, due today or due within 2 working days, "
           "in working days (weekends, bank holidays and closure days not counted):")
FOOT = "Find each complaint in chc by its reference (chc complaint show REFERENCE).\n"
ALICE_BODY = f"""Dear Alice Smith,

{HEADING}

- C2026-0001: stage 1 acknowledgement due today, Thursday 03/12/2026
- C2026-0002: stage 1 response due Monday 07/12/2026, 2 working days left

{FOOT}"""
BOB_BODY = f"""Dear Bob Jones,

{HEADING}

- C2026-0003: stage 1 acknowledgement was due Thursday 26/11/2026, overdue by 5 working days

{FOOT}"""
SUMMARY_BODY = f"""Dear Mo Khan,

The summary of every handler's deadlines, as complaints lead.

{HEADING}

- C2026-0003: stage 1 acknowledgement was due Thursday 26/11/2026, overdue by 5 working days (handler: Bob Jones)
- C2026-0001: stage 1 acknowledgement due today, Thursday 03/12/2026 (handler: Alice Smith)
- C2026-0002: stage 1 response due Monday 07/12/2026, 2 working days left (handler: Alice Smith)

{FOOT}"""
EXPECTED = [  # (to, subject, body), in the order sent
    ("alice@riverside.example", "Your complaint deadlines 03/12/2026: 0 overdue, 1 due today, 1 due soon", ALICE_BODY),
    ("bob@riverside.example", "Your complaint deadlines 03/12/2026: 1 overdue, 0 due today, 0 due soon", BOB_BODY),
    ("mo@riverside.example", "All complaint deadlines 03/12/2026: 1 overdue, 1 due today, 1 due soon", SUMMARY_BODY),
]


def log(db, received_on: date, handler: str) -> str:
    return usecases.log_complaint(
        db, received_on=received_on, channel="phone", resident_name="Mrs Ada Brown", category="Repairs",
        resident_words="The bathroom ceiling leaks.", handler=handler, ctx=ALICE,
    ).reference


@pytest.fixture
def record_set(db):
    """The staff as above (everyone else on the test register: handler only, no email), and
    the four complaints."""
    with db.write() as session:
        for staff in session.exec(select(Staff)):
            staff.roles, staff.email = "admin,handler", ""
        for login, (name, email, roles) in PEOPLE.items():
            staff = session.get(Staff, session.get(StaffLogin, login).staff_id)
            staff.display_name, staff.email, staff.roles = name, email, roles
    assert log(db, date(2026, 11, 26), "alice") == "C2026-0001"
    ref = log(db, date(2026, 11, 18), "alice")
    usecases.define(db, ref, understanding="The leak has not been repaired", outcomes_sought="Repair it",
                    responsible_aspects="Repairs to the roof", ctx=ALICE)
    usecases.acknowledge(db, ref, acknowledged_on=date(2026, 11, 23), ctx=ALICE)
    assert log(db, date(2026, 11, 19), "bob") == "C2026-0003"
    assert log(db, date(2026, 12, 2), "bob") == "C2026-0004"
    return db


def mail_to(db, port: int) -> None:
    for name, value in [("smtp-host", "127.0.0.1"), ("smtp-port", str(port)), ("smtp-security", "none"),
                        ("smtp-from", "complaints@riverside.example")]:
        set_mail_setting(db, name, value, ctx=ALICE)


def remind(db, *more: str) -> int:
    return chc(["--db", str(db.path), "remind", "--date", "03/12/2026", *more])


def sent_rows(db) -> list[tuple[int, str]]:
    with db.read() as session:
        return sorted((r.staff_id, r.item_key) for r in session.exec(select(ReminderSent)))


def test_each_digest_is_sent_once_however_often_remind_runs_in_a_day(record_set, smtp_server, capsys):
    db = record_set
    mail_to(db, smtp_server.port)
    assert remind(db) == 0
    got = [(m["To"], m["Subject"], m.get_content().replace("\r\n", "\n")) for m in smtp_server.handler.messages]
    assert got == EXPECTED
    assert all(m["From"] == "complaints@riverside.example" for m in smtp_server.handler.messages)
    assert len(sent_rows(db)) == 2 + 1 + 3
    capsys.readouterr()

    assert remind(db) == 0  # the same day again: nothing new
    assert len(smtp_server.handler.envelopes) == 3
    assert capsys.readouterr().out == "nothing to remind anyone of on 03/12/2026\n"
    assert len(sent_rows(db)) == 6

    assert chc(["--db", str(db.path), "remind", "--date", "04/12/2026"]) == 0  # the next day: again
    assert len(smtp_server.handler.envelopes) == 6


def test_a_deadline_new_since_the_morning_run_is_sent_alone(record_set, smtp_server):
    db = record_set
    mail_to(db, smtp_server.port)
    assert remind(db) == 0
    log(db, date(2026, 11, 26), "bob")  # C2026-0005: acknowledgement due today
    assert remind(db) == 0
    later = smtp_server.handler.messages[3:]
    assert [m["To"] for m in later] == ["bob@riverside.example", "mo@riverside.example"]
    assert "C2026-0005" in later[0].get_content() and "C2026-0003" not in later[0].get_content()
    assert "C2026-0005" in later[1].get_content() and "C2026-0001" not in later[1].get_content()


def test_stdout_prints_the_same_digests_sends_nothing_and_needs_no_mail_settings(record_set, capsys):
    db = record_set
    assert remind(db, "--stdout") == 0
    out = capsys.readouterr().out
    rule = "-" * 72 + "\n"
    assert out == rule.join(f"To: {name} <{to}>\nSubject: {subject}\n\n{body}" for (to, subject, body), name
                            in zip(EXPECTED, ("Alice Smith", "Bob Jones", "Mo Khan")))
    assert sent_rows(db) == []
    assert remind(db, "--stdout") == 0
    assert capsys.readouterr().out == out  # not recorded as sent: the same again


def test_without_mail_settings_and_without_stdout_it_says_so(record_set, capsys):
    assert remind(record_set) == 2
    err = capsys.readouterr().err
    assert "chc remind: email is not set up: chc settings set smtp-host HOST" in err and "--stdout" in err
    assert sent_rows(record_set) == []


def test_a_server_that_is_down_sends_nothing_records_nothing_and_fails(record_set, capsys):
    db = record_set
    port = free_port()
    mail_to(db, port)
    assert remind(db) == 1
    err = capsys.readouterr().err
    assert f"chc remind: not sent to Alice Smith: the mail server 127.0.0.1:{port} refused the connection" in err
    assert "2 more digests not sent either" in err
    assert sent_rows(db) == []


def test_a_rejected_address_is_told_and_the_others_still_go(record_set, smtp_server, capsys):
    db = record_set
    mail_to(db, smtp_server.port)
    smtp_server.handler.refuse.add("bob@riverside.example")
    assert remind(db) == 1
    assert [m["To"] for m in smtp_server.handler.messages] == ["alice@riverside.example", "mo@riverside.example"]
    assert "would not take the message for bob@riverside.example (550" in capsys.readouterr().err
    with db.read() as session:
        bob = session.get(StaffLogin, "bob").staff_id
    assert all(staff_id != bob for staff_id, _key in sent_rows(db))  # Bob's is sent on the next run
    smtp_server.handler.refuse.clear()
    assert remind(db) == 0
    assert [m["To"] for m in smtp_server.handler.messages][2:] == ["bob@riverside.example"]


def test_someone_with_deadlines_but_no_email_is_named_with_the_fix(record_set, smtp_server, capsys):
    db = record_set
    mail_to(db, smtp_server.port)
    with db.write() as session:
        bob = session.get(Staff, session.get(StaffLogin, "bob").staff_id)
        bob.email = ""
        bob_id = bob.id
    assert remind(db) == 1
    assert (f"chc remind: Bob Jones has 1 deadline to be reminded of but no email on the staff register: "
            f"chc staff edit {bob_id} --email ADDRESS") in capsys.readouterr().err
    assert len(smtp_server.handler.envelopes) == 2


def test_a_login_not_on_the_register_sends_nothing_it_could_not_record(record_set, smtp_server, capsys, monkeypatch):
    db = record_set
    mail_to(db, smtp_server.port)
    for name in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.setenv(name, "stranger")
    assert remind(db) == 2
    err = capsys.readouterr().err
    assert "chc remind: cannot record what is sent, so nothing is sent: the login 'stranger' is not on the staff register" in err
    assert smtp_server.handler.envelopes == [] and sent_rows(db) == []


def test_someone_who_has_left_gets_nothing_but_the_leads_summary_still_lists_theirs(record_set, smtp_server):
    db = record_set
    mail_to(db, smtp_server.port)
    with db.write() as session:
        session.get(Staff, session.get(StaffLogin, "bob").staff_id).active_to = date(2026, 12, 2)
    assert remind(db) == 0
    assert [m["To"] for m in smtp_server.handler.messages] == ["alice@riverside.example", "mo@riverside.example"]
    assert "C2026-0003" in smtp_server.handler.messages[1].get_content()


def test_an_escape_sequence_in_a_name_is_shown_not_sent_to_a_terminal_mail_reader(record_set, smtp_server):
    db = record_set
    mail_to(db, smtp_server.port)
    with db.write() as session:
        session.get(Staff, session.get(StaffLogin, "alice").staff_id).display_name = "Alice\x1b]0;pwned\x07 Smith"
    assert remind(db) == 0
    body = smtp_server.handler.messages[0].get_content()
    assert "\x1b" not in body and "Dear Alice\\x1b]0;pwned\\x07 Smith," in body
