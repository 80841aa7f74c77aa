"""Assisted collection: each evaluation's key pair (the private key encrypted with the
instance secret) and who collected each assisted response, with its idempotency key's digest.

Revision ID: e4b8c2d6f0a1
Revises: e8a2c4f6b1d3
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

revision = 'e4b8c2d6f0a1'
down_revision = 'e8a2c4f6b1d3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'evaluation_key',
        sa.Column('evaluation_id', sa.Integer(), nullable=False),
        sa.Column('public_pem', sa.Text(), nullable=False),
        sa.Column('private_pem', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['evaluation_id'], ['evaluation.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('evaluation_id'),
    )
    op.create_table(
        'collection',
        sa.Column('response_id', sa.Integer(), nullable=False),
        sa.Column('evaluation_id', sa.Integer(), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('collected_by', sa.Integer(), nullable=True),
        sa.Column('consent', sa.String(16), nullable=False),
        sa.Column('key_hash', sa.String(64), nullable=False),
        sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['response_id'], ['response.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['evaluation_id'], ['evaluation.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['collected_by'], ['user_account.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('response_id'),
        sa.UniqueConstraint('key_hash'),
    )
    op.create_index('ix_collection_collector', 'collection',
                    ['collected_by', 'evaluation_id', 'received_at'])


def downgrade():
    op.drop_index('ix_collection_collector', table_name='collection')
    op.drop_table('collection')
    op.drop_table('evaluation_key')
