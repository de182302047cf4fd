"""declarations sent once: DfE's id, a note, DfE's refusals, reopening voided ones, refreshes

Revision ID: 7d1c3e5a9b20
Revises: 7b3e1c9d2a40
Create Date: 2026-12-01 08:45:00

"""
from alembic import op
import sqlalchemy as sa


revision = '7d1c3e5a9b20'
down_revision = '7b3e1c9d2a40'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('declaration_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('current', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('dfe_id', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('note', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('errors', sa.Text(), nullable=True))
        batch_op.drop_constraint('uq_declaration_record_participant_id_declaration_type', type_='unique')
        batch_op.create_unique_constraint(
            batch_op.f('uq_declaration_record_participant_id_declaration_type_current'),
            ['participant_id', 'declaration_type', 'current'])
        batch_op.create_index(batch_op.f('ix_declaration_record_dfe_id'), ['dfe_id'], unique=False)
    op.execute("UPDATE declaration_record SET current = true")
    with op.batch_alter_table('declaration_record', schema=None) as batch_op:
        batch_op.alter_column('note', server_default=None)
    op.create_table('declaration_refresh',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('read', sa.Integer(), nullable=False),
    sa.Column('changed', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_declaration_refresh'))
    )


def downgrade():
    op.drop_table('declaration_refresh')
    op.execute("DELETE FROM import_batch WHERE kind = 'declaration-states'")
    op.execute("DELETE FROM declaration_event WHERE declaration_id IN "
               "(SELECT id FROM declaration_record WHERE current IS NULL)")
    op.execute("DELETE FROM declaration_record WHERE current IS NULL")
    with op.batch_alter_table('declaration_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_declaration_record_dfe_id'))
        batch_op.drop_constraint(batch_op.f('uq_declaration_record_participant_id_declaration_type_current'),
                                 type_='unique')
        batch_op.create_unique_constraint('uq_declaration_record_participant_id_declaration_type',
                                          ['participant_id', 'declaration_type'])
        batch_op.drop_column('errors')
        batch_op.drop_column('note')
        batch_op.drop_column('dfe_id')
        batch_op.drop_column('current')
