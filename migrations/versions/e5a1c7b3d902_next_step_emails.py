"""next-step emails: a template per partner, and every batch sent with each message's outcome

Revision ID: e5a1c7b3d902
Revises: 7d3f0c2a9b41
Create Date: 2026-12-01 11:55:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'e5a1c7b3d902'
down_revision = '7d3f0c2a9b41'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('email_template',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('updated_by', sa.String(length=254), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['delivery_partner.id'],
                            name=op.f('fk_email_template_partner_id_delivery_partner')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_email_template')),
    sa.UniqueConstraint('partner_id', name=op.f('uq_email_template_partner_id'))
    )
    op.create_table('email_batch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=True),
    sa.Column('sent_by', sa.String(length=254), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('requested', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['delivery_partner.id'],
                            name=op.f('fk_email_batch_partner_id_delivery_partner')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_email_batch')),
    sa.UniqueConstraint('token', name=op.f('uq_email_batch_token'))
    )
    with op.batch_alter_table('email_batch', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_email_batch_partner_id'), ['partner_id'], unique=False)
    op.create_table('email_sent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('to_address', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('sent', sa.Boolean(), nullable=False),
    sa.Column('problem', sa.Text(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['email_batch.id'], name=op.f('fk_email_sent_batch_id_email_batch')),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'],
                            name=op.f('fk_email_sent_participant_id_participant')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_email_sent'))
    )
    with op.batch_alter_table('email_sent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_email_sent_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_email_sent_participant_id'), ['participant_id'], unique=False)


def downgrade():
    with op.batch_alter_table('email_sent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_email_sent_participant_id'))
        batch_op.drop_index(batch_op.f('ix_email_sent_batch_id'))
    op.drop_table('email_sent')
    with op.batch_alter_table('email_batch', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_email_batch_partner_id'))
    op.drop_table('email_batch')
    op.drop_table('email_template')
