"""data version, and indexes for pages that must not grow with national size

Revision ID: 7d3f0c2a9b41
Revises: 7d1c3e5a9b20
Create Date: 2026-12-01 09:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = '7d3f0c2a9b41'
down_revision = '7d1c3e5a9b20'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('data_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_version'))
    )
    with op.batch_alter_table('assessment_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_record_recorded_on'), ['recorded_on'], unique=False)


def downgrade():
    with op.batch_alter_table('assessment_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_record_recorded_on'))
    op.drop_table('data_version')
