"""cached results shared by every worker and server, keyed by the data version

Revision ID: a9d4e2c7f1b3
Revises: c4a8e2f6b9d1
Create Date: 2026-12-08 01:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a9d4e2c7f1b3'
down_revision = 'c4a8e2f6b9d1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'cached_result',
        sa.Column('name', sa.String(length=32), nullable=False),
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('version', sa.String(length=32), nullable=False),
        sa.Column('value', sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint('name', 'key', name=op.f('pk_cached_result')),
    )


def downgrade():
    op.drop_table('cached_result')
