"""who is who at DfE: participants' DfE participant id and enrolment, the cohorts DfE confirms a partner for

Revision ID: f3a9c1e7d5b2
Revises: a8d4f2c6e0b7
Create Date: 2026-12-12 10:00:00

Per participant: DfE's participant id (a UUID, indexed: DfE's lists and answers name it), and the
enrolment DfE holds (course identifier, schedule identifier, cohort year, training status, funded
place). Per delivery partner: the cohorts DfE confirms it for (its DfE id was already kept).
All empty for existing rows: not known until `dfe sync` or a participants file gives them.
"""
from alembic import op
import sqlalchemy as sa


revision = 'f3a9c1e7d5b2'
down_revision = 'a8d4f2c6e0b7'
branch_labels = None
depends_on = None


COLUMNS = (('dfe_participant_id', sa.String(length=36)), ('dfe_course_identifier', sa.String(length=64)),
           ('dfe_schedule_identifier', sa.String(length=40)), ('dfe_cohort', sa.Integer()),
           ('dfe_training_status', sa.String(length=16)), ('dfe_funded_place', sa.Boolean()))


# Plain ALTER TABLE, not a batch: SQLite (3.35 and later) adds and drops these columns in place, and a
# batch's copy of `participant` would lose its index on lower(participant_id).
def upgrade():
    for name, kind in COLUMNS:
        op.add_column('participant', sa.Column(name, kind, nullable=True))
    op.create_index(op.f('ix_participant_dfe_participant_id'), 'participant', ['dfe_participant_id'], unique=False)
    op.add_column('delivery_partner', sa.Column('dfe_cohorts', sa.String(length=200), nullable=True))


def downgrade():
    op.drop_column('delivery_partner', 'dfe_cohorts')
    op.drop_index(op.f('ix_participant_dfe_participant_id'), table_name='participant')
    for name, _ in reversed(COLUMNS):
        op.drop_column('participant', name)
