"""The board's one-page summary (issue 20.1): two hand-built years, every number and
sentence counted by hand; the cover with the landlord's logo, then a page break."""

from __future__ import annotations

import io
from datetime import date as D

import pytest

from chc_tui.documents.document import Image, PageBreak
from chc_tui.documents.logo import Branding, LogoRefused, check_picture
from chc_tui.documents.report_export import report_document, write_report
from chc_tui.figures import report_texts
from chc_tui.figures.report_summary import summarise
from chc_tui.rules.domain import StepRefused
from chc_tui.services import Services
from chc_tui.steps import learning
from chc_tui.steps.report_logo import set_report_logo
from report_helpers import Book, report_for

TODAY = D(2025, 6, 2)


def png(width: int = 40, height: int = 20) -> bytes:
    from PIL import Image as PILImage

    out = io.BytesIO()
    PILImage.new("RGB", (width, height), (0, 90, 160)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def two_years(db):
    book = Book(db, TODAY)
    book.complaint(D(2023, 5, 2), timing="target")
    book.complaint(D(2023, 6, 1), timing="late")
    damp1 = book.complaint(D(2024, 5, 1), timing="target")
    damp2 = book.complaint(D(2024, 6, 3), timing="target")
    repairs = book.complaint(D(2024, 7, 1), timing="late")
    for ref, theme in ((damp1, "Damp"), (damp2, "Damp"), (repairs, "Repairs")):
        learning.set_theme(db, ref, theme=theme, root_cause="", ctx=book.s1)
    lesson = learning.record_lesson(db, theme="Damp", lesson="Surveys came late", improvement="Damp surveys within 5 days",
                                    recorded_on=D(2024, 8, 1), due_on=D(2024, 9, 30), complaints=[damp1], ctx=book.s1)
    learning.complete_improvement(db, lesson, done_on=D(2024, 9, 16), ctx=book.s1)
    for year in (2023, 2024):
        report_texts.set_homes_owned(db, year=year, homes=1000, ctx=book.s1)
    return db


def test_summary_counts_both_years_by_hand(two_years):
    report = report_for(two_years, 2024, TODAY)
    summary = summarise(report, report_for(two_years, 2023, TODAY))
    assert [(c.measure, c.this_year, c.year_before) for c in summary.comparisons] == [
        ("Stage 1 complaints received", "3", "2"),
        ("Escalations to stage 2 requested", "0", "0"),
        ("CH01 stage 1 complaints per 1,000 homes", "3.00", "2.00"),
        ("CH01 stage 2 complaints per 1,000 homes", "0.00", "0.00"),
        ("CH02 stage 1 responses within the Code's timescales", "67%", "50%"),  # 2 of 3; 1 of 2
        ("CH02 stage 2 responses within the Code's timescales", "n/a", "n/a"),
    ]
    assert summary.sentences == (
        "In 2024/25 we received 3 complaints at stage 1, and 0 residents asked for their complaint to go to "
        "stage 2: 1 more than the 2 stage 1 complaints of 2023/24.",
        "67% of the 3 stage 1 responses were sent within the Code's timescales.",
        "The themes behind most complaints: Damp (2) and Repairs (1).",
        "The Ombudsman made no finding about our complaint handling in 2024/25.",
        "1 service improvement put in place because of complaints:",
        "• Damp: Damp surveys within 5 days",
    )
    # the records start on 02/05/2023, a month into 2023/24
    assert summary.before_note == "The records start part-way through 2023/24: its figures are for part of the year."


def test_a_year_the_records_do_not_reach_reads_as_a_dash(two_years):
    report = report_for(two_years, 2023, TODAY)  # the records start on 02/05/2023: 2022/23 has none
    summary = summarise(report, report_for(two_years, 2022, TODAY))
    assert {c.year_before for c in summary.comparisons} == {"–"}
    assert summary.before_note.startswith("The records do not reach back to 2022/23")
    assert summary.sentences[0] == ("In 2023/24 we received 2 complaints at stage 1, and 0 residents asked for "
                                    "their complaint to go to stage 2.")
    assert summary.sentences[2] == "No themes were recorded; the biggest categories of complaint were Repairs (2)."


def test_the_cover_is_logo_name_title_summary_then_a_new_page(two_years):
    report = report_for(two_years, 2024, TODAY)
    report.year_before = report_for(two_years, 2023, TODAY)
    logo = check_picture(png(), "logo.png")
    document = report_document(report, Branding("Brightwater Homes", logo))
    blocks = document.blocks
    assert isinstance(blocks[0], Image) and blocks[0].alt == "Brightwater Homes logo"
    first_break = next(i for i, b in enumerate(blocks) if isinstance(b, PageBreak))
    cover_text = [getattr(b, "text", "") for b in blocks[:first_break]]
    assert "Summary" in cover_text and "Tenant Satisfaction Measures" not in cover_text
    assert getattr(blocks[first_break + 1], "text", "") == "Tenant Satisfaction Measures"
    assert document.page.header_image is not None and document.page.header.startswith("Brightwater Homes")


def test_the_logo_reaches_word_html_and_pdf(two_years, tmp_path):
    import docx
    from pypdf import PdfReader

    from chc_tui.documents.pdf_writer import write_pdf

    report = report_for(two_years, 2024, TODAY)
    report.year_before = report_for(two_years, 2023, TODAY)
    branding = Branding("Brightwater Homes", check_picture(png(), "logo.png"))
    word = docx.Document(str(write_report(report, "docx", tmp_path / "r.docx", branding)))
    assert len(word.inline_shapes) == 5  # the logo and four charts (one compares the years)
    assert word.sections[0].header.part.related_parts  # the logo in the page header
    assert any(r.element.xml.count("w:br") and 'w:type="page"' in r.element.xml
               for p in word.paragraphs for r in p.runs)
    html = write_report(report, "html", tmp_path / "r.html", branding).read_text(encoding="utf-8")
    assert html.count('src="data:image/png;base64,') == 2 and 'alt="Brightwater Homes logo"' in html
    assert 'class="page-break"' in html
    write_pdf(report_document(report, branding), tmp_path / "r.pdf")
    pages = PdfReader(str(tmp_path / "r.pdf")).pages
    assert "Summary" in pages[0].extract_text() and "Tenant Satisfaction Measures" not in pages[0].extract_text()
    assert "Tenant Satisfaction Measures" in pages[1].extract_text()


@pytest.mark.parametrize("data, said", [
    (b"", "is empty"),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 40, "not a picture that can be read"),
    (b"GIF89a" + b"\0" * 40, "not a picture that can be read"),
])
def test_a_file_that_is_not_a_logo_is_refused(data, said):
    with pytest.raises(LogoRefused, match=said):
        check_picture(data, "logo.png")


def test_too_big_a_picture_is_refused():
    with pytest.raises(LogoRefused, match="at most 4000 on a side"):
        check_picture(png(4200, 10), "wide.png")


def test_the_logo_setting_is_stored_audited_and_cleared(db, tmp_path):
    (tmp_path / "logo.png").write_bytes(png())
    (tmp_path / "notes.txt").write_text("not a picture")
    services = Services(db, actor="alice", today_fn=lambda: TODAY)
    logo = services.run(set_report_logo, str(tmp_path / "logo.png"))
    assert logo is not None and logo.mime == "image/png"
    assert services.settings_overview()["logo"].data == png()
    with pytest.raises(StepRefused, match="not a picture that can be read"):
        services.run(set_report_logo, str(tmp_path / "notes.txt"))
    assert services.settings_overview()["logo"].sha256 == logo.sha256  # a refusal changes nothing
    with pytest.raises(StepRefused, match="there is no file"):
        services.run(set_report_logo, str(tmp_path / "missing.png"))
    assert services.run(set_report_logo, "none") is None
    assert services.settings_overview()["logo"] is None


def test_report_service_gives_the_year_before_for_documents(two_years):
    from chc_tui.figures.report_service import ReportService

    reports = ReportService(Services(two_years, actor="alice", today_fn=lambda: TODAY))
    assert reports.report(2024).year_before is None  # the screen: one year
    assert reports.report(2024, with_year_before=True).year_before.year == 2023


def test_rows_of_nothing_but_zeros_fold_into_one_line():
    from chc_tui.documents.report_export import fold_zero_rows

    rows = [["Upheld", "3", "100%"], ["Partly upheld", "0", "0%"], ["Withdrawn", "0", "0%"], ["Refused", "0", "n/a"],
            ["Total", "3", ""]]
    assert fold_zero_rows(rows, (1, 2)) == [["Upheld", "3", "100%"],
                                            ["None in the year: Partly upheld; Withdrawn; Refused", "0", ""],
                                            ["Total", "3", ""]]
    one = [["Upheld", "3", "100%"], ["Withdrawn", "0", "0%"]]
    assert fold_zero_rows(one, (1, 2)) == one  # a single zero row stays as it is
    empty_year = [["Upheld", "0", "n/a"], ["Refused", "0", "n/a"], ["Total", "0", ""]]
    assert fold_zero_rows(empty_year, (1, 2))[-1] == ["Total", "0", ""]  # a total is kept, even at 0


def test_the_exported_outcomes_table_folds_its_zero_rows(two_years):
    from chc_tui.documents.document import Table

    report = report_for(two_years, 2024, TODAY)
    tables = [b for b in report_document(report).blocks if isinstance(b, Table) and b.header[0] == "Outcome"]
    assert [row[0] for row in tables[0].rows] == [
        "Upheld", "None in the year: Partly upheld; Not upheld; Withdrawn; Refused", "Total"]


def _chromium_or_skip() -> tuple[str, str]:
    from test_publish import _chromium

    found = _chromium()
    if found is None:
        pytest.skip("needs chromium and chromedriver (apt-get install chromium chromium-driver)")
    return found


def test_chromium_shows_the_logo_name_and_summary_on_the_first_screen(two_years, tmp_path):
    """The report as a board member opens it: headless Chromium at 1280x900, offline; the
    logo drawn (its picture is inside the page), the landlord's name and the summary's
    heading and first sentence above the fold, and a screenshot taken."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    browser, driver_path = _chromium_or_skip()
    report = report_for(two_years, 2024, TODAY)
    report.year_before = report_for(two_years, 2023, TODAY)
    page = write_report(report, "html", tmp_path / "r.html", Branding("Brightwater Homes", check_picture(png(), "logo.png")))
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,900"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    try:
        driver.get(page.resolve().as_uri())
        seen = driver.execute_script("""
            const fold = window.innerHeight;
            const above = el => el !== null && el.getBoundingClientRect().bottom <= fold;
            const logo = document.querySelector('img.logo');
            const summary = [...document.querySelectorAll('h2')].find(h => h.textContent === 'Summary');
            const name = [...document.querySelectorAll('p.lead')].find(p => p.textContent === 'Brightwater Homes');
            return {logo: above(logo) && logo.naturalWidth === 40, name: above(name), summary: above(summary),
                    first: above(summary && summary.nextElementSibling) ? summary.nextElementSibling.textContent : ''};
        """)
        shot = driver.get_screenshot_as_png()
    finally:
        driver.quit()
    (tmp_path / "first-screen.png").write_bytes(shot)
    assert seen["logo"] and seen["name"] and seen["summary"]
    assert seen["first"].startswith("In 2024/25 we received 3 complaints at stage 1")
    assert shot.startswith(b"\x89PNG")
