"""A participant's display options kept on the response, so that they follow it to another
device through its private link: larger text, faces beside the points of agreement scales.
Every earlier response had neither.

Revision ID: e8a2c4f6b1d3
Revises: e2a4c6b8d0f1
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

revision = 'e8a2c4f6b1d3'
down_revision = 'e2a4c6b8d0f1'
branch_labels = None
depends_on = None


def upgrade():
    # the table keeps AUTOINCREMENT on SQLite if it is rebuilt (ids never reused)
    with op.batch_alter_table('response', table_kwargs={'sqlite_autoincrement': True}) as batch:
        batch.add_column(sa.Column('larger_text', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
        batch.add_column(sa.Column('faces', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))


def downgrade():
    # the table keeps AUTOINCREMENT on SQLite if it is rebuilt (ids never reused)
    with op.batch_alter_table('response', table_kwargs={'sqlite_autoincrement': True}) as batch:
        batch.drop_column('faces')
        batch.drop_column('larger_text')
