"""a response's remedy facts: why no remedy, the impact on the resident, the Ombudsman's
remedies guidance considered (issue 19.2; Code 7.1, 7.2, 7.4)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 15:00:00.000000

Remedies and outstanding actions are records (remedy, action); the response keeps, beside
its derived summary, the reason where an upheld complaint has neither (7.1), the impact on
the resident the remedy answers (7.2) and the Ombudsman guidance considered (7.4). Existing
responses start with all three blank (not recorded).
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

COLUMNS = ('no_remedy_reason', 'impact', 'remedies_guidance')


def upgrade() -> None:
    # ADD COLUMN in place (SQLite too): a table rebuild would be slow on years of records.
    for column in COLUMNS:
        if op.get_bind().dialect.name == 'sqlite':
            op.execute(f"ALTER TABLE response ADD COLUMN {column} VARCHAR NOT NULL DEFAULT ''")
        else:
            op.add_column('response', sa.Column(column, sa.String(), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('response', schema=None) as batch_op:
        for column in COLUMNS:
            batch_op.drop_column(column)
