"""Pictures and sounds shown with questions: ``questionnaire_media``, one row per
content-addressed file (an XLSForm uploaded in a ZIP with its media). Nothing existing changes.

Revision ID: d3f5a7b9c1e4
Revises: 2ebbd9647973
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op

revision = 'd3f5a7b9c1e4'
down_revision = '2ebbd9647973'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'questionnaire_media',
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('content_type', sa.String(length=40), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('stored_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('name'),
    )


def downgrade():
    op.drop_table('questionnaire_media')
