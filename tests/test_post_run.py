"""The post run (issue 21.2): `chc post-run --out FILE` writes FILE.docx and FILE.pdf with
an address page and the letter for each letter waiting to be posted; `--mark-posted`
records "posted on D" for each, once: a second time is refused and nothing changes."""

from __future__ import annotations

import io
from datetime import date

import pytest
from sqlmodel import select

from chc_tui.cli import args as cli_args
from chc_tui.cli.main import main
from chc_tui.documents import letters
from chc_tui.documents.document import WINDOW_LEFT_MM, WINDOW_TOP_MM
from chc_tui.rules.context import StepContext
from chc_tui.rules.domain import StepRefused
from chc_tui.services import Services
from chc_tui.steps import delivery, usecases
from chc_tui.steps.settings import put_setting
from conftest import dump
from letter_helpers import ready_to_sign
from store.models import AuditEntry, LetterDelivery
from pilot_helpers import wait_for

pypdf = pytest.importorskip("pypdf")

MON = date(2026, 11, 23)
ALICE = StepContext(actor="alice", today=MON)
RESIDENTS = [("Mrs Ada Brown", "4 Mill Lane\nExeter\nEX2 4AB", ""),
             ("Mr Ben Cole", "9 Quay Road, Topsham, EX3 0JB", "Large print letters, please"),
             ("Ms Cat Dunn", "1 Hill Street\nCrediton", "")]


@pytest.fixture
def three_letters(db):
    """Three acknowledgements waiting to be posted (one in large print), one emailed, and
    one to post with no address; their letter ids in that order."""
    with db.write() as session:
        put_setting(session, "landlord.complaints_officer", "Pat Jones, Complaints Officer")
    ready_to_sign(db)
    for name, address, adjustments in [*RESIDENTS, ("Dee Evans", "2 Elm Way", ""), ("Flo Gray", "", "")]:
        ref = usecases.log_complaint(
            db, received_on=date(2026, 11, 16), channel="phone", resident_name=name, resident_address=address,
            resident_email="dee@example.org" if name == "Dee Evans" else "", category="Repairs",
            resident_words="The roof leaks.", handler="alice", adjustments=adjustments, ctx=ALICE,
        ).reference
        usecases.define(db, ref, understanding="The roof leaks", outcomes_sought="Repair it",
                        responsible_aspects="Repairs to the roof", ctx=ALICE)
        letter = letters.Outgoing(letters.AS_DRAFTED, "email") if name == "Dee Evans" else letters.AS_DRAFTED
        usecases.acknowledge(db, ref, acknowledged_on=date(2026, 11, 18), letter=letter, ctx=ALICE)
    return db


@pytest.fixture
def chc(three_letters, capsys, monkeypatch):
    monkeypatch.setattr(cli_args, "today", lambda: MON)
    for variable in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.setenv(variable, "alice")

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(["--db", str(three_letters.path), *argv])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def _pages_alone(services, letter_id: int, large: bool) -> int:
    """How many pages the letter takes printed on its own, as the run prints it."""
    from chc_tui.documents.document import Document, Letter as LetterBlock
    from chc_tui.documents.letter_export import address_lines
    from chc_tui.documents.pdf_writer import to_pdf
    from chc_tui.documents.post_run import POST_RUN_PAGE
    from chc_tui.steps.landlord import landlord_settings

    letter, _ref = services.letter(letter_id)
    with services.db.read() as session:
        landlord = landlord_settings(session)
    block = LetterBlock(letter.body, letterhead=[landlord.name, *address_lines(landlord)],
                        size_pt=16.0 if large else 11.0)
    return len(pypdf.PdfReader(io.BytesIO(to_pdf(Document("x", [block], POST_RUN_PAGE)))).pages)


def test_a_post_run_of_three_letters_writes_both_files_with_the_right_pages(chc, three_letters, tmp_path):
    code, out, err = chc("post-run", "--out", str(tmp_path / "run.pdf"))
    assert code == 0, err
    docx, pdf = tmp_path / "run.docx", tmp_path / "run.pdf"
    assert f"written {docx}" in out and f"written {pdf}" in out
    assert "Post run of 23/11/2026: 3 letters (ids 1,2,3)" in out
    assert "letter 5 on" in err and "Flo Gray has no address recorded" in err  # left out, and said so

    services = Services(three_letters, actor="alice", today_fn=lambda: MON)
    alone = [_pages_alone(services, 1, False), _pages_alone(services, 2, True), _pages_alone(services, 3, False)]
    assert alone[1] > alone[0]  # large print takes more paper
    reader = pypdf.PdfReader(str(pdf))
    pages = [page.extract_text() for page in reader.pages]
    assert len(pages) == 3 + sum(alone)  # an address page before each letter, each letter from a new page
    starts = [0, 1 + alone[0], 2 + alone[0] + alone[1]]
    for start, (name, _address, _needs) in zip(starts, RESIDENTS):
        assert pages[start].splitlines()[0] == name  # the address page: the name first
        assert "Riverside Homes" in pages[start + 1]  # then the letter, on the letterhead
    assert pages[0].splitlines()[:4] == ["Mrs Ada Brown", "4 Mill Lane", "Exeter", "EX2 4AB"]
    assert pages[starts[1]].splitlines()[:4] == ["Mr Ben Cole", "9 Quay Road", "Topsham", "EX3 0JB"]
    assert not any("Page 1 of" in page or "Post run" in page for page in pages)  # no furniture on letters
    assert "Dee Evans" not in "".join(pages)  # emailed, not posted

    import docx as python_docx

    word = python_docx.Document(str(docx))
    text = [p.text for p in word.paragraphs]
    assert text[1:5] == ["Mrs Ada Brown", "4 Mill Lane", "Exeter", "EX2 4AB"]  # after the spacer
    heads = [p for p in word.paragraphs if p.text == "Riverside Homes" and p.runs[0].bold]
    assert [h.runs[0].font.size.pt for h in heads] == [16.0, 20.0, 16.0]  # three letterheads, one large
    breaks = sum(run._r.xml.count('w:type="page"') for p in word.paragraphs for run in p.runs)
    assert breaks == 5  # address page | letter | address page | letter | address page | letter
    large = next(p for p in word.paragraphs if p.text.startswith("Dear Mr Ben Cole"))
    assert large.runs[0].font.size.pt == 16.0
    address = next(p for p in word.paragraphs if p.text == "Mrs Ada Brown")
    section = word.sections[0]
    assert round((section.left_margin + address.paragraph_format.left_indent) / 36000) == WINDOW_LEFT_MM
    assert section.top_margin + word.paragraphs[0].paragraph_format.line_spacing == pytest.approx(
        WINDOW_TOP_MM * 36000, abs=36000)
    with three_letters.read() as session:
        assert {d.posted_on for d in session.exec(select(LetterDelivery))} == {None}  # writing marks nothing


def test_marking_the_run_posted_records_the_day_once(chc, three_letters):
    code, out, err = chc("post-run", "--date", "23/11/2026", "--mark-posted")
    assert code == 0, err
    assert out == "3 letters marked posted on 23/11/2026: 1, 2, 3\n"
    with three_letters.read() as session:
        rows = {d.letter_id: d for d in session.exec(select(LetterDelivery))}
        assert [rows[i].posted_on for i in (1, 2, 3)] == [MON] * 3
        assert [delivery.describe(rows[i]) for i in (4, 5)] == ["to email", "to post"]
        audited = session.exec(select(AuditEntry).where(AuditEntry.action == "letter posted")).all()
        assert len(audited) == 3 and all(a.actor == "alice" for a in audited)
    before = dump(three_letters)
    code, out, err = chc("post-run", "--mark-posted", "--letters", "3")
    assert code == 2 and "letter 3 was already posted on 23/11/2026 (by alice)" in err
    assert "nothing was marked posted" in err
    assert dump(three_letters) == before
    code, out, _err = chc("post-run", "--out", "nothing")
    assert code == 0 and "No letters waiting to be posted" in out


def test_a_run_with_one_letter_already_posted_changes_nothing(three_letters):
    services = Services(three_letters, actor="alice", today_fn=lambda: MON)
    services.mark_posted(MON, [2])
    before = dump(three_letters)
    with pytest.raises(StepRefused) as refused:
        services.mark_posted(MON, [1, 2, 3])
    assert [p.message for p in refused.value.problems] == [
        "letter 2 was already posted on 23/11/2026 (by alice)"]
    with pytest.raises(StepRefused, match="goes by email, not post"):
        services.mark_posted(MON, [4])
    with pytest.raises(StepRefused, match="cannot be in the future"):
        services.mark_posted(date(2026, 11, 24), [1])
    with pytest.raises(StepRefused, match="cannot have been posted on 17/11/2026"):
        services.mark_posted(date(2026, 11, 17), [1])
    assert dump(three_letters) == before


def test_the_run_holds_no_letter_dated_after_it(three_letters):
    services = Services(three_letters, actor="alice", today_fn=lambda: MON)
    assert services.post_run_letters(date(2026, 11, 17)).letter_ids == []
    assert services.post_run_letters(MON).letter_ids == [1, 2, 3]


def test_file_names_whatever_the_suffix():
    from pathlib import Path

    from chc_tui.documents.post_run import run_paths

    assert run_paths(Path("/x/run.docx")) == (Path("/x/run.docx"), Path("/x/run.pdf"))
    assert run_paths(Path("/x/run.PDF")) == (Path("/x/run.docx"), Path("/x/run.pdf"))
    assert run_paths(Path("/x/run.03.12")) == (Path("/x/run.03.12.docx"), Path("/x/run.03.12.pdf"))


# --- the post run screen (F8): w writes it, p marks it posted --------------------------------


async def _open_post_run(pilot, app):
    """F8 from the main screen, once the app has loaded: the post run screen."""
    from screens.post_run import PostRunScreen

    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.press("f8")
    await wait_for(pilot, lambda: isinstance(app.screen, PostRunScreen), "the post run")
    return app.screen


async def test_the_post_run_screen_writes_the_run_and_marks_exactly_those_letters_posted(three_letters, tmp_path):
    from chc_tui.app import build_app
    from screens.forms import StepForm

    services = Services(three_letters, actor="alice", today_fn=lambda: MON)
    app = build_app(services)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _open_post_run(pilot, app)
        summary = str(screen.query_one("#records-summary-text").render())
        assert "3 letters to post" in summary and "1 with no address recorded" in summary
        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, StepForm) and app.focused is not None, "the form")
        path = app.screen.query_one("#f-path")
        path.focus()
        await pilot.pause()
        await pilot.press("end", *["backspace"] * len(path.value), *str(tmp_path / "run"))
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is screen, "the run to be written")
        assert (tmp_path / "run.docx").is_file() and (tmp_path / "run.pdf").is_file()
        # a letter sent after the run was written is not marked posted with it
        ref = usecases.log_complaint(
            three_letters, received_on=date(2026, 11, 16), channel="phone", resident_name="Gil Hart",
            resident_address="3 Oak Row", category="Repairs", resident_words="Damp.", handler="alice", ctx=ALICE,
        ).reference
        usecases.define(three_letters, ref, understanding="Damp", outcomes_sought="Fix it",
                        responsible_aspects="Repairs", ctx=ALICE)
        usecases.acknowledge(three_letters, ref, acknowledged_on=MON, letter=letters.AS_DRAFTED, ctx=ALICE)
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, StepForm) and app.focused is not None, "the form")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is screen, "the run to be marked")
    with three_letters.read() as session:
        rows = {d.letter_id: d.posted_on for d in session.exec(select(LetterDelivery))}
    assert rows == {1: MON, 2: MON, 3: MON, 4: None, 5: None, 6: None}


async def test_marking_one_letter_posted_on_the_screen_says_one_letter(three_letters):
    from chc_tui.app import build_app
    from screens.forms import StepForm

    services = Services(three_letters, actor="alice", today_fn=lambda: MON)
    services.mark_posted(MON, [1, 2])
    app = build_app(services)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _open_post_run(pilot, app)
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, StepForm) and app.focused is not None, "the form")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is screen and list(app._notifications), "the notice")
        said = [n.message for n in app._notifications]
    assert "1 letter marked posted on 23/11/2026" in said, said


def test_a_count_agrees_with_its_noun():
    from chc_tui.wording import counted

    assert [counted(n, "letter") for n in (0, 1, 2)] == ["0 letters", "1 letter", "2 letters"]
    assert counted(1, "stage 2 escalation request") == "1 stage 2 escalation request"
    assert counted(3, "person", "people") == "3 people"
