"""indexes of complaints raised from another's new issue, and of open service requests

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 23:40:00.000000

Opening a complaint lists the complaints logged from its new issues (Code 6.8); the index
finds them without reading every complaint. The deadline panel lists the service requests
still open; the second index finds those few among ten years of done ones. Indexes only:
SQLite adds them in place.
"""
from alembic import op


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_complaint_related_to_id', 'complaint', ['related_to_id'], unique=False)
    op.create_index('ix_service_request_open', 'service_request', ['done_on'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_service_request_open', table_name='service_request')
    op.drop_index('ix_complaint_related_to_id', table_name='complaint')
