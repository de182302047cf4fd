"""uploads keep the outputs their file would newly meet, found by a dry-run recompute at upload

Revision ID: 5e8a4d2c7b16
Revises: e5a1c7b3d902
Create Date: 2026-12-01 11:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = '5e8a4d2c7b16'
down_revision = 'e5a1c7b3d902'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('pending_upload', schema=None) as batch_op:
        batch_op.add_column(sa.Column('meets', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('pending_upload', schema=None) as batch_op:
        batch_op.drop_column('meets')
