"""a restriction's Equality Act consideration (5.15); a refusal's facts (2.2, 2.3)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 15:00:00.000000

Issue 19.7 and 19.4. A restriction records how the Equality Act 2010 was considered
(5.15); one recorded before this is "" (not recorded). A refusal as "over 12 months"
records the date of the issue, the date the resident became aware of it and the
discretion considered (2.3); one for legal proceedings the date the claim was filed (2.2).
Refusals recorded before this, and imported ones, hold None/"" (not known).
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

_TEXT = {('restriction', 'equality_act_consideration'), ('refusal', 'discretion_considered')}
_DATES = {('refusal', 'issue_on'), ('refusal', 'aware_on'), ('refusal', 'claim_filed_on')}


def upgrade() -> None:
    # ADD COLUMN in place (SQLite too): a table rebuild would be slow on years of records.
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for table, column in sorted(_TEXT):
        if sqlite:
            op.execute(f"ALTER TABLE {table} ADD COLUMN {column} VARCHAR NOT NULL DEFAULT ''")
        else:
            op.add_column(table, sa.Column(column, sa.String(), nullable=False, server_default=''))
    for table, column in sorted(_DATES):
        if sqlite:
            op.execute(f"ALTER TABLE {table} ADD COLUMN {column} DATE")
        else:
            op.add_column(table, sa.Column(column, sa.Date(), nullable=True))


def downgrade() -> None:
    for table in ('restriction', 'refusal'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for t, column in sorted(_TEXT | _DATES):
                if t == table:
                    batch_op.drop_column(column)
