"""a staff member's team (issue 20.2: figures per handler and per team)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 21:20:00.000000

Staff on the register before this belong to no team ("").
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # ADD COLUMN in place (SQLite too), as 0015 does.
    if op.get_bind().dialect.name == 'sqlite':
        op.execute("ALTER TABLE staff ADD COLUMN team VARCHAR NOT NULL DEFAULT ''")
    else:
        op.add_column('staff', sa.Column('team', sa.String(), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.drop_column('team')
