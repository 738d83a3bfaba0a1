"""The published pack (Code 8.2): the annual complaints report, the full self-assessment in
the Ombudsman's layout and the governing body's response, as one document written as a
self-contained HTML page, a Word document and an A4 PDF.

It is built only from the report's figures (chc_tui.figures.report), the self-assessment's
answers (chc_tui.documents.assessment_export) and the response as recorded
(chc_tui.steps.governing_body): none of them holds a resident's name or address, and
tests/test_publish.py searches every file written for each one in the database.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from pathlib import Path

from chc_tui.documents import assessment_export
from chc_tui.documents import document_writers as writers
from chc_tui.documents.document import Block, Document, Fields, Heading, Page, Paragraph, Table
from chc_tui.documents.report_export import report_document
from chc_tui.figures.report import TEXT_PARTS, year_label
from chc_tui.rules.domain import StepRefused
from chc_tui.rules.financial_year import year_of
from chc_tui.steps.governing_body import AgreedResponse, response_for

FORMATS = ("html", "docx", "pdf")
RESPONSE_TITLE = next(title for part, _, title in TEXT_PARTS if part == "governing_body_response")
PACK_PAGE = Page(font="Arial", size_pt=10, side_margins_cm=2.0, page_numbers=True)


def _demoted(blocks: list[Block], by: int = 1) -> list[Block]:
    """The blocks with each heading one level down, to sit under the pack's own title."""
    return [replace(b, level=min(b.level + by, 6)) if isinstance(b, Heading) else b for b in blocks]


def _without_section(blocks: list[Block], title: str) -> list[Block]:
    """The blocks without the section headed `title` (to its next heading as high)."""
    out: list[Block] = []
    level: int | None = None
    for b in blocks:
        if isinstance(b, Heading):
            if level is not None and b.level <= level:
                level = None
            if level is None and b.text == title:
                level = b.level
        if level is None:
            out.append(b)
    return out


# The self-assessment's five columns on a portrait A4 page (17 cm between the margins).
PORTRAIT_WIDTHS_CM = (1.8, 5.1, 1.7, 4.2, 4.2)


def _portrait(blocks: list[Block]) -> list[Block]:
    """The self-assessment's tables (set out for landscape) with widths for a portrait page."""
    return [replace(b, widths_cm=PORTRAIT_WIDTHS_CM) if isinstance(b, Table) and len(b.header) == 5 else b
            for b in blocks]


def response_blocks(response: AgreedResponse | None, year: int) -> list[Block]:
    blocks: list[Block] = [Heading(2, "The governing body's response (Code 8.2)")]
    if response is None or not response.text:
        return blocks + [Paragraph(f"The governing body's response to the {year_label(year)} report has not been recorded yet.")]
    if response.agreed_on is not None:
        blocks.append(Fields([("Agreed on", f"{response.agreed_on.day} {response.agreed_on:%B %Y}"),
                              ("Meeting", response.meeting)]))
    return blocks + [Paragraph(response.text)]


def check_year(year: int, today: date) -> None:
    """A year the pack can be published for: one that has started."""
    if year > year_of(today):
        raise StepRefused(
            f"the financial year {year_label(year)} has not started (today is {today:%d/%m/%Y}); "
            f"the latest year that can be published is {year_label(year_of(today))}", "year")


def build_pack(services, year: int) -> Document:
    """The pack as one document: the annual report, the self-assessment, the response."""
    from chc_tui.figures.report_service import ReportService

    check_year(year, services.today)
    reports = ReportService(services)
    report = reports.report(year, with_year_before=True)
    branding = reports.branding()
    assessment = assessment_export.build_document(services.db, year, today=services.today, policy=services.policy)
    response = response_for(services.db, year)
    title = f"{assessment.landlord}: complaints {year_label(year)}"
    blocks: list[Block] = [branding.logo.image(branding.landlord)] if branding.logo else []
    blocks += [
        Heading(1, title),
        Paragraph("Published under the Housing Ombudsman's Complaint Handling Code (8.2): our annual complaints "
                  "performance and service improvement report, our self-assessment against the Code, and our "
                  "governing body's response to the report.", kind="lead"),
        Heading(2, "Contents"),
        Paragraph("1. The annual complaints performance and service improvement report\n"
                  "2. Self-assessment against the Complaint Handling Code\n"
                  "3. The governing body's response"),
    ]
    # The response is the pack's own third part, with the date and meeting: not also in the report.
    blocks += _without_section(_demoted(report_document(report).blocks), RESPONSE_TITLE)
    blocks += [Heading(2, "Self-assessment against the Complaint Handling Code (Code 8.2)"),
               Paragraph(assessment.subtitle, kind="lead")]
    blocks += _portrait(_demoted(assessment_export.document_of(assessment).blocks[2:]))
    blocks += response_blocks(response, year)
    return Document(title, blocks, replace(PACK_PAGE, header=title, header_image=branding.header_image()))


def file_stem(year: int) -> str:
    return f"complaints-{year_label(year).replace('/', '-')}"


def _words(text: str) -> str:
    return " " + " ".join(re.findall(r"[\w@.+-]+", text.lower())) + " "


def check_no_personal_data(document: Document, identifiers: list[str]) -> None:
    """Refused, naming the part, when any block's text holds a resident's name, address,
    phone or email as whole words (case and spacing aside): an entered text (a commentary,
    the response) could quote one, and the pack is published on a website."""
    wanted = [(_words(i), i) for i in identifiers if len(i.strip()) >= 4]
    part = document.title
    for block in document.blocks:
        if isinstance(block, Heading):
            part = block.text
        text = _words(writers.to_text(Document("", [block])))
        for words, _ in wanted:
            if words.strip() and words in text:
                raise StepRefused(
                    f"the pack would publish personal data: a resident's name, address or contact details "
                    f"appears under \"{part}\"; take it out of the text entered there and publish again", "year")


def publish(services, year: int, out_dir: Path, *, html_template: Path | None = None,
            docx_base: Path | None = None) -> list[Path]:
    """Write the pack for `year` into `out_dir` as .html, .docx and .pdf; returns the paths.
    Refused, with nothing written, when it would hold a resident's personal data.
    `html_template` / `docx_base`: the landlord's own (chc_tui.documents.publish_templates)."""
    from store.personal import resident_identifiers

    document = build_pack(services, year)
    with services.db.engine.connect() as conn:
        check_no_personal_data(document, resident_identifiers(conn))
    out_dir = Path(out_dir)
    out = {fmt: out_dir / f"{file_stem(year)}.{fmt}" for fmt in FORMATS}
    if html_template is not None or docx_base is not None:
        from chc_tui.documents import publish_templates

        # The landlord's templates first: one that fails is named and nothing is written.
        html = publish_templates.render_html(document, html_template) if html_template is not None else None
        if docx_base is not None:
            publish_templates.write_docx(document, docx_base, out["docx"])
        else:
            writers.write(document, "docx", out["docx"])
        if html is not None:
            writers.write_atomically(out["html"], lambda path: path.write_bytes(html.encode("utf-8")))
        else:
            writers.write(document, "html", out["html"])
        writers.write(document, "pdf", out["pdf"])
        return [out[fmt] for fmt in FORMATS]
    return [writers.write(document, fmt, out[fmt]) for fmt in FORMATS]
