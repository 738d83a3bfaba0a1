"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 18:17:14.253772
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('closure_day',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('note', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('day')
    )
    op.create_table('resident',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('address', sa.String(), nullable=False),
    sa.Column('phone', sa.String(), nullable=False),
    sa.Column('email', sa.String(), nullable=False),
    sa.Column('preferred_channel', sa.String(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('resident', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_resident_name'), ['name'], unique=False)

    op.create_table('setting',
    sa.Column('key', sa.String(), nullable=False),
    sa.Column('value', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('complaint',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=False),
    sa.Column('representative_name', sa.String(), nullable=False),
    sa.Column('representative_relationship', sa.String(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('channel', sa.String(), nullable=False),
    sa.Column('category', sa.String(), nullable=False),
    sa.Column('resident_words', sa.String(), nullable=False),
    sa.Column('status', sa.String(), nullable=False),
    sa.Column('current_stage', sa.Integer(), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['resident_id'], ['resident.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaint_category'), ['category'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaint_received_on'), ['received_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaint_reference'), ['reference'], unique=True)
        batch_op.create_index(batch_op.f('ix_complaint_resident_id'), ['resident_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaint_status'), ['status'], unique=False)

    op.create_table('audit_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(), nullable=False),
    sa.Column('action', sa.String(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=True),
    sa.Column('details_json', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaint.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entry_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entry_complaint_id'), ['complaint_id'], unique=False)

    op.create_table('refusal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.Integer(), nullable=False),
    sa.Column('refused_on', sa.Date(), nullable=False),
    sa.Column('exclusion_reason', sa.String(), nullable=False),
    sa.Column('explanation', sa.String(), nullable=False),
    sa.Column('ombudsman_right_explained', sa.Boolean(), nullable=False),
    sa.Column('refused_by', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaint.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('complaint_id')
    )
    op.create_table('stage_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.Integer(), nullable=False),
    sa.Column('opened_on', sa.Date(), nullable=False),
    sa.Column('handler', sa.String(), nullable=False),
    sa.Column('escalation_reason', sa.String(), nullable=False),
    sa.Column('acknowledged_on', sa.Date(), nullable=True),
    sa.Column('responded_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaint.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('stage_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stage_record_complaint_id'), ['complaint_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stage_record_handler'), ['handler'], unique=False)

    op.create_table('withdrawal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.Integer(), nullable=False),
    sa.Column('withdrawn_on', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(), nullable=False),
    sa.Column('recorded_by', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaint.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('complaint_id')
    )
    op.create_table('definition',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('stage_id', sa.Integer(), nullable=False),
    sa.Column('understanding', sa.String(), nullable=False),
    sa.Column('outcomes_sought', sa.String(), nullable=False),
    sa.Column('responsible_aspects', sa.String(), nullable=False),
    sa.Column('not_responsible_aspects', sa.String(), nullable=False),
    sa.Column('defined_on', sa.Date(), nullable=False),
    sa.Column('defined_by', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['stage_id'], ['stage_record.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('definition', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_definition_stage_id'), ['stage_id'], unique=False)

    op.create_table('extension',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('stage_id', sa.Integer(), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('previous_due', sa.Date(), nullable=False),
    sa.Column('new_due', sa.Date(), nullable=False),
    sa.Column('working_days_beyond_target', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(), nullable=False),
    sa.Column('told_resident_on', sa.Date(), nullable=True),
    sa.Column('ombudsman_details_given', sa.Boolean(), nullable=False),
    sa.Column('good_reason', sa.String(), nullable=False),
    sa.Column('decided_by', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['stage_id'], ['stage_record.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('extension', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_extension_stage_id'), ['stage_id'], unique=False)

    op.create_table('response',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('stage_id', sa.Integer(), nullable=False),
    sa.Column('responded_on', sa.Date(), nullable=False),
    sa.Column('decision', sa.String(), nullable=False),
    sa.Column('reasons', sa.String(), nullable=False),
    sa.Column('remedy', sa.String(), nullable=False),
    sa.Column('outstanding_actions', sa.String(), nullable=False),
    sa.Column('responded_by', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['stage_id'], ['stage_record.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('stage_id')
    )
    op.create_table('deadline',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('stage_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.String(), nullable=False),
    sa.Column('clock_start', sa.Date(), nullable=False),
    sa.Column('working_days', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('skipped_json', sa.String(), nullable=False),
    sa.Column('region', sa.String(), nullable=False),
    sa.Column('provisional', sa.Boolean(), nullable=False),
    sa.Column('extension_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('met_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaint.id'], ),
    sa.ForeignKeyConstraint(['extension_id'], ['extension.id'], ),
    sa.ForeignKeyConstraint(['stage_id'], ['stage_record.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('deadline', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deadline_active'), ['active'], unique=False)
        batch_op.create_index(batch_op.f('ix_deadline_complaint_id'), ['complaint_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_deadline_due_on'), ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_deadline_stage_id'), ['stage_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('deadline', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deadline_stage_id'))
        batch_op.drop_index(batch_op.f('ix_deadline_due_on'))
        batch_op.drop_index(batch_op.f('ix_deadline_complaint_id'))
        batch_op.drop_index(batch_op.f('ix_deadline_active'))

    op.drop_table('deadline')
    op.drop_table('response')
    with op.batch_alter_table('extension', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_extension_stage_id'))

    op.drop_table('extension')
    with op.batch_alter_table('definition', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_definition_stage_id'))

    op.drop_table('definition')
    op.drop_table('withdrawal')
    with op.batch_alter_table('stage_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stage_record_handler'))
        batch_op.drop_index(batch_op.f('ix_stage_record_complaint_id'))

    op.drop_table('stage_record')
    op.drop_table('refusal')
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entry_complaint_id'))
        batch_op.drop_index(batch_op.f('ix_audit_entry_at'))

    op.drop_table('audit_entry')
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complaint_status'))
        batch_op.drop_index(batch_op.f('ix_complaint_resident_id'))
        batch_op.drop_index(batch_op.f('ix_complaint_reference'))
        batch_op.drop_index(batch_op.f('ix_complaint_received_on'))
        batch_op.drop_index(batch_op.f('ix_complaint_category'))

    op.drop_table('complaint')
    op.drop_table('setting')
    with op.batch_alter_table('resident', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_resident_name'))

    op.drop_table('resident')
    op.drop_table('closure_day')
