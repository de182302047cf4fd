"""refund statement per declaration: the statement DfE put a voided paid declaration's refund on

Revision ID: c7a3e9d1f5b2
Revises: b6e2d4f8a1c3
Create Date: 2026-12-08 01:00:00

A paid declaration that is voided becomes awaiting-clawback at DfE, and DfE puts the refund on its
next output-fee statement: `clawback_statement_id` (dfe/README.md, section 2).
"""
from alembic import op
import sqlalchemy as sa


revision = 'c7a3e9d1f5b2'
down_revision = 'b6e2d4f8a1c3'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('declaration_record', sa.Column('clawback_statement_id', sa.String(length=64), nullable=True))


def downgrade():
    op.drop_column('declaration_record', 'clawback_statement_id')
