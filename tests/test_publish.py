"""The published pack (Code 8.2, issue 20.3): `chc publish` writes the annual report, the
self-assessment and the governing body's response as HTML, .docx and an A4 PDF; no
resident's name or address is in any of them; the HTML passes axe-core in Chromium."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from chc_tui.cli.main import main
from chc_tui.documents.publish import publish
from chc_tui.rules.context import StepContext
from chc_tui.rules.domain import StepRefused
from chc_tui.services import Services
from chc_tui.steps import usecases
from chc_tui.steps.governing_body import record_response, response_for
from report_helpers import Book

TODAY = date(2025, 7, 1)
MEETING = "Board, 12 June 2025"
RESPONSE = "The board welcomes the report and asks for a review of repairs delays by December."
RESIDENTS = [
    ("Zebedee Quillfeather", "17 Larkspur Close, Tiverton EX16 4QZ"),
    ("Marguerite Oyelaran-Pike", "Flat 3, Heron Court, 2 Wharf Road, Exeter EX2 9XY"),
    ("Thaddeus Brockwell", "88 Pennycress Lane, Crediton EX17 1PL"),
]


def _services(db) -> Services:
    return Services(db, actor="alice", today_fn=lambda: TODAY)


def _book(db) -> None:
    """Three complaints in 2024/25 by named residents at their addresses, one answered,
    one escalated; the response agreed in June 2025."""
    from chc_tui.steps.settings import LANDLORD_NAME_KEY, put_setting

    with db.write() as session:
        put_setting(session, LANDLORD_NAME_KEY, "Exe Valley Homes")
    book = Book(db, TODAY)
    ctx = StepContext(actor="alice", today=TODAY)
    refs = []
    for (name, address), received in zip(RESIDENTS, (date(2024, 5, 7), date(2024, 9, 10), date(2025, 1, 14))):
        refs.append(usecases.log_complaint(
            db, received_on=received, channel="phone", resident_name=name, resident_address=address,
            category="Repairs", resident_words="The boiler has failed again.", handler="alice", ctx=ctx,
        ).reference)
    acked = book._define_ack(refs[0], date(2024, 5, 7), book.s1, 1)
    book._answer(refs[0], acked, 10, book.s1, "target", "upheld", "")
    acked = book._define_ack(refs[1], date(2024, 9, 10), book.s1, 1)
    book._answer(refs[1], acked, 10, book.s1, "on_target", "not_upheld", "")
    book.escalate(refs[1])
    record_response(db, year=2024, text=RESPONSE, agreed_on=date(2025, 6, 12), meeting=MEETING,
                    ctx=StepContext(actor="alice", today=TODAY))


@pytest.fixture
def pack(db, tmp_path):
    _book(db)
    out = tmp_path / "pack"
    out.mkdir()
    return publish(_services(db), 2024, out)


def _texts(paths: list[Path]) -> dict[str, str]:
    import docx
    import pypdf

    html, word, pdf = paths
    texts = {"html": html.read_text(encoding="utf-8")}
    document = docx.Document(str(word))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    texts["docx"] = "\n".join([p.text for p in document.paragraphs] + cells
                              + [p.text for s in document.sections for p in s.header.paragraphs])
    texts["pdf"] = "\n".join(page.extract_text() for page in pypdf.PdfReader(str(pdf)).pages)
    return texts


def _squashed(text: str) -> str:
    """Lower case with every run of spaces and line breaks as one space (PDF text wraps)."""
    import html as html_lib

    return re.sub(r"\s+", " ", html_lib.unescape(text)).lower()


def test_the_pack_is_three_files_with_the_report_the_assessment_and_the_response(pack):
    assert [p.name for p in pack] == ["complaints-2024-25.html", "complaints-2024-25.docx", "complaints-2024-25.pdf"]
    for fmt, text in _texts(pack).items():
        flat = _squashed(text)
        assert "annual complaints performance and service improvement report" in flat, fmt
        assert "self-assessment against the complaint handling code" in flat, fmt
        assert "code requirement" in flat and "commentary/explanation" in flat, fmt  # the Ombudsman's layout
        assert _squashed(RESPONSE) in flat, fmt
        assert _squashed(MEETING) in flat and "12 june 2025" in flat, fmt
        # the response is the pack's own part: said once, not again inside the report
        assert flat.count(_squashed(RESPONSE)) == 1, fmt


def test_no_resident_name_or_address_appears_in_any_file(pack, db):
    from sqlmodel import select

    from store.models import Resident

    with db.read() as session:
        stored = [(r.name, r.address) for r in session.exec(select(Resident)).all()]
    assert sorted(stored) == sorted(RESIDENTS)  # the search below looks for real records
    texts = {fmt: _squashed(text) for fmt, text in _texts(pack).items()}
    for name, address in stored:
        pieces = [name, address, *[part.strip() for part in address.split(",")], name.split()[-1]]
        for piece in pieces:
            for fmt, text in texts.items():
                assert _squashed(piece) not in text, f"{piece!r} is in the {fmt}"


def test_the_pdf_is_a4_with_page_numbers_and_the_title_in_its_header(pack):
    import pypdf

    reader = pypdf.PdfReader(str(pack[2]))
    total = len(reader.pages)
    assert total > 1
    for number, page in enumerate(reader.pages, start=1):
        box = page.mediabox
        assert (round(float(box.width)), round(float(box.height))) == (595, 842)
        text = page.extract_text()
        assert f"Page {number} of {total}" in text
        assert "Exe Valley Homes: complaints 2024/25" in text


def test_the_html_is_self_contained(pack):
    html = pack[0].read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html, re.I)
    assert not re.search(r"<(script|link|iframe|object|embed|img)\b", html, re.I)
    assert "@import" not in html and "url(" not in html
    assert "<svg" in html  # the charts, inline


def test_a_year_not_yet_started_is_refused_and_nothing_is_written(db, tmp_path):
    out = tmp_path / "pack"
    out.mkdir()
    with pytest.raises(StepRefused, match="2026/27 has not started"):
        publish(_services(db), 2026, out)
    assert list(out.iterdir()) == []


def test_the_response_is_refused_empty_or_in_the_future_and_nothing_is_written(db):
    ctx = StepContext(actor="alice", today=TODAY)
    with pytest.raises(StepRefused) as refused:
        record_response(db, year=2024, text="  ", agreed_on=date(2025, 7, 2), meeting="", ctx=ctx)
    assert refused.value.for_field("text") == ["the response's text is required (Code 8.2)"]
    assert refused.value.for_field("meeting") == ["the meeting that agreed it is required (Code 8.2)"]
    assert refused.value.for_field("agreed_on") == ["the date it was agreed cannot be in the future (today is 01/07/2025)"]
    assert response_for(db, 2024) is None
    record_response(db, year=2024, text=RESPONSE, agreed_on=date(2025, 6, 12), meeting=MEETING, ctx=ctx)
    record_response(db, year=2024, text="Revised.", agreed_on=date(2025, 6, 30), meeting="Board, 30 June 2025", ctx=ctx)
    got = response_for(db, 2024)
    assert got is not None and (got.text, got.agreed_on, got.meeting) == ("Revised.", date(2025, 6, 30), "Board, 30 June 2025")


def test_the_commands_record_the_response_and_publish(db, tmp_path, monkeypatch, capsys):
    from chc_tui.cli import args as cli_args

    monkeypatch.setattr(cli_args, "today", lambda: TODAY)
    monkeypatch.setenv("USER", "alice")
    monkeypatch.setenv("LOGNAME", "alice")
    path = str(db.engine.url.database)
    text_file = tmp_path / "response.txt"
    text_file.write_text(RESPONSE, encoding="utf-8")
    assert main(["report", "response", "--db", path, "--year", "2024", "--agreed-on", "12/06/2025",
                 "--meeting", MEETING, "--text-file", str(text_file)]) == 0
    assert main(["report", "response", "--db", path, "--year", "2024", "--agreed-on", "12/06/2026",
                 "--meeting", MEETING, "--text", "x"]) == 2
    assert "--agreed-on: the date it was agreed cannot be in the future" in capsys.readouterr().err
    out = tmp_path / "site"
    assert main(["publish", "--db", path, "--year", "2024", "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["complaints-2024-25.docx", "complaints-2024-25.html",
                                                     "complaints-2024-25.pdf"]
    assert MEETING in (out / "complaints-2024-25.html").read_text(encoding="utf-8")
    assert main(["publish", "--db", path, "--year", "2030", "--out", str(tmp_path / "later")]) == 2
    assert "chc publish: --year: the financial year 2030/31 has not started" in capsys.readouterr().err


def _chromium() -> tuple[str, str] | None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    driver = shutil.which("chromedriver")
    return (browser, driver) if browser and driver else None


@pytest.mark.skipif(_chromium() is None, reason="needs chromium and chromedriver (apt-get install chromium chromium-driver)")
def test_the_html_has_no_serious_or_critical_accessibility_violations(pack):
    """axe-core (shipped in axe-selenium-python) run on the page in headless Chromium."""
    import importlib.resources

    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    browser, driver_path = _chromium()  # type: ignore[misc]
    axe = (importlib.resources.files("axe_selenium_python") / "node_modules/axe-core/axe.min.js").read_text()
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,900"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    try:
        driver.get(pack[0].resolve().as_uri())
        assert driver.title == "Exe Valley Homes: complaints 2024/25"
        driver.execute_script(axe)
        result = driver.execute_async_script(
            "const done = arguments[arguments.length - 1]; axe.run(document).then(done, e => done({error: String(e)}));")
    finally:
        driver.quit()
    assert "error" not in result, result
    bad = [(v["id"], v["impact"], v["help"], len(v["nodes"])) for v in result["violations"]
           if v["impact"] in ("serious", "critical")]
    assert bad == []
    assert result["passes"]  # it did check the page


def test_a_response_quoting_a_resident_is_refused_and_nothing_is_written(db, tmp_path):
    """Entered texts are free text: the pack checks itself before anything is written."""
    _book(db)
    record_response(db, year=2024, text="We apologise to MR  zebedee quillfeather for the delay.",
                    agreed_on=date(2025, 6, 12), meeting=MEETING, ctx=StepContext(actor="alice", today=TODAY))
    out = tmp_path / "pack"
    out.mkdir()
    with pytest.raises(StepRefused, match="would publish personal data.*under \"The governing body's response"):
        publish(_services(db), 2024, out)
    assert list(out.iterdir()) == []


def _word_base(path: Path) -> Path:
    import docx

    base = docx.Document()
    base.sections[0].header.paragraphs[0].text = "EXE VALLEY HOMES LETTERHEAD"
    base.styles["Normal"].font.name = "Georgia"
    base.save(str(path))
    return path


def test_the_landlords_own_templates_are_used(db, tmp_path):
    import docx

    _book(db)
    template = tmp_path / "ours.html.j2"
    template.write_text("<!DOCTYPE html><html lang=\"en-GB\"><head><title>{{ document.title }}</title></head><body>"
                        "<header>OUR OWN PAGE</header>{% for b in document.blocks %}{% if b is heading %}"
                        "<h2>{{ b.text }}</h2>{% elif b is paragraph %}<p>{{ b.text | lines }}</p>{% elif b is fields %}"
                        "{% for label, value in b.rows %}<p>{{ label }}: {{ value }}</p>{% endfor %}{% endif %}"
                        "{% endfor %}</body></html>", encoding="utf-8")
    template.chmod(0o640)
    base = _word_base(tmp_path / "base.docx")
    out = tmp_path / "pack"
    out.mkdir()
    html, word, pdf = publish(_services(db), 2024, out, html_template=template, docx_base=base)
    page = html.read_text(encoding="utf-8")
    assert "<header>OUR OWN PAGE</header>" in page and MEETING in page
    document = docx.Document(str(word))
    assert document.sections[0].header.paragraphs[0].text == "EXE VALLEY HOMES LETTERHEAD"
    assert document.styles["Normal"].font.name == "Georgia"
    assert any(p.text == RESPONSE for p in document.paragraphs)
    assert pdf.exists()


@pytest.mark.parametrize("body, said", [
    ("{% for b in document.blocks %}", "failed at line 1"),  # a syntax error
    ("{{ document.no_such_thing }}", "failed"),  # StrictUndefined
    ("{{ document.__class__.__mro__ }}", "failed"),  # the sandbox
])
def test_a_template_that_fails_is_named_and_nothing_is_written(db, tmp_path, body, said):
    template = tmp_path / "broken.html.j2"
    template.write_text(body, encoding="utf-8")
    template.chmod(0o640)
    out = tmp_path / "pack"
    out.mkdir()
    with pytest.raises(StepRefused) as refused:
        publish(_services(db), 2024, out, html_template=template)
    assert refused.value.for_field("html_template")
    assert "broken.html.j2" in str(refused.value) and said in str(refused.value)
    assert list(out.iterdir()) == []


def test_a_word_base_that_is_not_a_docx_or_anyone_can_change_is_refused(db, tmp_path):
    out = tmp_path / "pack"
    out.mkdir()
    fake = tmp_path / "base.docx"
    fake.write_text("not a word file", encoding="utf-8")
    fake.chmod(0o640)
    with pytest.raises(StepRefused, match="base.docx could not be used"):
        publish(_services(db), 2024, out, docx_base=fake)
    shared = _word_base(tmp_path / "shared.docx")
    shared.chmod(0o666)
    with pytest.raises(StepRefused, match="can be changed by anyone on this computer"):
        publish(_services(db), 2024, out, docx_base=shared)
    assert list(out.iterdir()) == []


@pytest.mark.parametrize("fonts", [True, None])
def test_the_pdf_writer_repeats_table_headers_and_falls_back_to_helvetica(fonts):
    import io

    import pypdf

    from chc_tui.documents.document import Document, Heading, Paragraph, Table
    from chc_tui.documents.pdf_writer import find_font, to_pdf

    if fonts is True and find_font() is None:
        pytest.skip("no Unicode TrueType font (DejaVu Sans, Liberation Sans, Arial) on this machine")
    rows = [[f"row {i}", str(i)] for i in range(1, 151)]
    document = Document("A \u201cquoted\u201d title", [Heading(1, "Rows"), Paragraph("Tick \u2713 \u2014 done"),
                                                 Table(["Name", "Count"], rows, numeric=(1,))])
    reader = pypdf.PdfReader(io.BytesIO(to_pdf(document, fonts=fonts)))
    pages = [page.extract_text() for page in reader.pages]
    assert len(pages) >= 3
    for page in pages[1:]:
        assert "Name" in page.split("row")[0]  # the header row comes first on every page it runs onto
    text = "\n".join(pages)
    assert all(f"row {i}\n" in text + "\n" or f"row {i} " in text for i in (1, 75, 150))
    if fonts is None:
        assert 'A "quoted" title' in pages[0] and "Tick ? - done" in pages[0]
    else:
        assert "A \u201cquoted\u201d title" in pages[0] and "Tick \u2713 \u2014 done" in pages[0]
