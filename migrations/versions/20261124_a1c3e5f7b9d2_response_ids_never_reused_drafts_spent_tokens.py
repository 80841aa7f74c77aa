"""Response ids never reused (SQLite AUTOINCREMENT), drafts of refused answers, spent tokens.

Revision ID: a1c3e5f7b9d2
Revises: 87dea8c498c1
Create Date: 2026-11-24
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = 'a1c3e5f7b9d2'
down_revision = '87dea8c498c1'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')


def upgrade():
    # Existing responses keep their ids and answers; their drafts start empty (the server
    # default stays: one rebuild only, which keeps AUTOINCREMENT). On SQLite the
    # table is rebuilt with AUTOINCREMENT (PostgreSQL sequences never reuse ids already).
    with op.batch_alter_table('response', recreate='always' if _sqlite() else 'auto',
                              table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.add_column(sa.Column('drafts', JSON, nullable=False,
                                      server_default=sa.text("'{}'")))
    op.create_table('spent_token',
                    sa.Column('digest', sa.String(length=64), nullable=False),
                    sa.Column('spent_at', sa.DateTime(timezone=True), nullable=False),
                    sa.PrimaryKeyConstraint('digest'))


def downgrade():
    op.drop_table('spent_token')
    with op.batch_alter_table('response', recreate='always' if _sqlite() else 'auto',
                              table_kwargs={'sqlite_autoincrement': False}) as batch_op:
        batch_op.drop_column('drafts')


def _sqlite() -> bool:
    return op.get_bind().dialect.name == 'sqlite'
