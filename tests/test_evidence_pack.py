"""The evidence pack for the Ombudsman: built from a complaint taken through both stages by
the use-cases, it holds every due date with the days it skipped, the extensions and their
reasons, each letter exactly as sent, the correspondence with its files' checksums and the
whole timeline; in .txt, .md and .docx; from `chc evidence`; and from the complaint screen
(p), with its letters listed, read and exported (l, Enter, x)."""

from __future__ import annotations

import hashlib
import html
import re
from datetime import date

import pytest
from docx import Document
from markdown_it import MarkdownIt

from chc_tui.documents import letters
from chc_tui.steps import usecases
from chc_tui.app import build_app
from chc_tui.cli.main import main
from chc_tui.rules.context import StepContext
from chc_tui.steps.correspondence import record_correspondence
from chc_tui.documents.evidence_pack import RULE, build_pack, day, to_text
from chc_tui.steps.landlord import LandlordSettings
from chc_tui.documents.letter_export import md_verbatim
from chc_tui.services import Services
from chc_tui.steps.settings import put_setting
from screens.complaint import ComplaintScreen
from screens.forms import StepForm
from screens.help import HelpScreen
from screens.sent_letters import LettersScreen, LetterTextScreen
from test_tui_journeys import field, form_errors, settle, wait_for
from letter_helpers import ready_to_sign

TODAY = date(2026, 12, 21)
PHOTO = b"a photograph of the ceiling"


def on(day_: date, actor: str = "alice") -> StepContext:
    return StepContext(actor=actor, today=day_)


@pytest.fixture
def complaint(db, tmp_path):
    """A complaint taken through stage 1 (redefined, acknowledged, extended twice, the
    second time past the Code's limit, reassigned, responded) and escalated to stage 2,
    with a call and a photograph; its reference."""
    with db.write() as session:
        put_setting(session, "landlord_name", "Riverside Homes")
        put_setting(session, "landlord.address", "1 Quay Street\nExeter EX1 1AA")
        put_setting(session, "landlord.complaints_officer", "Pat Jones, Complaints Officer")
    ready_to_sign(db)
    usecases.add_closure_day(db, date(2026, 11, 20), "Staff training", ctx=on(date(2026, 11, 1)))
    ref = usecases.log_complaint(
        db, received_on=date(2026, 11, 16), channel="phone", resident_name="Mrs Ada Brown",
        resident_address="4 Mill Lane, Exeter", category="Repairs",
        resident_words="The bathroom ceiling leaks.\nNobody has come since *October*.",
        handler="alice", ctx=on(date(2026, 11, 16)),
    ).reference
    usecases.define(db, ref, understanding="The leak has not been repaired", outcomes_sought="Repair the leak",
                    responsible_aspects="The roof", ctx=on(date(2026, 11, 16)))
    usecases.define(db, ref, understanding="The leak and the stained ceiling have not been put right",
                    outcomes_sought="Repair and redecorate", responsible_aspects="The roof and the ceiling",
                    ctx=on(date(2026, 11, 17), "bob"))
    usecases.acknowledge(db, ref, acknowledged_on=date(2026, 11, 18), letter=letters.AS_DRAFTED,
                         ctx=on(date(2026, 11, 18)))
    photo = tmp_path / "ceiling.jpg"
    photo.write_bytes(PHOTO)
    record_correspondence(db, ref, happened_on=date(2026, 11, 19), kind="call", direction="in", party="resident",
                          party_name="Mrs Ada Brown", summary="Says water is still coming through",
                          files=[photo], ctx=on(date(2026, 11, 19)))
    usecases.extend(db, ref, new_due=date(2026, 12, 9), reason="Waiting for the roofer's survey",
                    letter=letters.AS_DRAFTED, ctx=on(date(2026, 11, 25)))
    usecases.extend(db, ref, new_due=date(2026, 12, 18), reason="The survey found asbestos",
                    good_reason="A licensed asbestos contractor must remove the ceiling first",
                    letter=letters.AS_DRAFTED, ctx=on(date(2026, 12, 7)))
    usecases.assign_handler(db, ref, handler="bob", ctx=on(date(2026, 12, 8)))
    usecases.respond(db, ref, decision="partly_upheld", reasons="The repair took too long",
                     remedies=["apology: An apology for the delay, due 23/12/2026", "£75 for time and trouble, due 23/12/2026"],
                     impact="A wet ceiling for six weeks", actions=["Redecorate the ceiling, due 15/01/2027, owner Repairs team"],
                     responded_on=date(2026, 12, 16), letter=letters.AS_DRAFTED, ctx=on(date(2026, 12, 16), "bob"))
    usecases.escalate(db, ref, requested_on=date(2026, 12, 18), handler="carol", reason="Still not redecorated",
                      ctx=on(date(2026, 12, 18), "carol"))
    return ref


@pytest.fixture
def services(db):
    return Services(db, actor="dave", today_fn=lambda: TODAY)


def pack_text(services, ref) -> str:
    detail = services.complaint(ref)
    with services.db.read() as session:
        from chc_tui.steps.landlord import landlord_settings

        landlord = landlord_settings(session)
    return to_text(build_pack(detail, landlord, TODAY, produced_by="dave"))


def test_the_heading_names_the_complaint_and_who_produced_the_pack(complaint, services):
    text = pack_text(services, complaint)
    assert text.startswith(f"COMPLAINT {complaint}: EVIDENCE PACK\n")
    assert "Landlord:             Riverside Homes\n                      1 Quay Street\n" in text
    for line in (
        f"Reference:            {complaint}",
        "Resident:             Mrs Ada Brown",
        "Representative:       none",
        "Category:             Repairs",
        "Status:               open, stage 2",
        "Received:             Mon 16 November 2026 by phone",
        "Escalated to stage 2: Fri 18 December 2026",
        "Produced:             Mon 21 December 2026 by dave",
    ):
        assert line in text.splitlines()
    assert "The bathroom ceiling leaks.\nNobody has come since *October*.\n" in text


def test_every_definition_is_there_dated_and_signed(complaint, services):
    text = pack_text(services, complaint)
    assert "Version 1 of 2: Mon 16 November 2026 by Alice"  # by name, from the register in text
    assert "Version 2 of 2: Tue 17 November 2026 by Bob (the one in force)" in text
    assert "The leak has not been repaired" in text
    assert "The leak and the stained ceiling have not been put right" in text


def test_every_due_date_is_there_with_its_clock_and_the_days_it_skipped(complaint, services):
    text = pack_text(services, complaint)
    assert (
        "Acknowledge: due Tue 24 November 2026\n"
        "-------------------------------------\n"
        "\n"
        "Set by:        Code 6.2\n"
        "Clock started: Mon 16 November 2026\n"
        "Working days:  5\n"
        "Due:           Tue 24 November 2026\n"
        "Days skipped:  Fri 20 November 2026: closure day: Staff training\n"
        "               Sat 21 November 2026: Saturday\n"
        "               Sun 22 November 2026: Sunday\n"
        "Outcome:       Met on Wed 18 November 2026 (on time)\n"
    ) in text
    detail = services.complaint(complaint)
    deadlines = [dl for stage in detail.stages for dl in stage.deadlines]
    assert len(deadlines) == 7  # ack, provisional respond, respond, two extensions; stage 2 ack, respond
    for deadline in deadlines:
        assert f"{deadline.step.capitalize()}: due {day(deadline.due_on)}" in text
        for skipped, reason in deadline.skipped:
            assert f"{day(skipped)}: {reason}" in text
    assert "Fri 25 December 2026: bank holiday: Christmas Day" in text  # stage 2's response clock
    assert "Outcome:       Superseded by an extension to Wed 9 December 2026" in text
    assert "Outcome:       Superseded by an extension to Fri 18 December 2026" in text
    assert "Outcome:       Met on Wed 16 December 2026 (on time)" in text
    assert "Outcome:       Provisional; replaced by the response deadline set at acknowledgement" in text
    assert "Outcome:       Not yet met" in text


def field_lines(text: str, label: str) -> list[str]:
    """The values of every "Label:   value" line."""
    return re.findall(rf"^{re.escape(label)}: +(.*)$", text, flags=re.M)


def test_extensions_show_reasons_the_good_reason_and_what_the_resident_was_told(complaint, services):
    text = pack_text(services, complaint)
    first = text.split("Extension 1: Thu 3 December 2026 to Wed 9 December 2026\n", 1)[1].split("Extension 2:")[0]
    second = text.split("Extension 2: Wed 9 December 2026 to Fri 18 December 2026\n", 1)[1].split("\nResponse\n")[0]
    assert field_lines(first, "Reason") == ["Waiting for the roofer's survey"]
    assert field_lines(first, "Beyond the response target") == ["4 working days (the Code's limit is 10)"]
    assert field_lines(first, "Good reason for passing the limit") == []  # within the limit: none needed
    assert field_lines(first, "Resident told") == ["Wed 25 November 2026"]
    assert field_lines(second, "Reason") == ["The survey found asbestos"]
    assert field_lines(second, "Beyond the response target") == ["11 working days (the Code's limit is 10)"]
    assert field_lines(second, "Good reason for passing the limit") == [
        "A licensed asbestos contractor must remove the ceiling first"
    ]
    assert field_lines(second, "Resident told") == ["Mon 7 December 2026"]
    assert field_lines(text, "Ombudsman's details given") == ["yes", "yes"]


def test_the_response_and_the_state_of_its_outstanding_actions(complaint, services):
    text = pack_text(services, complaint)
    assert "Decision:             partly upheld" in text
    assert ("Remedy:               apology: An apology for the delay, by 23/12/2026; £75.00 for time and trouble, "
            "by 23/12/2026") in text
    assert "Outstanding actions:  Redecorate the ceiling, by 15/01/2027 (Repairs team)" in text
    assert "State of the actions: stage closed (escalated) on Fri 18 December 2026" in text


def test_each_letter_is_there_exactly_as_sent_with_its_checksum(complaint, services):
    text = pack_text(services, complaint)
    detail = services.complaint(complaint)
    assert [letter.kind for letter in detail.letters] == [
        "stage1_acknowledgement", "extension", "extension", "stage1_response",
    ]
    for letter in detail.letters:
        assert f"{RULE}\n{letter.body.removesuffix(chr(10))}\n{RULE}\n" in text
        assert f"SHA-256:  {letter.sha256}" in text
        assert letter.sha256 == hashlib.sha256(letter.body.encode("utf-8")).hexdigest()
    assert text.count("Checksum: the text below matches it") == 4
    assert f"Letter {detail.letters[1].id}: Extension, Wed 25 November 2026" in text


def test_correspondence_lists_files_with_their_checksums(complaint, services):
    text = pack_text(services, complaint)
    digest = hashlib.sha256(PHOTO).hexdigest()
    assert (
        "Date:        Thu 19 November 2026\n"
        "Kind:        call\n"
        "Direction:   in\n"
        "With:        resident (Mrs Ada Brown)\n"
        "Summary:     Says water is still coming through\n"
        "Recorded by: alice\n"
        f"Files:       ceiling.jpg (SHA-256 {digest})\n"
    ) in text


def test_the_timeline_merges_the_audit_trail_and_correspondence_in_date_order(complaint, services):
    detail = services.complaint(complaint)
    text = pack_text(services, complaint)
    timeline = text.split("TIMELINE\n", 1)[1]
    for entry in detail.history:
        assert f"Who:     {entry.who}\nWhat:    {entry.action}\n" in timeline
    assert "handler: Alice -> Bob" in timeline  # a change shows before -> after
    assert "What:    call (in)" in timeline
    assert timeline.count("What:    letter (out)") == 4
    whens = re.findall(r"^When:    (\d{4}-\d{2}-\d{2})", timeline, flags=re.M)
    assert len(whens) == len(detail.history) + len(detail.correspondence)
    assert whens == sorted(whens)


def test_markdown_keeps_the_letters_line_for_line(complaint, services, tmp_path):
    out = services.evidence_pack(complaint, tmp_path / "pack.md")
    markdown = out.read_text(encoding="utf-8")
    detail = services.complaint(complaint)
    for letter in detail.letters:
        assert "\n".join(md_verbatim(letter.body, "> ")) in markdown
    shown = html.unescape(MarkdownIt("commonmark").enable("table").render(markdown))
    for letter in detail.letters:
        paragraph = letter.body.removesuffix("\n").replace("\n", "<br />\n")
        assert f"<blockquote>\n<p>{paragraph}</p>\n</blockquote>" in shown
    assert "<h1>Complaint" in shown and "<table>" in shown


def test_docx_reads_back_with_every_letter_and_due_date(complaint, services, tmp_path):
    out = services.evidence_pack(complaint, tmp_path / "pack.docx")
    document = Document(str(out))
    paragraphs = [p.text for p in document.paragraphs]
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    detail = services.complaint(complaint)
    for letter in detail.letters:
        lines = letter.body.removesuffix("\n").split("\n")
        starts = [i for i, text in enumerate(paragraphs) if text == lines[0]]
        assert any(paragraphs[i:i + len(lines)] == lines for i in starts), letter.kind
        assert letter.sha256 in cells
    for stage in detail.stages:
        for deadline in stage.deadlines:
            assert day(deadline.due_on) in cells
            for skipped, reason in deadline.skipped:
                assert f"{day(skipped)}: {reason}" in "\n".join(cells)
    assert "Waiting for the roofer's survey" in cells
    assert any("handler: Alice -> Bob" in cell for cell in cells)


def test_an_unknown_reference_or_format_is_refused(complaint, services, tmp_path):
    from chc_tui.rules.domain import NotFound
    from chc_tui.documents.letter_export import UnknownFormat

    with pytest.raises(NotFound, match="no complaint with reference 'C1999-0001'"):
        services.evidence_pack("C1999-0001", tmp_path / "pack.docx")
    with pytest.raises(UnknownFormat, match="must end in .docx, .md or .txt"):
        services.evidence_pack(complaint, tmp_path / "pack.html")
    assert not (tmp_path / "pack.docx").exists() and not (tmp_path / "pack.html").exists()


def test_a_refused_complaint_shows_its_refusal(db, services, tmp_path):
    ref = usecases.log_complaint(
        db, received_on=date(2026, 11, 16), channel="email", resident_name="Mr Bo Green", category="Rent",
        resident_words="My rent went up.", handler="alice", representative_name="Cy Green",
        representative_relationship="son", ctx=on(date(2026, 11, 16)),
    ).reference
    usecases.refuse(db, ref, exclusion_reason="legal_proceedings", explanation="Possession proceedings started",
                    ombudsman_right_explained=True, claim_filed_on=date(2026, 10, 1), ctx=on(date(2026, 11, 17)))
    text = to_text(build_pack(services.complaint(ref), LandlordSettings(), TODAY))
    assert field_lines(text, "Representative") == ["Cy Green (son)"]
    assert field_lines(text, "Refused") == [  # in the heading, then the refusal itself
        "Tue 17 November 2026", "Tue 17 November 2026 at stage 1 by alice",
    ]
    assert field_lines(text, "Explanation") == ["Possession proceedings started"]
    assert field_lines(text, "Right to go to the Ombudsman explained") == ["yes"]
    assert "Outcome:       No longer due: the complaint was refused" in text
    assert "No letter was sent from the complaints system." in text


# --- the command line -------------------------------------------------------------------------


def test_chc_evidence_writes_the_pack(complaint, tmp_path, capsys):
    out = tmp_path / "pack.txt"
    assert main(["evidence", complaint, "--out", str(out), "--db", str(tmp_path / "t.db")]) == 0
    assert capsys.readouterr().out.strip() == f"evidence pack for {complaint} written to {out}"
    assert out.read_text(encoding="utf-8").startswith(f"COMPLAINT {complaint}: EVIDENCE PACK")


def test_chc_evidence_problems_exit_2(complaint, tmp_path, capsys):
    db_file = str(tmp_path / "t.db")
    assert main(["evidence", "C1999-0001", "--out", str(tmp_path / "p.md"), "--db", db_file]) == 2
    assert capsys.readouterr().err.strip() == "chc: no complaint with reference 'C1999-0001'"
    assert main(["evidence", complaint, "--out", str(tmp_path / "p.pdf"), "--db", db_file]) == 2
    assert "must end in .docx, .md or .txt" in capsys.readouterr().err
    assert main(["evidence", complaint, "--out", str(tmp_path / "p.md"), "--db", str(tmp_path / "none.db")]) == 2
    assert "no database at" in capsys.readouterr().err
    assert not (tmp_path / "p.md").exists() and not (tmp_path / "none.db").exists()


# --- the complaint screen -----------------------------------------------------------------------


async def open_complaint(pilot, ref: str) -> ComplaintScreen:
    await settle(pilot)
    pilot.app.open_complaint(ref)
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ComplaintScreen) and pilot.app.screen.detail is not None,
                   "the complaint screen")
    return pilot.app.screen


async def choose_format(pilot, value: str) -> None:
    """Open the format list with Enter (it opens on the chosen one), arrow to `value`, Enter."""
    form = pilot.app.screen
    select = form.query_one("#f-format")
    values = [v for _, v in next(f.choices for f in form.spec.fields if f.name == "format")]
    select.focus()
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    await pilot.press(*["down"] * (values.index(value) - values.index(select.value)), "enter")
    await pilot.pause()
    assert select.value == value


async def save_form(pilot) -> None:
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: not isinstance(pilot.app.screen, StepForm) or form_errors(pilot.app),
                   "the form to close")
    assert not isinstance(pilot.app.screen, StepForm), form_errors(pilot.app)


async def test_p_writes_the_evidence_pack(complaint, services, tmp_path):
    app = build_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_complaint(pilot, complaint)
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, StepForm), "the export form")
        path_field = app.screen.query_one("#f-path")
        assert path_field.value == f"{complaint}-evidence"
        await choose_format(pilot, "md")
        await field(pilot, "path", str(tmp_path / "for-ombudsman"), clear=True)
        await save_form(pilot)
        written = tmp_path / "for-ombudsman.md"
        assert written.read_text(encoding="utf-8").startswith(f"# Complaint {complaint}: evidence pack")
        assert isinstance(app.screen, ComplaintScreen)
        assert any(str(written) in n.message for n in app._notifications)


async def test_l_lists_the_letters_enter_reads_one_x_exports_it(complaint, services, tmp_path):
    detail = services.complaint(complaint)
    app = build_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_complaint(pilot, complaint)
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), "the help")
        does = {description for _key, description in app.screen.rows}
        assert {"Evidence pack", "Letters"} <= does
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ComplaintScreen), "the complaint again")
        await pilot.press("l")
        await wait_for(pilot, lambda: isinstance(app.screen, LettersScreen), "the letters")
        table = app.screen.query_one("#letters")
        assert table.row_count == 4
        assert [str(c) for c in table.get_row_at(1)] == ["Wed 25/11/2026", "Extension", "1", "alice", "", "to post"]
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, LetterTextScreen), "the letter's text")
        assert app.screen.letter.id == detail.letters[1].id
        shown = app.screen.query_one("#letter-body").render()
        assert str(shown) == detail.letters[1].body
        await pilot.press("pagedown", "end")  # scrolls; the letter is read-only
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, StepForm), "the export form")
        assert app.screen.query_one("#f-format").value == "docx"
        await field(pilot, "path", str(tmp_path / "extension-letter"), clear=True)
        await save_form(pilot)
        assert isinstance(app.screen, LetterTextScreen)
        document = Document(str(tmp_path / "extension-letter.docx"))
        lines = [p.text for p in document.paragraphs]
        assert lines[:3] == ["Riverside Homes", "1 Quay Street", "Exeter EX1 1AA"]
        assert lines[4:] == detail.letters[1].body.removesuffix("\n").split("\n")
        await pilot.press("escape", "escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ComplaintScreen), "back to the complaint")


async def test_letters_key_is_hidden_without_letters_and_both_keys_are_in_the_palette(db, services):
    ref = usecases.log_complaint(
        db, received_on=TODAY, channel="phone", resident_name="Mr Bo Green", category="Repairs",
        resident_words="Damp.", handler="alice", ctx=on(TODAY),
    ).reference
    app = build_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_complaint(pilot, ref)
        assert screen.check_action("letters", ()) is False
        assert screen.check_action("evidence", ()) is True
        commands = {c.title for c in app.get_system_commands(screen)}
        assert "Evidence pack" in commands and "Letters" not in commands
        await pilot.press("l")
        await pilot.pause()
        assert app.screen is screen
