"""participants' other emails: addresses they also use, matched ignoring case, each one participant's

Revision ID: d2b6f0a8c4e1
Revises: c4e8b1d7a2f5
Create Date: 2026-12-09 10:00:00

A child table of (participant, email) with a unique index on lower(email): an address is another
email of one participant at most. Existing participants have none.
"""
from alembic import op
import sqlalchemy as sa


revision = 'd2b6f0a8c4e1'
down_revision = 'c4e8b1d7a2f5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('participant_other_email',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'],
                            name=op.f('fk_participant_other_email_participant_id_participant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_participant_other_email'))
    )
    with op.batch_alter_table('participant_other_email', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_participant_other_email_participant_id'), ['participant_id'], unique=False)
        batch_op.create_index('uq_participant_other_email_lower', [sa.text('lower(email)')], unique=True)


def downgrade():
    with op.batch_alter_table('participant_other_email', schema=None) as batch_op:
        batch_op.drop_index('uq_participant_other_email_lower')
        batch_op.drop_index(batch_op.f('ix_participant_other_email_participant_id'))
    op.drop_table('participant_other_email')
