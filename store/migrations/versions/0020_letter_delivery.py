"""how each letter goes out: email, post or both, and each route's state (issue 21)

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03 11:40:00.000000

One row per letter. A letter stored before this release was handed over outside chc
(exported and posted by hand): it gets a row saying "post, posted on the day it was
sent", marked as recorded by this upgrade, so the post run never prints it again.
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

BEFORE = "(before chc recorded delivery)"


def upgrade() -> None:
    op.create_table(
        'letter_delivery',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('letter_id', sa.Integer(), nullable=False),
        sa.Column('channel', sa.String(), nullable=False),
        sa.Column('posted_on', sa.Date(), nullable=True),
        sa.Column('posted_by', sa.String(), nullable=False),
        sa.Column('emailed_at', sa.DateTime(), nullable=True),
        sa.Column('bounced_at', sa.DateTime(), nullable=True),
        sa.Column('bounce', sa.String(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['letter_id'], ['letter.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_letter_delivery_letter_id'), 'letter_delivery', ['letter_id'], unique=True)
    op.execute(
        "INSERT INTO letter_delivery (letter_id, channel, posted_on, posted_by, bounce, version, created_at) "
        f"SELECT id, 'post', sent_on, '{BEFORE}', '', 1, created_at FROM letter"
    )


def downgrade() -> None:
    op.drop_index(op.f('ix_letter_delivery_letter_id'), table_name='letter_delivery')
    op.drop_table('letter_delivery')
