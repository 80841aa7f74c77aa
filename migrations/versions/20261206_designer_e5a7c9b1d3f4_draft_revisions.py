"""The designer's history of a draft: every save kept (its number, definition, who and when).

Revision ID: e5a7c9b1d3f4
Revises: c89d9cda4a41
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = 'e5a7c9b1d3f4'
down_revision = 'c89d9cda4a41'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')


def upgrade():
    op.create_table(
        'draft_revision',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('draft_id', sa.Integer(),
                  sa.ForeignKey('questionnaire_draft.id', ondelete='CASCADE'), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('definition_data', JSON, nullable=False),
        sa.Column('summary', sa.String(200), nullable=False),
        sa.Column('saved_by', sa.Integer(),
                  sa.ForeignKey('user_account.id', ondelete='SET NULL'), nullable=True),
        sa.Column('saved_at', sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint('draft_id', 'number'),
    )
    op.create_index('ix_draft_revision_draft_id', 'draft_revision', ['draft_id'])


def downgrade():
    op.drop_index('ix_draft_revision_draft_id', table_name='draft_revision')
    op.drop_table('draft_revision')
