"""dfe sync: DfE's enrolments, delivery partners and statements, and when each sync began

Revision ID: b5e2d8f4a1c6
Revises: f3a9c1e7d5b2
Create Date: 2026-12-14 10:00:00

What `dfe sync` keeps of DfE's lists: each enrolment DfE holds (matched to a tracker participant,
or not in the tracker), the delivery partners DfE lists for EDT (chosen from on a partner's page),
DfE's monthly statements (cut-off and payment dates), and each sync's start (the next reads from a
little before it).
"""
from alembic import op
import sqlalchemy as sa


revision = 'b5e2d8f4a1c6'
down_revision = 'f3a9c1e7d5b2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('dfe_enrolment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dfe_participant_id', sa.String(length=36), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('course_identifier', sa.String(length=64), nullable=False),
    sa.Column('schedule_identifier', sa.String(length=40), nullable=True),
    sa.Column('cohort', sa.Integer(), nullable=True),
    sa.Column('training_status', sa.String(length=16), nullable=True),
    sa.Column('funded_place', sa.Boolean(), nullable=True),
    sa.Column('participant_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'],
                            name=op.f('fk_dfe_enrolment_participant_id_participant'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dfe_enrolment')),
    sa.UniqueConstraint('dfe_participant_id', 'course_identifier',
                        name=op.f('uq_dfe_enrolment_dfe_participant_id_course_identifier'))
    )
    op.create_index(op.f('ix_dfe_enrolment_dfe_participant_id'), 'dfe_enrolment', ['dfe_participant_id'], unique=False)
    op.create_index(op.f('ix_dfe_enrolment_participant_id'), 'dfe_enrolment', ['participant_id'], unique=False)
    op.create_table('dfe_delivery_partner',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dfe_id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('cohorts', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dfe_delivery_partner')),
    sa.UniqueConstraint('dfe_id', name=op.f('uq_dfe_delivery_partner_dfe_id'))
    )
    op.create_table('dfe_statement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dfe_id', sa.String(length=36), nullable=False),
    sa.Column('month', sa.String(length=12), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('cohort', sa.Integer(), nullable=False),
    sa.Column('cut_off_date', sa.Date(), nullable=False),
    sa.Column('payment_date', sa.Date(), nullable=False),
    sa.Column('paid', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dfe_statement')),
    sa.UniqueConstraint('dfe_id', name=op.f('uq_dfe_statement_dfe_id'))
    )
    op.create_table('dfe_sync',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('read', sa.Integer(), nullable=False),
    sa.Column('matched', sa.Integer(), nullable=False),
    sa.Column('changed', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dfe_sync'))
    )


def downgrade():
    op.drop_table('dfe_sync')
    op.drop_table('dfe_statement')
    op.drop_table('dfe_delivery_partner')
    op.drop_index(op.f('ix_dfe_enrolment_participant_id'), table_name='dfe_enrolment')
    op.drop_index(op.f('ix_dfe_enrolment_dfe_participant_id'), table_name='dfe_enrolment')
    op.drop_table('dfe_enrolment')
