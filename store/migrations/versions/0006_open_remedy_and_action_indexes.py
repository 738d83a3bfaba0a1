"""indexes of remedies and actions still to do

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 02:05:00.000000

The deadline panel lists remedies and actions not yet done; with ten years of records
nearly all are done, so these indexes find the few open ones without a table scan.
Indexes only: SQLite adds them in place.
"""
from alembic import op


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_remedy_open', 'remedy', ['done_on', 'declined_on'], unique=False)
    op.create_index('ix_action_open', 'action', ['done_on'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_action_open', table_name='action')
    op.drop_index('ix_remedy_open', table_name='remedy')
