"""dfe told of changes: deferral reasons, what was sent to DfE of a participant's changes, statement and outcome per declaration

Revision ID: b6e2d4f8a1c3
Revises: b5e2d8f4a1c6
Create Date: 2026-12-14 10:00:00

A deferral keeps DfE's reason for it (empty for those recorded before). Each change told to DfE
(withdraw, defer, resume, change-schedule, outcome) is a row with DfE's answer. A declaration
keeps the statement DfE put it on and the outcome (has_passed) DfE holds.
"""
from alembic import op
import sqlalchemy as sa


revision = 'b6e2d4f8a1c3'
down_revision = 'b5e2d8f4a1c6'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('deferral', sa.Column('reason', sa.String(length=40), nullable=True))
    op.add_column('declaration_record', sa.Column('statement_id', sa.String(length=64), nullable=True))
    op.add_column('declaration_record', sa.Column('has_passed', sa.Boolean(), nullable=True))
    op.create_table(
        'dfe_change',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('participant_id', sa.Integer(), nullable=False),
        sa.Column('action', sa.String(length=20), nullable=False),
        sa.Column('attributes', sa.Text(), nullable=False),
        sa.Column('result', sa.String(length=12), nullable=False),
        sa.Column('answer', sa.Text(), nullable=False),
        sa.Column('status', sa.Integer(), nullable=True),
        sa.Column('sent_at', sa.DateTime(), nullable=False),
        sa.Column('sent_by', sa.String(length=254), nullable=False),
        sa.Column('job_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['job_id'], ['job.id'], name=op.f('fk_dfe_change_job_id_job')),
        sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_dfe_change_participant_id_participant')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_dfe_change')),
    )
    with op.batch_alter_table('dfe_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dfe_change_job_id'), ['job_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dfe_change_participant_id'), ['participant_id'], unique=False)


def downgrade():
    with op.batch_alter_table('dfe_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dfe_change_participant_id'))
        batch_op.drop_index(batch_op.f('ix_dfe_change_job_id'))
    op.drop_table('dfe_change')
    op.drop_column('declaration_record', 'has_passed')
    op.drop_column('declaration_record', 'statement_id')
    op.drop_column('deferral', 'reason')
