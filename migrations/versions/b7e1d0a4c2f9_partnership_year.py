"""partnership year: block windows, dated agreements, deferral cohorts, withdrawal and extension dates, meeting cancellation

Revision ID: b7e1d0a4c2f9
Revises: 570ebff098bb
Create Date: 2026-12-01 08:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b7e1d0a4c2f9'
down_revision = '570ebff098bb'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('block_window',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort', sa.Integer(), nullable=False),
    sa.Column('course_group', sa.String(length=16), nullable=False),
    sa.Column('block', sa.Integer(), nullable=False),
    sa.Column('opens', sa.Date(), nullable=False),
    sa.Column('closes', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['cohort'], ['cohort.number'], name=op.f('fk_block_window_cohort_cohort')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_block_window')),
    sa.UniqueConstraint('cohort', 'course_group', 'block', name=op.f('uq_block_window_cohort_course_group_block'))
    )
    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.add_column(sa.Column('school_contract_signed_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('sponsorship_agreement_signed_on', sa.Date(), nullable=True))
    with op.batch_alter_table('deferral', schema=None) as batch_op:
        batch_op.add_column(sa.Column('from_cohort', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('to_cohort', sa.Integer(), nullable=True))
    with op.batch_alter_table('withdrawal_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('withdrawn_on', sa.Date(), nullable=True))
    with op.batch_alter_table('extension', schema=None) as batch_op:
        batch_op.add_column(sa.Column('agreed_on', sa.Date(), nullable=True))
    with op.batch_alter_table('partnership_meeting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cancelled_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('partnership_meeting', schema=None) as batch_op:
        batch_op.drop_column('cancelled_at')
    with op.batch_alter_table('extension', schema=None) as batch_op:
        batch_op.drop_column('agreed_on')
    with op.batch_alter_table('withdrawal_request', schema=None) as batch_op:
        batch_op.drop_column('withdrawn_on')
    with op.batch_alter_table('deferral', schema=None) as batch_op:
        batch_op.drop_column('to_cohort')
        batch_op.drop_column('from_cohort')
    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.drop_column('sponsorship_agreement_signed_on')
        batch_op.drop_column('school_contract_signed_on')
    op.drop_table('block_window')
