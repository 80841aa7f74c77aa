"""Panel codes: each evaluation's setting (off, carried by invitations or self-generated; the
chosen questions; the salt of its key) and each response's keyed hash.

Existing evaluations get panel codes off and no salt; existing responses no panel code.

Revision ID: b8d0f2a4c6e9
Revises: e7f9a1b3c5d8
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = 'b8d0f2a4c6e9'
down_revision = 'e7f9a1b3c5d8'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')


def upgrade():
    with op.batch_alter_table('evaluation') as batch_op:
        batch_op.add_column(sa.Column('panel_mode', sa.String(length=16), nullable=False,
                                      server_default='off'))
        batch_op.add_column(sa.Column('panel_questions', JSON, nullable=False,
                                      server_default='[]'))
        batch_op.add_column(sa.Column('panel_salt', sa.String(length=64), nullable=True))
    # A nullable column: no rebuild of the response table (its AUTOINCREMENT stays).
    op.add_column('response', sa.Column('panel_hash', sa.String(length=64), nullable=True))
    op.create_index('ix_response_panel_hash', 'response', ['panel_hash'])


def downgrade():
    op.drop_index('ix_response_panel_hash', table_name='response')
    with op.batch_alter_table('response', recreate='always' if _sqlite() else 'auto',
                              table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.drop_column('panel_hash')
    with op.batch_alter_table('evaluation') as batch_op:
        batch_op.drop_column('panel_salt')
        batch_op.drop_column('panel_questions')
        batch_op.drop_column('panel_mode')


def _sqlite() -> bool:
    return op.get_bind().dialect.name == 'sqlite'
