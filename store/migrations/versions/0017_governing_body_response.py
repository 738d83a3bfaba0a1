"""the governing body's response to the annual report: when and where it was agreed (8.2)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 21:15:00.000000

Issue 20.3. The response's text stays the report's "governing_body_response" part
(report_text); this table records the date and the meeting that agreed it, and who
recorded that. A database from before has no rows: nothing agreed yet.
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'governing_body_response',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('agreed_on', sa.Date(), nullable=False),
        sa.Column('meeting', sa.String(), nullable=False),
        sa.Column('recorded_by', sa.Integer(), nullable=True),
        sa.Column('recorded_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['recorded_by'], ['staff.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_governing_body_response_year'), 'governing_body_response', ['year'], unique=True)


def downgrade() -> None:
    op.drop_index(op.f('ix_governing_body_response_year'), table_name='governing_body_response')
    op.drop_table('governing_body_response')
