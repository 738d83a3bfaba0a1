"""around the complaint: vulnerabilities, adjustments, representatives, restrictions,
service requests, remedies, actions, Ombudsman cases, lessons; theme, root cause and
related complaint on complaints

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 01:22:30.371430

New complaint columns carry a server default so that rows from earlier releases stay valid.
"""
from alembic import op
import sqlalchemy as sa



revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('lesson',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('theme', sa.String(), nullable=False),
    sa.Column('lesson', sa.String(), nullable=False),
    sa.Column('improvement', sa.String(), nullable=False),
    sa.Column('recorded_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.Column('recorded_by', sa.String(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('lesson', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lesson_theme'), ['theme'], unique=False)

    op.create_table('adjustment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=False),
    sa.Column('description', sa.String(), nullable=False),
    sa.Column('agreed_on', sa.Date(), nullable=False),
    sa.Column('review_on', sa.Date(), nullable=False),
    sa.Column('reviewed_on', sa.Date(), nullable=True),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('recorded_by', sa.String(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['resident_id'], ['resident.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('adjustment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_adjustment_resident_id'), ['resident_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_adjustment_review_on'), ['review_on'], unique=False)

    op.create_table('representative',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('relationship', sa.String(), nullable=False),
    sa.Column('contact', sa.String(), nullable=False),
    sa.Column('authority_confirmed_on', sa.Date(), nullable=True),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('recorded_by', sa.String(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['resident_id'], ['resident.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('representative', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_representative_resident_id'), ['resident_id'], unique=False)

    op.create_table('restriction',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=False),
    sa.Column('restriction', sa.String(), nullable=False),
    sa.Column('reasons', sa.String(), nullable=False),
    sa.Column('decided_by', sa.String(), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('review_on', sa.Date(), nullable=False),
    sa.Column('reviewed_on', sa.Date(), nullable=True),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('recorded_by', sa.String(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['resident_id'], ['resident.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('restriction', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_restriction_resident_id'), ['resident_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_restriction_review_on'), ['review_on'], unique=False)

    op.create_table('vulnerability',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=False),
    sa.Column('description', sa.String(), nullable=False),
    sa.Column('disclosed_on', sa.Date(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('recorded_by', sa.String(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['resident_id'], ['resident.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('vulnerability', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vulnerability_resident_id'), ['resident_id'], unique=False)

    op.create_table('action',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.Integer(), nullable=False),
    sa.Column('description', sa.String(), nullable=False),
    sa.Column('owner', sa.String(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.Column('update', sa.String(), nullable=False),
    sa.Column('recorded_by', sa.String(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaint.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_complaint_id'), ['complaint_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_due_on'), ['due_on'], unique=False)

    op.create_table('lesson_complaint',
    sa.Column('lesson_id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaint.id'], ),
    sa.ForeignKeyConstraint(['lesson_id'], ['lesson.id'], ),
    sa.PrimaryKeyConstraint('lesson_id', 'complaint_id')
    )
    op.create_table('ombudsman_case',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('ombudsman_reference', sa.String(), nullable=False),
    sa.Column('opened_on', sa.Date(), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('chfo_on', sa.Date(), nullable=True),
    sa.Column('chfo_reason', sa.String(), nullable=False),
    sa.Column('recorded_by', sa.String(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaint.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('ombudsman_case', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ombudsman_case_complaint_id'), ['complaint_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ombudsman_case_ombudsman_reference'), ['ombudsman_reference'], unique=False)

    op.create_table('remedy',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('description', sa.String(), nullable=False),
    sa.Column('amount_pence', sa.Integer(), nullable=True),
    sa.Column('parts_json', sa.String(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('offered_on', sa.Date(), nullable=False),
    sa.Column('accepted_on', sa.Date(), nullable=True),
    sa.Column('declined_on', sa.Date(), nullable=True),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.Column('recorded_by', sa.String(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaint.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('remedy', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_remedy_complaint_id'), ['complaint_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_remedy_due_on'), ['due_on'], unique=False)

    op.create_table('service_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('category', sa.String(), nullable=False),
    sa.Column('description', sa.String(), nullable=False),
    sa.Column('target_days', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.Column('outcome', sa.String(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=True),
    sa.Column('recorded_by', sa.String(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaint.id'], ),
    sa.ForeignKeyConstraint(['resident_id'], ['resident.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('service_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_request_complaint_id'), ['complaint_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_request_due_on'), ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_request_received_on'), ['received_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_request_reference'), ['reference'], unique=True)
        batch_op.create_index(batch_op.f('ix_service_request_resident_id'), ['resident_id'], unique=False)

    op.create_table('ombudsman_finding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('issue', sa.String(), nullable=False),
    sa.Column('determination', sa.String(), nullable=False),
    sa.Column('determined_on', sa.Date(), nullable=False),
    sa.Column('recorded_by', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['ombudsman_case.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('ombudsman_finding', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ombudsman_finding_case_id'), ['case_id'], unique=False)

    op.create_table('ombudsman_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('description', sa.String(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('met_on', sa.Date(), nullable=True),
    sa.Column('recorded_by', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['ombudsman_case.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('ombudsman_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ombudsman_request_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ombudsman_request_due_on'), ['due_on'], unique=False)

    op.create_table('ombudsman_order',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('finding_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('description', sa.String(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('complied_on', sa.Date(), nullable=True),
    sa.Column('evidence', sa.String(), nullable=False),
    sa.Column('recorded_by', sa.String(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['ombudsman_case.id'], ),
    sa.ForeignKeyConstraint(['finding_id'], ['ombudsman_finding.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('ombudsman_order', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ombudsman_order_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ombudsman_order_due_on'), ['due_on'], unique=False)

    # Plain ALTER TABLE ... ADD COLUMN: SQLite adds a column with a REFERENCES clause in
    # place. A batch copy of `complaint` would have to drop a table others refer to.
    op.add_column('complaint', sa.Column('theme', sa.String(), nullable=False, server_default=''))
    op.add_column('complaint', sa.Column('root_cause', sa.String(), nullable=False, server_default=''))
    op.execute('ALTER TABLE complaint ADD COLUMN related_to_id INTEGER REFERENCES complaint (id)')



def downgrade() -> None:
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.drop_column('related_to_id')
        batch_op.drop_column('root_cause')
        batch_op.drop_column('theme')

    with op.batch_alter_table('ombudsman_order', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ombudsman_order_due_on'))
        batch_op.drop_index(batch_op.f('ix_ombudsman_order_case_id'))

    op.drop_table('ombudsman_order')
    with op.batch_alter_table('ombudsman_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ombudsman_request_due_on'))
        batch_op.drop_index(batch_op.f('ix_ombudsman_request_case_id'))

    op.drop_table('ombudsman_request')
    with op.batch_alter_table('ombudsman_finding', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ombudsman_finding_case_id'))

    op.drop_table('ombudsman_finding')
    with op.batch_alter_table('service_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_request_resident_id'))
        batch_op.drop_index(batch_op.f('ix_service_request_reference'))
        batch_op.drop_index(batch_op.f('ix_service_request_received_on'))
        batch_op.drop_index(batch_op.f('ix_service_request_due_on'))
        batch_op.drop_index(batch_op.f('ix_service_request_complaint_id'))

    op.drop_table('service_request')
    with op.batch_alter_table('remedy', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_remedy_due_on'))
        batch_op.drop_index(batch_op.f('ix_remedy_complaint_id'))

    op.drop_table('remedy')
    with op.batch_alter_table('ombudsman_case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ombudsman_case_ombudsman_reference'))
        batch_op.drop_index(batch_op.f('ix_ombudsman_case_complaint_id'))

    op.drop_table('ombudsman_case')
    op.drop_table('lesson_complaint')
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_due_on'))
        batch_op.drop_index(batch_op.f('ix_action_complaint_id'))

    op.drop_table('action')
    with op.batch_alter_table('vulnerability', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vulnerability_resident_id'))

    op.drop_table('vulnerability')
    with op.batch_alter_table('restriction', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_restriction_review_on'))
        batch_op.drop_index(batch_op.f('ix_restriction_resident_id'))

    op.drop_table('restriction')
    with op.batch_alter_table('representative', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_representative_resident_id'))

    op.drop_table('representative')
    with op.batch_alter_table('adjustment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_adjustment_review_on'))
        batch_op.drop_index(batch_op.f('ix_adjustment_resident_id'))

    op.drop_table('adjustment')
    with op.batch_alter_table('lesson', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lesson_theme'))

    op.drop_table('lesson')
