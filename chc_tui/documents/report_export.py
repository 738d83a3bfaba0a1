"""The annual report as a document: one list of blocks (chc_tui.documents.document: headings,
paragraphs, tables, figures) built from an `AnnualReport`, written out as Markdown, HTML or
Word (.docx) by the shared writers (chc_tui.documents.document_writers); and the JSON export of every
figure. Every format carries the same words and numbers.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Sequence

from chc_tui.rules import financial_year
from chc_tui.rules.interpretations import INTERPRETATIONS
from chc_tui.figures.report import (
    MONTHS,
    STAGES,
    AnnualReport,
    Figure,
    Timeliness,
    month_bounds,
    month_label,
    pct_text,
    to_json,
)
from chc_tui.documents import document_writers as writers
from chc_tui.documents.document import Block, Document, Figure, Heading, Page, PageBreak, Paragraph, Table
from chc_tui.documents.logo import Branding
from chc_tui.documents.report_charts import BLUE, GREEN, GREY, ORANGE, PURPLE, SKY, VERMILLION, YELLOW, Chart

FORMATS = ("md", "html", "docx", "json")


REPORT_PAGE = Page(font="Arial", size_pt=10.5, side_margins_cm=2.0, page_numbers=True)


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], text_cols: tuple[int, ...] = (0,),
           fold_zeros: bool = False) -> Table:
    """A table whose columns hold numbers (right-aligned) but for `text_cols`; `fold_zeros`:
    rows that are nothing but zeros become one line naming them (fold_zero_rows)."""
    numeric = tuple(i for i in range(len(header)) if i not in text_cols)
    return Table(header, fold_zero_rows(rows, numeric) if fold_zeros else rows, numeric=numeric, md_blank="")


NOTHING = frozenset({"", "0", "0%", "n/a", "£0.00", "0.00", "0.0", "–"})
KEPT_UNFOLDED = ("Total", "Both stages", "All ")  # a total is read even when it is 0


def fold_zero_rows(rows: Sequence[Sequence[str]], numeric: tuple[int, ...]) -> list[Sequence[str]]:
    """Two or more rows with nothing in any number column, folded into one line that names
    them ("None in the year: Withdrawn; Refused"), where the first of them stood. A board
    member reads what happened; the zeros are still there, in a line."""
    def is_nothing(row: Sequence[str]) -> bool:
        return (bool(numeric) and not str(row[0]).startswith(KEPT_UNFOLDED)
                and all(str(row[i]).strip() in NOTHING for i in numeric if i < len(row)))

    empty = [row for row in rows if is_nothing(row)]
    if len(empty) < 2:
        return list(rows)
    labels = "; ".join(str(row[0]).strip() for row in empty)
    folded = [f"None in the year: {labels}"] + ["0" if i == numeric[0] else "" for i in range(1, len(empty[0]))]
    out: list[Sequence[str]] = []
    for row in rows:
        if not is_nothing(row):
            out.append(row)
        elif row is empty[0]:
            out.append(folded)
    return out


def _d(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _f(report: AnnualReport, key: str) -> Figure:
    return report.figure(key)


def _tsm_by_stock_type_blocks(r: AnnualReport) -> list:
    """CH01 and CH02 for each stock type beside the total (issue 18.6), and the complaints
    whose resident's tenure is not known (in the total only)."""
    from chc_tui.rules.tenure import NOT_KNOWN_KEY, STOCK_TYPE_LABELS

    types = r.stock_types
    if not types:
        return []
    measures = [("homes_owned", "CH01", "Homes owned")]
    measures += [(f"stage{n}_per_1000_homes", "CH01", f"CH01 Stage {n} per 1,000 homes") for n in STAGES]
    measures += [(f"stage{n}_within_timescale_pct", "CH02", f"CH02 Stage {n} within the Code's timescales") for n in STAGES]
    rows = [[label, *(_f(r, f"tsm.{m}.{t}.{key}").text for t in types), _f(r, f"tsm.{m}.{key}").text]
            for key, m, label in measures]
    blocks: list = [
        Paragraph("By stock type (" + "; ".join(f"{t}: {STOCK_TYPE_LABELS[t]}" for t in types) + "):"),
        _table(["Measure", *types, "All homes"], rows),
    ]
    received = [_f(r, f"tsm.CH01.{NOT_KNOWN_KEY}.stage{n}_received") for n in STAGES]
    answered = [_f(r, f"tsm.CH02.{NOT_KNOWN_KEY}.stage{n}_responses") for n in STAGES]
    if any(f.value for f in (*received, *answered)):
        refs = sorted({ref for f in (*received, *answered) for ref in f.references()})
        blocks.append(Paragraph(
            f"Tenure not known: {received[0].value} stage 1 and {received[1].value} stage 2 complaints received, "
            f"{answered[0].value} stage 1 and {answered[1].value} stage 2 responses sent, counted in the total "
            f"only ({', '.join(refs)}).", kind="note"))
    return blocks


def _count_pct(report: AnnualReport, key: str) -> tuple[str, str]:
    f = _f(report, key)
    return str(f.value), pct_text(int(f.value or 0), f.of or 0)


# --- charts ---------------------------------------------------------------------------------


def monthly_chart(report: AnnualReport) -> Chart:
    this = report.months[0]
    return Chart(
        "columns",
        f"Complaints received by month, {report.label}",
        [m.title() for m in MONTHS],
        [("Stage 1", list(this.stage1)), ("Stage 2", list(this.stage2))],
        [BLUE, ORANGE],
        description="Stage 1 complaints and stage 2 escalation requests received in each month: "
        + ", ".join(f"{m.title()} {a} and {b}" for m, a, b in zip(MONTHS, this.stage1, this.stage2)),
        empty_text=f"no complaints received in {report.label}",
    )


def comparison_chart(report: AnnualReport) -> Chart | None:
    if len(report.months) < 2:
        return None
    ordered = list(reversed(report.months))
    colours = [GREY, SKY, BLUE][-len(ordered):]
    return Chart(
        "columns",
        "Stage 1 complaints received by month, with earlier years",
        [m.title() for m in MONTHS],
        [(m.label + (" (part)" if m.partial else ""), list(m.stage1)) for m in ordered],
        colours,
        description="; ".join(f"{m.label}: {sum(m.stage1)} stage 1 complaints" for m in ordered),
    )


OUTCOME_PARTS = (
    ("upheld", "Upheld", VERMILLION),
    ("partly_upheld", "Partly upheld", ORANGE),
    ("not_upheld", "Not upheld", BLUE),
    ("withdrawn", "Withdrawn", GREY),
    ("refused", "Refused", PURPLE),
)
TIMELINESS_PARTS = (
    (Timeliness.WITHIN_TARGET.value, "Within target", GREEN),
    (Timeliness.WITHIN_EXTENSION.value, "Within agreed extension", YELLOW),
    (Timeliness.OUT_OF_TARGET.value, "Out of target", VERMILLION),
    (Timeliness.LATE_EXTENSION_NOT_IN_LINE.value, "Late: extension not in line with the Code", PURPLE),
)


def outcomes_chart(report: AnnualReport) -> Chart:
    return Chart(
        "stacked",
        f"Outcomes by stage, {report.label}",
        [f"Stage {n}" for n in STAGES],
        [(label, [_f(report, f"outcomes.stage{n}.{key}").value for n in STAGES]) for key, label, _ in OUTCOME_PARTS],
        [c for _, _, c in OUTCOME_PARTS],
        description="; ".join(
            f"stage {n}: " + ", ".join(f"{_f(report, f'outcomes.stage{n}.{k}').value} {label.lower()}" for k, label, _ in OUTCOME_PARTS)
            for n in STAGES
        ),
        empty_text="no outcomes in the year",
    )


def timeliness_chart(report: AnnualReport) -> Chart:
    return Chart(
        "stacked",
        f"Timeliness of responses sent, {report.label}",
        [f"Stage {n}" for n in STAGES],
        [(label, [_f(report, f"timeliness.stage{n}.{key}").value for n in STAGES]) for key, label, _ in TIMELINESS_PARTS],
        [c for _, _, c in TIMELINESS_PARTS],
        description="; ".join(
            f"stage {n}: " + ", ".join(f"{_f(report, f'timeliness.stage{n}.{k}').value} {label.lower()}" for k, label, _ in TIMELINESS_PARTS)
            for n in STAGES
        ),
        empty_text="no responses sent in the year",
    )


# --- the document -------------------------------------------------------------------------------


def _summary_blocks(r: AnnualReport) -> list[Block]:
    """The one page a board member reads first (figures.report_summary)."""
    from chc_tui.figures.report_summary import summarise

    summary = summarise(r, r.year_before)
    blocks: list[Block] = [Heading(2, "Summary")]
    blocks += [Paragraph(sentence) for sentence in summary.sentences]
    blocks.append(_table(["Measure", summary.year_label, summary.before_label],
                         [[c.measure, c.this_year, c.year_before] for c in summary.comparisons]))
    if summary.before_note:
        blocks.append(Paragraph(summary.before_note, kind="note"))
    return blocks


def document(report: AnnualReport, branding: Branding = Branding()) -> list[Block]:
    r = report
    period = f"{_d(r.start)} to {_d(r.end)}"
    landlord = branding.landlord.strip()
    blocks: list[Block] = [branding.logo.image(landlord)] if branding.logo else []
    blocks += [Paragraph(landlord, kind="lead")] if landlord else []
    blocks += [
        Heading(1, f"Annual complaints performance and service improvement report {r.label}"),
        Paragraph(f"{period}. Prepared under the Housing Ombudsman's {r.policy_name} (8.1, 8.2) on "
             f"{_d(r.generated_on)}, from the complaint records."),
    ]
    if not r.complete:
        blocks.append(Paragraph(f"The year is still running: the figures count what was recorded up to {_d(r.cutoff)}."))
    if r.records_start and r.start < r.records_start <= r.end:
        blocks.append(Paragraph(f"The records start on {_d(r.records_start)}, part-way through the year: earlier "
                           "complaints are not in these figures."))
    if r.empty:
        blocks.append(Paragraph(f"No complaints were received, answered, extended, withdrawn or refused in {r.label}. "
                           "The tables below are empty, not missing."))
    blocks += _summary_blocks(r)
    blocks.append(PageBreak())  # the cover and its summary are a page of their own

    # --- TSM ------------------------------------------------------------------------------
    blocks.append(Heading(2, "Tenant Satisfaction Measures"))
    homes = _f(r, "tsm.CH01.homes_owned")
    rows = []
    for n in STAGES:
        f = _f(r, f"tsm.CH01.stage{n}_per_1000_homes")
        rows.append([f"CH01 Stage {n} complaints received per 1,000 homes", f.text, f.note])
    for n in STAGES:
        f = _f(r, f"tsm.CH02.stage{n}_within_timescale_pct")
        rows.append([f"CH02 Stage {n} complaints responded to within the Code's timescales", f.text, f.note])
    blocks.append(_table(["Measure", r.label, "What was counted"], rows, text_cols=(0, 2)))
    if homes.value is None:
        blocks.append(Paragraph(f"Homes owned in {r.label} has not been entered, so CH01 cannot be counted yet.", kind="note"))
    blocks += _tsm_by_stock_type_blocks(r)
    blocks.append(Paragraph("Within target, within an agreed extension and out of target, beside CH02, so either reading can be checked:"))
    rows = []
    for n in STAGES:
        total = _f(r, f"timeliness.stage{n}.responses").value
        cells = [f"Stage {n}", str(total)]
        for key, _, _ in TIMELINESS_PARTS:
            cells += list(_count_pct(r, f"timeliness.stage{n}.{key}"))
        rows.append(cells)
    blocks.append(_table(["Stage", "Responses sent", "Within target", "%", "Within extension", "%", "Out of target", "%"], rows))

    # --- 8.1(a) ----------------------------------------------------------------------------------
    blocks.append(Heading(2, "a. Self-assessment against the Code"))
    sa = r.section("self_assessment")
    by_section: dict[str, dict[str, Figure]] = {}
    for f in sa.figures:
        by_section.setdefault(f.path[1], {})[f.path[2]] = f
    rows = []
    for slug, verdicts in by_section.items():
        title = verdicts["yes"].label.rsplit(":", 1)[0]
        rows.append([title if slug != "total" else "All sections", str(verdicts["yes"].value),
                     str(verdicts["no"].value), str(verdicts["unanswered"].value)])
    total = by_section.get("total", {})
    if not total or sum(int(total[v].value or 0) for v in ("yes", "no")) == 0:
        blocks.append(Paragraph(f"The self-assessment for {r.label} has not been answered yet."))
    blocks.append(_table(["Section", "Yes", "No", "Not yet answered"], rows))
    blocks.append(Paragraph(f"Provisions listed from {r.provisions_source}.", kind="note"))
    if r.no_answers:
        blocks.append(Paragraph("The provisions assessed 'No', in full:"))
        blocks.append(_table(["Provision", "Requirement", "Evidence", "Commentary"],
                            [[n.provision, n.text, n.evidence, n.commentary] for n in r.no_answers], text_cols=(0, 1, 2, 3)))
    else:
        blocks.append(Paragraph("No provision was assessed 'No'."))

    # --- 8.1(b) ----------------------------------------------------------------------------------
    blocks.append(Heading(2, "b. Complaint handling performance"))
    blocks.append(Heading(3, "Complaints received"))
    s1, s2 = _f(r, "received.stage1.total").value, _f(r, "received.stage2.total").value
    blocks.append(Paragraph(f"{s1} stage 1 complaints were received and {s2} escalations to stage 2 were requested in {r.label}."))
    header = ["Month", f"Stage 1 {r.label}", f"Stage 2 {r.label}"]
    for m in r.months[1:]:
        header += [f"Stage 1 {m.label}" + (" (part)" if m.partial else ""), f"Stage 2 {m.label}"]
    rows = []
    for i, name in enumerate(MONTHS):
        cells = [month_label(r.year, i), str(r.months[0].stage1[i]), str(r.months[0].stage2[i])]
        for m in r.months[1:]:
            before = r.records_start is not None and month_bounds(m.year, i)[1] < r.records_start
            cells += ["–", "–"] if before else [str(m.stage1[i]), str(m.stage2[i])]
        rows.append(cells)
    totals = ["Total", str(sum(r.months[0].stage1)), str(sum(r.months[0].stage2))]
    for m in r.months[1:]:
        totals += [str(sum(m.stage1)), str(sum(m.stage2))]
    rows.append(totals)
    blocks.append(_table(header, rows))
    if any(m.partial for m in r.months[1:]) and r.records_start:
        blocks.append(Paragraph(f"The records start on {_d(r.records_start)}: months before that show –.", kind="note"))
    if len(r.months) == 1:
        blocks.append(Paragraph("The records do not go back to earlier years, so there is nothing to compare with yet.", kind="note"))
    blocks.append(Figure(monthly_chart(r)))
    compare = comparison_chart(r)
    if compare:
        blocks.append(Figure(compare))

    blocks.append(Heading(3, "Complaints by category"))
    cat = r.section("by_category").figures
    names = list(dict.fromkeys(f.path[2] for f in cat))
    if names:
        rows = []
        for name in names:
            cells = [name]
            for n in STAGES:
                f = next((f for f in cat if f.path[1] == f"stage{n}" and f.path[2] == name), None)
                cells += [str(f.value), pct_text(int(f.value), f.of or 0)] if f else ["0", pct_text(0, s1 if n == 1 else s2)]
            rows.append(cells)
        rows.append(["Total", str(s1), "", str(s2), ""])
        blocks.append(_table(["Category", "Stage 1", "%", "Stage 2", "%"], rows, fold_zeros=True))
    else:
        blocks.append(Paragraph("No complaints were received in the year."))

    blocks.append(Heading(3, "Outcomes"))
    rows = []
    for key, label, _ in OUTCOME_PARTS:
        cells = [label]
        for n in STAGES:
            cells += list(_count_pct(r, f"outcomes.stage{n}.{key}"))
        rows.append(cells)
    rows.append(["Total"] + [x for n in STAGES for x in (str(_f(r, f"outcomes.stage{n}.total").value), "")])
    blocks.append(_table(["Outcome", "Stage 1", "%", "Stage 2", "%"], rows, fold_zeros=True))
    blocks.append(Paragraph(_f(r, "outcomes.stage1.total").note + ".", kind="note"))
    blocks.append(Figure(outcomes_chart(r)))

    blocks.append(Heading(3, "Timeliness of responses"))
    for n in STAGES:
        rows = [["Responses sent", str(_f(r, f"timeliness.stage{n}.responses").value), ""]]
        for key, label, _ in TIMELINESS_PARTS:
            rows.append([label, *_count_pct(r, f"timeliness.stage{n}.{key}")])
        blocks.append(_table([f"Stage {n}", "Total", "%"], rows))
    blocks.append(Figure(timeliness_chart(r)))
    blocks.append(Paragraph("Within target: sent on or before the response deadline set at acknowledgement (Code 6.3, 6.14). "
                       "Within an agreed extension: late against that target but on or before the extended deadline, "
                       "every extension agreed in line with the Code (6.4, 6.5, 6.15, 6.16). Late: extension not in "
                       "line with the Code: sent by the extended deadline, but an extension was decided or told after "
                       "the deadline it replaced, passed the limit with no good reason, or came without the "
                       "Ombudsman's details. Out of target: everything else.", kind="note"))
    for n in STAGES:
        after = _f(r, f"tsm.CH02.stage{n}_within_target_after_late_acknowledgement")
        if after.value:
            blocks.append(Paragraph(f"Stage {n}: {after.value} of the responses within target followed a late "
                                    f"acknowledgement ({after.note}).", kind="note"))

    blocks.append(Heading(3, "Extensions"))
    labels = [
        ("count", "Extensions decided"),
        ("stages_extended", "Complaints extended"),
        ("within_limit", "Within the Code's limit"),
        ("past_limit_with_good_reason", "Past the limit, good reason recorded"),
        ("past_limit_without_good_reason", "Past the limit, no good reason"),
        ("resident_told_recorded", "Date the resident was told recorded"),
        ("ombudsman_details_given", "Ombudsman's details given (6.5, 6.16)"),
        ("decided_after_deadline", "Decided after the deadline had passed"),
        ("in_line_with_code", "Agreed in line with the Code"),
        ("not_in_line_with_code", "Not in line with the Code"),
        ("facts_not_known", "Resting on facts not known (imported)"),
    ]
    rows = [[label] + [_f(r, f"extensions.stage{n}.{key}").text for n in STAGES] for key, label in labels]
    blocks.append(_table(["", "Stage 1", "Stage 2"], rows, fold_zeros=True))

    blocks.append(Heading(3, "Working days taken"))
    rows = []
    for key, label in (("to_acknowledge.mean", "Average to acknowledge"), ("to_acknowledge.median", "Median to acknowledge"),
                       ("to_acknowledge.within_code",
                        _f(r, "working_days.stage1.to_acknowledge.within_code").label.removeprefix("Stage 1 ").capitalize()),
                       ("to_respond.mean", "Average from acknowledgement to response"),
                       ("to_respond.median", "Median from acknowledgement to response")):
        rows.append([label] + [_f(r, f"working_days.stage{n}.{key}").text for n in STAGES])
    blocks.append(_table(["Working days", "Stage 1", "Stage 2"], rows))
    blocks.append(Paragraph("Counted in working days on the landlord's calendar: weekends, bank holidays and closure days left out.", kind="note"))

    blocks.append(Heading(3, "Escalation from stage 1 to stage 2"))
    base, esc = _f(r, "escalation.stage1_responses"), _f(r, "escalation.escalated")
    blocks.append(Paragraph(
        f"Of {base.value} stage 1 responses sent in {r.label}, {esc.value} ({pct_text(int(esc.value), int(base.value))}) "
        f"have been escalated to stage 2 so far. Counted the way many published reports do it, stage 2 requests "
        f"received were {_f(r, 'escalation.requests_per_stage1_received_pct').text} of stage 1 complaints received."))

    blocks.append(Heading(3, "Remedies offered"))
    rows = []
    for n in STAGES:
        w = _f(r, f"remedies.stage{n}.with_remedy")
        rows.append([f"Stage {n}", str(w.value), pct_text(int(w.value), w.of or 0), _f(r, f"remedies.stage{n}.financial_total").text])
    rows.append(["Both stages", "", "", _f(r, "remedies.total.financial_total").text])
    blocks.append(_table(["", "Responses with a remedy", "% of responses", "Financial remedy offered"], rows))
    blocks.append(Paragraph("The financial total adds up the £ amounts written in each remedy: it is read from the text the "
                       "handler typed, until remedies are recorded with structured amounts.", kind="note"))

    blocks.append(Heading(3, "Complaints refused"))
    refusals = r.section("refusals").figures
    total = _f(r, "refusals.total").value
    if total:
        blocks.append(Paragraph(f"{total} complaints were not taken on in {r.label}, each an individual decision with its "
                           f"own reason and explanation (Code 2.2-2.5)."))
        rows = [[f.label.removeprefix("Refused: "), str(f.value), pct_text(int(f.value), total)]
                for f in refusals if f.path[1] == "by_reason" and f.value]
        blocks.append(_table(["Exclusion reason", "Complaints", "%"], rows))
        rows = [[f.label.removeprefix("Refused: "), str(f.value), pct_text(int(f.value), total)]
                for f in refusals if f.path[1] == "by_category"]
        blocks.append(_table(["Category", "Complaints", "%"], rows, fold_zeros=True))
        rows = [[f.label, str(f.value)] for f in refusals if f.path[1] == "by_stage"]
        blocks.append(_table(["Stage", "Complaints"], rows))
    else:
        blocks.append(Paragraph(f"No complaint was refused in {r.label}."))

    blocks += _section_blocks(r, "around")

    # --- entered texts ---------------------------------------------------------------------------
    letters = {"8.1(c)": "c", "8.1(d)": "d", "8.1(e)": "e", "8.1(f)": "f"}
    for t in r.texts:
        heading = f"{letters[t.code]}. {t.title}" if t.code in letters else t.title
        blocks.append(Heading(2, heading))
        if t.text.strip():
            for paragraph in [p.strip() for p in t.text.split("\n\n") if p.strip()]:
                blocks.append(Paragraph(paragraph))
        else:
            blocks.append(Paragraph("[Not yet entered.]"))
        if t.code == "8.1(d)":
            blocks += _section_blocks(r, "learning")

    # --- definitions -----------------------------------------------------------------------------
    blocks.append(Heading(2, "How the figures were counted"))
    for key in ("tsm.CH01.stage1_per_1000_homes", "tsm.CH01.stage2_per_1000_homes",
                "tsm.CH02.stage1_within_timescale_pct", "tsm.CH02.stage2_within_timescale_pct"):
        f = _f(r, key)
        blocks.append(Paragraph(f"{f.label}: {f.note}", kind="note"))
    for interpretation in INTERPRETATIONS:
        blocks.append(Paragraph(f"{interpretation.text} ({interpretation.provision})", kind="note"))
    blocks.append(Paragraph(f"A financial year runs from 1 April to 31 March: {r.label} is {period}. A complaint counts in the "
                       "year it was received; a stage 2 complaint in the year the escalation was requested; a response "
                       "in the year it was sent.", kind="note"))
    blocks += staff_figures_appendix(r)
    return blocks


def _section_blocks(r: AnnualReport, key: str) -> list[Block]:
    """A section of figures as a heading, what it says when there is nothing recorded, and
    one table row a figure (the count, and its share of the whole where it is part of one)."""
    section = next((s for s in r.sections if s.key == key), None)
    if section is None:
        return []
    blocks: list[Block] = [Heading(3, section.title)]
    blocks += [Paragraph(said) for said in section.notes]
    rows = [[f.label, str(f.value) if f.of is not None else f.text, pct_text(int(f.value or 0), f.of) if f.of is not None else ""]
            for f in section.figures]
    blocks.append(_table(["", "Number", "%"], rows, fold_zeros=True))
    if key == "around":
        rate = r.figure("around.ombudsman.maladministration_rate_pct")
        blocks.append(Paragraph(f"{rate.label}: {rate.note}.", kind="note"))
    return blocks


# --- one entry point -----------------------------------------------------------------------------------


def default_filename(report: AnnualReport, fmt: str) -> str:
    return f"complaints-report-{financial_year.label(report.year).replace('/', '-')}.{fmt}"


def report_document(report: AnnualReport, branding: Branding = Branding()) -> Document:
    """The report as a document, for the shared writers (chc_tui.documents.document_writers):
    the landlord's logo and name (settings report.logo, landlord_name) on the cover and in
    every page's header, and page numbers in the footer."""
    landlord = branding.landlord.strip()
    page = replace(REPORT_PAGE, header=f"{landlord}: annual complaints report {report.label}" if landlord else "",
                   header_image=branding.header_image())
    return Document(f"Annual complaints report {report.label}", document(report, branding), page)


def render_text(report: AnnualReport, fmt: str, branding: Branding = Branding()) -> str:
    """The report as md, html or json text."""
    if fmt == "json":
        return json.dumps(to_json(report), indent=2, ensure_ascii=False) + "\n"
    if fmt == "md":
        return writers.to_markdown(report_document(report, branding))
    if fmt == "html":
        return writers.to_html(report_document(report, branding))
    raise ValueError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")


def write_report(report: AnnualReport, fmt: str, path: Path, branding: Branding = Branding()) -> Path:
    """Write the report to `path` in `fmt` (md, html, docx, json); returns the path."""
    path = Path(path)
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    if fmt == "json":
        data = render_text(report, fmt).encode("utf-8")
        return writers.write_atomically(path, lambda partial: partial.write_bytes(data))
    return writers.write(report_document(report, branding), fmt, path)


# --- the appendix: per handler and team (issue 20.2) ---------------------------------------------


def staff_figures_appendix(r: AnnualReport) -> list[Block]:
    """Figures per handler and per team, only when the landlord chose to show them
    (setting report.show_staff_figures: it names staff)."""
    from chc_tui.figures.performance_by_person import HEADER, row

    figures = r.staff_figures
    if figures is None:
        return []
    cols = tuple(range(1, len(HEADER)))
    blocks: list[Block] = [Heading(2, "Appendix: by handler and team"),
                           Paragraph("Each stage counts for the staff member who handled it: in the year it was "
                                     "opened, its response in the year it was sent, an extension in the year it was "
                                     "decided. Timeliness is judged as in the figures above.", kind="note")]
    if not figures.handlers:
        blocks.append(Paragraph("No stage was handled in the year."))
        return blocks
    text_only = tuple(i for i in range(len(HEADER)) if i not in cols)
    blocks.append(Heading(3, "By handler"))
    blocks.append(_table(["Handler", *HEADER[1:]], [row(p) for p in figures.handlers], text_only))
    blocks.append(Heading(3, "By team"))
    blocks.append(_table(["Team", *HEADER[1:]], [row(t) for t in figures.teams], text_only))
    return blocks
