"""an index for the year's figures, the second: extensions by the day they count on

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 19:10:00.000000

Issue 22.6: the annual report and the self-assessment read only the year's rows. An
extension counts in the year it was decided, or, its decision date not known (imported),
the year of the deadline it replaced (rules.measures.extension_counted_on):
ix_extension_counted_on indexes that very expression, so the year's extensions are found
without reading every extension of ten years. An index only: SQLite adds it in place, without
copying a table.
"""
from alembic import op
import sqlalchemy as sa


revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_extension_counted_on', 'extension', [sa.text('coalesce(decided_on, previous_due)')], unique=False)


def downgrade() -> None:
    op.drop_index('ix_extension_counted_on', table_name='extension')
