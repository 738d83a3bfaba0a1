"""Each export of the annual report, read back: Markdown, HTML (parsed), Word (opened
with python-docx) and JSON (the stable keys); through `chc report` as a handler runs it."""

from __future__ import annotations

import json
from datetime import date
from html.parser import HTMLParser

import pytest

from chc_tui.figures import report_texts
from chc_tui.cli.main import main
from chc_tui.rules.context import StepContext
from chc_tui.documents.report_export import write_report
from report_helpers import Book, report_for

TODAY = date(2025, 5, 20)
VOID = {"meta", "br", "img", "hr", "input", "link", "rect", "line"}  # rect/line are self-closed in the SVG


@pytest.fixture
def small(db):
    """Three stage 1 complaints and one stage 2 in 2024/25, at 1,000 homes."""
    book = Book(db, TODAY)
    a = book.complaint(date(2024, 5, 7), category="Repairs", timing="target", decision="upheld", remedy="£100 compensation.")
    book.complaint(date(2024, 9, 2), category="Damp and mould", timing="extension", decision="partly_upheld")
    book.complaint(date(2025, 3, 3), category="Repairs", timing="late", decision="not_upheld")
    book.escalate(a, timing="target", decision="not_upheld")
    ctx = StepContext(actor="alice", today=TODAY)
    report_texts.set_homes_owned(db, year=2024, homes=1000, ctx=ctx)
    report_texts.set_report_text(db, year=2024, part="governing_body_response",
                                 text="The board welcomes the report.\n\nIt asks for quarterly updates <and> more.", ctx=ctx)
    return db


class Checked(HTMLParser):
    """Parses HTML, insisting every element that opens also closes, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.counts: dict[str, int] = {}
        self.text: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.counts[tag] = self.counts.get(tag, 0) + 1
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.counts[tag] = self.counts.get(tag, 0) + 1

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1] if self.stack else 'nothing'}")
        else:
            self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def parse_html(text: str) -> Checked:
    parser = Checked()
    parser.feed(text)
    parser.close()
    assert parser.problems == [] and parser.stack == []
    return parser


def test_html_parses_and_carries_the_charts_as_pictures(small, tmp_path):
    path = write_report(report_for(small, 2024, TODAY), "html", tmp_path / "r.html")
    parsed = parse_html(path.read_text(encoding="utf-8"))
    assert parsed.counts["svg"] == 3  # monthly volumes, outcomes, timeliness (no earlier year to compare)
    assert parsed.counts["figure"] == 3
    assert parsed.counts["table"] >= 8
    text = " ".join(" ".join(parsed.text).split())
    assert "Annual complaints performance and service improvement report 2024/25" in text
    assert "CH01 Stage 1 complaints received per 1,000 homes 3.00" in text
    assert "CH02 Stage 1 complaints responded to within the Code's timescales 67%" in text
    assert "It asks for quarterly updates <and> more." in text  # escaped in the file, read back whole
    assert "a. Self-assessment against the Code" in text and "f. Other relevant reports" in text


def test_docx_opens_with_python_docx_and_holds_charts_and_tables(small, tmp_path):
    import docx

    path = write_report(report_for(small, 2024, TODAY), "docx", tmp_path / "r.docx")
    document = docx.Document(str(path))
    assert len(document.inline_shapes) == 3
    headings = [p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings[0] == "Annual complaints performance and service improvement report 2024/25"
    assert "Tenant Satisfaction Measures" in headings and "b. Complaint handling performance" in headings
    assert "The governing body's response to this report" in headings
    summary, tsm = document.tables[0], document.tables[1]  # the cover's summary first, then the TSM
    assert [c.text for c in summary.rows[0].cells] == ["Measure", "2024/25", "2023/24"]
    assert [c.text for c in tsm.rows[1].cells[:2]] == ["CH01 Stage 1 complaints received per 1,000 homes", "3.00"]
    assert [c.text for c in tsm.rows[3].cells[:2]] == ["CH02 Stage 1 complaints responded to within the Code's timescales", "67%"]
    body = "\n".join(p.text for p in document.paragraphs)
    assert "The board welcomes the report." in body and "It asks for quarterly updates <and> more." in body
    assert document.core_properties.title == "Annual complaints report 2024/25"


def test_markdown_tables_and_text_charts(small, tmp_path):
    text = write_report(report_for(small, 2024, TODAY), "md", tmp_path / "r.md").read_text(encoding="utf-8")
    assert text.startswith("# Annual complaints performance and service improvement report 2024/25\n")
    assert "| CH01 Stage 2 complaints received per 1,000 homes | 1.00 |" in text
    assert "| Stage 1 | 3 | 1 | 33% | 1 | 33% | 1 | 33% |" in text  # target / extension / out of target
    assert "| Mar 2025 | 1 | 0 |" in text
    assert "```text\nComplaints received by month, 2024/25" in text


JSON_KEYS = [
    "tsm.CH01.stage1_per_1000_homes",
    "tsm.CH01.stage2_per_1000_homes",
    "tsm.CH02.stage1_within_timescale_pct",
    "tsm.CH02.stage2_within_timescale_pct",
    "tsm.CH02.stage1_within_target",
    "tsm.CH02.stage1_within_extension",
    "tsm.CH02.stage1_out_of_target",
    "received.stage1.total",
    "received.stage1.by_month.mar",
    "by_category.stage1.Repairs",
    "outcomes.stage2.not_upheld",
    "timeliness.stage1.within_target_pct",
    "extensions.stage1.within_limit",
    "working_days.stage1.to_respond.median",
    "escalation.rate_pct",
    "remedies.total.financial_total",
    "refusals.total",
    "self_assessment.total.unanswered",
    "texts.governing_body_response.text",
]


def dig(data, key):
    for part in key.split(".") if not key.startswith("by_category") else ["by_category", "stage1", "Repairs"]:
        data = data[part]
    return data


def test_json_holds_every_figure_under_stable_keys(small, tmp_path):
    data = json.loads(write_report(report_for(small, 2024, TODAY), "json", tmp_path / "r.json").read_text(encoding="utf-8"))
    for key in JSON_KEYS:
        dig(data, key)  # KeyError names a missing key
    assert data["tsm"]["CH01"]["stage1_per_1000_homes"] == 3.0
    assert data["tsm"]["CH01"]["stage2_per_1000_homes"] == 1.0
    assert data["tsm"]["CH02"]["stage1_within_timescale_pct"] == pytest.approx(200 / 3)
    assert data["tsm"]["CH02"]["stage2_within_timescale_pct"] == 100.0
    assert data["remedies"]["total"]["financial_total"] == 100.0
    assert data["period"] == {"start": "2024-04-01", "end": "2025-03-31", "cutoff": "2025-03-31", "complete": True}
    assert data["notes"]["tsm.CH02.stage1_within_timescale_pct"].startswith("2 of 3 stage 1 responses")
    assert sorted(data["trace"]["received.stage1.total"]) == ["C2024-0001", "C2024-0002", "C2025-0001"]


def test_every_format_of_an_empty_year(db, tmp_path):
    report = report_for(db, 2019, TODAY)
    for fmt in ("md", "html", "json", "docx"):
        path = write_report(report, fmt, tmp_path / f"empty.{fmt}")
        assert path.stat().st_size > 0
    assert "No complaints were received, answered, extended, withdrawn or refused in 2019/20." in (tmp_path / "empty.md").read_text()
    parse_html((tmp_path / "empty.html").read_text())
    assert json.loads((tmp_path / "empty.json").read_text())["tsm"]["CH01"]["stage1_per_1000_homes"] is None


def test_chc_report_command(small, tmp_path, capsys):
    db_path = str(small.path)
    for fmt in ("md", "html", "docx", "json"):
        out = tmp_path / f"report.{fmt}"
        assert main(["report", "--year", "2024", "--format", fmt, "--out", str(out), "--db", db_path]) == 0
        assert out.exists()
        assert f"2024/25 report written to {out} ({fmt})" in capsys.readouterr().out
    # the format follows the suffix; without --out, text goes to standard output
    assert main(["report", "--year", "2024", "--out", str(tmp_path / "x.json"), "--db", db_path]) == 0
    json.loads((tmp_path / "x.json").read_text())
    capsys.readouterr()
    assert main(["--db", db_path, "report", "--year", "2024", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["tsm"]["CH01"]["stage1_per_1000_homes"] == 3.0


def test_chc_report_refuses_clearly(tmp_path, capsys, small):
    assert main(["report", "--year", "2024", "--db", str(tmp_path / "nowhere.db")]) == 2
    assert "no database at" in capsys.readouterr().err
    assert not (tmp_path / "nowhere.db").exists()
    assert main(["report", "--year", "2024", "--format", "docx", "--db", str(small.path)]) == 2
    assert "needs --out" in capsys.readouterr().err
    assert main(["report", "--out", str(tmp_path / "no" / "such" / "r.md"), "--db", str(small.path)]) == 2
    assert "does not exist" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["report", "--year", "24/25", "--db", str(small.path)])

