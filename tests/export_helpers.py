"""A small hand-built record set for `chc export`, and the exported sheet as plain values:
what tests/export_before.json holds (the sheet as the pre-streaming exporter wrote it,
issue 22.4) and what test_export_streaming compares it with."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

from chc_tui.rules.context import StepContext
from chc_tui.steps import usecases
from conftest import refusal_facts


def on(day: date, actor: str = "alice") -> StepContext:
    return StepContext(actor=actor, today=day)


def build(db) -> None:
    """Five complaints: two stages with an extension each (one stage extended twice: the
    later extension is the one exported), a refusal, a withdrawal, an open complaint, and
    text cells a spreadsheet would run as formulas."""

    def log(name, received, category="Repairs"):
        return usecases.log_complaint(db, received_on=received, channel="email", resident_name=name,
                                      category=category, resident_words="In their words", ctx=on(received)).reference

    def define_and_acknowledge(ref, day, actor="alice"):
        usecases.define(db, ref, understanding="u", outcomes_sought="o", responsible_aspects="r", ctx=on(day, actor))
        return usecases.acknowledge(db, ref, acknowledged_on=day, ctx=on(day, actor))

    a = log("Mrs Joan Pike", date(2026, 3, 2))
    define_and_acknowledge(a, date(2026, 3, 4))
    usecases.extend(db, a, new_due=date(2026, 3, 25), reason="Waiting for the roofer", told_resident_on=date(2026, 3, 17),
                    ombudsman_details_given=True, ctx=on(date(2026, 3, 17)))
    usecases.respond(db, a, decision="partly_upheld", no_remedy_reason="Put right before we answered", reasons="r",
                     responded_on=date(2026, 3, 24), ctx=on(date(2026, 3, 24)))
    usecases.escalate(db, a, requested_on=date(2026, 3, 30), handler="bob", ctx=on(date(2026, 3, 30)))
    define_and_acknowledge(a, date(2026, 4, 1), "bob")
    usecases.respond(db, a, decision="not_upheld", reasons="r", responded_on=date(2026, 4, 20), ctx=on(date(2026, 4, 20), "bob"))
    usecases.close(db, a, closed_on=date(2026, 4, 20), ctx=on(date(2026, 4, 20), "bob"))
    b = log('=HYPERLINK("http://evil.example","Bob")', date(2026, 5, 5), "+Anti-social behaviour")
    usecases.refuse(db, b, exclusion_reason="over_12_months", explanation="-The leak was fixed in 2023",
                    ombudsman_right_explained=True, refused_on=date(2026, 5, 6), ctx=on(date(2026, 5, 6)),
                    **refusal_facts("over_12_months"))
    c = log("@Cath Day", date(2025, 12, 1))
    usecases.withdraw(db, c, withdrawn_on=date(2025, 12, 3), ctx=on(date(2025, 12, 3)))
    d = log("'=Dan Ek", date(2026, 6, 1), "Damp and mould")
    define_and_acknowledge(d, date(2026, 6, 2))
    usecases.extend(db, d, new_due=date(2026, 6, 23), reason="=1+1 survey", told_resident_on=date(2026, 6, 10),
                    ombudsman_details_given=True, ctx=on(date(2026, 6, 10)))
    usecases.extend(db, d, new_due=date(2026, 6, 30), reason="Second survey", told_resident_on=date(2026, 6, 22),
                    ombudsman_details_given=True, ctx=on(date(2026, 6, 22)))
    log("Mr Eli Ford", date(2026, 11, 20))


def csv_text(path: Path) -> str:
    return path.read_bytes().decode("utf-8")  # the BOM kept: it is part of the file


def xlsx_cells(path: Path) -> dict:
    """Every cell's value (dates as ISO text), type and number format, the column widths and
    the frozen pane: what a reader of the workbook sees."""
    from openpyxl import load_workbook

    book = load_workbook(path)
    sheet = book.active

    def value(v):
        if isinstance(v, datetime):
            return v.isoformat()
        if isinstance(v, date):
            return v.isoformat()
        return v

    return {
        "title": sheet.title,
        "rows": [[[value(c.value), c.data_type, c.number_format, bool(c.font and c.font.b)] for c in row]
                 for row in sheet.iter_rows()],
        "widths": {k: d.width for k, d in sorted(sheet.column_dimensions.items()) if d.width},
        "freeze": sheet.freeze_panes,
    }


def csv_rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.reader(handle))
