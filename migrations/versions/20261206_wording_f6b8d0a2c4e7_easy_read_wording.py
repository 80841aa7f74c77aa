"""Easy-read wording: the wording each response is shown in (standard or easy, every earlier
response standard) and the wording(s) its pages were answered in (standard, easy or mixed;
NULL until a page is saved: exports then give the wording shown, standard for every earlier
response).

Revision ID: f6b8d0a2c4e7
Revises: e5a7c9b1d3f4
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

revision = 'f6b8d0a2c4e7'
down_revision = 'e5a7c9b1d3f4'
branch_labels = None
depends_on = None


def upgrade():
    # the table keeps AUTOINCREMENT on SQLite if it is rebuilt (ids never reused)
    with op.batch_alter_table('response', table_kwargs={'sqlite_autoincrement': True}) as batch:
        batch.add_column(sa.Column('wording', sa.String(8), nullable=False,
                                   server_default='standard'))
        batch.add_column(sa.Column('answered_in', sa.String(8), nullable=True))


def downgrade():
    # the table keeps AUTOINCREMENT on SQLite if it is rebuilt (ids never reused)
    with op.batch_alter_table('response', table_kwargs={'sqlite_autoincrement': True}) as batch:
        batch.drop_column('answered_in')
        batch.drop_column('wording')
