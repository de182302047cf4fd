"""upload jobs: a large upload is checked and imported by a job, which its pending upload names

Revision ID: c4e8b1d7a2f5
Revises: c4d8e2a6f1b3
Create Date: 2026-12-07 19:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'c4e8b1d7a2f5'
down_revision = 'c4d8e2a6f1b3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('pending_upload', schema=None) as batch_op:
        batch_op.add_column(sa.Column('job_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_pending_upload_job_id_job'), 'job', ['job_id'], ['id'])


def downgrade():
    with op.batch_alter_table('pending_upload', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_pending_upload_job_id_job'), type_='foreignkey')
        batch_op.drop_column('job_id')
