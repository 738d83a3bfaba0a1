"""an index for the updates agreed with residents (Code 5.9): the stages that have one

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-04 02:30:00.000000

Issue 22.5: the panel's "update due" rows come from the open stages with an update
interval agreed. Found through ix_stage_record_responded_on, that read every unanswered
stage of ten years (25,598 at 300k: 11 ms, and the same again twice in the query of the
updates sent, 35 ms of each start's early read and full load, for rows that are few or
none). A partial index holds only the stages with an agreement. An index only: SQLite
adds it in place, without copying a table.
"""
from alembic import op
import sqlalchemy as sa


revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

AGREED = "update_every_days IS NOT NULL AND update_agreed_on IS NOT NULL"


def upgrade() -> None:
    op.create_index('ix_stage_record_updates_agreed', 'stage_record', ['responded_on'], unique=False,
                    sqlite_where=sa.text(AGREED), postgresql_where=sa.text(AGREED))


def downgrade() -> None:
    op.drop_index('ix_stage_record_updates_agreed', table_name='stage_record')
