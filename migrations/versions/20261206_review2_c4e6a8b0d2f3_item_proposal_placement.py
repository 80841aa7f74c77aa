"""An accepted new-item proposal's placement in the next draft: the page it goes on and the
item as written (code, type, text, choices), so every later decision of the round rebuilds
the same next draft.

Revision ID: c4e6a8b0d2f3
Revises: a7c9e1b3d5f2
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = 'c4e6a8b0d2f3'
down_revision = 'a7c9e1b3d5f2'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')


def upgrade():
    op.add_column('item_proposal', sa.Column('placement', JSON, nullable=True))


def downgrade():
    op.drop_column('item_proposal', 'placement')
