"""an upload's check keeps the first records it would change, with their old and new values

Revision ID: a8d4f2c6e0b7
Revises: f3c9a1e7b5d2
Create Date: 2026-12-10 10:00:00

pending_upload.changes: JSON of imports/changes.Changes (the count, and the first changes in
words). Uploads checked before have none: their preview lists no changes.
"""
from alembic import op
import sqlalchemy as sa


revision = 'a8d4f2c6e0b7'
down_revision = 'f3c9a1e7b5d2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('pending_upload', schema=None) as batch_op:
        batch_op.add_column(sa.Column('changes', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('pending_upload', schema=None) as batch_op:
        batch_op.drop_column('changes')
