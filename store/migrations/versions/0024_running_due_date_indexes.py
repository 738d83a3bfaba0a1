"""the running due dates of each kind in due-date order, in indexes of their own; a
complaint's current stage and a stage's running deadline found from an index alone

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-04 19:30:00.000000

Issue 22.5: the deadline panel reads the soonest 200 running due dates of each kind. The
indexes it had (ix_deadline_open on active, met_on, stage_id; done_on for service
requests; review_on over every adjustment and restriction) found the running rows but not
in due-date order, so every one was read and sorted for each page (about 25 of the panel's
42 ms of SQL at 300k). A partial index holds only the running rows, in due-date order: a
page reads its 200 and stops, and the counts by day read the index alone. The deadline's
and service request's old indexes go: SQLite, which keeps no statistics here, chose an
equality on `active` (half a million rows) over the small partial index while they
stood. Remedies and actions keep theirs (the report's ranges of done_on read them; their
pages were already about 1 ms).

A search over every state joins its matches (4,611 complaints for a common surname at 300k)
to their current stage and running deadline before it sorts them: ix_stage_record_complaint_stage
(complaint_id, stage, replacing complaint_id alone) and ix_deadline_running_stage find each
without reading the stage's row or the stage's other deadlines (the page's SQL 40 -> 20 ms).
Indexes only.
"""
from alembic import op
import sqlalchemy as sa


revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None

RUNNING_DEADLINE = "active = 1 AND met_on IS NULL AND provisional = 0"
RUNNING_DEADLINE_POSTGRESQL = "active = true AND met_on IS NULL AND provisional = false"
# index -> (table, column, what keeps a row running on SQLite, on PostgreSQL);
# as store.models declares them at this revision
RUNNING = {
    "ix_deadline_running": ("deadline", "due_on", RUNNING_DEADLINE, RUNNING_DEADLINE_POSTGRESQL),
    "ix_deadline_running_stage": ("deadline", "stage_id", RUNNING_DEADLINE, RUNNING_DEADLINE_POSTGRESQL),
    "ix_service_request_running": ("service_request", "due_on", "done_on IS NULL", "done_on IS NULL"),
    "ix_adjustment_running": ("adjustment", "review_on", "ended_on IS NULL", "ended_on IS NULL"),
    "ix_restriction_running": ("restriction", "review_on", "ended_on IS NULL", "ended_on IS NULL"),
}
REPLACED = {  # index -> (table, columns)
    "ix_deadline_open": ("deadline", ["active", "met_on", "stage_id"]),
    "ix_deadline_active": ("deadline", ["active"]),
    "ix_service_request_open": ("service_request", ["done_on"]),
    "ix_stage_record_complaint_id": ("stage_record", ["complaint_id"]),
}


def upgrade() -> None:
    for name, (table, _columns) in REPLACED.items():
        op.drop_index(name, table_name=table)
    for name, (table, column, on_sqlite, on_postgresql) in RUNNING.items():
        op.create_index(name, table, [column], sqlite_where=sa.text(on_sqlite), postgresql_where=sa.text(on_postgresql))
    op.create_index("ix_stage_record_complaint_stage", "stage_record", ["complaint_id", "stage"])


def downgrade() -> None:
    op.drop_index("ix_stage_record_complaint_stage", table_name="stage_record")
    for name, (table, *_rest) in RUNNING.items():
        op.drop_index(name, table_name=table)
    for name, (table, columns) in REPLACED.items():
        op.create_index(name, table, columns, unique=False)
