"""participant IDs match ignoring case: a unique index on lower(participant_id)

Revision ID: 7c1d2e3f4a5b
Revises: b7e1d0a4c2f9
Create Date: 2026-12-01 09:30:00

IDs stay stored as given; pages, searches and imports find "ex001" as "EX001", so two IDs may
no longer differ by case alone. A database that already holds such a pair is not changed: the
upgrade stops and names them, for EDT to merge or rename first.
"""
from alembic import op
import sqlalchemy as sa


revision = '7c1d2e3f4a5b'
down_revision = 'b7e1d0a4c2f9'
branch_labels = None
depends_on = None


def upgrade():
    clashes = op.get_bind().execute(sa.text(
        "SELECT lower(participant_id) FROM participant GROUP BY lower(participant_id) HAVING count(*) > 1"
    )).scalars().all()
    if clashes:
        raise RuntimeError("participant IDs that differ only by case: " + ", ".join(sorted(clashes)[:20])
                           + ": rename or merge them, then run init again")
    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.create_index('uq_participant_participant_id_lower', [sa.text('lower(participant_id)')], unique=True)


def downgrade():
    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.drop_index('uq_participant_participant_id_lower')
