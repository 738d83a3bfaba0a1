"""facts a spreadsheet never held are stored as not known; imported records are marked
until a handler verifies them

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 14:10:00.000000

Issue 18: the importer used to fill in what a sheet did not hold (every extension decided
on its deadline day, the Ombudsman's details given, the 2.4 explanation given). Those
columns may now be NULL (not known). Complaints the importer wrote (their resident's words
say so) are marked `imported_from`, and on them the facts it invented, dated before the
complaint was moved in, become not known: an extension decided on the very deadline it
replaced, whether the Ombudsman's details were given with it, whether a refusal explained
the Ombudsman route, and a "good reason" that is only the sheet's extension reason.
"""
from __future__ import annotations

import re

from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

_IMPORTED = "Not recorded: this complaint was moved in from the complaints spreadsheet (%"
_MOVED_IN_BEFORE = "(SELECT c.id FROM complaint c WHERE c.imported_from != '' AND {day} <= DATE(c.created_at))"


def _allow_null(table: str, columns: dict) -> None:
    """Drop these columns' NOT NULL. SQLite cannot alter a column: the table is rebuilt from
    its own CREATE statement less those NOT NULLs, so every other constraint keeps its place
    (a batch rebuild orders them differently run to run, and a restore compares schemas)."""
    bind = op.get_bind()
    if bind.dialect.name != 'sqlite':
        for column, type_ in columns.items():
            op.alter_column(table, column, existing_type=type_, nullable=True)
        return
    create, = bind.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).one()
    indexes = [sql for (sql,) in bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL", (table,))]
    rebuilt, renamed = re.subn(rf'^CREATE TABLE\s+"?{table}"?', f'CREATE TABLE _rebuilt_{table}', create)
    assert renamed == 1, create
    for column in columns:
        rebuilt, dropped = re.subn(rf'(\b{column}\s+\w+)\s+NOT NULL', r'\1', rebuilt, count=1, flags=re.IGNORECASE)
        assert dropped == 1, f"{table}.{column} is not NOT NULL"
    op.execute(rebuilt)
    op.execute(f'INSERT INTO _rebuilt_{table} SELECT * FROM {table}')
    op.execute(f'DROP TABLE {table}')
    op.execute(f'ALTER TABLE _rebuilt_{table} RENAME TO {table}')
    for sql in indexes:
        op.execute(sql)


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == 'sqlite'
    op.add_column('complaint', sa.Column('imported_from', sa.String(), nullable=False, server_default=''))
    op.add_column('complaint', sa.Column('verified_on', sa.Date(), nullable=True))
    if sqlite:  # in place: see 0008
        op.execute('ALTER TABLE complaint ADD COLUMN verified_by_staff_id INTEGER REFERENCES staff (id)')
    else:
        op.add_column('complaint', sa.Column('verified_by_staff_id', sa.Integer(), sa.ForeignKey('staff.id'), nullable=True))
    _allow_null('extension', {'decided_on': sa.Date(), 'ombudsman_details_given': sa.Boolean()})
    _allow_null('refusal', {'ombudsman_right_explained': sa.Boolean()})

    complaint = sa.table('complaint', sa.column('imported_from', sa.String()), sa.column('resident_words', sa.String()))
    op.execute(complaint.update().where(complaint.c.resident_words.like(_IMPORTED)).values(imported_from='spreadsheet'))
    extension_of_import = (
        "stage_id IN (SELECT s.id FROM stage_record s JOIN complaint c ON c.id = s.complaint_id "
        "WHERE c.imported_from != '' AND extension.decided_on <= DATE(c.created_at))"
    )
    op.execute(f"UPDATE extension SET good_reason = '' WHERE good_reason = reason AND {extension_of_import}")
    op.execute(f"UPDATE extension SET ombudsman_details_given = NULL WHERE {extension_of_import}")
    op.execute(f"UPDATE extension SET decided_on = NULL WHERE decided_on = previous_due AND {extension_of_import}")
    op.execute("UPDATE refusal SET ombudsman_right_explained = NULL WHERE complaint_id IN "
               + _MOVED_IN_BEFORE.format(day="refusal.refused_on"))


def downgrade() -> None:
    op.execute("UPDATE extension SET decided_on = previous_due WHERE decided_on IS NULL")
    op.execute("UPDATE extension SET ombudsman_details_given = FALSE WHERE ombudsman_details_given IS NULL")
    op.execute("UPDATE refusal SET ombudsman_right_explained = FALSE WHERE ombudsman_right_explained IS NULL")
    with op.batch_alter_table('refusal') as batch_op:
        batch_op.alter_column('ombudsman_right_explained', existing_type=sa.Boolean(), nullable=False)
    with op.batch_alter_table('extension') as batch_op:
        batch_op.alter_column('decided_on', existing_type=sa.Date(), nullable=False)
        batch_op.alter_column('ombudsman_details_given', existing_type=sa.Boolean(), nullable=False)
    with op.batch_alter_table('complaint') as batch_op:
        batch_op.drop_column('verified_by_staff_id')
        batch_op.drop_column('verified_on')
        batch_op.drop_column('imported_from')
