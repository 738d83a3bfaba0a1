"""Correspondence and notes (Code 5.12): the use-case's rules, attachments kept with a
checksum, `chc note`, and recording and opening them from the complaint screen."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import select

from chc_tui.steps import usecases
from chc_tui.app import build_app
from chc_tui.cli.main import main
from chc_tui.steps.correspondence import attachment_file, attachments_dir, record_correspondence
from chc_tui.rules.domain import NotFound, StaleRecord, StepRefused
from chc_tui.open_file import AttachmentUnavailable
from chc_tui.services import Services
from conftest import dump
from screens.complaint import ComplaintScreen, render_detail
from screens.correspondence import AttachmentPicker, AttachmentViewer
from screens.forms import StepForm
from store.models import Attachment, AuditEntry, Complaint, Correspondence
from store.queries import complaint_detail

TODAY = date(2026, 11, 23)  # a Monday
RECEIVED = date(2026, 11, 16)


@pytest.fixture
def ctx(ctx_on):
    return ctx_on(TODAY)


@pytest.fixture
def ref(db, ctx) -> str:
    return usecases.log_complaint(
        db, received_on=RECEIVED, channel="phone", resident_name="Mrs Joan Pike",
        category="Repairs", resident_words="Leak through the ceiling", ctx=ctx,
    ).reference


def write_file(folder: Path, name: str, content: bytes) -> Path:
    path = folder / name
    path.write_bytes(content)
    return path


def call(**overrides) -> dict:
    values = dict(happened_on=date(2026, 11, 20), kind="call", direction="in", party="resident",
                  summary="Rang to say the roofer did not come")
    values.update(overrides)
    return values


def stored_files(db) -> list[Path]:
    folder = attachments_dir(db.path)
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def detail_of(db, ref):
    with db.read() as session:
        return complaint_detail(session, ref)


# --- the use-case ------------------------------------------------------------------------


def test_a_call_is_recorded_with_an_audit_entry_and_a_new_version(db, ctx, ref):
    with db.read() as session:
        version = session.exec(select(Complaint)).one().version
    new_id = record_correspondence(db, ref, party_name=" Joan Pike ", ctx=ctx, **call())
    with db.read() as session:
        item = session.get(Correspondence, new_id)
        complaint = session.exec(select(Complaint)).one()
        audit = session.exec(select(AuditEntry).where(AuditEntry.action == "correspondence")).one()
    assert (item.happened_on, item.kind, item.direction, item.party, item.party_name, item.summary) == (
        date(2026, 11, 20), "call", "in", "resident", "Joan Pike", "Rang to say the roofer did not come"
    )
    assert (item.letter_id, item.recorded_by, item.complaint_id) == (None, "alice", complaint.id)
    assert complaint.version == version + 1
    assert audit.actor == "alice" and audit.complaint_id == complaint.id
    assert json.loads(audit.details_json) == {
        "correspondence_id": new_id, "happened_on": "2026-11-20", "kind": "call", "direction": "in",
        "party": "resident", "party_name": "Joan Pike", "summary": "Rang to say the roofer did not come",
        "files": "",
    }


def test_a_note_is_internal_and_needs_no_party(db, ctx, ref):
    new_id = record_correspondence(db, ref, happened_on=TODAY, kind="note", direction="", party="",
                                   summary="Chased the roofer's manager", ctx=ctx)
    with db.read() as session:
        item = session.get(Correspondence, new_id)
    assert (item.kind, item.direction, item.party) == ("note", "internal", "")


@pytest.mark.parametrize(
    "overrides, field, words",
    [
        ({"kind": "fax"}, "kind", "kind must be one of"),
        ({"direction": "sideways"}, "direction", "direction must be in, out or internal"),
        ({"kind": "note", "direction": "out", "party": ""}, "direction", "a note is internal"),
        ({"party": ""}, "party", "who was the call with?"),
        ({"party": "landlord"}, "party", "party must be one of"),
        ({"summary": "   "}, "summary", "is required (Code 5.12)"),
        ({"happened_on": None}, "happened_on", "is required"),
        ({"happened_on": "yesterday"}, "happened_on", "must be a date"),
        ({"happened_on": date(2026, 11, 24)}, "happened_on", "cannot be in the future"),
        ({"happened_on": date(2026, 11, 15)}, "happened_on", "before the complaint was received"),
    ],
)
def test_refused_values_name_their_field_and_write_nothing(db, ctx, ref, tmp_path, overrides, field, words):
    attached = write_file(tmp_path, "photo.txt", b"a photo")
    before = dump(db)
    with pytest.raises(StepRefused) as refused:
        record_correspondence(db, ref, files=[attached], ctx=ctx, **call(**overrides))
    assert any(words in message for message in refused.value.for_field(field)), refused.value.problems
    assert dump(db) == before
    assert stored_files(db) == []  # nothing copied either


def test_a_missing_file_or_a_folder_is_refused_naming_it(db, ctx, ref, tmp_path):
    good = write_file(tmp_path, "good.txt", b"fine")
    before = dump(db)
    with pytest.raises(StepRefused) as refused:
        record_correspondence(db, ref, files=[good, tmp_path / "gone.pdf", tmp_path], ctx=ctx, **call())
    messages = refused.value.for_field("files")
    assert messages == [f"no file at {tmp_path / 'gone.pdf'}",
                        f"{tmp_path} is not a file (a folder or a device cannot be attached)"]
    assert dump(db) == before
    assert stored_files(db) == []


def test_an_unknown_complaint_or_a_stale_version_is_refused(db, ctx, ref):
    before = dump(db)
    with pytest.raises(NotFound):
        record_correspondence(db, "NOPE-1", ctx=ctx, **call())
    with pytest.raises(StaleRecord):
        record_correspondence(db, ref, expected_version=99, ctx=ctx, **call())
    assert dump(db) == before


def test_records_go_on_being_kept_after_a_complaint_is_withdrawn(db, ctx, ref):
    usecases.withdraw(db, ref, reason="Resident says it is fixed", ctx=ctx)
    record_correspondence(db, ref, ctx=ctx, **call(kind="letter", direction="out", summary="Thanked her"))
    assert [v.item.summary for v in detail_of(db, ref).correspondence][-1] == "Thanked her"


# --- attachments -----------------------------------------------------------------------------


def test_attachments_are_copied_under_their_checksum_with_their_names(db, ctx, ref, tmp_path):
    content = "Roofer's report\nThe flashing has failed.\n".encode()
    report = write_file(tmp_path, "roofer report.txt", content)
    same = write_file(tmp_path, "copy of report.txt", content)
    photo = write_file(tmp_path, "ceiling.jpg", bytes(range(256)) * 10)
    new_id = record_correspondence(db, ref, files=[report, same, str(photo)], ctx=ctx, **call())

    with db.read() as session:
        rows = session.exec(select(Attachment).where(Attachment.correspondence_id == new_id).order_by(Attachment.id)).all()
    sha = hashlib.sha256(content).hexdigest()
    photo_sha = hashlib.sha256(photo.read_bytes()).hexdigest()
    assert [(a.original_name, a.stored_name, a.sha256, a.size_bytes, a.added_by) for a in rows] == [
        ("roofer report.txt", f"{sha[:2]}/{sha}", sha, len(content), "alice"),
        ("copy of report.txt", f"{sha[:2]}/{sha}", sha, len(content), "alice"),
        ("ceiling.jpg", f"{photo_sha[:2]}/{photo_sha}", photo_sha, 2560, "alice"),
    ]
    folder = tmp_path / "t-attachments"
    assert attachments_dir(db.path) == folder
    assert stored_files(db) == sorted([folder / sha[:2] / sha, folder / photo_sha[:2] / photo_sha])  # once each
    assert attachment_file(db.path, rows[0]).read_bytes() == content
    assert attachment_file(db.path, rows[2]).read_bytes() == photo.read_bytes()

    # the same content attached again later is still stored once
    record_correspondence(db, ref, files=[report], ctx=ctx, **call(summary="Sent it on"))
    assert len(stored_files(db)) == 2


def test_an_altered_or_missing_stored_file_is_detected(db, ctx, ref, tmp_path):
    record_correspondence(db, ref, files=[write_file(tmp_path, "a.txt", b"original")], ctx=ctx, **call())
    attachment = detail_of(db, ref).correspondence[0].attachments[0]
    stored = attachment_file(db.path, attachment)

    stored.write_bytes(b"changed")
    with pytest.raises(AttachmentUnavailable, match="a.txt has been altered since it was added"):
        attachment_file(db.path, attachment)
    stored.unlink()
    with pytest.raises(AttachmentUnavailable, match="the stored copy of a.txt is missing"):
        attachment_file(db.path, attachment)

    # attaching the original again restores the stored copy
    record_correspondence(db, ref, files=[tmp_path / "a.txt"], ctx=ctx, **call())
    assert attachment_file(db.path, attachment).read_bytes() == b"original"


def test_the_complaint_screen_section_lists_correspondence_and_files(db, ctx, ref, tmp_path):
    record_correspondence(db, ref, files=[write_file(tmp_path, "quote.pdf", b"%PDF")], party_name="AquaFix",
                          ctx=ctx, **call(direction="out", party="contractor", summary="Asked for a quote"))
    from rich.console import Console

    console = Console(width=120, record=True)
    console.print(render_detail(detail_of(db, ref)))
    text = console.export_text()
    assert "Correspondence and notes (Code 5.12)" in text
    line = next(line for line in text.splitlines() if "Asked for a quote" in line)
    assert "20/11/26" in line and "call" in line and "to contractor (AquaFix)" in line and "quote.pdf" in line


# --- chc note --------------------------------------------------------------------------------


def test_chc_note_records_a_call_with_files(db, ref, tmp_path, capsys):
    letter = write_file(tmp_path, "letter.txt", b"Dear Sir")
    code = main(["note", ref, "--db", str(db.path), "--kind", "call", "--direction", "in", "--party", "representative",
                 "--party-name", "Tom Pike", "--summary", "Son rang about the leak", "--on", "20/11/2026",
                 "--file", str(letter)])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert out.out.startswith(f"call recorded on {ref} (correspondence ")
    view = detail_of(db, ref).correspondence[0]
    assert (view.item.happened_on, view.item.kind, view.item.party, view.item.party_name, view.item.summary) == (
        date(2026, 11, 20), "call", "representative", "Tom Pike", "Son rang about the leak"
    )
    assert [a.original_name for a in view.attachments] == ["letter.txt"]
    assert view.attachments[0].sha256 == hashlib.sha256(b"Dear Sir").hexdigest()


def test_chc_note_refuses_bad_input_on_stderr_with_exit_2(db, ref, tmp_path, capsys):
    before = dump(db)
    code = main(["note", ref, "--db", str(db.path), "--kind", "email", "--direction", "out",
                 "--file", str(tmp_path / "missing.pdf")])
    out = capsys.readouterr()
    assert code == 2
    assert out.out == ""
    assert f"chc: --file: no file at {tmp_path / 'missing.pdf'}" in out.err.splitlines()
    assert any(line.startswith("chc: --party: who was the email with?") for line in out.err.splitlines())
    assert any(line.startswith("chc: --summary: ") for line in out.err.splitlines())
    assert dump(db) == before
    assert main(["note", ref, "--db", str(tmp_path / "none.db"), "--kind", "note", "--summary", "x"]) == 2
    assert not (tmp_path / "none.db").exists()


# --- on the complaint screen -----------------------------------------------------------------


@pytest.fixture
def services(db):
    return Services(db, actor="alice", today_fn=lambda: TODAY)


@pytest.fixture
def no_desktop(monkeypatch):
    """As over SSH: nothing to hand a file to, so text shows in the app."""
    monkeypatch.setattr("sys.platform", "linux")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)


async def wait_for(pilot, condition, what: str) -> None:
    for _ in range(300):
        if condition():
            return
        await pilot.pause(0.01)
    raise AssertionError(f"timed out waiting for {what}; screen is {pilot.app.screen!r}")


async def open_complaint(pilot, reference: str) -> None:
    await wait_for(pilot, lambda: pilot.app.services is not None, "the database")
    pilot.app.open_complaint(reference)
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ComplaintScreen), "the complaint screen")
    await pilot.pause()


async def type_into(pilot, name: str, text: str) -> None:
    pilot.app.screen.query_one(f"#f-{name}").focus()
    await pilot.pause()
    await pilot.press(*text)


async def choose(pilot, name: str, value: str) -> None:
    """Enter opens the Select on its current choice (or the blank prompt above the first);
    arrow to `value`; Enter."""
    form = pilot.app.screen
    choices = [v for _, v in next(f.choices for f in form.spec.fields if f.name == name)]
    select = form.query_one(f"#f-{name}")
    start = choices.index(select.value) if select.value in choices else -1
    steps = choices.index(value) - start
    select.focus()
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    await pilot.press(*(["down"] * steps if steps > 0 else ["up"] * -steps), "enter")
    await pilot.pause()
    assert form.query_one(f"#f-{name}").value == value


def form_errors(screen) -> dict[str, str]:
    return {w.id[2:]: str(w.render()).strip() for w in screen.query(".field-error") if str(w.render()).strip()}


def section_text(screen) -> str:
    from rich.console import Console

    console = Console(width=100, record=True)
    console.print(render_detail(screen.detail))
    return console.export_text()


async def test_recording_a_call_with_a_file_from_the_keyboard(services, db, ref, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a relative path is from the folder chc started in
    write_file(tmp_path, "call-notes.txt", b"She said the roofer never came.\n")
    app = build_app(services)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_complaint(pilot, ref)
        assert not app.screen.check_action("open_file", ())  # nothing to open yet: not in the footer
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, StepForm) and app.focused is not None, "the note form")
        form = app.screen
        assert form.query_one("#f-happened_on").value == "23/11/2026"
        assert (form.query_one("#f-kind").value, form.query_one("#f-direction").value) == ("call", "in")

        await type_into(pilot, "happened_on", "")
        await pilot.press("end", *["backspace"] * len("23/11/2026"), *"20/11/2026")
        await choose(pilot, "party", "representative")
        await type_into(pilot, "party_name", "Tom Pike")
        await type_into(pilot, "summary", "Son rang: the roofer never came")

        # a file that is not there: the error is by the field, and the typing stays
        before = dump(db)
        await type_into(pilot, "files", "call-notes.txt; ~/no-such-file.pdf")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: form_errors(form), "the error")
        missing = Path("~/no-such-file.pdf").expanduser()
        assert form_errors(form) == {"files": f"no file at {missing}"}
        assert form.query_one("#f-files").value == "call-notes.txt; ~/no-such-file.pdf"
        assert form.query_one("#f-summary").text == "Son rang: the roofer never came"
        assert dump(db) == before

        form.query_one("#f-files").focus()
        await pilot.press(*["backspace"] * len("; ~/no-such-file.pdf"))
        await pilot.press("enter")  # Enter on the last field saves
        await wait_for(pilot, lambda: isinstance(app.screen, ComplaintScreen), "the form to close")
        await pilot.pause()

        view = detail_of(db, ref).correspondence[0]
        assert (view.item.happened_on, view.item.kind, view.item.direction, view.item.party,
                view.item.party_name, view.item.summary, view.item.recorded_by) == (
            date(2026, 11, 20), "call", "in", "representative", "Tom Pike", "Son rang: the roofer never came", "alice"
        )
        assert [(a.original_name, a.sha256) for a in view.attachments] == [
            ("call-notes.txt", hashlib.sha256(b"She said the roofer never came.\n").hexdigest())
        ]
        text = section_text(app.screen)
        assert "Correspondence and notes" in text
        assert "from representative (Tom Pike)" in text and "call-notes.txt" in text
        assert app.screen.check_action("open_file", ())  # now there is a file to open


async def test_open_shows_a_text_attachment_in_the_viewer(services, db, ref, tmp_path, no_desktop):
    record_correspondence(db, ref, files=[write_file(tmp_path, "email.txt", b"Dear Mrs Pike,\nThe roofer comes Tuesday.\n")],
                          ctx=services.ctx(), **call(kind="email", direction="out"))
    app = build_app(services)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_complaint(pilot, ref)
        await pilot.press("o")  # one file: straight to it, no list
        await wait_for(pilot, lambda: isinstance(app.screen, AttachmentViewer), "the viewer")
        assert app.screen.query_one("#viewer-text").text == "Dear Mrs Pike,\nThe roofer comes Tuesday.\n"
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ComplaintScreen), "the complaint again")


async def test_open_picks_from_several_and_reports_an_altered_file(services, db, ref, tmp_path, no_desktop):
    first = write_file(tmp_path, "first.txt", b"one")
    second = write_file(tmp_path, "second.txt", b"two")
    record_correspondence(db, ref, files=[first, second], ctx=services.ctx(), **call())
    stored = attachment_file(db.path, detail_of(db, ref).correspondence[0].attachments[0])
    app = build_app(services)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_complaint(pilot, ref)
        await pilot.press("o")
        await wait_for(pilot, lambda: isinstance(app.screen, AttachmentPicker), "the list of files")
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, AttachmentViewer), "the viewer")
        assert app.screen.query_one("#viewer-text").text == "two"
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ComplaintScreen), "the complaint again")

        stored.write_bytes(b"tampered")
        await pilot.press("o", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ComplaintScreen) and list(app._notifications), "a notice")
        messages = [n.message for n in app._notifications]
        assert any("first.txt has been altered since it was added" in m for m in messages), messages


async def test_note_and_open_file_are_in_help_and_the_palette(services, db, ref, tmp_path):
    from screens.help import HelpScreen

    record_correspondence(db, ref, files=[write_file(tmp_path, "a.txt", b"a")], ctx=services.ctx(), **call())
    app = build_app(services)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_complaint(pilot, ref)
        commands = {command.title for command in app.get_system_commands(app.screen)}
        assert {"Note", "Open file"} <= commands
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), "help")
        assert {("n", "Note"), ("o", "Open file")} <= set(app.screen.rows)
