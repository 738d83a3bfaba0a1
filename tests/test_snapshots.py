"""Pictures of the screens a handler sees at 80x24, compared with accepted SVG snapshots.

Regenerate after an intended change with
    python -m pytest tests/test_snapshots.py --snapshot-update
and look at the SVGs in tests/__snapshots__/test_snapshots/ before accepting them.

Everything that shows is fixed: "today" (a Monday), the demo's seed and size, the actor,
and the audit timestamps (stored as UTC "now" when the demo is built; they are rewritten
to one fixed moment so the History section reads the same on every run). Text cursors are
made steady, so a slow machine cannot catch an input mid-blink.
"""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from datetime import date
from pathlib import Path
from typing import Callable

import pytest
from textual.widgets import Input, TextArea

from chc_tui.app import build_app
from chc_tui.demo.build import build_demo_database
from chc_tui.services import ComplaintDetail, Services
from screens.complaint import ComplaintScreen
from screens.forms import StepForm
from screens.help import HelpScreen
from screens.main import MainScreen
from store.engine import open_database

TODAY = date(2026, 11, 23)  # a Monday
SEED = 2024
COUNT = 60
SIZE = (80, 24)
ACTOR = "sam.okafor"  # a demo handler: Sam Okafor on the demo's staff register
AUDIT_AT = "2026-11-23 09:00:00.000000"  # SQLAlchemy's SQLite DateTime text format


# --- the database -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> Path:
    """One demo database per module (the build is slow), copied for each test."""
    path = tmp_path_factory.mktemp("snapshot-demo") / "demo.db"
    build_demo_database(path, count=COUNT, today=TODAY, seed=SEED)
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("UPDATE audit_entry SET at = ?", (AUDIT_AT,))
        conn.commit()
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def services(demo_file, tmp_path) -> Services:
    path = tmp_path / "demo.db"  # the header shows the file's name: keep it the same
    shutil.copyfile(demo_file, path)
    db = open_database(path)
    yield Services(db, actor=ACTOR, today_fn=lambda: TODAY)
    db.dispose()


def first_complaint(services: Services, wanted: Callable[[ComplaintDetail], bool], what: str) -> ComplaintDetail:
    """The first complaint, in reference order, that `wanted` accepts."""
    with closing(sqlite3.connect(services.db.path)) as conn:
        references = [r for (r,) in conn.execute("SELECT reference FROM complaint ORDER BY reference")]
    for reference in references:
        detail = services.complaint(reference)
        if wanted(detail):
            return detail
    raise AssertionError(f"the demo database has no {what}")


def _active_respond_due(detail: ComplaintDetail) -> date | None:
    return next(
        (dl.due_on for dl in detail.current.deadlines if dl.step == "respond" and dl.active and not dl.provisional),
        None,
    )


def open_stage_one(detail: ComplaintDetail) -> bool:
    stage = detail.current
    return (
        detail.complaint.status == "open"
        and detail.complaint.current_stage == 1
        and stage.definition is not None
        and stage.acknowledged_on is not None
        and stage.responded_on is None
    )


def closed_stage_two(detail: ComplaintDetail) -> bool:
    return detail.complaint.status == "closed" and detail.complaint.current_stage == 2


def extendable(detail: ComplaintDetail) -> bool:
    """Acknowledged, not yet extended, and its response not yet overdue."""
    due = _active_respond_due(detail)
    return open_stage_one(detail) and not detail.current.extensions and due is not None and due >= TODAY


# --- driving the app --------------------------------------------------------------------


async def settle(pilot) -> None:
    """Let the main screen's loader thread finish and the screen repaint."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def wait_for(pilot, condition, what: str) -> None:
    for _ in range(500):
        if condition():
            return
        await pilot.pause(0.01)
    raise AssertionError(f"timed out waiting for {what}; screen is {pilot.app.screen!r}")


async def still(pilot) -> None:
    """Let a form's scroll to its focused field (after a refresh, maybe animated) finish:
    under load the picture was once taken with the scrollbar mid-way."""
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


def steady_cursors(app) -> None:
    """Stop every text cursor on the screen blinking (a steady cursor stays visible)."""
    for widget in app.screen.query("Input, TextArea"):
        assert isinstance(widget, (Input, TextArea))
        widget.cursor_blink = False


async def open_complaint(pilot, reference: str) -> None:
    await settle(pilot)
    pilot.app.open_complaint(reference)  # what Enter on a row of the list does
    await wait_for(
        pilot,
        lambda: isinstance(pilot.app.screen, ComplaintScreen) and pilot.app.screen.detail is not None,
        f"the complaint screen of {reference}",
    )
    await pilot.pause()


async def open_form(pilot, key: str) -> None:
    await pilot.press(key)
    await wait_for(
        pilot,
        lambda: isinstance(pilot.app.screen, StepForm) and pilot.app.focused is not None,
        f"the form for {key!r}",
    )
    await pilot.pause()


# --- the snapshots ----------------------------------------------------------------------


def test_main_screen(snap_compare, services):
    """The deadline panel over the list of open complaints, on the demo database."""

    async def run_before(pilot) -> None:
        await settle(pilot)
        assert isinstance(pilot.app.screen, MainScreen)
        assert pilot.app.screen.query_one("#complaints").row_count > 0

    assert snap_compare(build_app(services), terminal_size=SIZE, run_before=run_before)


def test_complaint_open_stage_one(snap_compare, services):
    """An open, defined and acknowledged stage 1 complaint: its step keys in the footer."""
    detail = first_complaint(services, open_stage_one, "open, acknowledged stage 1 complaint")

    async def run_before(pilot) -> None:
        await open_complaint(pilot, detail.complaint.reference)

    assert snap_compare(build_app(services), terminal_size=SIZE, run_before=run_before)


def test_complaint_closed_stage_two(snap_compare, services):
    """A complaint closed after its stage 2 response: no steps left but Back."""
    detail = first_complaint(services, closed_stage_two, "closed stage 2 complaint")

    async def run_before(pilot) -> None:
        await open_complaint(pilot, detail.complaint.reference)

    assert snap_compare(build_app(services), terminal_size=SIZE, run_before=run_before)


def test_log_form(snap_compare, services):
    """n on the main screen: the empty log form, received today, with its live preview."""

    async def run_before(pilot) -> None:
        await settle(pilot)
        await open_form(pilot, "n")
        await still(pilot)
        steady_cursors(pilot.app)

    assert snap_compare(build_app(services), terminal_size=SIZE, run_before=run_before)


def test_extend_form_with_preview(snap_compare, services):
    """x on an acknowledged complaint, a new due date typed: the preview counts the days."""
    detail = first_complaint(services, extendable, "acknowledged stage 1 complaint to extend")
    target = _active_respond_due(detail)
    new_due = services.calendar().add_working_days(target, 5)

    async def run_before(pilot) -> None:
        await open_complaint(pilot, detail.complaint.reference)
        await open_form(pilot, "x")
        assert pilot.app.focused.id == "f-new_due"
        await pilot.press(*f"{new_due:%d/%m/%Y}")
        await wait_for(
            pilot,
            lambda: "5 wd beyond" in str(pilot.app.screen.query_one("#form-preview").render()),
            "the extension preview",
        )
        await still(pilot)
        steady_cursors(pilot.app)

    assert snap_compare(build_app(services), terminal_size=SIZE, run_before=run_before)


def test_help_screen(snap_compare, services):
    """F1 on the main screen: every key that works there."""

    async def run_before(pilot) -> None:
        await settle(pilot)

    assert snap_compare(build_app(services), press=["f1"], terminal_size=SIZE, run_before=run_before)
