"""Paper copies of a campaign, the entries typed back from them, and each campaign's paper
entry setting (single or double entry).

Revision ID: e2a4c6b8d0f1
Revises: d1f3a5c7e9b2
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

JsonDocument = sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')

revision = 'e2a4c6b8d0f1'
down_revision = 'd1f3a5c7e9b2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'paper_setting',
        sa.Column('campaign_id', sa.Integer(),
                  sa.ForeignKey('campaign.id', ondelete='CASCADE'), primary_key=True),
        sa.Column('double_entry', sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        'paper_copy',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('campaign_id', sa.Integer(), sa.ForeignKey('campaign.id'), nullable=False),
        sa.Column('identifier', sa.String(16), nullable=False),
        sa.Column('language', sa.String(8), nullable=False),
        sa.Column('printed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('printed_by_id', sa.Integer(), sa.ForeignKey('user_account.id'),
                  nullable=True),
        sa.Column('status', sa.String(16), nullable=False),
        sa.Column('response_id', sa.Integer(),
                  sa.ForeignKey('response.id', ondelete='SET NULL'), nullable=True),
        sa.Column('stored_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('revision', sa.Integer(), nullable=False, server_default='0'),
        sa.UniqueConstraint('identifier'),
        sa.UniqueConstraint('response_id'),
    )
    op.create_index('ix_paper_copy_campaign_id', 'paper_copy', ['campaign_id'])
    op.create_index('ix_paper_copy_status', 'paper_copy', ['status'])
    op.create_table(
        'paper_entry',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('copy_id', sa.Integer(), sa.ForeignKey('paper_copy.id', ondelete='CASCADE'),
                  nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('entered_by_id', sa.Integer(), sa.ForeignKey('user_account.id'),
                  nullable=True),
        sa.Column('answers', JsonDocument, nullable=False),
        sa.Column('entered_at', sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint('copy_id', 'number', name='uq_paper_entry_number'),
    )
    op.create_index('ix_paper_entry_copy_id', 'paper_entry', ['copy_id'])


def downgrade():
    op.drop_index('ix_paper_entry_copy_id', table_name='paper_entry')
    op.drop_table('paper_entry')
    op.drop_index('ix_paper_copy_status', table_name='paper_copy')
    op.drop_index('ix_paper_copy_campaign_id', table_name='paper_copy')
    op.drop_table('paper_copy')
    op.drop_table('paper_setting')
