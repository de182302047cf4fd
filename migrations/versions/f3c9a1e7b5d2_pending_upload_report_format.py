"""a pending upload names the partner's report it is (Teams, Zoom, Moodle), to be reviewed as one

Revision ID: f3c9a1e7b5d2
Revises: e7c3a9f1b5d2
Create Date: 2026-12-10 10:00:00

A file recognised as a report (imports/reports/registry.py) is kept like any upload, but its
preview is the proposed register or credits, made from the report with the options the person
chooses; `report_format` is the format's name (registry.FORMATS). Existing uploads are none.
"""
from alembic import op
import sqlalchemy as sa


revision = 'f3c9a1e7b5d2'
down_revision = 'e7c3a9f1b5d2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('pending_upload', schema=None) as batch_op:
        batch_op.add_column(sa.Column('report_format', sa.String(length=40), nullable=True))


def downgrade():
    with op.batch_alter_table('pending_upload', schema=None) as batch_op:
        batch_op.drop_column('report_format')
