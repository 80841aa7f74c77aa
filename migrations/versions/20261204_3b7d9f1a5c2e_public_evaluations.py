"""Public evaluations: whether the home page lists an evaluation's open campaigns.

Off for every existing evaluation, except the demonstration evaluation made on first run, so
the demonstration keeps working through its campaigns.

Revision ID: 3b7d9f1a5c2e
Revises: f2a4c6e8b0d1
Create Date: 2026-12-04
"""
import sqlalchemy as sa
from alembic import op

revision = '3b7d9f1a5c2e'
down_revision = 'f2a4c6e8b0d1'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN with its default (no table rebuild on SQLite, which would fail on the
    # foreign keys of the rows that reference an evaluation).
    op.add_column('evaluation', sa.Column('is_public', sa.Boolean(), nullable=False,
                                          server_default=sa.false()))
    evaluation = sa.table('evaluation', sa.column('is_demo', sa.Boolean()),
                          sa.column('is_public', sa.Boolean()))
    op.execute(evaluation.update().where(evaluation.c.is_demo.is_(True))
               .values(is_public=True))


def downgrade():
    # Plain DROP COLUMN (SQLite 3.35+ has it): rebuilding the table, as batch mode would on
    # SQLite, fails on the foreign keys of the rows that reference an evaluation.
    op.execute('ALTER TABLE evaluation DROP COLUMN is_public')
