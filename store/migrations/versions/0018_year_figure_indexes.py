"""indexes for the year's figures

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 07:45:00.000000

Issue 22.6: the annual report and the self-assessment read only the year's rows. A stage
is in a year's window when it was opened in it, or answered in it, or is still unanswered:
ix_stage_record_opened_on and ix_stage_record_responded_on find those rows (SQLite reads
the three terms of the OR through the two indexes) instead of scanning every stage of ten
years. ix_refusal_refused_on and ix_withdrawal_withdrawn_on do the same for the year's
refusals and withdrawals. Indexes only: SQLite adds them in place, without copying a table.
"""
from alembic import op


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

INDEXES = (
    ('stage_record', 'ix_stage_record_opened_on', 'opened_on'),
    ('stage_record', 'ix_stage_record_responded_on', 'responded_on'),
    ('refusal', 'ix_refusal_refused_on', 'refused_on'),
    ('withdrawal', 'ix_withdrawal_withdrawn_on', 'withdrawn_on'),
)


def upgrade() -> None:
    for table, name, column in INDEXES:
        op.create_index(name, table, [column], unique=False)


def downgrade() -> None:
    for table, name, _column in INDEXES:
        op.drop_index(name, table_name=table)
