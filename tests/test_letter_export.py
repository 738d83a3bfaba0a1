"""A letter exported as sent: the landlord's letterhead above the stored body, which the
.txt carries byte for byte, the .docx line for line and the .md without Markdown reading
anything into it; `chc letter list` and `chc letter export`."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
from docx import Document
from markdown_it import MarkdownIt

from chc_tui.documents import letters
from chc_tui.steps import usecases
from chc_tui.cli.main import main
from chc_tui.rules.context import StepContext
from chc_tui.steps.landlord import LandlordSettings
from chc_tui.documents.letter_export import UnknownFormat, export_letter
from chc_tui.services import Services
from chc_tui.steps.settings import put_setting
from store.models import Letter
from letter_helpers import ready_to_sign

RECEIVED = date(2026, 11, 16)
ACKNOWLEDGED = date(2026, 11, 18)
LANDLORD = LandlordSettings(name="Riverside Homes", address="1 Quay Street\nExeter EX1 1AA")

# Everything Markdown would otherwise read as syntax, plus blank lines, indentation,
# a trailing backslash, a tab and text that is not ASCII.
AWKWARD = (
    "23 November 2026\n"
    "\n"
    "# Not a heading\n"
    "- not a list\n"
    "1. not a numbered list\n"
    "===\n"
    "    four spaces, not code\n"
    "*not emphasis* _nor this_ `nor code` <b>nor html</b> [nor](a link) a|b ~x~ &amp;\n"
    "a line ending in a backslash \\\n"
    "\n"
    "\n"
    "tab\there · £75 · naïve\n"
    "> not a quote\n"
    "+ last line\n"
)


@pytest.fixture
def landlord_db(db):
    with db.write() as session:
        put_setting(session, "landlord_name", LANDLORD.name)
        put_setting(session, "landlord.address", LANDLORD.address)
        put_setting(session, "landlord.complaints_officer", "Pat Jones, Complaints Officer")
    ready_to_sign(db)
    return db


def acknowledged_with_letter(db) -> str:
    on_receipt = StepContext(actor="alice", today=RECEIVED)
    ref = usecases.log_complaint(
        db, received_on=RECEIVED, channel="phone", resident_name="Mrs Ada Brown", resident_address="4 Mill Lane",
        category="Repairs", resident_words="The ceiling leaks.", handler="alice", ctx=on_receipt,
    ).reference
    usecases.define(db, ref, understanding="The leak is not repaired", outcomes_sought="Repair it",
                    responsible_aspects="The roof", ctx=on_receipt)
    usecases.acknowledge(db, ref, acknowledged_on=ACKNOWLEDGED, letter=letters.AS_DRAFTED,
                         ctx=StepContext(actor="alice", today=ACKNOWLEDGED))
    return ref


def awkward_letter(db, ref: str) -> Letter:
    """A letter row put in by hand, with a body no template would make."""
    with db.write() as session:
        from sqlmodel import select

        from store.models import Complaint

        complaint = session.exec(select(Complaint).where(Complaint.reference == ref)).one()
        letter = Letter(complaint_id=complaint.id, stage=1, kind="extension", body=AWKWARD,
                        sha256=letters.sha256_text(AWKWARD), template="extension.txt.j2", edited=True,
                        sent_on=date(2026, 11, 23), sent_by="bob")
        session.add(letter)
        session.flush()
        return letter


def rendered_lines(markdown: str) -> list[str]:
    """What a CommonMark reader shows: each paragraph's lines, hard breaks as line ends."""
    out = MarkdownIt("commonmark").render(markdown)
    lines = []
    for paragraph in re.findall(r"<p>(.*?)</p>", out, flags=re.S):
        assert "<" not in paragraph.replace("<br />", "").replace("<strong>", "").replace("</strong>", ""), paragraph
        text = paragraph.replace("<br />\n", "\n").replace("<strong>", "").replace("</strong>", "")
        lines += [html.unescape(line) for line in text.split("\n")]
    return lines


def test_txt_is_the_letterhead_then_the_body_byte_for_byte(landlord_db, tmp_path):
    ref = acknowledged_with_letter(landlord_db)
    letter = awkward_letter(landlord_db, ref)
    out = export_letter(letter, LANDLORD, tmp_path / "letter.txt")
    assert out == tmp_path / "letter.txt"
    assert out.read_bytes() == b"Riverside Homes\n1 Quay Street\nExeter EX1 1AA\n\n" + AWKWARD.encode("utf-8")


def test_docx_has_a_bold_letterhead_and_one_paragraph_per_line(landlord_db, tmp_path):
    ref = acknowledged_with_letter(landlord_db)
    letter = awkward_letter(landlord_db, ref)
    document = Document(str(export_letter(letter, LANDLORD, tmp_path / "letter.docx")))
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[:4] == ["Riverside Homes", "1 Quay Street", "Exeter EX1 1AA", ""]
    name = document.paragraphs[0].runs[0]
    assert name.bold and name.font.size.pt == 16
    assert paragraphs[4:] == AWKWARD.removesuffix("\n").split("\n")


def test_markdown_shows_every_line_as_written(landlord_db, tmp_path):
    ref = acknowledged_with_letter(landlord_db)
    letter = awkward_letter(landlord_db, ref)
    markdown = export_letter(letter, LANDLORD, tmp_path / "letter.md").read_text(encoding="utf-8")
    assert markdown.startswith("**Riverside Homes**\\\n1 Quay Street\\\nExeter EX1 1AA\n\n")
    shown = rendered_lines(markdown)
    assert shown[:3] == ["Riverside Homes", "1 Quay Street", "Exeter EX1 1AA"]
    body = [line.replace("\xa0", " ") for line in shown[3:]]
    assert body == AWKWARD.removesuffix("\n").split("\n")


def test_a_real_letter_exports_exactly_as_stored(landlord_db, tmp_path):
    ref = acknowledged_with_letter(landlord_db)
    services = Services(landlord_db, actor="alice", today_fn=lambda: ACKNOWLEDGED)
    (letter,) = services.complaint(ref).letters
    out = services.export_letter(letter.id, tmp_path / "ack.txt")
    data = out.read_bytes()
    assert data.endswith(letter.body.encode("utf-8"))
    assert letters.sha256_text(data.decode("utf-8").split("\n\n", 1)[1]) == letter.sha256
    shown = rendered_lines(services.export_letter(letter.id, tmp_path / "ack.md").read_text(encoding="utf-8"))
    assert shown[3:] == letter.body.removesuffix("\n").split("\n")


def test_an_unknown_suffix_is_refused_and_nothing_is_written(landlord_db, tmp_path):
    ref = acknowledged_with_letter(landlord_db)
    letter = awkward_letter(landlord_db, ref)
    with pytest.raises(UnknownFormat, match=r"letter.pdf has .pdf: the file must end in .docx, .txt or .md"):
        export_letter(letter, LANDLORD, tmp_path / "letter.pdf")
    assert not (tmp_path / "letter.pdf").exists()


def test_a_landlord_without_an_address_has_just_the_name(landlord_db, tmp_path):
    ref = acknowledged_with_letter(landlord_db)
    letter = awkward_letter(landlord_db, ref)
    out = export_letter(letter, LandlordSettings(name="Riverside Homes"), tmp_path / "l.txt")
    assert out.read_bytes() == b"Riverside Homes\n\n" + AWKWARD.encode("utf-8")


# --- the command line -----------------------------------------------------------------------


def test_chc_letter_list_and_export(landlord_db, tmp_path, capsys):
    ref = acknowledged_with_letter(landlord_db)
    letter = awkward_letter(landlord_db, ref)
    db_file = str(tmp_path / "t.db")
    assert main(["letter", "list", ref, "--db", db_file]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["ID", "Sent", "Kind", "Stage", "SHA-256"]
    ack_row, hand_row = lines[1].split(), lines[2].split()
    assert ack_row[1:4] == ["2026-11-18", "stage1_acknowledgement", "1"]
    assert hand_row == [str(letter.id), "2026-11-23", "extension", "1", letter.sha256[:12]]

    out = tmp_path / "exported.txt"
    assert main(["letter", "export", str(letter.id), "--out", str(out), "--db", db_file]) == 0
    assert capsys.readouterr().out.strip() == f"letter {letter.id} written to {out}"
    assert out.read_bytes().endswith(AWKWARD.encode("utf-8"))


def test_chc_letter_problems_exit_2_with_a_message(landlord_db, tmp_path, capsys):
    ref = acknowledged_with_letter(landlord_db)
    db_file = str(tmp_path / "t.db")
    assert main(["letter", "list", "C2099-9999", "--db", db_file]) == 2
    assert "no complaint with reference 'C2099-9999'" in capsys.readouterr().err
    assert main(["letter", "export", "999", "--out", str(tmp_path / "x.txt"), "--db", db_file]) == 2
    assert "no letter with id 999" in capsys.readouterr().err
    assert main(["letter", "export", "1", "--out", str(tmp_path / "x.pdf"), "--db", db_file]) == 2
    assert "must end in .docx, .txt or .md" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists() and not (tmp_path / "x.txt").exists()
    assert ref


def test_chc_letter_list_on_a_complaint_without_letters(db, tmp_path, capsys):
    ref = usecases.log_complaint(
        db, received_on=RECEIVED, channel="phone", resident_name="Mr Bo Green", category="Repairs",
        resident_words="Damp.", handler="alice", ctx=StepContext(actor="alice", today=RECEIVED),
    ).reference
    assert main(["letter", "list", ref, "--db", str(tmp_path / "t.db")]) == 0
    assert capsys.readouterr().out.strip() == f"No letters sent on {ref}."
