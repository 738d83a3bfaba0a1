"""index of complaints raised from another's new issue

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 23:40:00.000000

Opening a complaint lists the complaints logged from its new issues (Code 6.8); the index
finds them without reading every complaint. An index only: SQLite adds it in place.
"""
from alembic import op


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_complaint_related_to_id', 'complaint', ['related_to_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_complaint_related_to_id', table_name='complaint')
