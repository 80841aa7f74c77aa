"""Roster entries are retired, never deleted: ``team_member.retired``.

A member dropped from a team's roster used to be deleted, and a later member could get the
same code, so old answers naming the first would have read as the second. Existing members are
all active (false).

Revision ID: a9c1e3f5b7d9
Revises: 3b7d9f1a5c2e
Create Date: 2026-12-04
"""
import sqlalchemy as sa
from alembic import op

revision = 'a9c1e3f5b7d9'
down_revision = '3b7d9f1a5c2e'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('team_member') as batch:
        batch.add_column(sa.Column('retired', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('team_member') as batch:
        batch.drop_column('retired')
