"""Every interpretation the figures rest on is stated once, and read the same in README,
the report's notes and its JSON."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from chc_tui.documents.report_export import render_text
from chc_tui.figures.report import ReportInputs, compute, to_json
from chc_tui.rules.calendar import WorkingCalendar
from chc_tui.rules.interpretations import INTERPRETATIONS, readme_lines

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_states_every_interpretation_word_for_word():
    text = README.read_text(encoding="utf-8")
    missing = [line for line in readme_lines() if line not in text]
    assert not missing, "README.md lacks (paste these under 'How the figures are counted'):\n" + "\n".join(missing)


def test_the_report_states_them_in_its_notes_and_json():
    inputs = ReportInputs(year=2025, today=date(2026, 5, 1), stages=(), refusals=(), withdrawals=(),
                          earliest_received=None, homes_owned=None)
    report = compute(inputs, WorkingCalendar())
    assert to_json(report)["interpretations"] == [{"provision": i.provision, "text": i.text} for i in INTERPRETATIONS]
    html = render_text(report, "md")
    for i in INTERPRETATIONS:
        assert i.text.replace('"', "") in html.replace('"', "").replace("\\", "")
