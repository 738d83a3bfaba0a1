"""The same app on a PostgreSQL server (CHC_DATABASE_URL). Runs when CHC_TEST_POSTGRES_URL
names a server (.ci/run starts one); the store's other tests then run on it as well."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest

from chc_tui.steps import usecases
from chc_tui.app import build_app
from chc_tui.cli.main import main as chc
from chc_tui.rules.context import StepContext
from chc_tui.services import Services
from conftest import POSTGRES_URL
from chc_tui.rules.context import os_user
from store.engine import open_database

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="CHC_TEST_POSTGRES_URL is not set")

MON = date(2026, 11, 23)
ALICE = StepContext(actor="alice", today=MON)
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def pg(request):
    """The test server, emptied (the db fixture's PostgreSQL side)."""
    from conftest import _empty_postgres, seed_test_staff

    request.getfixturevalue("_postgres_at_head")
    database = open_database(POSTGRES_URL)
    _empty_postgres(database)
    seed_test_staff(database, ("alice", "w0", "w1", "w2", "w3", os_user()))  # who the tests act as
    yield database
    database.dispose()


def log(db, name: str) -> str:
    return usecases.log_complaint(db, received_on=MON, channel="phone", resident_name=name, category="Repairs",
                                  resident_words="Leak", ctx=ALICE).reference


def test_another_sessions_write_is_noticed(pg):
    other = open_database(POSTGRES_URL)
    before = pg.data_version()
    log(other, "Ann")
    assert pg.data_version() != before
    other.dispose()


def test_several_processes_writing_at_once_each_write_lands_exactly_once(pg, tmp_path):
    script = tmp_path / "writer.py"
    script.write_text(textwrap.dedent(f"""
        import sys
        from datetime import date
        sys.path.insert(0, {str(ROOT)!r})
        from chc_tui.steps import usecases
        from chc_tui.rules.context import StepContext
        from store.engine import open_database
        db = open_database({POSTGRES_URL!r})
        who = sys.argv[1]
        ctx = StepContext(actor=who, today=date(2026, 11, 23))
        for i in range(10):
            usecases.log_complaint(db, received_on=date(2026, 11, 23), channel="phone", resident_name=f"{{who}}-{{i}}",
                                   category="Repairs", resident_words="Leak", ctx=ctx)
    """))
    procs = [subprocess.Popen([sys.executable, str(script), f"w{n}"]) for n in range(4)]
    assert [p.wait(timeout=240) for p in procs] == [0, 0, 0, 0]
    services = Services(pg, today_fn=lambda: MON)
    rows = services.complaints(status=None, limit=None)
    assert sorted(r.row.resident for r in rows) == sorted(f"w{n}-{i}" for n in range(4) for i in range(10))
    assert len({r.row.reference for r in rows}) == 40


def test_the_command_line_and_the_app_run_on_the_server(pg, capsys):
    ref = log(pg, "Ann Lee")
    assert chc(["--db", POSTGRES_URL, "deadlines"]) == 0
    assert ref in capsys.readouterr().out


async def test_search_ignores_case_on_the_server_as_on_sqlite(pg):
    log(pg, "Ann Lee")
    services = Services(pg, today_fn=lambda: MON)
    assert [r.row.resident for r in services.complaints(search="ann lee")] == ["Ann Lee"]
    app = build_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one("#complaints")
        assert table.row_count == 1
