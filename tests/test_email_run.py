"""`chc email-run` (issue 21.3): the letters chosen for email go through the landlord's mail
server (a real one on loopback); what the server takes is "emailed at", what it refuses is
"bounced" with its words and stays to email; nothing goes twice; a letter for post only is
never emailed."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from chc_tui.cli.main import main as chc
from chc_tui.documents import letters
from chc_tui.rules.context import StepContext
from chc_tui.steps import delivery, usecases
from chc_tui.steps.mail_settings import set_mail_setting
from chc_tui.steps.settings import put_setting
from letter_helpers import ready_to_sign
from mail_helpers import free_port, smtp_server  # noqa: F401  (the fixture)
from pilot_helpers import wait_for
from store.models import Letter, LetterDelivery

MON = date(2026, 11, 23)
ALICE = StepContext(actor="alice", today=MON)


@pytest.fixture
def three_letters(db, monkeypatch):
    for name in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.setenv(name, "alice")  # the login the command records as: on the staff register
    with db.write() as session:
        put_setting(session, "landlord.complaints_officer", "Pat Jones, Complaints Officer")
    ready_to_sign(db)
    refs = []
    for email, send_by in (("ada@example.org", "email"), ("refused@example.org", "both"), ("", "post")):
        ref = usecases.log_complaint(
            db, received_on=date(2026, 11, 16), channel="phone", resident_name="Mrs Ada Brown",
            resident_address="4 Mill Lane, Exeter", resident_email=email, category="Repairs",
            resident_words="The bathroom ceiling leaks.", handler="alice", ctx=ALICE).reference
        usecases.define(db, ref, understanding="The leak has not been repaired", outcomes_sought="Repair it",
                        responsible_aspects="Repairs to the roof", ctx=ALICE)
        usecases.acknowledge(db, ref, acknowledged_on=date(2026, 11, 18),
                             letter=letters.Outgoing(letters.AS_DRAFTED, send_by), ctx=ALICE)
        refs.append(ref)
    return db, refs


def mail_to(db, port: int) -> None:
    for name, value in [("smtp-host", "127.0.0.1"), ("smtp-port", str(port)), ("smtp-security", "none"),
                        ("smtp-from", "complaints@riverside.example")]:
        set_mail_setting(db, name, value, ctx=ALICE)


def states(db) -> dict[str, str]:
    with db.read() as session:
        rows = session.exec(select(Letter, LetterDelivery).join(LetterDelivery, LetterDelivery.letter_id == Letter.id))
        return {str(letter.id): delivery.describe(d) for letter, d in rows}


def test_accepted_letters_are_emailed_once_and_a_refused_one_waits(three_letters, smtp_server, capsys):
    db, refs = three_letters
    mail_to(db, smtp_server.port)
    smtp_server.handler.refuse = {"refused@example.org"}
    assert chc(["--db", str(db.path), "email-run"]) == 1
    out, err = capsys.readouterr()
    assert "letter 1 emailed to ada@example.org: " + refs[0] in out
    assert "letter 2 (" + refs[1] + ") not sent:" in err and "refused@example.org" in err
    shown = states(db)
    assert shown["1"].startswith("emailed") and "bounced" in shown["2"] and "to post" in shown["2"]
    assert shown["3"] == "to post"  # post only: never emailed
    assert [e.rcpt_tos for e in smtp_server.handler.envelopes] == [["ada@example.org"]]
    subject = smtp_server.handler.messages[0]["Subject"]
    assert subject.startswith(refs[0] + ":")

    smtp_server.handler.refuse = set()  # the address is put right at the other end
    assert chc(["--db", str(db.path), "email-run"]) == 0
    assert [e.rcpt_tos for e in smtp_server.handler.envelopes] == [["ada@example.org"], ["refused@example.org"]]
    assert "emailed at" in states(db)["2"] and "to post" in states(db)["2"]  # both: the post still waits
    assert chc(["--db", str(db.path), "email-run"]) == 0  # nothing left: nothing sent twice
    assert "no letter is waiting to go by email" in capsys.readouterr().out
    assert len(smtp_server.handler.envelopes) == 2


def test_a_server_that_is_down_stops_the_run_and_the_letters_wait(three_letters, capsys):
    db, _refs = three_letters
    mail_to(db, free_port())  # nothing listens there
    assert chc(["--db", str(db.path), "email-run"]) == 1
    err = capsys.readouterr().err
    assert "refused the connection" in err and "1 more letter not tried" in err
    shown = states(db)
    assert "bounced" in shown["1"] and "to email" in shown["2"]


def test_without_mail_settings_nothing_is_tried(three_letters, capsys):
    db, _refs = three_letters
    assert chc(["--db", str(db.path), "email-run"]) == 2
    assert "email is not set up" in capsys.readouterr().err
    assert not any(s.startswith("emailed") for s in states(db).values())


async def test_e_on_the_post_run_screen_emails_the_waiting_letters(three_letters, smtp_server):
    """The handler need not leave the app: F8, then e, sends what waits to go by email."""
    from chc_tui.app import build_app
    from chc_tui.services import Services
    from screens.post_run import PostRunScreen

    db, refs = three_letters
    mail_to(db, smtp_server.port)
    smtp_server.handler.refuse = {"refused@example.org"}
    app = build_app(Services(db, actor="alice", today_fn=lambda: MON))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.press("f8")
        await wait_for(pilot, lambda: isinstance(app.screen, PostRunScreen), "the post run")
        await pilot.press("e")
        await wait_for(pilot, lambda: "emailed" in states(db)["1"] and "bounced" in states(db)["2"],
                       "the letters to be sent", tries=1000)
        await app.workers.wait_for_complete()
        await pilot.pause()
        said = [n.message for n in app._notifications]
        assert any(m.startswith("1 letter emailed; 1 not sent (still to email)") and "refused@example.org" in m
                   for m in said), said
    assert [e.rcpt_tos for e in smtp_server.handler.envelopes] == [["ada@example.org"]]
