"""index of open deadlines

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 19:30:00.000000

ix_deadline_open (active, met_on, stage_id): the deadlines still running are found
without reading the rest (with ten years of records, about one in a hundred), and a
stage's running deadline is one index look-up. Written by hand: an index only, so SQLite
adds it in place, without copying the table.
"""
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('deadline', schema=None) as batch_op:
        batch_op.create_index('ix_deadline_open', ['active', 'met_on', 'stage_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('deadline', schema=None) as batch_op:
        batch_op.drop_index('ix_deadline_open')
