"""password resets and progressive sign-in delays

Revision ID: c1a7e3f9d2b4
Revises: c7a3e9d1f5b2
Create Date: 2026-12-08 01:00:00

A user keeps the hash of their one "forgotten your password" link and when it expires. Sign-in
throttling counts per account and address with progressive delays (tracker/accounts/signin.py):
its rows are short-lived counters, so the table is made afresh rather than converted.
"""
from alembic import op
import sqlalchemy as sa


revision = 'c1a7e3f9d2b4'
down_revision = 'c7a3e9d1f5b2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reset_token_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('reset_expires_at', sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_user_account_reset_token_hash'), ['reset_token_hash'], unique=False)
    op.drop_table('sign_in_throttle')
    op.create_table('sign_in_throttle',
    sa.Column('key', sa.String(length=300), nullable=False),
    sa.Column('checks', sa.Integer(), nullable=False),
    sa.Column('last_at', sa.DateTime(), nullable=False),
    sa.Column('next_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_sign_in_throttle'))
    )


def downgrade():
    op.drop_table('sign_in_throttle')
    op.create_table('sign_in_throttle',
    sa.Column('key', sa.String(length=300), nullable=False),
    sa.Column('window_start', sa.DateTime(), nullable=False),
    sa.Column('checks', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_sign_in_throttle'))
    )
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_account_reset_token_hash'))
        batch_op.drop_column('reset_expires_at')
        batch_op.drop_column('reset_token_hash')
