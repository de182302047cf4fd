"""dfe jobs: a declaration being sent names the job sending it and the participant id its body used; a job's counts

Revision ID: c4d8e2a6f1b3
Revises: 9a4c6e1f2b38
Create Date: 2026-12-07 19:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'c4d8e2a6f1b3'
down_revision = '9a4c6e1f2b38'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('declaration_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('job_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('sent_as', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_declaration_record_job_id'), ['job_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_declaration_record_job_id_job'), 'job', ['job_id'], ['id'])
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.add_column(sa.Column('counts', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.drop_column('counts')
    with op.batch_alter_table('declaration_record', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_declaration_record_job_id_job'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_declaration_record_job_id'))
        batch_op.drop_column('sent_as')
        batch_op.drop_column('job_id')
