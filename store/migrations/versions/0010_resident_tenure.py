"""a resident's tenure: the TSM stock type their home is counted in (issue 18.6)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 13:50:00.000000

The Regulator's TSMs CH01 and CH02 are counted per relevant stock type: low cost rental
accommodation (LCRA) and low cost home ownership (LCHO). Each resident gets a tenure,
"LCRA", "LCHO" or "" (not known); every existing resident starts as not known.
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # ADD COLUMN in place (SQLite too): a table rebuild would be slow on years of records.
    if op.get_bind().dialect.name == 'sqlite':
        op.execute("ALTER TABLE resident ADD COLUMN tenure VARCHAR NOT NULL DEFAULT ''")
    else:
        op.add_column('resident', sa.Column('tenure', sa.String(), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('resident', schema=None) as batch_op:
        batch_op.drop_column('tenure')
