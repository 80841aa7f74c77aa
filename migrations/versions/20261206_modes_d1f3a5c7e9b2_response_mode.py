"""How each response was collected: self (the participant alone, every earlier response),
assisted (with a navigator) or paper (typed back from a paper copy).

Revision ID: d1f3a5c7e9b2
Revises: c4e6a8b0d2f3
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

revision = 'd1f3a5c7e9b2'
down_revision = 'c4e6a8b0d2f3'
branch_labels = None
depends_on = None


def upgrade():
    # the table keeps AUTOINCREMENT on SQLite if it is rebuilt (ids never reused)
    with op.batch_alter_table('response', table_kwargs={'sqlite_autoincrement': True}) as batch:
        batch.add_column(sa.Column('mode', sa.String(16), nullable=False, server_default='self'))


def downgrade():
    # the table keeps AUTOINCREMENT on SQLite if it is rebuilt (ids never reused)
    with op.batch_alter_table('response', table_kwargs={'sqlite_autoincrement': True}) as batch:
        batch.drop_column('mode')
