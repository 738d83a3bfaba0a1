"""the reminders sent: one deadline, one person, one day (issue 21.4)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 11:50:00.000000

`chc remind` records each item of each digest it sent, so a second run on the same day
sends none of them again. A database from before has no rows: nothing sent yet.
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'reminder_sent',
        sa.Column('staff_id', sa.Integer(), nullable=False),
        sa.Column('item_key', sa.String(), nullable=False),
        sa.Column('sent_on', sa.Date(), nullable=False),
        sa.Column('sent_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['staff_id'], ['staff.id']),
        sa.PrimaryKeyConstraint('staff_id', 'item_key', 'sent_on'),
    )


def downgrade() -> None:
    op.drop_table('reminder_sent')
