"""self-assessment answers and report texts

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 18:43:20.426820
"""
from alembic import op
import sqlalchemy as sa



revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('assessment_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('provision', sa.String(), nullable=False),
    sa.Column('comply', sa.String(), nullable=False),
    sa.Column('evidence', sa.String(), nullable=False),
    sa.Column('commentary', sa.String(), nullable=False),
    sa.Column('carried_over', sa.Boolean(), nullable=False),
    sa.Column('changed_by', sa.String(), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('year', 'provision')
    )
    with op.batch_alter_table('assessment_answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_answer_year'), ['year'], unique=False)

    op.create_table('report_text',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('part', sa.String(), nullable=False),
    sa.Column('text', sa.String(), nullable=False),
    sa.Column('changed_by', sa.String(), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('year', 'part')
    )
    with op.batch_alter_table('report_text', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_text_year'), ['year'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('report_text', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_text_year'))

    op.drop_table('report_text')
    with op.batch_alter_table('assessment_answer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_answer_year'))

    op.drop_table('assessment_answer')
