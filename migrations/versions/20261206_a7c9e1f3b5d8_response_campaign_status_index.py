"""One index on response (campaign, status, version, completion time) instead of the
campaign's alone: the results pages count completed responses per campaign (0.5 s to 0.12 s at
100,000 responses on SQLite) and read the data revision (0.1 s to 0.04 s) from the index,
without reading any row and its answers.

Revision ID: a7c9e1f3b5d8
Revises: f4a6c8e0b2d5
Create Date: 2026-12-06
"""
from alembic import op

revision = 'a7c9e1f3b5d8'
down_revision = 'f4a6c8e0b2d5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_response_campaign_status', 'response',
                    ['campaign_id', 'status', 'version_id', 'completed_at'])
    op.drop_index('ix_response_campaign_id', table_name='response')


def downgrade():
    op.create_index('ix_response_campaign_id', 'response', ['campaign_id'])
    op.drop_index('ix_response_campaign_status', table_name='response')
