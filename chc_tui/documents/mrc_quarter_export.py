"""The MRC's quarterly view (Code 9.7) as a Document, written by the shared writers (.docx, .html).
Complaints by reference only: no resident's name or address. It goes to the governing body
beside the annual report, so it carries the same branding: the landlord's logo and name at
the top and in the page header (chc_tui.documents.logo.Branding)."""

from __future__ import annotations

from pathlib import Path

from chc_tui.documents.document import Block, Document, Heading, Page, Paragraph, Table
from chc_tui.documents.document_writers import write
from chc_tui.documents.logo import Branding
from chc_tui.figures.mrc_quarter import MrcQuarter, _d
from chc_tui.rules.measures import Timeliness
from chc_tui.wording import counted

FORMATS = ("docx", "html")


def _lines(rows, empty: str) -> list:
    if not rows:
        return [Paragraph(empty, "note")]
    return [Table(("Reference", "Detail"), [list(r) for r in rows])]


def document(v: MrcQuarter, branding: Branding = Branding()) -> Document:
    q = v.quarter
    title = f"Complaints: the MRC's quarterly view, {q.label} ({_d(q.start)} to {_d(q.end)})"
    landlord = branding.landlord.strip()
    blocks: list[Block] = [branding.logo.image(landlord)] if branding.logo else []
    blocks.append(Heading(1, title))
    if landlord:
        blocks.append(Paragraph(landlord, "lead"))
    blocks.append(Paragraph("For the Member Responsible for Complaints (Code 9.5-9.7). Quarter 1 is the first "
                            "quarter of the financial year. Complaints are named by reference only.", "note"))
    blocks += [Heading(2, "Complaints received"),
               Table(("Stage", "Received"), [["Stage 1", str(len(v.received[1]))],
                                             ["Stage 2 (escalated)", str(len(v.received[2]))]], numeric=(1,))]
    rows = [[t.label] + [str(v.responses[n][t.value]) for n in (1, 2)] for t in Timeliness]
    rows.append(["Within the Code's timescales"] + [f"{v.within_timescale(n)} of {v.answered(n)}" for n in (1, 2)])
    blocks += [Heading(2, "Timeliness of responses sent in the quarter"),
               Table(("Response", "Stage 1", "Stage 2"), rows, numeric=(1, 2)),
               *_lines(v.late_responses, "No response was late.")]
    blocks += [Heading(2, "Ombudsman findings and orders"),
               Table(("Determination", "Findings"), [[d.replace("_", " "), str(n)] for d, n in v.findings.items()])
               if v.findings else Paragraph("No findings determined in the quarter.", "note"),
               Heading(3, f"Severe maladministration: {counted(len(v.severe_findings), 'finding')}"),
               *_lines(v.severe_findings, "No finding of severe maladministration in the quarter."),
               Paragraph(f"Orders due in the quarter: {v.orders_due}, of which complied with by {_d(q.end)}: "
                         f"{v.orders_complied}."),
               Heading(3, "Orders on severe maladministration findings still open"),
               *_lines(v.orders_open_severe, "None open.")]
    blocks += [Heading(2, f"Remedies outstanding on {_d(q.end)}"),
               *_lines(v.remedies_outstanding, "No remedy outstanding."),
               Heading(2, f"Actions outstanding, due by {_d(v.next_end)}"),
               *_lines(v.actions_outstanding, "No action outstanding."),
               Heading(2, f"Improvements due by {_d(v.next_end)}, not yet in place"),
               *_lines(v.improvements_due, "No improvement due.")]
    page = Page(header=f"{landlord}: the MRC's quarterly view {q.label}" if landlord else "",
                   header_image=branding.header_image())
    return Document(title, blocks, page)


def write_view(v: MrcQuarter, fmt: str, out: Path, branding: Branding = Branding()) -> Path:
    return write(document(v, branding), fmt, out)
