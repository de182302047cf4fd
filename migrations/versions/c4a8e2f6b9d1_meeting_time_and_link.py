"""partnership meetings: an optional start time, length and online link

Revision ID: c4a8e2f6b9d1
Revises: c1a7e3f9d2b4
Create Date: 2026-12-20 10:00:00

A meeting may have a start time (UK local time) and a length in minutes, so that the calendar file
holds a timed event rather than an all-day one, and a link to join it online. All three are optional:
meetings scheduled before keep their date only.
"""
from alembic import op
import sqlalchemy as sa


revision = 'c4a8e2f6b9d1'
down_revision = 'c1a7e3f9d2b4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('partnership_meeting') as batch:
        batch.add_column(sa.Column('start_time', sa.Time(), nullable=True))
        batch.add_column(sa.Column('minutes', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('online_link', sa.String(length=500), nullable=True))


def downgrade():
    with op.batch_alter_table('partnership_meeting') as batch:
        batch.drop_column('online_link')
        batch.drop_column('minutes')
        batch.drop_column('start_time')
