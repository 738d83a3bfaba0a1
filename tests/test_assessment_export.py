"""The self-assessment exported in the Ombudsman's layout, each format read back."""

from __future__ import annotations

import csv
from datetime import date

import pytest

from chc_tui.rules import provisions as code
from chc_tui.steps import usecases as uc
from chc_tui.steps.assessment import answer_provision
from chc_tui.documents.assessment_export import COLUMNS, export, format_for
from chc_tui.cli.main import main
from chc_tui.rules.context import StepContext
from chc_tui.steps.settings import put_setting

TODAY = date(2025, 5, 1)
CTX = StepContext(actor="alice", today=TODAY)
NUMBERS = [p.provision for p in code.provisions()]


@pytest.fixture
def answered(db):
    """2024/25 with a landlord name, three answers, and one late acknowledgement."""
    with db.write() as session:
        put_setting(session, "landlord_name", "Peaks & Plains Housing Trust")
    answer_provision(db, year=2024, provision="1.2", comply="yes", evidence="Policy 4.1.6 | training",
                     commentary="Definition used in training", ctx=CTX)
    answer_provision(db, year=2024, provision="6.2", comply="yes", evidence="KPI report", commentary="", ctx=CTX)
    answer_provision(db, year=2024, provision="9.8", comply="no", evidence="", commentary="Objective from September\nfor all staff", ctx=CTX)
    ref = uc.log_complaint(db, received_on=date(2024, 6, 3), channel="email", resident_name="Ann Lee", category="Repairs",
                           resident_words="Damp in the bedroom", ctx=CTX).reference
    uc.define(db, ref, understanding="Damp", outcomes_sought="Fix it", responsible_aspects="Repairs", defined_on=date(2024, 6, 3), ctx=CTX)
    uc.acknowledge(db, ref, acknowledged_on=date(2024, 6, 12), ctx=CTX)  # due 10/06: late
    return ref


def test_csv(db, answered, tmp_path):
    out = export(db, 2024, tmp_path / "sa.csv", today=TODAY)
    with open(out, newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["Landlord", "Peaks & Plains Housing Trust"]
    assert rows[1] == ["Year", "Year 2024/25 (1 April 2024 to 31 March 2025)"]
    assert rows[3] == list(COLUMNS)
    body = rows[4:]
    assert [r[0] for r in body] == NUMBERS
    by = {r[0]: r for r in body}
    assert by["1.2"] == ["1.2", code.get("1.2").text, "Yes", "Policy 4.1.6 | training", "Definition used in training"]
    assert by["9.8"][2:] == ["No", "", "Objective from September\nfor all staff"]
    assert by["3.1"][2:] == ["", "", ""]
    assert by["6.2"][3].startswith("KPI report\n\nFrom the records: 2024/25: 0 of 1 stage 1 complaint")
    assert "Warning: Answered Yes, but the records show" in by["6.2"][3]
    assert by["6.3"][3] == "From the records: 2024/25: no stage 1 responses sent in the year to measure."
    assert by["6.9"][1] == code.get("6.9").text  # lettered sub-items kept, line by line


def test_markdown(db, answered, tmp_path):
    text = export(db, 2024, tmp_path / "sa.md", today=TODAY).read_text(encoding="utf-8")
    assert text.startswith("# Peaks & Plains Housing Trust: self-assessment against the Housing Ombudsman's Complaint Handling Code")
    assert "**Year 2024/25 (1 April 2024 to 31 March 2025)**" in text
    assert text.count("| Code provision | Code requirement | Comply: Yes/No | Evidence | Commentary/explanation |") == 9
    for n, title in code.sections():
        assert f"## Section {n}: {title}" in text
    for number in NUMBERS:
        assert f"\n| {number} | " in text
    assert "| 1.2 | A complaint must be defined as:<br>‘an expression" in text
    assert "Policy 4.1.6 \\| training" in text  # a | in a cell is escaped
    assert "| 9.8 | " in text and "| No |   | Objective from September<br>for all staff |" in text


def test_docx(db, answered, tmp_path):
    from docx import Document

    word = Document(str(export(db, 2024, tmp_path / "sa.docx", today=TODAY)))
    paragraphs = [p.text for p in word.paragraphs]
    assert paragraphs[0] == "Peaks & Plains Housing Trust: self-assessment against the Housing Ombudsman's Complaint Handling Code"
    assert "Year 2024/25 (1 April 2024 to 31 March 2025)" in paragraphs
    assert [p for p in paragraphs if p.startswith("Section ")] == [f"Section {n}: {t}" for n, t in code.sections()]
    assert len(word.tables) == 9
    rows = [[c.text for c in row.cells] for table in word.tables for row in table.rows]
    assert all(r == list(COLUMNS) for r in rows if r[0] == "Code provision")
    body = [r for r in rows if r[0] != "Code provision"]
    assert [r[0] for r in body] == NUMBERS
    by = {r[0]: r for r in body}
    assert by["1.2"] == ["1.2", code.get("1.2").text, "Yes", "Policy 4.1.6 | training", "Definition used in training"]
    assert by["8.1"][1] == code.get("8.1").text
    assert "From the records" in by["6.2"][3]


def test_xlsx(db, answered, tmp_path):
    from openpyxl import load_workbook

    sheet = load_workbook(export(db, 2024, tmp_path / "sa.xlsx", today=TODAY)).active
    values = [[c if c is not None else "" for c in row] for row in sheet.iter_rows(values_only=True)]
    assert values[0][0].startswith("Peaks & Plains Housing Trust: self-assessment")
    assert values[1][0] == "Year 2024/25 (1 April 2024 to 31 March 2025)"
    assert values[3] == list(COLUMNS)
    assert [r[0] for r in values if str(r[0]).startswith("Section ")] == [f"Section {n}: {t}" for n, t in code.sections()]
    body = [r for r in values[4:] if not str(r[0]).startswith("Section ")]
    assert [r[0] for r in body] == NUMBERS
    by = {r[0]: r for r in body}
    assert by["1.2"] == ["1.2", code.get("1.2").text, "Yes", "Policy 4.1.6 | training", "Definition used in training"]
    assert by["9.8"][2] == "No"


def test_landlord_name_defaults(db, tmp_path):
    text = export(db, 2025, tmp_path / "sa.md", today=date(2026, 11, 23)).read_text(encoding="utf-8")
    assert text.startswith("# Your landlord: self-assessment")


def test_format_from_extension_or_flag(tmp_path):
    assert format_for(tmp_path / "a.XLSX") == "xlsx"
    assert format_for(tmp_path / "a.txt", "md") == "md"
    with pytest.raises(ValueError, match="unknown export format 'txt'"):
        format_for(tmp_path / "a.txt")


def test_cli_export(db, answered, tmp_path, capsys):
    out = tmp_path / "out" / "sa.xlsx"
    assert main(["self-assessment", "export", "--year", "2024", "--format", "xlsx", "--out", str(out), "--db", str(db.path)]) == 0
    assert "self-assessment 2024/25 written to" in capsys.readouterr().out
    from openpyxl import load_workbook

    assert load_workbook(out).active["A1"].value.startswith("Peaks & Plains Housing Trust")
    csv_out = tmp_path / "sa.csv"
    assert main(["--db", str(db.path), "self-assessment", "export", "--year", "2024", "--out", str(csv_out)]) == 0
    assert csv_out.read_text(encoding="utf-8-sig").count("\n") > 72


def test_cli_export_refusals(db, tmp_path, capsys):
    assert main(["self-assessment", "export", "--year", "2019", "--out", str(tmp_path / "a.csv"), "--db", str(db.path)]) == 2
    assert "--year must be 2023" in capsys.readouterr().err
    assert main(["self-assessment", "export", "--year", "2024", "--out", str(tmp_path / "a.txt"), "--db", str(db.path)]) == 2
    assert "give --format" in capsys.readouterr().err
    assert main(["self-assessment", "export", "--year", "2024", "--out", str(tmp_path / "a.csv"), "--db", str(tmp_path / "none.db")]) == 2  # as every command (issue 15)
    assert not (tmp_path / "none.db").exists()


def test_the_self_assessment_core_loads_neither_textual_nor_the_writers():
    import json
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import sys, json\n"
        "import chc_tui.steps.assessment, chc_tui.figures.assessment_evidence, chc_tui.documents.assessment_export, "
        "chc_tui.figures.assessment_service, chc_tui.cli.assessment, store.assessment_queries\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parent.parent,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert "sqlmodel" in loaded
    for heavy in ("textual", "docx", "openpyxl"):
        assert heavy not in loaded, heavy
