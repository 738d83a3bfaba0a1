"""The demo's steps planned in memory and written in bulk (chc_tui.demo.planned) write what
the use-cases write, row for row: the demo built both ways is the same database."""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path

from sqlmodel import select

from chc_tui.demo import build, wider_record
from chc_tui.steps import learning, remedies, usecases
from store.models import Complaint

NOVEMBER = date(2026, 11, 23)
BENCH = Path(__file__).resolve().parent.parent / "bench" / "demo_build.py"


def _dump(path: Path) -> dict:
    """Every table's rows, the wall-clock columns left out (bench/demo_build.py's --dump)."""
    spec = importlib.util.spec_from_file_location("demo_build_bench", BENCH)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    return bench.dump(path)


class _ThroughTheUseCases:
    """PlannedSteps' calls, each made by its use-case (chc_tui.steps.usecases) instead."""

    def __init__(self, db, _session) -> None:
        self.db = db

    def flush(self) -> None:
        pass

    def resident_id(self, reference: str) -> int:
        with self.db.write() as session:
            return session.exec(select(Complaint.resident_id).where(Complaint.reference == reference)).one()

    def log_complaint(self, *, ctx, **fields) -> str:
        return usecases.log_complaint(self.db, ctx=ctx, **fields).reference

    def __getattr__(self, step: str):
        use_case = getattr(usecases, step)
        return lambda reference, **fields: use_case(self.db, reference, **fields)


class _RemediesThroughTheUseCases:
    """PlannedRemedies' calls (the wider record's), each made by its use-case (chc_tui.steps.remedies)."""

    def __init__(self, db, _session) -> None:
        self.db = db

    def flush(self) -> None:
        pass

    def __getattr__(self, step: str):
        use_case = getattr(remedies, step)
        return lambda *args, **fields: use_case(self.db, *args, **fields)


def _themes_through_the_use_case(db, answered, ctx) -> None:
    """wider_record._set_themes, each theme set by learning.set_theme instead."""
    for a in answered:
        if a.status == "closed":
            theme, root = wider_record._theme_of(a)
            learning.set_theme(db, a.reference, theme=theme, root_cause=root, ctx=ctx)


def test_the_demo_planned_is_the_demo_through_the_use_cases(tmp_path, monkeypatch):
    planned = tmp_path / "planned.db"
    build.build_demo_database(planned, count=60, today=NOVEMBER)
    monkeypatch.setattr(build, "PlannedSteps", _ThroughTheUseCases)
    monkeypatch.setattr(wider_record, "_set_themes", _themes_through_the_use_case)
    monkeypatch.setattr(wider_record, "PlannedRemedies", _RemediesThroughTheUseCases)
    through = tmp_path / "use_cases.db"
    build.build_demo_database(through, count=60, today=NOVEMBER)
    a, b = _dump(planned), _dump(through)
    assert a.keys() == b.keys()
    for table in a:
        assert a[table] == b[table], table
    assert len(a["letter"]) > 60 and len(a["audit_entry"]) > 300  # the stories were told
    action = a["audit_entry"][0].index("action")
    actions = [row[action] for row in a["audit_entry"][1:]]
    assert actions.count("theme and root cause") > 10
    assert actions.count("offer remedy") > 20 and actions.count("remedy done") > 10 and "action done" in actions
