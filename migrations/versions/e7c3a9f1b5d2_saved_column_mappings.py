"""saved column mappings: a file's own headings read as a kind's fields, remembered per partner and kind

Revision ID: e7c3a9f1b5d2
Revises: d2b6f0a8c4e1
Create Date: 2026-12-10 10:00:00

A new table of mappings (one per partner, kind and set of headings; EDT's own uploads have no
partner and count as owner 0 in the unique index), and on each pending upload the mapping it is
read with and the saved one it came from. Existing uploads were read in the kind's own columns.
"""
from alembic import op
import sqlalchemy as sa


revision = 'e7c3a9f1b5d2'
down_revision = 'd2b6f0a8c4e1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('saved_mapping',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('headings_key', sa.String(length=64), nullable=False),
    sa.Column('column_mapping', sa.Text(), nullable=False),
    sa.Column('saved_by', sa.String(length=254), nullable=False),
    sa.Column('saved_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['delivery_partner.id'],
                            name=op.f('fk_saved_mapping_partner_id_delivery_partner'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_mapping'))
    )
    with op.batch_alter_table('saved_mapping', schema=None) as batch_op:
        batch_op.create_index('uq_saved_mapping_owner_kind_headings',
                              [sa.text('coalesce(partner_id, 0)'), 'kind', 'headings_key'], unique=True)
    with op.batch_alter_table('pending_upload', schema=None) as batch_op:
        batch_op.add_column(sa.Column('column_mapping', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('headings_key', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('saved_mapping_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_pending_upload_saved_mapping_id_saved_mapping'), 'saved_mapping',
                                    ['saved_mapping_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('pending_upload', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_pending_upload_saved_mapping_id_saved_mapping'), type_='foreignkey')
        batch_op.drop_column('saved_mapping_id')
        batch_op.drop_column('headings_key')
        batch_op.drop_column('column_mapping')
    with op.batch_alter_table('saved_mapping', schema=None) as batch_op:
        batch_op.drop_index('uq_saved_mapping_owner_kind_headings')
    op.drop_table('saved_mapping')
