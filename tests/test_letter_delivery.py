"""How each letter goes out (issue 21.1): every stored letter has its delivery row, written
in the letter's transaction, by the resident's preferred channel unless the handler
chooses; a route with nowhere to go is refused, naming the field, and nothing is written;
the state shows in the letters list and the evidence pack."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from chc_tui.documents import letters
from chc_tui.rules.context import StepContext
from chc_tui.rules.domain import StepRefused
from chc_tui.steps import delivery, residents, usecases
from chc_tui.steps.settings import put_setting
from conftest import dump
from letter_helpers import ready_to_sign
from store.models import AuditEntry, Complaint, Letter, LetterDelivery
from pilot_helpers import wait_for

MON = date(2026, 11, 23)
ALICE = StepContext(actor="alice", today=MON)


@pytest.fixture
def landlord(db):
    with db.write() as session:
        put_setting(session, "landlord.complaints_officer", "Pat Jones, Complaints Officer")
    ready_to_sign(db)
    return db


def defined(db, *, address="4 Mill Lane, Exeter", email="", channel="phone", representative="", **kw):
    ref = usecases.log_complaint(
        db, received_on=date(2026, 11, 16), channel=channel, resident_name="Mrs Ada Brown",
        resident_address=address, resident_email=email, category="Repairs",
        resident_words="The bathroom ceiling leaks.", handler="alice", representative_name=representative,
        representative_relationship="daughter" if representative else "", ctx=ALICE, **kw,
    ).reference
    usecases.define(db, ref, understanding="The leak has not been repaired", outcomes_sought="Repair it",
                    responsible_aspects="Repairs to the roof", ctx=ALICE)
    return ref


def acknowledge(db, ref, letter=letters.AS_DRAFTED):
    return usecases.acknowledge(db, ref, acknowledged_on=date(2026, 11, 18), letter=letter, ctx=ALICE)


def deliveries(db) -> list[tuple[int, str, date | None]]:
    with db.read() as session:
        return [(d.letter_id, d.channel, d.posted_on) for d in session.exec(select(LetterDelivery))]


def test_each_sent_letter_has_its_delivery_by_the_residents_preferred_channel(landlord):
    by_phone = defined(landlord)  # logged by phone: a letter goes by post
    by_email = defined(landlord, email="ada@example.org", channel="email")  # prefers email
    acknowledge(landlord, by_phone)
    acknowledge(landlord, by_email)
    with landlord.read() as session:
        sent = {l.complaint_id: l.id for l in session.exec(select(Letter))}
        rows = {d.letter_id: d for d in session.exec(select(LetterDelivery))}
        assert len(rows) == len(sent) == 2
        post, email = (rows[i] for i in sorted(sent.values()))
        assert (post.channel, delivery.describe(post)) == ("post", "to post")
        assert (email.channel, delivery.describe(email)) == ("email", "to email")
        audit = session.exec(select(AuditEntry).where(AuditEntry.action == "acknowledge")).all()
        assert ['"letter_send_by": "post"' in a.details_json for a in audit] == [True, False]


def test_the_handlers_choice_goes_with_the_letter(landlord):
    ref = defined(landlord, email="ada@example.org")
    acknowledge(landlord, ref, letters.Outgoing(letters.AS_DRAFTED, "both"))
    ((_id, channel, posted),) = deliveries(landlord)
    assert (channel, posted) == ("both", None)


def test_a_representatives_email_is_where_an_emailed_letter_goes(landlord):
    ref = defined(landlord, representative="Jo Brown")
    with landlord.read() as session:
        resident_id = session.exec(select(Complaint.resident_id).where(Complaint.reference == ref)).one()
    residents.add_representative(landlord, resident_id, name="Jo Brown", relationship="daughter",
                                 contact="jo@example.org", authority_confirmed_on=MON, ctx=ALICE)
    with landlord.read() as session:
        contact = delivery.contact_for(session, session.exec(select(Complaint).where(Complaint.reference == ref)).one())
    assert (contact.email, contact.email_is_representatives) == ("jo@example.org", True)
    acknowledge(landlord, ref, letters.Outgoing(letters.AS_DRAFTED, "email"))
    assert [c for _i, c, _p in deliveries(landlord)] == ["email"]


@pytest.mark.parametrize("address, email, send_by, says", [
    ("", "ada@example.org", "post", "cannot send this letter by post: the resident has no address recorded"),
    ("4 Mill Lane", "", "email", "cannot send this letter by email: there is no email address"),
    ("", "", "both", "no address recorded"),
    ("4 Mill Lane", "", "pigeon", "'pigeon' is not a way to send a letter"),
])
def test_a_route_with_nowhere_to_go_is_refused_naming_the_field_and_nothing_is_written(
        landlord, address, email, send_by, says):
    ref = defined(landlord, address=address, email=email)
    before = dump(landlord)
    with pytest.raises(StepRefused) as refused:
        acknowledge(landlord, ref, letters.Outgoing(letters.AS_DRAFTED, send_by))
    assert says in str(refused.value)
    assert {p.field for p in refused.value.problems} == {delivery.FIELD}
    assert dump(landlord) == before  # no letter, no delivery, not acknowledged


def test_the_default_never_picks_a_route_the_records_cannot_meet():
    C = delivery.Contact
    assert C("email", "4 Mill Lane", "").default is delivery.Route.POST  # prefers email, has none
    assert C("letter", "", "ada@example.org").default is delivery.Route.EMAIL  # no address
    assert C("", "", "").default is delivery.Route.POST  # nothing: waits to be posted
    assert C("email", "", "ada@example.org").default is delivery.Route.EMAIL
    assert C("phone", "4 Mill Lane", "ada@example.org").default is delivery.Route.POST


def test_the_evidence_pack_and_the_letters_list_show_the_state(landlord, tmp_path):
    from chc_tui.services import Services

    ref = defined(landlord)
    acknowledge(landlord, ref)
    services = Services(landlord, actor="alice", today_fn=lambda: MON)
    services.mark_posted(MON)
    text = services.evidence_pack(ref, tmp_path / "pack.txt").read_text(encoding="utf-8")
    assert "Goes:      by post: posted on 23/11/2026" in text or "by post: posted on 23/11/2026" in text
    detail = services.complaint(ref)
    (letter,) = detail.letters
    assert delivery.describe(detail.deliveries[letter.id]) == "posted on 23/11/2026"


def test_email_states_for_the_mail_transport(landlord):
    from datetime import datetime, timezone

    ref = defined(landlord, email="ada@example.org", channel="email")
    acknowledge(landlord, ref)
    ((letter_id, _c, _p),) = deliveries(landlord)
    delivery.record_bounced(landlord, letter_id, "550 5.1.1 mailbox unavailable", ctx=ALICE)
    with landlord.read() as session:
        row = session.exec(select(LetterDelivery)).one()
        assert delivery.describe(row) == "bounced: 550 5.1.1 mailbox unavailable (to email)"
    delivery.record_emailed(landlord, letter_id, at=datetime(2026, 11, 23, 10, 15, tzinfo=timezone.utc), ctx=ALICE)
    with landlord.read() as session:
        assert delivery.describe(session.exec(select(LetterDelivery)).one()) == "emailed at 23/11/2026 10:15 UTC"
    with pytest.raises(StepRefused, match="already emailed"):
        delivery.record_emailed(landlord, letter_id, ctx=ALICE)


def test_a_letter_from_before_the_upgrade_counts_as_posted_when_it_was_sent(tmp_path):
    """Migration 0020: each letter already stored gets a delivery row, "posted on" its day."""
    import sqlite3

    from store.engine import Database, open_database
    from store.migrate import upgrade

    # A database made by the migrations up to 0019 (not a newer one with 0020 undone by
    # hand, which every later migration would break).
    db = Database(tmp_path / "old.db")
    upgrade(db.engine, "0019")
    db.dispose()
    with sqlite3.connect(tmp_path / "old.db") as conn:
        conn.execute("INSERT INTO resident (name, address, phone, email, preferred_channel, tenure, version, created_at)"
                     " VALUES ('A', '', '', '', '', '', 1, '2026-01-01')")
        conn.execute("INSERT INTO complaint (reference, resident_id, representative_name, representative_relationship,"
                     " received_on, channel, category, resident_words, status, current_stage, adjustments, theme,"
                     " root_cause, imported_from, version, created_at, created_by) VALUES ('C1', 1, '', '',"
                     " '2026-01-02', 'phone', 'Repairs', 'w', 'open', 1, '', '', '', '', 1, '2026-01-02', '')")
        conn.execute("INSERT INTO letter (complaint_id, stage, kind, body, sha256, template, edited, sent_on, sent_by,"
                     " created_at) VALUES (1, 1, 'stage1_acknowledgement', 'x', 'y', '', 0, '2026-01-05', 'alice',"
                     " '2026-01-05')")
    db = open_database(tmp_path / "old.db")
    upgrade(db.engine)
    with db.read() as session:
        row = session.exec(select(LetterDelivery)).one()
        assert (row.letter_id, row.channel, row.posted_on) == (1, "post", date(2026, 1, 5))
    db.dispose()


# --- the letter screen: Ctrl+G chooses how it goes -----------------------------------------


async def _letter_screen(pilot, app, ref):
    from screens.complaint import ComplaintScreen
    from screens.forms import StepForm
    from screens.letter import LetterScreen

    await pilot.pause()
    await app.workers.wait_for_complete()
    app.open_complaint(ref)
    await wait_for(pilot, lambda: isinstance(app.screen, ComplaintScreen), "the complaint")
    await pilot.press("a")
    await wait_for(pilot, lambda: isinstance(app.screen, StepForm) and app.focused is not None, "the form")
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: isinstance(app.screen, LetterScreen), "the letter")
    return app.screen


def _line(screen, name: str) -> str:
    return str(screen.query_one(f"#letter-{name}").render()).strip()


async def test_ctrl_g_on_the_letter_chooses_the_route_and_a_route_with_nowhere_to_go_is_refused(landlord):
    from chc_tui.app import build_app
    from chc_tui.services import Services
    from screens.complaint import ComplaintScreen
    from screens.letter import LetterScreen

    ref = defined(landlord)  # an address, no email: by post
    services = Services(landlord, actor="alice", today_fn=lambda: MON)
    app = build_app(services)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _letter_screen(pilot, app, ref)
        assert _line(screen, "delivery").startswith("Goes by post to 4 Mill Lane, Exeter (their preferred channel)")
        await pilot.press("ctrl+g")  # post -> both
        assert _line(screen, "delivery").startswith("Goes by post to 4 Mill Lane, Exeter and by email to (no email")
        await pilot.press("ctrl+g", "ctrl+g")  # both -> email -> post
        await pilot.press("ctrl+g", "ctrl+g")  # post -> both -> email
        assert _line(screen, "delivery").startswith("Goes by email to (no email address recorded)")
        before = dump(landlord)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "cannot send this letter by email" in _line(screen, "errors"), "the refusal")
        assert isinstance(app.screen, LetterScreen) and dump(landlord) == before  # kept, nothing written
        await pilot.press("ctrl+g")  # email -> post
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ComplaintScreen), "the letter to go")
    assert [c for _i, c, _p in deliveries(landlord)] == ["post"]


def test_send_by_on_the_command_line(landlord, capsys, monkeypatch):
    from chc_tui.cli import args as cli_args
    from chc_tui.cli.main import main

    monkeypatch.setattr(cli_args, "today", lambda: MON)
    for variable in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.setenv(variable, "alice")
    ref = defined(landlord)  # an address, no email
    before = dump(landlord)
    code = main(["--db", str(landlord.path), "complaint", "acknowledge", ref, "--on", "18/11/2026", "--send-by", "email"])
    err = capsys.readouterr().err
    assert code == 2 and "refused: --send-by: cannot send this letter by email" in err
    assert dump(landlord) == before
    code = main(["--db", str(landlord.path), "complaint", "acknowledge", ref, "--on", "18/11/2026", "--send-by", "both"])
    assert code == 2 and dump(landlord) == before
    code = main(["--db", str(landlord.path), "complaint", "acknowledge", ref, "--on", "18/11/2026", "--send-by", "post"])
    assert code == 0, capsys.readouterr().err
    assert [c for _i, c, _p in deliveries(landlord)] == ["post"]
