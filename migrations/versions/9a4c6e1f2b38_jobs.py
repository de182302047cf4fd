"""jobs: long work done by a worker process, with its progress and result; the job sending an email batch

Revision ID: 9a4c6e1f2b38
Revises: 5e8a4d2c7b16
Create Date: 2026-12-07 17:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = '9a4c6e1f2b38'
down_revision = '5e8a4d2c7b16'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('params', sa.Text(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=True),
    sa.Column('started_by', sa.String(length=254), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('result', sa.LargeBinary(), nullable=True),
    sa.Column('result_name', sa.String(length=255), nullable=True),
    sa.Column('result_type', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('heartbeat_at', sa.DateTime(), nullable=True),
    sa.Column('worker', sa.String(length=255), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['delivery_partner.id'], name=op.f('fk_job_partner_id_delivery_partner')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job'))
    )
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_job_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_job_partner_id'), ['partner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_job_state'), ['state'], unique=False)
    with op.batch_alter_table('email_batch', schema=None) as batch_op:
        batch_op.add_column(sa.Column('job_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_email_batch_job_id_job'), 'job', ['job_id'], ['id'])


def downgrade():
    with op.batch_alter_table('email_batch', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_email_batch_job_id_job'), type_='foreignkey')
        batch_op.drop_column('job_id')
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_state'))
        batch_op.drop_index(batch_op.f('ix_job_partner_id'))
        batch_op.drop_index(batch_op.f('ix_job_created_at'))
    op.drop_table('job')
