"""service requests: dissatisfaction, the choice to complain, the decision told; a stage's
agreed update interval (issue 19.5, 19.6)

Revision ID: 0013
Revises: 0010
Create Date: 2026-12-02 15:00:00.000000

Code 1.3, 1.5: on a service request, when the resident was dissatisfied, their words, that
they were offered the choice to make a complaint and their answer, and when and how they
were told the decision and next steps. Code 5.9: on a stage, the interval agreed with the
resident for keeping them informed (working days) and when it was agreed. Every existing
row starts with none recorded.
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0010'
branch_labels = None
depends_on = None

# (table, column, SQLite column definition, SQLAlchemy column)
COLUMNS: tuple[tuple[str, str, str, sa.Column], ...] = (
    ('service_request', 'dissatisfied_on', "DATE", sa.Column('dissatisfied_on', sa.Date(), nullable=True)),
    ('service_request', 'dissatisfaction', "VARCHAR NOT NULL DEFAULT ''",
     sa.Column('dissatisfaction', sa.String(), nullable=False, server_default='')),
    ('service_request', 'complaint_choice_offered', "BOOLEAN NOT NULL DEFAULT 0",
     sa.Column('complaint_choice_offered', sa.Boolean(), nullable=False, server_default=sa.false())),
    ('service_request', 'complaint_choice', "VARCHAR NOT NULL DEFAULT ''",
     sa.Column('complaint_choice', sa.String(), nullable=False, server_default='')),
    ('service_request', 'told_decision_on', "DATE", sa.Column('told_decision_on', sa.Date(), nullable=True)),
    ('service_request', 'told_decision_how', "VARCHAR NOT NULL DEFAULT ''",
     sa.Column('told_decision_how', sa.String(), nullable=False, server_default='')),
    ('service_request', 'told_decision', "VARCHAR NOT NULL DEFAULT ''",
     sa.Column('told_decision', sa.String(), nullable=False, server_default='')),
    ('stage_record', 'update_every_days', "INTEGER", sa.Column('update_every_days', sa.Integer(), nullable=True)),
    ('stage_record', 'update_agreed_on', "DATE", sa.Column('update_agreed_on', sa.Date(), nullable=True)),
)


def upgrade() -> None:
    # ADD COLUMN in place (SQLite too): a table rebuild would be slow on years of records.
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for table, name, definition, column in COLUMNS:
        if sqlite:
            op.execute(f"ALTER TABLE {table} ADD COLUMN {name} {definition}")
        else:
            op.add_column(table, column)


def downgrade() -> None:
    for table in ('service_request', 'stage_record'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name in reversed([c[1] for c in COLUMNS if c[0] == table]):
                batch_op.drop_column(name)
